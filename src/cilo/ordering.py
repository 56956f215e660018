"""ORDER BY done by cilo after an on-disk Oxigraph store has answered, where it is provably the same.

Oxigraph sorts by looking each compared term's string up in RocksDB, again for every comparison:
on a store of 10,000 initiatives that is 3.7 of the 10 s of ``who-holds-role``. cilo can instead run
the query without its ORDER BY and sort the rows it has already read. It does so only when the
outcome cannot differ from Oxigraph's own ORDER BY:

- the clause closes the query and sorts by projected variables only (``?v``, ``ASC(?v)``,
  ``DESC(?v)``), as both cilo's lexer and rdflib's parser read it;
- every value in a sort column is unbound, an IRI or a string without language tag, whose SPARQL
  order is fixed (unbound < IRI < literal; IRIs and strings by code point).

Anything else declines (:func:`split` or :func:`sort` gives None) and the query
runs with its ORDER BY in Oxigraph. Rows equal in every key keep the order they came in (SPARQL
leaves it open; Oxigraph's own sort is unstable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef, Variable

from cilo.results import Row
from cilo.safety import lexemes

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query as PreparedQuery


@dataclass(frozen=True)
class Ordering:
    """A query without its closing ORDER BY, and the keys to sort its rows by."""

    text: str
    keys: tuple[tuple[str, bool], ...]  # (variable, descending)


def split(text: str, parsed: PreparedQuery) -> Ordering | None:
    """The query's ORDER BY taken off, or None when cilo cannot sort its rows as Oxigraph would (also
    for a text with code-point escapes, which the engine decodes first: cilo does not cut such a text)."""
    if "\\u" in text or "\\U" in text:
        return None
    tokens = [(m.lastgroup, m.group(), m.start()) for m in lexemes(text) if m.lastgroup != "comment"]
    depth, at = 0, None
    for index, (kind, value, _) in enumerate(tokens):
        depth += kind == "open"
        depth -= kind == "close"
        if depth == 0 and kind == "word" and value.upper() == "ORDER":
            at = index
    if at is None or at + 1 >= len(tokens) or tokens[at + 1][1].upper() != "BY":
        return None
    keys = _keys([(kind, value) for kind, value, _ in tokens[at + 2 :]])
    if not keys or keys != _parsed_keys(parsed):
        return None
    return Ordering(text[: tokens[at][2]], keys)


def _keys(tokens: list[tuple[str | None, str]]) -> tuple[tuple[str, bool], ...] | None:
    """The sort keys of ``?a DESC(?b) ASC(?c)``; None for anything else (expressions, LIMIT...)."""
    keys, index = [], 0
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "name" and value[0] in "?$":
            keys.append((value[1:], False))
            index += 1
        elif (
            kind == "word"
            and value.upper() in ("ASC", "DESC")
            and [k for k, _ in tokens[index + 1 : index + 4]] == ["open", "name", "close"]
            and tokens[index + 1][1] == "("
            and tokens[index + 2][1][0] in "?$"
            and tokens[index + 3][1] == ")"
        ):
            keys.append((tokens[index + 2][1][1:], value.upper() == "DESC"))
            index += 4
        else:
            return None
    return tuple(keys)


def _parsed_keys(parsed: PreparedQuery) -> tuple[tuple[str, bool], ...] | None:
    """The same keys as rdflib's parser reads them, when they sort by projected variables only."""
    algebra = parsed.algebra
    projected = {str(v) for v in algebra.get("PV") or ()}
    node = algebra.get("p")
    while node is not None and getattr(node, "name", None) in ("Distinct", "Reduced", "Project"):
        node = node.get("p")
    if getattr(node, "name", None) != "OrderBy":
        return None
    keys = []
    for condition in node.expr:
        expr = getattr(condition, "expr", condition)
        order = getattr(condition, "order", None)
        if not isinstance(expr, Variable) or str(expr) not in projected:
            return None
        keys.append((str(expr), order == "DESC"))
    return tuple(keys)


def sort(rows: Sequence[Row], keys: tuple[tuple[str, bool], ...]) -> tuple[Row, ...] | None:
    """``rows`` in the order of ``keys``; None when a sort value is not one cilo orders."""
    ranks: dict[object, tuple[int, str]] = {}
    for row in rows:
        for name, _ in keys:
            term = row.get(name)
            if term not in ranks:
                rank = _rank(term)
                if rank is None:
                    return None
                ranks[term] = rank
    ordered = list(rows)
    for name, descending in reversed(keys):  # stable sorts, the last key first
        ordered.sort(key=lambda row, name=name: ranks[row.get(name)], reverse=descending)  # type: ignore[misc]
    return tuple(ordered)


def _rank(term: object) -> tuple[int, str] | None:
    if term is None:
        return (0, "")
    if isinstance(term, URIRef):
        return (1, str(term))
    if isinstance(term, Literal) and term.language is None and term.datatype is None:
        return (2, str(term))
    return None


__all__ = ["Ordering", "sort", "split"]
