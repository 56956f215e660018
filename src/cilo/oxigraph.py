"""cilo's adapter to Oxigraph (pyoxigraph): reading files into a store, and terms both ways.

Oxigraph parses Turtle, N-Triples, N-Quads and TriG itself, much faster than rdflib; the other
formats go through cilo's readers (:mod:`cilo.loading`). Terms cross between rdflib and pyoxigraph
here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from cilo.errors import InputError, QueryError
from cilo.loading import BOM, PathLike, format_for, load
from cilo.ontology import ontology
from cilo.results import Row, plain_literal
from cilo.safety import check_file, check_triples

#: Formats Oxigraph parses itself, much faster than rdflib; the others go through cilo's readers.
_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}


@lru_cache(maxsize=1)
def ontology_ntriples() -> bytes:
    """The ontology as N-Triples, serialised once."""
    return ontology().serialize(format="nt", encoding="utf-8")


#: The longest token (a literal, a line) Oxigraph's parsers read; past it, cilo's readers (rdflib) do.
OXIGRAPH_BUFFER = 16 * 1024 * 1024


def native_parse(path: PathLike, *, base: str | None = None) -> list[Any] | None:
    """The quads of ``path`` from Oxigraph's parser, or None when Oxigraph does not read it: another
    format, or a literal longer than :data:`OXIGRAPH_BUFFER` (then cilo's own reader does)."""
    native = rdf_bytes(path)
    if native is None:
        return None
    data, fmt = native
    try:
        quads = list(pyoxigraph.parse(data, format=fmt, base_iri=Path(path).resolve().as_uri()))
    except (SyntaxError, ValueError) as e:
        raise rejected(path, e, base) from None
    except MemoryError:  # a line or literal past Oxigraph's 16 MiB buffer: cilo's reader takes it
        return None
    check_triples(path, len(quads))
    return quads


def rdf_bytes(path: PathLike) -> tuple[bytes, Any] | None:
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
    check_file(p, data)
    return data, getattr(pyoxigraph.RdfFormat, fmt)


def rejected(path: PathLike, error: Exception, base: str | None) -> InputError:
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


def rows(solutions: pyoxigraph.QuerySolutions, variables: tuple[str, ...]) -> tuple[Row, ...]:
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
    "from_oxigraph",
    "has_named_graphs",
    "native_parse",
    "ontology_ntriples",
    "rdf_bytes",
    "rejected",
    "rows",
    "term_converter",
    "to_oxigraph",
]
