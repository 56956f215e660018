"""cilo's adapter to Oxigraph (pyoxigraph): terms both ways, rows, the ontology as N-Triples.

Terms cross between rdflib and pyoxigraph here and nowhere else; files are read by
:mod:`cilo.loading` (Oxigraph's parsers for Turtle, N-Triples, N-Quads and TriG, cilo's readers for
the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from cilo.errors import QueryError
from cilo.ontology import ontology
from cilo.results import Row, plain_literal


@lru_cache(maxsize=1)
def ontology_ntriples() -> bytes:
    """The ontology as N-Triples, serialised once."""
    return ontology().serialize(format="nt", encoding="utf-8")


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
    "ontology_ntriples",
    "rows",
    "term_converter",
    "to_oxigraph",
]
