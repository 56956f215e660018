"""Validate initiative descriptions against the cilo SHACL shapes, on the fast engine or pySHACL.

The data is validated together with the ontology (so that role -> function facts from Table 3 are
seen), in a new store (and, for pySHACL, a new graph): the caller's graph is never modified. The
ontology is parsed once per process, shapes once per content. :mod:`cilo.shacl` runs them: compiled
to SPARQL on Oxigraph where it can, pySHACL for the rest; this module adds cilo's own part (which
initiatives were checked, "did you mean ...?", what each result is about).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cilo.choices import ENGINES, Engine
from cilo.errors import InputError, ShapesError, UsageError
from cilo.loading import PathLike, literals_as_written, parse_data, read_checked
from cilo.namespace import CILO
from cilo.oxigraph import from_oxigraph, ontology_ntriples
from cilo.report import ValidationReport, ValidationResult
from cilo.resources import DEFAULT_PROFILE, base_shapes_files, profile_file
from cilo.shacl import as_data, order
from cilo.shacl.engine import run
from cilo.shacl.literals import restore
from cilo.vocabulary import defined_terms, instances_of, label, local_name

CILOSH = Namespace("https://w3id.org/cilo/shapes#")

Data = Graph | PathLike | Iterable[PathLike]


def validate(
    data: Data,
    *,
    profile: str = DEFAULT_PROFILE,
    shapes: PathLike | None = None,
    base: str | None = None,
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate ``data`` (a path, a list of paths, or an rdflib Graph) and return the report.

    ``profile`` names a bundled profile (``nine-functions``, ``eight-functions``); ``shapes`` is a
    user's own shapes file used in its place. The base shapes (well-formed assignments, known
    terms, level consistency, advice) always apply. ``base`` is the base IRI for local ids in YAML,
    JSON and CSV files that set none. ``engine``: ``auto`` (each shape compiled to SPARQL and run
    over all its focus nodes at once on Oxigraph; a shape the compiler does not translate runs on
    pySHACL), ``fast`` (compiled shapes only: an error for a shape that is not) or ``pyshacl``
    (the reference); all give the same results (see :func:`cilo.shacl.validate`).
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    shapes_graph, profile_name = _shapes(profile, None if shapes is None else str(shapes))
    source = as_data(data, base)
    source.extra_ntriples.append(ontology_ntriples())
    store = source.store()
    initiatives = {
        from_oxigraph(s["i"]): str(s["l"].value) if s["l"] is not None else str(s["i"].value)
        for s in _select(store, _INITIATIVES)
    }
    if not initiatives:
        raise _no_initiative([str(f) for f in source.files])
    outcome = run(source, shapes_graph, engine)
    results = sorted((_with_suggestion(r, shapes_graph) for r in outcome.results), key=order)
    neighbourhood = _neighbourhood(store, {r.focus_node for r in results} - set(initiatives))
    return ValidationReport(
        results=results,
        profile=profile_name,
        initiatives=dict(sorted(initiatives.items(), key=lambda kv: str(kv[0]))),  # type: ignore[arg-type]
        context=_context(neighbourhood, results, set(initiatives)),  # type: ignore[arg-type]
        engine=outcome.engine,
    )


def _no_initiative(sources: list[str]) -> InputError:
    return InputError(
        ", ".join(sources) or "the data",
        "no cilo:Initiative found; a description needs at least one node typed "
        "cilo:Initiative (https://w3id.org/cilo#Initiative)",
    )


_INITIATIVES = """SELECT ?i (SAMPLE(?label) AS ?l) WHERE {
    ?i a <https://w3id.org/cilo#Initiative>
    OPTIONAL { ?i <http://www.w3.org/2000/01/rdf-schema#label> ?label }
} GROUP BY ?i"""


def _select(store: pyoxigraph.Store, query: str) -> pyoxigraph.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return solutions


def _to_oxigraph(node: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    return pyoxigraph.BlankNode(str(node)) if isinstance(node, BNode) else pyoxigraph.NamedNode(str(node))


def _neighbourhood(store: pyoxigraph.Store, nodes: set[Node]) -> Graph:
    """The triples the text report needs about ``nodes``: theirs, their values' labels, their assignments'."""
    graph = Graph()
    agent = pyoxigraph.NamedNode(str(CILO.agent))
    label_p = pyoxigraph.NamedNode(str(RDFS.label))

    def add(subject: Any, predicate: Any = None) -> list[Any]:
        found = []
        for q in store.quads_for_pattern(subject, predicate, None):
            triple = (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(restore(q.object)))
            graph.add(triple)  # type: ignore[arg-type]
            found.append(q.object)
        return found

    for node in nodes:
        if isinstance(node, Literal):
            continue
        o_node = _to_oxigraph(node)
        for obj in add(o_node):
            if not isinstance(obj, pyoxigraph.Literal):
                add(obj, label_p)
        for q in store.quads_for_pattern(None, agent, o_node):
            graph.add((from_oxigraph(q.subject), CILO.agent, node))  # type: ignore[arg-type]
            add(q.subject, pyoxigraph.NamedNode(str(CILO.initiative)))
    return graph


def _shapes(profile: str, shapes_path: str | None) -> tuple[Graph, str]:
    """The shapes graph (base shapes + profile or user's shapes) and the profile's name.

    Parsed graphs are cached by the files' content: a shapes file edited between two calls is read again.
    """
    bundled = tuple(f.read_bytes() for f in base_shapes_files())
    if shapes_path is None:
        return _parsed_shapes(bundled, profile_file(profile).read_bytes(), profile, None)
    return _parsed_shapes(bundled, read_checked(shapes_path), Path(shapes_path).name, shapes_path)


@lru_cache(maxsize=8)
def _parsed_shapes(bundled: tuple[bytes, ...], data: bytes, name: str, path: str | None) -> tuple[Graph, str]:
    graph = Graph()
    for content in bundled:
        graph.parse(data=content, format="turtle")
    if path is None:
        graph.parse(data=data, format="turtle")
        return graph, name
    with literals_as_written():  # SHACL compares the terms written in the shapes
        graph += parse_data(data, path)
    if not any(graph.subjects(RDF.type, SH.NodeShape)) and not any(graph.subjects(SH.targetClass, None)):
        raise ShapesError(f"{path}: no SHACL shape found")
    return graph, name


def _with_suggestion(result: ValidationResult, shapes: Graph) -> ValidationResult:
    """Add "did you mean ...?" to results of shapes that report unknown terms."""
    shape = result.source_shape
    if shape is None or result.value is None:
        return result
    cls = shapes.value(shape, CILOSH.suggestInstancesOf)
    if isinstance(cls, URIRef):
        candidates: Iterable[URIRef] = instances_of(cls)
    elif shapes.value(shape, CILOSH.suggestAnyTerm) == Literal(True):
        candidates = defined_terms()
    else:
        return result
    guess = nearest_term(result.value, candidates)
    if guess is None:
        return result
    shown = "cilo:" + local_name(guess) if str(guess).startswith(str(CILO)) else f"<{guess}>"
    return dataclasses.replace(result, message=f"{result.message} Did you mean {shown}?")


def nearest_term(value: Node, candidates: Iterable[URIRef]) -> URIRef | None:
    """The candidate whose local name is closest to that of ``value`` (case-insensitive), if any is close."""
    by_name = {local_name(c).lower(): c for c in candidates}
    wanted = (local_name(value) if isinstance(value, URIRef) else str(value)).lower()
    match = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.6)
    return by_name[match[0]] if match else None


def _context(
    graph: Graph, results: list[ValidationResult], initiatives: set[Node]
) -> dict[Node, tuple[str, tuple[Node, ...]]]:
    """For focus nodes that are not initiatives: a short description and their initiatives."""
    context: dict[Node, tuple[str, tuple[Node, ...]]] = {}
    for r in results:
        node = r.focus_node
        if node in initiatives or node in context:
            continue
        owners = set(graph.objects(node, CILO.initiative))
        if owners or (node, RDF.type, CILO.RoleAssignment) in graph:
            what = [
                label(x, graph) for p in (CILO.role, CILO.performsFunction) for x in graph.objects(node, p)
            ]
            agents = [label(a, graph) for a in graph.objects(node, CILO.agent)]
            about = f"Assignment {local_name(node)}"
            if agents or what:
                about += f" ({', '.join(agents) or 'no agent'}: {', '.join(what) or 'no role'})"
        else:
            for assignment in graph.subjects(CILO.agent, node):
                owners.update(graph.objects(assignment, CILO.initiative))
            about = f'Agent "{label(node, graph)}"'
        context[node] = (about, tuple(sorted((o for o in owners if o in initiatives), key=str)))
    return context
