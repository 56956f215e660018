"""Validate initiative descriptions against the cilo SHACL shapes, on the fast engine or pySHACL.

The data is validated together with the ontology (so that role -> function facts from Table 3 are
seen), in a new store (and, for pySHACL, a new graph): the caller's graph is never modified. The
ontology is parsed once per process, shapes once per content. :mod:`cilo.shacl` runs them: compiled
to SPARQL on Oxigraph where it can, pySHACL for the rest; this module adds cilo's own part (which
initiatives were checked, "did you mean ...?", what each result is about).
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cilo import nesting
from cilo.builder import Description, parse_date
from cilo.choices import ENGINES, Engine
from cilo.errors import InputError, ShapesError, UsageError
from cilo.loading import PathLike, literals_as_written, parse_data, read_checked
from cilo.namespace import CILO
from cilo.oxigraph import from_oxigraph, ontology_ntriples
from cilo.profile import read as read_profile
from cilo.report import ValidationReport, ValidationResult
from cilo.resources import DEFAULT_PROFILE, base_shapes_files, profile_file
from cilo.shacl import as_data, order
from cilo.shacl.engine import Data, run
from cilo.shacl.literals import restore
from cilo.shacl.remote import AtEndpoint, InStore, Located, Remote
from cilo.vocabulary import defined_terms, instances_of, label, local_name

CILOSH = Namespace("https://w3id.org/cilo/shapes#")

Source = Graph | Description | PathLike | Iterable[PathLike] | Located


def validate(
    data: Source,
    *,
    profile: str = DEFAULT_PROFILE,
    shapes: PathLike | None = None,
    base: str | None = None,
    engine: Engine = "auto",
    on: datetime.date | str | None = None,
) -> ValidationReport:
    """Validate ``data`` (a path, a list of paths, an rdflib Graph, a :class:`cilo.Description`, or
    where the data lives: an :class:`cilo.OxigraphStore` or :class:`cilo.Endpoint`, holding the
    ontology) and return the report.

    ``profile`` names a bundled profile (``nine-functions``, ``eight-functions``) or a file of your own
    (a ``.yaml`` declaration, :mod:`cilo.profile`, or its compiled ``.ttl``); ``shapes`` is a
    user's own shapes file used in its place. The base shapes (well-formed assignments, known
    terms, level consistency, advice) always apply. ``base`` is the base IRI for local ids in YAML,
    JSON and CSV files that set none. ``engine``: ``auto`` (each shape compiled to SPARQL and run
    over all its focus nodes at once on Oxigraph; a shape the compiler does not translate runs on
    pySHACL), ``fast`` (compiled shapes only: an error for a shape that is not) or ``pyshacl``
    (the reference); all give the same results (see :func:`cilo.shacl.validate`).

    ``on`` (a date, or ``YYYY-MM-DD``) validates the description as it stood that day: an assignment
    whose period had ended, or not begun, is left out; undated assignments always count.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    shapes_graph, profile_name = _shapes(profile, None if shapes is None else str(shapes))
    source = source_with_ontology(data, base)
    if isinstance(source, Data):
        source.locating = True  # results are located below
    day = None if on is None else as_day(on)
    if day is not None and not isinstance(source, Data):
        raise UsageError(
            f"{source.name}: validating on a date works on files, not where the data lives; "
            "validate the files with --on"
        )
    if day is not None and isinstance(source, Data):
        query = _NOT_IN_FORCE % (day.isoformat(), day.isoformat())
        source.leave_out({row["a"] for row in source.rows(query) if row["a"] is not None})
    # reads files while it compiles the shapes; asks for the initiatives among the compiled queries
    outcome = run(source, shapes_graph, engine, beside=partial(initiatives_of, source))
    initiatives, part_of = outcome.beside
    if isinstance(source, AtEndpoint) and any(isinstance(i, BNode) for i in initiatives):
        raise InputError(
            source.name,
            "an initiative is a blank node; at an endpoint, results can be tied to initiatives only "
            "by IRI (blank nodes cannot be named from one query to the next): give initiatives IRIs",
        )
    results = sorted(_with_suggestions(outcome.results, shapes_graph), key=order)
    if isinstance(source, Data | InStore):
        results = source.locate(results)
    about = {r.focus_node for r in results} - set(initiatives)
    if isinstance(source, AtEndpoint):
        neighbourhood = _remote_neighbourhood(source, {n for n in about if isinstance(n, URIRef)})
    else:
        neighbourhood = _neighbourhood(source.store(), about)
    return ValidationReport(
        part_of=part_of,
        results=results,
        profile=profile_name,
        initiatives=dict(sorted(initiatives.items(), key=lambda kv: str(kv[0]))),
        context=_context(neighbourhood, results, set(initiatives), nesting.below(part_of)),
        engine=outcome.engine,
        on=day,
    )


def source_with_ontology(data: Source, base: str | None = None) -> Data | Remote:
    """``data`` as the engine reads it, with the ontology beside it (added to files and graphs;
    required where the data lives)."""
    source = as_data(data.graph if isinstance(data, Description) else data, base)
    if isinstance(source, Data):
        source.extra_ntriples.append(ontology_ntriples())
    else:
        _require_ontology(source)
    return source


def initiatives_of(source: Data | Remote) -> tuple[dict[Node, str], dict[Node, tuple[Node, ...]]]:
    """Every initiative with its label (or IRI), and the programmes each is directly part of
    (``cilo:partOf``, among those initiatives); an error when there is no initiative."""
    names = {
        row["i"]: str(row["l"] if row["l"] is not None else row["i"]) for row in source.rows(_INITIATIVES)
    }
    if not names:
        raise _no_initiative([str(f) for f in source.files] if isinstance(source, Data) else [source.name])
    part_of: dict[Node, list[Node]] = defaultdict(list)
    for row in source.rows(_PART_OF):
        part, programme = row["i"], row["p"]
        if part in names and programme in names:
            part_of[part].append(programme)  # type: ignore[index, arg-type]
    found = {part: tuple(sorted(p, key=str)) for part, p in part_of.items()}
    return names, found  # type: ignore[return-value]


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

_PART_OF = "SELECT ?i ?p WHERE { ?i <https://w3id.org/cilo#partOf> ?p }"

#: The assignments not in force on a date: their period began after it, or ended before it.
_NOT_IN_FORCE = """SELECT DISTINCT ?a WHERE {
    ?a <http://www.w3.org/ns/org#memberDuring> ?period .
    { ?period <http://www.w3.org/2006/time#hasBeginning>/<http://www.w3.org/2006/time#inXSDDate> ?start
      FILTER (?start > "%s"^^<http://www.w3.org/2001/XMLSchema#date>) }
    UNION
    { ?period <http://www.w3.org/2006/time#hasEnd>/<http://www.w3.org/2006/time#inXSDDate> ?end
      FILTER (?end < "%s"^^<http://www.w3.org/2001/XMLSchema#date>) }
}"""


def as_day(on: datetime.date | str) -> datetime.date:
    """``on`` as a date; a :class:`cilo.UsageError` naming ``--on`` when it is not one."""
    try:
        return parse_date(on, "--on")
    except ValueError as e:
        raise UsageError(str(e)) from None


_HAS_ONTOLOGY = "SELECT ?r WHERE { ?r <https://w3id.org/cilo#representsFunction> ?f } LIMIT 1"


def _require_ontology(source: Remote) -> None:
    """Data validated where it lives must be there with the ontology (Table 3: which role is which
    function)."""
    if not source.rows(_HAS_ONTOLOGY):
        raise InputError(
            source.name,
            "the cilo ontology is not there (no cilo:representsFunction triples found): load it beside the "
            "data (ontology/cilo.ttl of cilo's sources, or from Python cilo.ontology().serialize()); "
            "`cilo store load` does so itself",
        )


#: What the text report says about focus nodes at an endpoint: their triples and their values' labels;
#: for an agent, its assignments' initiatives. Blank nodes cannot be asked for (see cilo.shacl.remote).
_ABOUT = """SELECT ?n ?p ?o ?ol ?a ?ai WHERE {
    VALUES ?n { %s }
    { ?n ?p ?o OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol } }
    UNION
    { ?a <https://w3id.org/cilo#agent> ?n OPTIONAL { ?a <https://w3id.org/cilo#initiative> ?ai } }
}"""


def _remote_neighbourhood(endpoint: AtEndpoint, nodes: set[URIRef]) -> Graph:
    """:func:`_neighbourhood` at an endpoint, asked for the IRIs in batches."""
    graph = Graph()
    ordered = sorted(nodes)
    for start in range(0, len(ordered), 200):
        values = " ".join(n.n3() for n in ordered[start : start + 200])
        for row in endpoint.rows(_ABOUT % values):
            n, p, o, ol, a, ai = (row[k] for k in ("n", "p", "o", "ol", "a", "ai"))
            assert n is not None
            if p is not None and o is not None:
                graph.add((n, p, o))
                if ol is not None:
                    graph.add((o, RDFS.label, ol))
            if a is not None:
                graph.add((a, CILO.agent, n))
                if ai is not None:
                    graph.add((a, CILO.initiative, ai))
    return graph


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
    if shapes_path is None and profile.endswith((".yaml", ".yml")):  # a profile declared as data
        declared = read_profile(profile)
        return _parsed_shapes(bundled, declared.to_turtle().encode("utf-8"), declared.name, None)
    if shapes_path is None and profile.endswith(".ttl"):
        shapes_path = profile
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


def _with_suggestions(results: Iterable[ValidationResult], shapes: Graph) -> list[ValidationResult]:
    """Add "did you mean ...?" to results of shapes that report unknown terms (each shape's
    candidates looked up once: a profile's results are thousands, of one shape)."""
    candidates: dict[Node, list[URIRef] | None] = {}
    suggested = []
    for result in results:
        shape = result.source_shape
        if shape is not None and result.value is not None:
            if shape not in candidates:
                candidates[shape] = _candidates(shape, shapes)
            terms = candidates[shape]
            if terms is not None:
                result = _suggested(result, terms)
        suggested.append(result)
    return suggested


def _candidates(shape: Node, shapes: Graph) -> list[URIRef] | None:
    """The terms a shape's results suggest (``cilosh:suggestInstancesOf``, ``cilosh:suggestAnyTerm``)."""
    cls = shapes.value(shape, CILOSH.suggestInstancesOf)
    if isinstance(cls, URIRef):
        return list(instances_of(cls))
    if shapes.value(shape, CILOSH.suggestAnyTerm) == Literal(True):
        return list(defined_terms())
    return None


def _suggested(result: ValidationResult, candidates: Iterable[URIRef]) -> ValidationResult:
    assert result.value is not None
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
    graph: Graph,
    results: list[ValidationResult],
    initiatives: set[Node],
    inheritors: dict[Node, set[Node]],
) -> dict[Node, tuple[str, tuple[Node, ...]]]:
    """For focus nodes that are not initiatives: a short description and their initiatives (an
    assignment of a programme belongs to its parts too, which count it as their own)."""
    context: dict[Node, tuple[str, tuple[Node, ...]]] = {}
    for r in results:
        node = r.focus_node
        if node in initiatives or node in context:
            continue
        owners = set(graph.objects(node, CILO.initiative))
        if owners or (node, RDF.type, CILO.RoleAssignment) in graph:
            what = sorted(
                label(x, graph) for p in (CILO.role, CILO.performsFunction) for x in graph.objects(node, p)
            )
            agents = sorted(label(a, graph) for a in graph.objects(node, CILO.agent))
            places = sorted(label(i, graph) for i in owners)
            about = (  # in the user's words: "Mira Laine as Evaluator in Lakeford youth"
                f"{', '.join(agents) or 'no agent'} as {' and '.join(what) or 'no role'}"
                f" in {', '.join(places) or 'no initiative'}"
            )
            if isinstance(node, URIRef):
                about = f"Assignment {local_name(node)} ({about})"
        else:
            for assignment in graph.subjects(CILO.agent, node):
                owners.update(graph.objects(assignment, CILO.initiative))
            about = f'Agent "{label(node, graph)}"'
        owners |= {part for owner in list(owners) for part in inheritors.get(owner, ())}
        context[node] = (about, tuple(sorted((o for o in owners if o in initiatives), key=str)))
    return context
