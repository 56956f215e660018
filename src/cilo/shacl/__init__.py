"""A general SHACL validator: SHACL Core and SHACL-SPARQL, compiled to SPARQL where it can be, fail-closed.

>>> report = cilo.shacl.validate("data.ttl", "shapes.ttl")        # doctest: +SKIP
>>> report.conforms, report.engine, report.results[0].constraint_component  # doctest: +SKIP

Nothing of cilo is added: no ontology, no base shapes (that is :func:`cilo.validate`). ``engine``:
``"auto"`` compiles every shape it can (:mod:`cilo.shacl.compiler`) and validates the rest with
pySHACL, one report; ``"fast"`` refuses a shapes graph it cannot compile whole
(:class:`cilo.ShapesError` naming the shape); ``"pyshacl"`` is the reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from cilo.choices import Engine
from cilo.errors import InputError
from cilo.loading import PathLike, literals_as_written, parse_into
from cilo.report import SEVERITY_ORDER, ValidationReport
from cilo.shacl.engine import Data, run
from cilo.shacl.remote import InStore, Located, Remote

Source = Graph | PathLike | Iterable[PathLike | Graph]
#: The data: as above, or a store or endpoint it lives in.
DataSource = Source | Located


def validate(
    data: DataSource, shapes: Source, *, engine: Engine = "auto", base: str | None = None
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (each an rdflib Graph, a path, or several) and return the
    report (``.conforms``, ``.results``, ``.engine``). ``data`` may also be a :class:`cilo.OxigraphStore`
    or :class:`cilo.Endpoint`: the compiled shapes then run there (:mod:`cilo.shacl.remote`)."""
    source = as_data(data, base)
    if isinstance(source, Data):
        source.locating = True  # results are located below
    outcome = run(source, as_graph(shapes), engine)
    results = sorted(outcome.results, key=order)
    if isinstance(source, Data | InStore):
        results = source.locate(results)
    return ValidationReport(results=results, profile="", engine=outcome.engine, warnings_conform=False)


def order(r: object) -> tuple[int, str, str, str, str]:
    """The order of results in a report: severity, focus node, value, shape, message."""
    return (
        SEVERITY_ORDER.get(r.severity, 3),  # type: ignore[attr-defined]
        str(r.focus_node),  # type: ignore[attr-defined]
        str(r.value),  # type: ignore[attr-defined]
        str(r.source_shape),  # type: ignore[attr-defined]
        r.message,  # type: ignore[attr-defined]
    )


def as_data(data: DataSource, base: str | None = None) -> Data | Remote:
    """``data`` as the engine's :class:`Data`, or where it lives."""
    if hasattr(data, "shacl_source"):
        return data.shacl_source()
    items = [data] if isinstance(data, Graph | str | Path) else list(data)
    if not items:
        raise InputError("the data", "no input file given")
    return Data(
        graphs=[g for g in items if isinstance(g, Graph)],
        files=[p for p in items if not isinstance(p, Graph)],
        base=base,
    )


def as_graph(shapes: Source) -> Graph:
    """The shapes as one rdflib Graph (files read with cilo's readers: errors name file and line)."""
    if isinstance(shapes, Graph):
        return shapes
    graph = Graph()
    for item in [shapes] if isinstance(shapes, str | Path) else list(shapes):
        if isinstance(item, Graph):
            graph += item
        else:
            with literals_as_written():  # SHACL compares the terms written in the shapes
                parse_into(graph, item)
    return graph


__all__ = ["validate"]
