"""A fast SHACL engine on Oxigraph for the constraints cilo's shapes use: each constraint is one SPARQL
query over all its focus nodes, not one query per focus node as in pySHACL.

Supported: targets (class, subjects of, objects of, node), property paths (predicate, sequence,
inverse, alternative, zero/one-or-more, zero-or-one), ``sh:minCount``, ``sh:maxCount``,
``sh:class``, ``sh:datatype``, ``sh:or`` of ``sh:class`` shapes, and SHACL-SPARQL ``sh:select``
constraints on node shapes, with ``sh:message``, ``sh:severity`` and ``sh:deactivated``. A shapes
graph using anything else is :class:`UnsupportedError`, and :func:`cilo.validate` runs pySHACL instead.
pySHACL stays the reference: the test suite proves both engines give the same results.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from cilo.errors import UnsupportedError
from cilo.oxigraph import from_oxigraph, has_named_graphs
from cilo.report import ValidationResult
from cilo.stores import first_group

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_SUPPORTED = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["or"], SH.sparql, SH.property,
    SH.message, SH.severity, SH.deactivated, SH.name, SH.description, RDF.type, *_TARGETS,
}  # fmt: skip
_SH_NS = str(SH)


def validate(store: pyoxigraph.Store, shapes: Graph) -> list[ValidationResult]:
    """Every result of ``shapes`` on the data (and ontology) in ``store``."""
    union = has_named_graphs(store)

    def run(plan: tuple[str, Any]) -> list[ValidationResult]:
        query, make = plan
        try:
            solutions = store.query(query, use_default_graph_as_union=union)
        except (SyntaxError, ValueError, OSError) as e:  # pragma: no cover - the shapes are checked
            raise UnsupportedError(f"Oxigraph could not run a translated constraint: {e}") from None
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [make({n: from_oxigraph(s[n]) for n in names}) for s in solutions]

    # Oxigraph runs queries outside the GIL: the constraints run side by side, one per core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [result for found in pool.map(run, list(_plan(shapes))) for result in found]


def _plan(shapes: Graph) -> Iterator[tuple[str, Any]]:
    """(query, row -> ValidationResult) for every constraint of every shape with targets."""
    plans = []
    for shape in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        if _deactivated(shapes, shape):
            continue
        focus = _targets(shapes, shape)
        if (shape, SH.path, None) in shapes:
            plans += list(_property_shape(shapes, shape, focus))
            continue
        _check_keys(shapes, shape)
        for constraint in shapes.objects(shape, SH.sparql):
            plans.append(_sparql(shapes, shape, constraint, focus))
        for prop in shapes.objects(shape, SH.property):
            if not _deactivated(shapes, prop):
                plans += list(_property_shape(shapes, prop, focus))
    return iter(plans)


def _count_query(focus: str, path: str, key: URIRef, count: int) -> str:
    """The focus nodes with fewer than ``count`` distinct values (``sh:minCount``) or more
    (``sh:maxCount``). The common counts get forms Oxigraph runs about twice as fast as a
    GROUP BY: minCount 1 as OPTIONAL + !BOUND, maxCount 1 as two different values."""
    if key == SH.minCount and count == 1:
        return f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} FILTER (!BOUND(?v)) }}"
    if key == SH.maxCount and count == 1:
        return f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v, ?w . FILTER (!sameTerm(?v, ?w)) }}"
    if key == SH.minCount:  # counts over every focus node, those without values too
        values, compare = f"OPTIONAL {{ ?this {path} ?v }}", "<"
    else:
        values, compare = f"?this {path} ?v", ">"
    having = f"HAVING (COUNT(DISTINCT ?v) {compare} {count})"
    return f"SELECT ?this WHERE {{ {focus} {values} }} GROUP BY ?this {having}"


def _deactivated(shapes: Graph, shape: Node) -> bool:
    return shapes.value(shape, SH.deactivated) == Literal(True)


def _check_keys(shapes: Graph, shape: Node) -> None:
    for p in set(shapes.predicates(shape, None)):
        if str(p).startswith(_SH_NS) and p not in _SUPPORTED:
            raise UnsupportedError(f"{p} on {shape}")


def _targets(shapes: Graph, shape: Node) -> str:
    parts = []
    for c in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {_n3(c)} }}")
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {_n3(p)} ?targetObject }}")
    for p in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?targetSubject {_n3(p)} ?this }}")
    for n in shapes.objects(shape, SH.targetNode):
        parts.append(f"{{ VALUES ?this {{ {_n3(n)} }} }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _n3(term: Node) -> str:
    if not isinstance(term, URIRef | Literal):
        raise UnsupportedError(f"a blank node where an IRI or literal was expected: {term!r}")
    return term.n3()


def _path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return path.n3()
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, p) for p in Collection(shapes, path)) + ")"
    for key, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = shapes.value(path, key)
        if inner is not None:
            return "(" + template.format(_path(shapes, inner)) + ")"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    raise UnsupportedError(f"the path {path!r}")


def _property_shape(shapes: Graph, shape: Node, focus: str) -> Iterator[tuple[str, Any]]:
    _check_keys(shapes, shape)
    if (shape, SH.sparql, None) in shapes:
        raise UnsupportedError(f"SPARQL constraints on the property shape {shape}")
    message = shapes.value(shape, SH.message)
    if message is None:
        raise UnsupportedError(f"the property shape {shape} has no sh:message (pySHACL writes its own)")
    path_node = shapes.value(shape, SH.path)
    assert path_node is not None
    path = _path(shapes, path_node)
    severity = _severity(shapes, shape)
    result_path: Node | None = path_node

    def make(value_var: str | None) -> Any:
        def build(row: dict[str, Node | None]) -> ValidationResult:
            this = row["this"]
            assert this is not None
            return ValidationResult(
                severity, this, result_path, row.get(value_var) if value_var else None, shape, str(message)
            )

        return build

    for key in (SH.minCount, SH.maxCount):
        count = shapes.value(shape, key)
        if count is not None:
            yield _count_query(focus, path, key, int(str(count))), make(None)
    classes = list(shapes.objects(shape, SH["class"]))
    for either in shapes.objects(shape, SH["or"]):
        members = list(Collection(shapes, either))
        options = [shapes.value(m, SH["class"]) for m in members]
        if any(
            o is None or set(shapes.predicates(m, None)) - {SH["class"], RDF.type}
            for m, o in zip(members, options, strict=True)
        ):
            raise UnsupportedError(f"sh:or other than of sh:class shapes on {shape}")
        classes.append(tuple(options))  # type: ignore[arg-type]
    for cls in classes:
        allowed = " ".join(_n3(c) for c in (cls if isinstance(cls, tuple) else (cls,)))
        yield (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . "
            f"MINUS {{ ?value a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?allowed . "
            f"VALUES ?allowed {{ {allowed} }} }} }}",
            make("value"),
        )
    for datatype in shapes.objects(shape, SH.datatype):
        yield (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . "
            f"FILTER (!isLiteral(?value) || datatype(?value) != {_n3(datatype)}) }}",
            make("value"),
        )


def _severity(shapes: Graph, shape: Node) -> URIRef:
    severity = shapes.value(shape, SH.severity)
    return severity if isinstance(severity, URIRef) else SH.Violation


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def _sparql(shapes: Graph, shape: Node, constraint: Node, focus: str) -> tuple[str, Any]:
    select = shapes.value(constraint, SH.select)
    if select is None or _deactivated(shapes, constraint):
        raise UnsupportedError(f"a SPARQL constraint without sh:select on {shape}")
    text = _prefixes(shapes, constraint) + re.sub(r"\$this\b", "?this", str(select))
    if "$" in re.sub(r'"[^"]*"', "", text):
        raise UnsupportedError(f"pre-bound variables other than $this in {shape}")
    at = first_group(text) + 1
    query = text[:at] + f" {focus} " + text[at:]
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    severity = _severity(shapes, shape)

    def build(row: dict[str, Node | None]) -> ValidationResult:
        this = row["this"]
        assert this is not None
        value = row.get("value") if row.get("value") is not None else this
        text = _TEMPLATE.sub(lambda m: _shown(row.get(m.group(1))), str(message or ""))
        return ValidationResult(severity, this, row.get("path"), value, shape, text)

    return query, build


def _shown(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)
