"""Literals as written, in a store that would rewrite them.

Oxigraph stores numbers, booleans, date-times and the derived integer types in canonical form:
``"007"^^xsd:integer`` comes back as ``"7"``, ``"7"^^xsd:int`` as ``"7"^^xsd:integer``, and two
different literals can become one. SHACL compares terms as written (``sh:in``, ``sh:datatype``,
``sh:pattern``, counts of distinct values), so before data reaches the engine's store each literal that
storage would change is replaced by a *stand-in*: the same lexical form with the datatype
``urn:cilo:literal:<datatype>``, which Oxigraph keeps as it is. The compiled queries read a stand-in's
value and datatype back (:func:`cilo.shacl.compiler.value_of`), and results turn stand-ins back into the
literals they stand for (:func:`restore`).

Whether storage changes a literal is asked of Oxigraph itself, once per distinct literal (a small
in-memory store), not guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph

#: The prefix of a stand-in literal's datatype; the original datatype IRI follows it.
STAND_IN = "urn:cilo:literal:"
#: The same for a literal rdflib read as ill-typed (its lexical form is no longer the one written,
#: but it is still not a well-formed literal of its datatype).
ILL_TYPED = "urn:cilo:ill-typed:"
_KEEP = frozenset(
    {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
)
_PROBE_SUBJECT = "urn:cilo:probe:"
_PROBE_PREDICATE = pyoxigraph.NamedNode("urn:cilo:probe")


class Faithful:
    """Decides, and remembers, which literals storage would change; replaces them by stand-ins."""

    def __init__(self) -> None:
        self._changed: dict[pyoxigraph.Literal, bool] = {}
        #: The predicates whose objects include a stand-in (queries that never read them see none).
        self.predicates: set[str] = set()

    def quads(self, quads: Iterable[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
        """``quads`` with every literal storage would change replaced by its stand-in."""
        pending: list[pyoxigraph.Quad] = []
        for quad in quads:
            literal = quad.object
            if (
                isinstance(literal, pyoxigraph.Literal)
                and literal.language is None
                and literal.datatype.value not in _KEEP
            ):
                pending.append(quad)
                if len(pending) >= 10_000:
                    yield from self._flush(pending)
                    pending = []
            else:
                yield quad
        yield from self._flush(pending)

    def _flush(self, pending: list[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
        self._probe({q.object for q in pending if q.object not in self._changed})  # type: ignore[misc]
        for quad in pending:
            literal = quad.object
            if self._changed[literal]:  # type: ignore[index]
                self.predicates.add(quad.predicate.value)
                yield pyoxigraph.Quad(quad.subject, quad.predicate, stand_in(literal), quad.graph_name)  # type: ignore[arg-type]
            else:
                yield quad

    def _probe(self, literals: set[pyoxigraph.Literal]) -> None:
        if not literals:
            return
        ordered = list(literals)
        probe = pyoxigraph.Store()
        probe.extend(
            pyoxigraph.Quad(pyoxigraph.NamedNode(f"{_PROBE_SUBJECT}{i}"), _PROBE_PREDICATE, literal)
            for i, literal in enumerate(ordered)
        )
        stored = {q.subject.value: q.object for q in probe}
        for i, literal in enumerate(ordered):
            kept = stored.get(f"{_PROBE_SUBJECT}{i}")
            self._changed[literal] = not (
                isinstance(kept, pyoxigraph.Literal)
                and kept.value == literal.value
                and kept.datatype == literal.datatype
            )

    def is_faithful(self, literal: pyoxigraph.Literal) -> bool:
        """Whether Oxigraph keeps ``literal`` as written (also in a query's text)."""
        if literal.language is not None or literal.datatype.value in _KEEP:
            return True
        if literal not in self._changed:
            self._probe({literal})
        return not self._changed[literal]


def stand_in(literal: pyoxigraph.Literal) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(literal.value, datatype=pyoxigraph.NamedNode(STAND_IN + literal.datatype.value))


def ill_typed(value: str, datatype: str) -> pyoxigraph.Literal:
    """The literal rdflib read as ill-typed, kept recognisable as such."""
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(ILL_TYPED + datatype))


def restore(term: object) -> object:
    """A stand-in (or an ill-typed literal's marker) as the literal it stands for; other terms unchanged."""
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value
        for prefix in (STAND_IN, ILL_TYPED):
            if datatype.startswith(prefix):
                return pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(datatype[len(prefix) :]))
    return term
