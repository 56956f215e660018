"""Where queries run: in memory (rdflib), an embedded persistent Oxigraph store, or a remote endpoint.

The three give the same rows for the same query and data. Parameters reach each engine as RDF terms:
rdflib binds them with ``initBindings``; Oxigraph and remote endpoints get a ``VALUES`` block, built
from validated terms, at the start of the query's outermost group.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cilo.catalogue import Query
from cilo.errors import InputError, QueryError
from cilo.limits import check_file, check_triples
from cilo.loading import BOM, PathLike, format_for, load
from cilo.ontology import ontology
from cilo.results import Results, Row, plain_literal, term_from_json

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query as PreparedQuery

#: The largest endpoint answer cilo reads, in bytes.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024


class Store(Protocol):
    """Anything that answers a catalogue or ad-hoc SELECT query with bound parameters."""

    def select(self, query: Query, bindings: dict[str, Node]) -> Results: ...


@lru_cache(maxsize=256)
def prepared(text: str, source: str) -> PreparedQuery:
    """The query parsed by rdflib (once per text): its syntax check, with line and column."""
    import rdflib.plugins.sparql as rdflib_sparql  # 0.1 s to import: only when a query runs

    # FROM / FROM NAMED never load files or URLs (cilo refuses them anyway: cilo.limits.check_query).
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    prepareQuery = rdflib_sparql.prepareQuery  # noqa: N806 - rdflib's name

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
    """Data and the ontology in one rdflib Graph, queried with prepared queries and ``initBindings``."""

    def __init__(self, data: Graph | PathLike | Iterable[PathLike]) -> None:
        self.graph = Graph()
        self.graph += data if isinstance(data, Graph) else load(data)
        self.graph += ontology()

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        query_object = prepared(query.text, query.source or query.name)
        try:
            init: dict[str, Any] = dict(bindings)
            result = self.graph.query(query_object, initBindings=init)
            variables = tuple(str(v) for v in result.vars or ())
            rows = tuple({v: _plain(row[v]) for v in variables} for row in result)  # type: ignore[index, call-overload]
        except RecursionError:
            raise QueryError(
                f"{query.name}: the query recursed too deeply in rdflib (a property path such as p* over a "
                "large graph?); an Oxigraph store (`cilo store load`, --store) evaluates it without recursion"
            ) from None
        except Exception as e:  # an evaluation error inside rdflib
            raise QueryError(f"{query.name}: the query failed in rdflib: {e}") from None
        return Results(variables, rows)


class OxigraphStore:
    """An embedded, persistent Oxigraph store in a folder: data and ontology in its default graph."""

    def __init__(self, path: PathLike, *, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            if read_only:
                if not (self.path / "CURRENT").is_file():
                    raise QueryError(f"{self.path}: no cilo store here; create one with `cilo store load`")
                self._store = pyoxigraph.Store.read_only(str(self.path))
            else:
                self._store = pyoxigraph.Store(str(self.path))
        except OSError as e:
            if "LOCK" in str(e):
                raise QueryError(
                    f"{self.path}: the store is in use by another process (one writer at a time); "
                    "wait for it to finish, or query it read-only"
                ) from None
            raise QueryError(f"{self.path}: cannot open the store: {e}") from None

    def load(self, paths: Iterable[PathLike], *, base: str | None = None) -> int:
        """Add the files (any format) and the ontology, all or nothing; returns the triples added."""
        paths = list(paths)
        before = len(self._store)
        staging = pyoxigraph.Store()  # in memory: every file parses here, or no change
        load_into(staging, paths, base=base)
        staging.load(ontology_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)
        data = staging.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        self._store.load(data, format=pyoxigraph.RdfFormat.N_QUADS)  # one transaction
        self._store.flush()
        return len(self._store) - before

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        prepared(query.text, query.source or query.name)
        try:
            solutions = self._store.query(
                with_values(query.text, bindings), use_default_graph_as_union=has_named_graphs(self._store)
            )
            assert isinstance(solutions, pyoxigraph.QuerySolutions)  # prepared() accepted only SELECT
            variables = tuple(v.value for v in solutions.variables)
            rows = _rows(solutions, variables)
        except (SyntaxError, OSError, ValueError) as e:
            raise QueryError(f"{query.name}: the query failed in Oxigraph: {e}") from None
        return Results(variables, rows)

    def __len__(self) -> int:
        return len(self._store)


class Endpoint:
    """A remote SPARQL 1.1 endpoint, asked over HTTP with a timeout and a bounded answer."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise QueryError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        self.url = url
        self.timeout = timeout

    def select(self, query: Query, bindings: dict[str, Node]) -> Results:
        prepared(query.text, query.source or query.name)
        body = urllib.parse.urlencode({"query": with_values(query.text, bindings)}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as e:
            detail = e.read(2000).decode("utf-8", "replace").strip().splitlines()
            raise QueryError(
                f"the endpoint {self.url} answered {e.code} {e.reason}" + (f": {detail[0]}" if detail else "")
            ) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise QueryError(f"cannot reach the endpoint {self.url}: {reason}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise QueryError(
                f"the endpoint {self.url} answered more than {MAX_RESPONSE_BYTES:,} bytes; refused"
            )
        try:
            doc = json.loads(raw)
            variables = tuple(doc["head"]["vars"])
            rows = tuple(
                {v: (term_from_json(b[v]) if v in b else None) for v in variables}
                for b in doc["results"]["bindings"]
            )
        except (ValueError, KeyError, TypeError) as e:
            raise QueryError(f"the endpoint {self.url} did not answer SPARQL results JSON ({e})") from None
        return Results(variables, rows)


#: Formats Oxigraph parses itself, much faster than rdflib; the others go through cilo's readers.
_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}


@lru_cache(maxsize=1)
def ontology_ntriples() -> bytes:
    """The ontology as N-Triples, serialised once."""
    return ontology().serialize(format="nt", encoding="utf-8")


def load_into(store: Any, paths: list[PathLike], *, base: str | None = None) -> None:
    """Parse ``paths`` into a pyoxigraph store: Turtle, N-Triples, N-Quads and TriG by Oxigraph, the rest
    by cilo's readers. A file Oxigraph rejects is an :class:`InputError` naming file and line."""
    for path in paths:
        native = _rdf_bytes(path)
        if native is None:
            graph = load(path, base=base)
            store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
            continue
        data, fmt = native
        try:
            store.load(data, format=fmt, base_iri=Path(path).resolve().as_uri())
        except (SyntaxError, ValueError) as e:
            raise _rejected(path, e, base) from None


def native_parse(path: PathLike, *, base: str | None = None) -> list[Any] | None:
    """The quads of ``path`` from Oxigraph's parser, or None when Oxigraph does not read its format."""
    native = _rdf_bytes(path)
    if native is None:
        return None
    data, fmt = native
    try:
        quads = list(pyoxigraph.parse(data, format=fmt, base_iri=Path(path).resolve().as_uri()))
    except (SyntaxError, ValueError) as e:
        raise _rejected(path, e, base) from None
    check_triples(path, len(quads))
    return quads


def _rdf_bytes(path: PathLike) -> tuple[bytes, Any] | None:
    """The checked bytes (byte-order mark removed) and Oxigraph format of an RDF file Oxigraph reads."""
    fmt = _OXIGRAPH_FORMATS.get(format_for(path))
    p = Path(path)
    if fmt is None or not p.is_file():
        return None
    check_file(p)
    try:
        data = p.read_bytes().removeprefix(BOM)
    except OSError as e:
        raise InputError(path, f"cannot read the file: {e.strerror}") from None
    return data, getattr(pyoxigraph.RdfFormat, fmt)


def _rejected(path: PathLike, error: Exception, base: str | None) -> InputError:
    """The error for a file Oxigraph's parser rejected: cilo's own reader's, which names the line
    the way cilo always does; Oxigraph's (with its line) when that reader accepts what Oxigraph
    does not, such as an IRI with a space."""
    try:
        load(path, base=base)
    except InputError as e:
        return e
    message = re.sub(r"^Parser error at [^:]*: | \(line \d+\)$", "", str(error))
    syntax = _SYNTAX_NAMES[format_for(path)]
    return InputError(path, f"{syntax} syntax error: {message}", line=getattr(error, "lineno", None))


_SYNTAX_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG"}


def has_named_graphs(store: Any) -> bool:
    """Whether a pyoxigraph store holds named graphs (from N-Quads or TriG files): then queries read
    the union of all graphs, so every format is queried alike."""
    return any(True for _ in store.named_graphs())


def with_values(text: str, bindings: dict[str, Node]) -> str:
    """``text`` with a VALUES block for ``bindings`` opening its outermost group (after ``WHERE {``)."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_n3(term) for term in bindings.values())
    at = first_group(text) + 1
    return f"{text[:at]}\n    VALUES ({names}) {{ ({values}) }}\n{text[at:]}"


def _n3(term: Node) -> str:
    if not isinstance(term, URIRef | Literal):
        raise QueryError(f"a parameter must be an IRI or a literal, not {term!r}")
    return term.n3()


def first_group(text: str) -> int:
    """The index of the first ``{`` that is not in a comment, a string or an IRI."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            if i < 0:
                break
        elif c == "<":
            i = text.find(">", i)
            if i < 0:
                break
        elif c in "'\"":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i = text.find(quote, i + len(quote))
            if i < 0:
                break
            i += len(quote) - 1
        elif c == "{":
            return i
        i += 1
    raise QueryError("the query has no group ({ ... }) to bind parameters in")


def _plain(term: Any) -> Node | None:
    if isinstance(term, Literal):
        return plain_literal(str(term), term.language, None if term.datatype is None else str(term.datatype))
    return term if isinstance(term, URIRef | BNode) else None


def _rows(solutions: pyoxigraph.QuerySolutions, variables: tuple[str, ...]) -> tuple[Row, ...]:
    """The solutions as rows of rdflib terms, each distinct term converted once (labels, roles and
    levels repeat on every row)."""
    convert = term_converter()
    return tuple({v: convert(solution[v]) for v in variables} for solution in solutions)


def term_converter() -> Callable[[Any], Node | None]:
    """:func:`from_oxigraph` with a memory: each distinct term is converted once (results and
    parsed files repeat the same IRIs and labels many times)."""
    seen: dict[Any, Node | None] = {}

    def convert(term: Any) -> Node | None:
        if term is None:
            return None
        node = seen.get(term)
        if node is None:
            node = seen[term] = from_oxigraph(term)
        return node

    return convert


def to_oxigraph(node: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(node, URIRef):
        return pyoxigraph.NamedNode(str(node))
    if isinstance(node, BNode):
        return pyoxigraph.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return pyoxigraph.Literal(str(node), language=node.language)
        if node.datatype:
            return pyoxigraph.Literal(str(node), datatype=pyoxigraph.NamedNode(str(node.datatype)))
        return pyoxigraph.Literal(str(node))
    raise QueryError(f"cannot store the term {node!r}")  # pragma: no cover - graphs hold no other terms


def from_oxigraph(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return plain_literal(term.value, term.language, term.datatype.value)
    raise QueryError(f"cannot represent the result term {term!r}")  # pragma: no cover - RDF-star only


__all__ = [
    "Endpoint",
    "MemoryStore",
    "OxigraphStore",
    "Row",
    "Store",
    "first_group",
    "from_oxigraph",
    "has_named_graphs",
    "load_into",
    "native_parse",
    "term_converter",
    "to_oxigraph",
    "with_values",
]
