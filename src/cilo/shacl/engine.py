"""Run a shapes graph: the compiled shapes on Oxigraph, the rest on pySHACL, one list of results.

Each shape with targets is compiled on its own (:mod:`cilo.shacl.compiler`); a shape the compiler
declines is validated by pySHACL, given the shapes graph with the targets of the compiled shapes taken
out (they stay there for the shapes that refer to them). The compiled queries run side by side on an
in-memory Oxigraph store holding the data with its literals as written (:mod:`cilo.shacl.literals`).
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cilo import process
from cilo.choices import ENGINES, Engine
from cilo.errors import InputError, QueryError, ShapesError, UnsupportedError, UsageError
from cilo.loading import PathLike, format_for, literals_as_written, parse_into, rdf_bytes, rejected
from cilo.oxigraph import term_converter, to_oxigraph
from cilo.report import ValidationResult
from cilo.safety import check_triples, give_back_freed_memory
from cilo.shacl import durations, reference
from cilo.shacl.compiler import ABSENT, Compiler, Plan, absent_plans, fused
from cilo.shacl.literals import Faithful, as_written, distinct, ill_typed, may_hold_rewritten, restore, rows
from cilo.shacl.reference import PreparedGraph
from cilo.shacl.remote import AtEndpoint, InStore, Remote
from cilo.shacl.sparql import SHAPES_GRAPH
from cilo.sources import SourceMap, locate_all

T = TypeVar("T")
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")
#: The formats :func:`may_hold_rewritten` reads.
_TEXT_FORMATS = (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.N_TRIPLES)


@dataclass
class Data:
    """The data to validate: rdflib Graphs and files, read once into the store (and, if pySHACL is
    needed, into one rdflib Graph)."""

    graphs: list[Graph] = field(default_factory=list)
    files: list[PathLike] = field(default_factory=list)
    base: str | None = None
    extra_ntriples: list[bytes] = field(default_factory=list)
    #: Which literals Oxigraph would rewrite, and where the data has stand-ins for them.
    faithful: Faithful = field(default_factory=Faithful)
    #: Where each node of the files was written (filled as they are read).
    sources: SourceMap = field(default_factory=SourceMap)
    _graph: Graph | None = None
    _store: pyoxigraph.Store | None = None
    #: Files read by cilo's readers (not Oxigraph's), kept when the store is made again.
    _by_cilo: dict[str, Graph] = field(default_factory=dict)
    #: The caller will locate results (:meth:`locate`): a file whose literals need not be read is
    #: scanned for its lines while Oxigraph's loader reads it.
    locating: bool = False
    #: Set once reading has handed a file to Oxigraph's loader, or is over: from then on it needs
    #: the interpreter little, and other Python work slows it little.
    _loading: threading.Event = field(default_factory=threading.Event)

    def leave_out(self, nodes: set[Node]) -> None:
        """Validate without the triples whose subject is one of ``nodes`` (for both engines)."""
        store = self.store()
        for node in nodes:
            for quad in list(store.quads_for_pattern(to_oxigraph(node), None, None)):
                store.remove(quad)
        if self._graph is not None:
            for node in nodes:
                self._graph.remove((node, None, None))

    def store(self) -> pyoxigraph.Store:
        """An in-memory Oxigraph store of the data, literals as written (read once)."""
        if self._store is None:
            try:
                self._store = self._read()
            finally:
                self._loading.set()
            process.keep(self)  # the cilo command ends without freeing it (0.5 s at 540,000 triples)
        return self._store

    def _read(self, by_rdflib: frozenset[str] = frozenset(), *, quick: bool = True) -> pyoxigraph.Store:
        """The store; files in ``by_rdflib`` (a literal past Oxigraph's 16 MiB buffer) read by cilo's
        readers. A file Oxigraph gives up on half-way starts the store again, read that way.

        A Turtle or N-Triples file is loaded by Oxigraph's own loader (``quick``), while this thread
        reads the same bytes for the literals storage would rewrite; when there is one, the store is
        made again with every quad passed through :meth:`Faithful.quads` (stand-ins for those literals)."""
        faithful = self.faithful
        store = pyoxigraph.Store()
        for chunk in self.extra_ntriples:
            store.extend(faithful.quads(pyoxigraph.parse(chunk, format=pyoxigraph.RdfFormat.N_TRIPLES)))
        for graph in self.graphs:
            store.extend(faithful.quads(_quads(graph)))
        for path in self.files:
            lines = self.sources.add(str(path), format_for(path))
            native = None if str(path) in by_rdflib else rdf_bytes(path)
            if native is None:
                graph = self._read_by_cilo(path, lines)
                store.extend(faithful.quads(_quads(graph)))
                continue
            data, fmt = native
            base_iri = Path(path).resolve().as_uri()
            quad_format = format_for(path) in ("nquads", "trig")
            before = faithful.passed
            try:
                if quick and not quad_format:
                    meanwhile = self.sources.scan_ahead if self.locating else None
                    if _load_quickly(store, data, fmt, base_iri, faithful, self._loading, meanwhile):
                        return self._read(by_rdflib, quick=False)
                else:
                    parsed = pyoxigraph.parse(data, format=fmt, base_iri=base_iri)
                    into = pyoxigraph.DefaultGraph() if quad_format else None
                    store.extend(faithful.quads(parsed, graph=into))
            except (SyntaxError, ValueError) as e:
                raise rejected(path, e, self.base) from None
            except MemoryError:  # Oxigraph's parser buffer (16 MiB): again, this file by rdflib
                return self._read(by_rdflib | {str(path)}, quick=quick)
            check_triples(path, faithful.passed - before)
        return store

    def scan_ahead(self) -> None:
        """Begin, in another thread, the scan of the files for the lines of their nodes (once: a scan
        begun is not begun again): before they are read, for a caller that will locate nodes (the scan
        runs while Oxigraph reads them), or once a query has found results (as :class:`InStore`)."""
        for path in self.files:
            self.sources.add(str(path), format_for(path))
        self.sources.scan_ahead()

    @property
    def name(self) -> str:
        return "the data"

    def locate(self, results: Iterable[ValidationResult]) -> list[ValidationResult]:
        """``results``, each with where its focus node was written (:mod:`cilo.sources`)."""
        return locate_all(results, self.sources, self.store())

    def rows(self, query: str) -> list[dict[str, Node | None]]:
        """The rows of a SELECT query over the store, literals as written (stand-ins restored)."""
        return rows(self.store(), query)

    def graph(self) -> Graph:
        """The data as one rdflib Graph (for pySHACL), made from the store: each file was read once,
        and both engines see the same triples, literals as written and blank nodes alike."""
        if self._graph is None:
            graph = PreparedGraph()
            convert = term_converter()
            seen: dict[object, Node | None] = {}
            for q in self.store().quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
                o = seen.get(q.object)
                if o is None:
                    o = seen[q.object] = as_written(restore(q.object))
                graph.add((convert(q.subject), convert(q.predicate), o))  # type: ignore[arg-type]
            self._graph = graph
        return self._graph

    def _read_by_cilo(self, path: PathLike, lines: dict[Node, int]) -> Graph:
        """``path`` read by cilo's readers, literals as written (as the fast engine and pySHACL must
        both see them: rdflib would read ``"007"^^xsd:integer`` as ``"7"``), once for both engines."""
        key = str(path)
        if key not in self._by_cilo:
            graph = Graph()
            with literals_as_written():
                parse_into(graph, path, base=self.base, lines=lines)
            self._by_cilo[key] = graph
        return self._by_cilo[key]


def _load_quickly(
    store: pyoxigraph.Store,
    data: bytes,
    fmt: Any,
    base_iri: str,
    faithful: Faithful,
    begun: threading.Event,
    meanwhile: Callable[[], None] | None = None,
) -> bool:
    """Oxigraph's loader fills ``store`` with the triples of ``data`` (in Rust, without the GIL) while
    this thread reads them for the literals storage would rewrite; whether there was one. ``begun`` is
    set once the loader has the data. Where the text shows there is none (:func:`may_hold_rewritten`),
    the triples are not read, and ``meanwhile`` (the scan for lines) runs in their place."""
    before = len(store)
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(store.load, data, format=fmt, base_iri=base_iri)
        begun.set()
        try:
            read = fmt not in _TEXT_FORMATS or may_hold_rewritten(data)
            if read:
                changed = faithful.read(pyoxigraph.parse(data, format=fmt, base_iri=base_iri))
            elif meanwhile is not None:
                meanwhile()
        finally:
            failed = loading.exception()
    if failed is not None:
        raise failed
    if read:
        return changed
    faithful.passed += len(store) - before  # the triples the file added, for the limit on them
    return False


def _quads(graph: Graph) -> Iterable[pyoxigraph.Quad]:
    """The triples of an rdflib Graph as quads; a literal rdflib found ill-typed stays recognisable
    (rdflib has already rewritten its lexical form: ``"none"^^xsd:boolean`` reads as ``"false"``)."""
    for s, p, o in graph:
        if isinstance(o, Literal) and o.ill_typed and o.datatype is not None:
            term = ill_typed(str(o), str(o.datatype))
        else:
            term = to_oxigraph(o)
        yield pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), term)


@dataclass
class Outcome:
    """What ran: the results, and which engine checked what."""

    results: list[ValidationResult]
    engine: str
    #: The shapes pySHACL validated, and why the compiler declined each.
    declined: dict[Node, str]
    #: What ``beside`` gave (see :func:`run`).
    beside: Any = None


def run(
    data: Data | Remote, shapes: Graph, engine: Engine = "auto", *, beside: Callable[[], Any] | None = None
) -> Outcome:
    """Validate ``data`` against ``shapes`` (see the module docstring); data in a store or at an
    endpoint (:mod:`cilo.shacl.remote`) is validated there, on compiled shapes only. ``beside`` (a
    caller's own queries of ``data``, once it is read) runs among the compiled queries, and its value
    is :attr:`Outcome.beside`; its error is raised after theirs."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    remote = not isinstance(data, Data)
    if remote and engine == "pyshacl":
        raise UsageError(f"pySHACL cannot validate {data.name}: it needs the data in memory (give the files)")
    faithful = data.faithful
    on_disk = not isinstance(data, Data) and data.hashes  # queries that hash, not look up (remote.py)
    if isinstance(data, Data) and engine != "pyshacl":
        compiled, declined = _meanwhile(data.store, lambda: _compile(shapes, faithful, engine), data._loading)
    elif isinstance(data, AtEndpoint):  # the endpoint answers its probes while the shapes compile
        compiled, declined = _meanwhile(
            data.probe, lambda: _compile(shapes, faithful, engine, on_disk=on_disk)
        )
    else:
        compiled, declined = _compile(shapes, faithful, engine, on_disk=on_disk)
    for shape, plans in list(compiled.items()):
        if remote and any(p.shapes_graph for p in plans):
            declined[shape] = "a SPARQL query of it reads $shapesGraph, which is not where the data is"
            del compiled[shape]
    if declined and (engine == "fast" or remote):
        shape, why = next(iter(declined.items()))
        where = f"; pySHACL cannot run on {data.name}, so it cannot be checked there" if remote else ""
        raise ShapesError(f"the fast engine cannot translate the shape {shape}: {why}{where}")
    results: list[ValidationResult] = []
    if not isinstance(data, Data):
        data.check(p for plans in compiled.values() for p in plans)
    elif any(compiled.values()):
        store = data.store()  # reading the data finds the literals Oxigraph would rewrite
        if any(p.shapes_graph for plans in compiled.values() for p in plans):
            store.extend(faithful.quads(_quads(shapes), graph=pyoxigraph.NamedNode(str(SHAPES_GRAPH))))
        for shape, plans in list(compiled.items()):
            if faithful.predicates and any(p.templated and _may_read(p, faithful.predicates) for p in plans):
                declined[shape] = "a SPARQL constraint may read literals Oxigraph would rewrite"
                del compiled[shape]
    found, besides = _run_plans(data, [p for plans in compiled.values() for p in plans], beside)
    results += found
    if declined:
        assert isinstance(data, Data)
        results += _pyshacl(data, shapes, list(compiled))
    names = (["fast"] if compiled else []) + (["pyshacl"] if declined else [])
    return Outcome(results, "+".join(names) or "fast", declined, besides)


def _compile(
    shapes: Graph, faithful: Faithful, engine: Engine, *, on_disk: bool = False
) -> tuple[dict[Node, list[Plan]], dict[Node, str]]:
    """The plans of each shape with targets the compiler translates, and why it declined the others
    (``on_disk``: for a store or an endpoint, :class:`~cilo.shacl.compiler.Compiler`)."""
    compiler = Compiler(shapes, faithful, on_disk=on_disk)
    compiled: dict[Node, list[Plan]] = {}
    declined: dict[Node, str] = {}
    top = compiler.top_shapes()
    if engine == "pyshacl":
        return compiled, dict.fromkeys(top, "the pyshacl engine was asked for")
    for shape in top:
        try:
            compiled[shape] = compiler.compile_shape(shape)
        except UnsupportedError as e:
            declined[shape] = str(e)
    return compiled, declined


def _meanwhile(
    background: Callable[[], object], work: Callable[[], T], begun: threading.Event | None = None
) -> T:
    """``work()`` (compiling the shapes: Python) while ``background`` runs in another thread (Oxigraph
    reading the data, in Rust and mostly without the GIL; an endpoint answering); an error of
    ``background`` is raised first, as when it ran first.

    With ``begun``, ``work`` starts once it is set: reading sets it when Oxigraph's loader has the
    data. Before that, reading is Python too (checking the file, the ontology's triples), and sharing
    the interpreter with ``work`` would hold the loader back by twice as long (0.35 s of 1.8 at
    N = 10,000)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(contextvars.copy_context().run, background)  # with the caller's cilo.limits
        try:
            if begun is not None:
                begun.wait()
            return work()
        finally:
            running.result()


def _may_read(plan: Plan, predicates: set[str]) -> bool:
    """Whether a SPARQL constraint's query may read a literal stored as a stand-in: it names a predicate
    that has one, or has a variable predicate."""
    return plan.reads is None or bool(plan.reads & predicates)


def _run_plans(
    data: Data | Remote, plans: list[Plan], beside: Callable[[], Any] | None = None
) -> tuple[list[ValidationResult], Any]:
    """The results of ``plans``, in their order; plans that share their focus nodes run as one query
    (:func:`~cilo.shacl.compiler.fused`), the others alone, several at a time, those that took
    longest last time first (:mod:`cilo.shacl.durations`); and the value of ``beside``, run among
    them (first: it is short, and the longest queries then end together)."""

    def rows_of(query: str, shape: str) -> list[dict[str, Node | None]]:
        try:
            rows = distinct(data.rows(query))  # one result per distinct row, wherever the data is
        except (SyntaxError, ValueError, OSError, QueryError) as e:  # never guess: say which shape
            raise ShapesError(f"the fast engine's query for {shape} failed on {data.name}: {e}") from None
        if rows and isinstance(data, Data | InStore):  # results will be located: scan the files meanwhile
            data.scan_ahead()
        if at_once == 1:  # memory before time: the next query (or the report) starts from the floor
            give_back_freed_memory()
        return rows

    def results(query: str, group: list[Plan]) -> list[list[ValidationResult]]:
        if len(group) == 1:
            return [[_result(group[0], row) for row in rows_of(query, str(group[0].shape))]]
        shapes = ", ".join(dict.fromkeys(str(p.shape) for p in group))
        found: list[list[ValidationResult]] = [[] for _ in group]
        for row in rows_of(query, shapes):
            n = int(str(row.pop("plan")))
            for m in absent_plans(row) if n == ABSENT else [n]:
                own = {"this", group[m].value}  # the rest are other plans' columns
                found[m].append(_result(group[m], {k: v for k, v in row.items() if k in own}))
        return found

    def run(name: str, query: str, group: list[Plan]) -> list[list[ValidationResult]]:
        began = time.perf_counter()
        found = results(query, group)
        took[name] = time.perf_counter() - began
        return found

    hashes = not isinstance(data, Data) and data.hashes
    groups: dict[str, list[Plan]] = {}
    for n, plan in enumerate(plans):
        # a large store looks up rather than hashes, and there a lookup for each focus node reads the
        # disk: a plan of an absent pattern keeps its own MINUS (fused: in memory or hashing only)
        shares = plan.shares_focus and (plan.alone is not None or hashes or isinstance(data, Data))
        groups.setdefault(plan.focus if plan.focus and shares else str(n), []).append(plan)
    # each query under its name for its time (the same text runs at another speed in memory, in a
    # store and at an endpoint)
    where, took = type(data).__name__, dict[str, float]()
    queries = [(g[0].query if len(g) == 1 else fused(g, hashes=hashes), g) for g in groups.values()]
    named = [(durations.key(where, q), q, g) for q, g in queries]
    # never run before: several plans on one set of focus nodes, then SPARQL constraints (joins over
    # all the data), then the rest; then the longest last time first, so the threads end together
    first = sorted(named, key=lambda q: (len(q[2]) == 1, not q[2][0].templated))
    first = durations.longest_first(first, lambda q: q[0], durations.load())
    at_once = data.queries_at_once if isinstance(data, InStore) else os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=at_once) as pool:  # each with the caller's limits
        besides = None if beside is None else pool.submit(contextvars.copy_context().run, beside)
        running = [(g, pool.submit(contextvars.copy_context().run, run, name, q, g)) for name, q, g in first]
        by_plan = {id(p): r for g, future in running for p, r in zip(g, future.result(), strict=True)}
        value = None if besides is None else besides.result()
    durations.save(took)
    return [r for plan in plans for r in by_plan[id(plan)]], value


def _result(plan: Plan, row: dict[str, Node | None]) -> ValidationResult:
    this = row["this"]
    assert this is not None
    if plan.templated:
        value = row.get("value") if row.get("value") is not None else this
        path = row.get("path") if row.get("path") is not None else plan.path
        given = {**dict(plan.bindings), **{k: v for k, v in row.items() if v is not None}}
        text = _TEMPLATE.sub(lambda m: _shown(given.get(m.group(1))), str(plan.message or plan.default))
    else:
        value = row.get(plan.value) if plan.value else None
        path = row.get("path") if "path" in row else plan.path
        text = str(plan.message) if plan.message is not None else plan.default
        if plan.message is not None:
            text = _TEMPLATE.sub(lambda m: _shown({"this": this, "value": value}.get(m.group(1))), text)
    return ValidationResult(plan.severity, this, path, value, plan.shape, text, plan.component)


def _shown(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _pyshacl(data: Data, shapes: Graph, compiled: list[Node]) -> list[ValidationResult]:
    """pySHACL on the shapes the compiler declined: the compiled ones lose their targets."""
    if compiled:
        copy = Graph()
        copy += shapes
        for shape in compiled:
            for target in _TARGETS:
                copy.remove((shape, target, None))
            for cls in (RDFS.Class, OWL.Class):
                copy.remove((shape, RDF.type, cls))
        shapes = copy
    graph = data.graph()
    try:
        report = reference.run(graph, shapes)
    except (InputError, ShapesError, MemoryError):
        raise
    except Exception as e:  # pySHACL's ReportableRuntimeError, ConstraintLoadError, ShapeLoadError
        message = getattr(e, "message", None) or str(e)
        first = (str(message).strip().splitlines() or [type(e).__name__])[0]
        raise ShapesError(f"pySHACL cannot use the shapes: {first[:300]}") from None
    return read_report(report)


def read_report(report: Graph) -> list[ValidationResult]:
    """The results (``sh:result``) of an sh:ValidationReport graph."""
    results = []
    # the report's own results; pySHACL adds the nested shapes' results below them as sh:detail
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        focus = report.value(node, SH.focusNode)
        assert isinstance(severity, URIRef) and focus is not None
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        component = report.value(node, SH.sourceConstraintComponent)
        results.append(
            ValidationResult(
                severity=severity,
                focus_node=focus,
                result_path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                source_shape=report.value(node, SH.sourceShape),
                message=" ".join(messages),
                constraint_component=component if isinstance(component, URIRef) else None,
            )
        )
    return results


__all__ = ["Data", "Outcome", "read_report", "run"]
