"""Where queries run: in memory (rdflib), an embedded persistent Oxigraph store, or a remote endpoint.

The three give the same rows for the same query and data. Parameters reach each engine as RDF terms:
rdflib binds them with ``initBindings``; Oxigraph and remote endpoints get a ``VALUES`` block, built
from validated terms, at the start of the query's outermost group.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cilo import diskstore, ordering
from cilo.catalogue import Query
from cilo.diskstore import StoredFile
from cilo.errors import QueryError, StoreError, UsageError
from cilo.loading import PathLike, load
from cilo.ontology import ontology
from cilo.oxigraph import has_named_graphs
from cilo.oxigraph import rows as oxigraph_rows
from cilo.results import Results, Row, plain_literal
from cilo.safety import decode_code_points, first_group, no_graph_loading
from cilo.shacl.remote import AtEndpoint, InStore
from cilo.sparqlclient import select

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query as PreparedQuery


class Store(Protocol):
    """Anything that answers a catalogue or ad-hoc SELECT query with bound parameters."""

    def select(self, query: Query, bindings: dict[str, Node]) -> Results: ...


@lru_cache(maxsize=256)
def prepared(text: str, source: str) -> PreparedQuery:
    """The query parsed by rdflib (once per text): its syntax check, with line and column."""
    from rdflib.plugins.sparql import prepareQuery  # 0.1 s to import: only when a query runs

    try:
        parsed = prepareQuery(text)
    except Exception as e:  # pyparsing's ParseException, or rdflib's unknown-prefix Exception
        line, column = getattr(e, "lineno", None), getattr(e, "col", None)
        where = f", line {line}, column {column}" if line is not None else ""
        message = getattr(e, "msg", None) or str(e).splitlines()[0]
        raise QueryError(f"{source}{where}: SPARQL syntax error: {message}") from None
    if parsed.algebra.name != "SelectQuery":
        raise QueryError(f"{source}: only SELECT queries can be run as a catalogue or ad-hoc query")
    return parsed


class MemoryStore:
    """Data and the ontology in one rdflib Graph, queried with prepared queries; parameters are bound
    by a VALUES block opening the query's outermost group, as on every other store (rdflib's
    ``initBindings`` does not reach into the branches of a UNION: a bound parameter would be ignored
    there, silently)."""

    def __init__(self, data: Graph | PathLike | Iterable[PathLike]) -> None:
        self.graph = Graph()
        self.graph += data if isinstance(data, Graph) else load(data)
        self.graph += ontology()

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        query_object = prepared(with_values(query.text, bindings), query.source or query.name)
        try:
            with no_graph_loading():
                result = self.graph.query(query_object)
                variables = tuple(str(v) for v in result.vars or ())
                rows = tuple({v: _plain(row[v]) for v in variables} for row in result)  # type: ignore[index, call-overload]
        except RecursionError:
            raise QueryError(
                f"{query.name}: the query recursed too deeply in rdflib (a property path such as p* over a "
                "large graph?); an Oxigraph store (`cilo store load`, --store) evaluates it without recursion"
            ) from None
        except MemoryError:
            raise
        except Exception as e:  # an evaluation error inside rdflib
            raise QueryError(f"{query.name}: the query failed in rdflib: {e}") from None
        return Results(variables, rows)


class OxigraphStore:
    """An embedded, persistent Oxigraph store in a folder (layout: :mod:`cilo.diskstore`).

    Each loaded file is a named graph of its own (loading a changed file again replaces its triples),
    the ontology another; queries read the union. Loads and removals are atomic: a reader, or a
    process killed mid-load, sees the old content or the new, never part of it. Read-only stores
    may be open in many processes; a writable one holds the folder's lock (one writer at a time).
    """

    def __init__(self, path: PathLike, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._folder = diskstore.Folder(self.path)
        self._lock = None if read_only else diskstore.lock(self.path)
        if self._folder.is_legacy():
            if not read_only:
                self.close()
                raise StoreError(
                    f"{self.path}: this store was written by an earlier cilo (one graph, no generations); "
                    "load your files into a new folder"
                )
            self._store: pyoxigraph.Store | None = _open_read_only(self.path)
        elif read_only or self._folder.active is not None:
            self._store = diskstore.open_active(self._folder)
        else:
            self._store = None  # a new store: nothing loaded yet
        self._generation = self._folder.active

    @property
    def location(self) -> Path:
        """The Oxigraph database now in use (e.g. for ``oxigraph serve --location``)."""
        active = self._folder.active
        if active is None:
            return self.path  # an earlier cilo's store, or none yet
        return active / "db"

    def load(self, paths: Iterable[PathLike], *, base: str | None = None) -> int:
        """Load the files (any format), each into its own graph (replacing what an earlier load of
        the same file put there), and the ontology; all or nothing. Returns the change in triples."""
        return self._update(diskstore.paths_of(paths), [], base)

    def remove(self, paths: Iterable[PathLike]) -> int:
        """Take the files' graphs out of the store, all or nothing; returns the change in triples."""
        return self._update([], list(paths), None)

    def files(self) -> list[StoredFile]:
        """The files in the store: path, graph, triples, hash and load time."""
        return self._folder.manifest()

    def _update(self, load_paths: list[PathLike], remove_paths: list[PathLike], base: str | None) -> int:
        if self._lock is None:
            raise StoreError(f"{self.path}: the store was opened read-only")
        before = sum(f.triples for f in self.files())
        self._store = self._generation = None  # the generation before the last is removed now
        files = diskstore.update(self._folder, load_paths, remove_paths, base=base)
        return sum(f.triples for f in files) - before

    def close(self) -> None:
        """Let go of the database and the writer's lock (also done when the object is collected)."""
        self._store = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def check_open(self) -> None:
        """Raise :class:`~cilo.errors.StoreError` when there is no loaded store at :attr:`path`."""
        self._opened()

    def _opened(self) -> pyoxigraph.Store:
        """The active generation; opened again when a writer has swapped in a new one since."""
        active = self._folder.active
        if active is not None and active != self._generation:
            self._store, self._generation = diskstore.open_active(self._folder), active
        if self._store is None:
            raise StoreError(f"{self.path}: no cilo store here; create one with `cilo store load`")
        return self._store

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        parsed = prepared(query.text, query.source or query.name)
        text = with_values(query.text, bindings)
        plan = ordering.split(text, parsed)
        if plan is not None:  # sorting rows already read is much cheaper than Oxigraph's sort on disk
            variables, rows = self._solutions(query, plan.text)
            ordered = ordering.sort(rows, plan.keys)
            if ordered is not None:
                return Results(variables, ordered)
            # a value cilo does not order: Oxigraph sorts
        return Results(*self._solutions(query, text))

    def _solutions(self, query: Query, text: str) -> tuple[tuple[str, ...], tuple[Row, ...]]:
        store = self._opened()
        try:
            solutions = store.query(text, use_default_graph_as_union=has_named_graphs(store))
            assert isinstance(solutions, pyoxigraph.QuerySolutions)  # prepared() accepted only SELECT
            variables = tuple(v.value for v in solutions.variables)
            return variables, oxigraph_rows(solutions, variables)
        except (SyntaxError, OSError, ValueError) as e:
            raise QueryError(f"{query.name}: the query failed in Oxigraph: {e}") from None

    def shacl_source(self) -> InStore:
        """The store as the SHACL engine validates it in place (:mod:`cilo.shacl.remote`)."""
        files = self.files()
        rewritten = {p: (f.file, example) for f in files for p, example in f.rewritten}
        loaded = tuple((f.file, f.sha256) for f in files)
        triples = sum(f.triples for f in files)
        active = self._folder.active
        scans = None if active is None else active / "scans"
        return InStore(
            self._opened(), f"the store {self.path}", rewritten, files=loaded, triples=triples, scans=scans
        )

    def dump(self) -> bytes:
        """The whole store as N-Quads."""
        return self._opened().dump(format=pyoxigraph.RdfFormat.N_QUADS) or b""

    def __len__(self) -> int:
        return 0 if self._folder.active is None and self._store is None else len(self._opened())


def select_read_only(path: Path, query: Query, bindings: dict[str, Node]) -> Results:
    """``query`` on the store at ``path``, opened read-only here (in a worker process)."""
    store = OxigraphStore(path, read_only=True)
    try:
        return store.select(query, bindings)
    finally:
        store.close()


def _open_read_only(path: Path) -> pyoxigraph.Store:
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError as e:
        raise StoreError(f"{path}: cannot open the store: {e}") from None


class Endpoint:
    """A remote SPARQL 1.1 endpoint, asked over HTTP with a timeout and a bounded answer."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise QueryError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 < timeout < float("inf")
        ):
            raise UsageError(f"an endpoint timeout is a number of seconds above 0, not {timeout!r}")
        self.url = url
        self.timeout = timeout

    def shacl_source(self) -> AtEndpoint:
        """The endpoint as the SHACL engine validates at it (:mod:`cilo.shacl.remote`)."""
        return AtEndpoint(self.url, self.timeout)

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        prepared(query.text, query.source or query.name)
        variables, rows = select(self.url, with_values(query.text, bindings), timeout=self.timeout)
        return Results(variables, rows)


def with_values(text: str, bindings: dict[str, Node]) -> str:
    """``text`` with a VALUES block for ``bindings`` opening its outermost group (after ``WHERE {``)."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_n3(term) for term in bindings.values())
    text = decode_code_points(text)  # as the engine reads it: an escaped brace is a brace
    at = first_group(text) + 1
    return f"{text[:at]}\n    VALUES ({names}) {{ ({values}) }}\n{text[at:]}"


def _n3(term: Node) -> str:
    if not isinstance(term, URIRef | Literal):
        raise QueryError(f"a parameter must be an IRI or a literal, not {term!r}")
    return term.n3()


def _plain(term: Any) -> Node | None:
    if isinstance(term, Literal):
        return plain_literal(str(term), term.language, None if term.datatype is None else str(term.datatype))
    return term if isinstance(term, URIRef | BNode) else None


__all__ = [
    "Endpoint",
    "MemoryStore",
    "OxigraphStore",
    "Store",
    "StoredFile",
    "first_group",
    "prepared",
    "select_read_only",
    "with_values",
]
