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
in-memory store), not guessed. That means reading every triple of a file in Python; a Turtle or
N-Triples text that :func:`may_hold_rewritten` clears holds no literal storage could change, and is
not read so. :func:`rows` reads query answers back as rdflib terms, literals as
written, for every store the engine queries.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph
from rdflib import Literal, URIRef
from rdflib.term import Node

from cilo.oxigraph import from_oxigraph
from cilo.safety import TURTLE_HIDERS

#: The prefix of a stand-in literal's datatype; the original datatype IRI follows it.
STAND_IN = "urn:cilo:literal:"
#: The same for a literal rdflib read as ill-typed (its lexical form is no longer the one written,
#: but it is still not a well-formed literal of its datatype).
ILL_TYPED = "urn:cilo:ill-typed:"
_KEEP = frozenset(
    {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
)
_PROBE = pyoxigraph.NamedNode("urn:cilo:probe")


def _byte_class(byte: int) -> int:
    """The class of a byte outside strings, IRIs, comments and escapes, as :func:`may_hold_rewritten`
    reads it: ``0`` a digit; ``a`` a character of a name (a prefixed name, a blank node's label, a
    keyword, a language tag); a sign and ``@`` as they are; a space for the rest (spaces, punctuation,
    and the dot, which can end a statement)."""
    char = chr(byte)
    if char in "0123456789":
        return ord("0")
    if char in "+-@":
        return byte
    if byte >= 0x80 or ("a" <= char.lower() <= "z") or char in "_:%":
        return ord("a")
    return ord(" ")


_CLASSES = bytes(_byte_class(b) for b in range(256))
#: A language tag with a digit after it: ``"x"@en5`` is a string and the number 5.
_TAG_THEN_DIGIT = re.compile(rb"@a+0")


class Faithful:
    """Decides, and remembers, which literals storage would change; replaces them by stand-ins."""

    def __init__(self) -> None:
        self._changed: dict[pyoxigraph.Literal, bool] = {}
        self._probe = pyoxigraph.Store()
        self._probing = threading.Lock()
        #: The predicates whose objects include a stand-in (queries that never read them see none).
        self.predicates: set[str] = set()
        #: One literal storage would change per such predicate (for messages).
        self.examples: dict[str, pyoxigraph.Literal] = {}
        #: How many quads :meth:`quads` has passed on (a file's triples, for the triple limit).
        self.passed = 0

    def quads(
        self,
        quads: Iterable[pyoxigraph.Quad],
        *,
        graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph | None = None,
    ) -> Iterator[pyoxigraph.Quad]:
        """``quads`` with every literal storage would change replaced by its stand-in (and, with
        ``graph``, every quad moved into that graph)."""
        for quad in quads:
            self.passed += 1
            into = quad.graph_name if graph is None else graph
            if self._noted(quad):
                yield pyoxigraph.Quad(quad.subject, quad.predicate, stand_in(quad.object), into)  # type: ignore[arg-type]
            else:
                yield (
                    quad
                    if graph is None
                    else pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, into)
                )

    def read(self, quads: Iterable[pyoxigraph.Quad]) -> bool:
        """Read ``quads`` only to note their literals (and count them in :attr:`passed`): whether
        storage changes any (for a store Oxigraph's own loader filled with the same quads meanwhile)."""
        literal, noted = pyoxigraph.Literal, self._noted
        count, changed = 0, False
        for quad in quads:
            count += 1
            if type(quad.object) is literal and noted(quad):
                changed = True
        self.passed += count
        return changed

    def observe(
        self, quads: Iterable[pyoxigraph.Quad], *, graph: pyoxigraph.NamedNode | None = None
    ) -> Iterator[pyoxigraph.Quad]:
        """``quads`` unchanged (with ``graph``, those of the default graph moved into it), noting in
        :attr:`predicates` (and :attr:`examples`) those whose literals storage will change: for a store
        that keeps what Oxigraph makes of them. One loop for both: it runs once per quad of a file."""
        literal, quad_of, noted = pyoxigraph.Literal, pyoxigraph.Quad, self._noted
        default = pyoxigraph.DefaultGraph()
        for quad in quads:
            if type(quad.object) is literal:
                noted(quad)
            if graph is not None and quad.graph_name == default:
                yield quad_of(quad.subject, quad.predicate, quad.object, graph)
            else:
                yield quad

    def _noted(self, quad: pyoxigraph.Quad) -> bool:
        """Whether storage would change the quad's object (then its predicate is noted)."""
        o = quad.object
        if type(o) is not pyoxigraph.Literal or o.language is not None or o.datatype.value in _KEEP:
            return False
        is_changed = self._changed.get(o)
        if is_changed is None:
            is_changed = self._stored_differently(o)
        if is_changed:
            self.predicates.add(quad.predicate.value)
            self.examples.setdefault(quad.predicate.value, o)
        return is_changed

    def _stored_differently(self, literal: pyoxigraph.Literal) -> bool:
        """Store ``literal`` in a scratch store and read it back: is it still the same term?"""
        quad = pyoxigraph.Quad(_PROBE, _PROBE, literal)
        with self._probing:  # the data is read while the shapes compile: both ask
            self._probe.add(quad)
            (kept,) = [q.object for q in self._probe.quads_for_pattern(_PROBE, _PROBE, None)]
            self._probe.clear()
        changed = not (
            isinstance(kept, pyoxigraph.Literal)
            and kept.value == literal.value
            and kept.datatype == literal.datatype
        )
        self._changed[literal] = changed
        return changed

    def is_faithful(self, literal: pyoxigraph.Literal) -> bool:
        """Whether Oxigraph keeps ``literal`` as written (also in a query's text)."""
        if literal.language is not None or literal.datatype.value in _KEEP:
            return True
        changed = self._changed.get(literal)
        return not (self._stored_differently(literal) if changed is None else changed)


class AsStored(Faithful):
    """For data that is in a store or at an endpoint already: there are no stand-ins, and the
    queries compare literals as the store holds them."""

    def is_faithful(self, literal: pyoxigraph.Literal) -> bool:
        return True


def may_hold_rewritten(data: bytes) -> bool:
    """Whether Turtle or N-Triples ``data`` may hold a literal that storage would change: a typed
    literal (``"7"^^xsd:int``) or a number (``+5``, ``007``, ``1.50``, ``1e3``). False only when it
    holds none: its literals are then strings, strings with a language, ``true`` and ``false``,
    which storage keeps as written.

    Read from the text alone, past strings, IRIs, comments and escapes (each counted as a space): a
    ``^^``, or a digit that can begin a number, after a space or punctuation, after a sign, or right
    after a language tag. A digit inside a name (``ex:i0``, ``_:b1``) begins none. Cautious where a
    name and a number could meet: ``ex:a.5`` counts (then the file is read triple by triple)."""
    hidden = TURTLE_HIDERS.sub(b" ", data)
    if b"^^" in hidden:
        return True
    classes = b" " + hidden.translate(_CLASSES)
    return b" 0" in classes or b"+0" in classes or b" -0" in classes or bool(_TAG_THEN_DIGIT.search(classes))


def stand_in(literal: pyoxigraph.Literal) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(literal.value, datatype=pyoxigraph.NamedNode(STAND_IN + literal.datatype.value))


def ill_typed(value: str, datatype: str) -> pyoxigraph.Literal:
    """The literal rdflib read as ill-typed, kept recognisable as such."""
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(ILL_TYPED + datatype))


def distinct(found: list[dict[str, Node | None]]) -> list[dict[str, Node | None]]:
    """``found`` (rows), each row once, in order: the engine makes one validation result of each
    distinct row, as pySHACL does (SHACL 1.0 §5.3 says "each solution", and two equal ones add
    nothing), and as a store must, whose union of graphs is a multiset (:mod:`cilo.shacl.remote`)."""
    return list({tuple(row.items()): row for row in found}.values())


def rows(store: pyoxigraph.Store, query: str, *, union: bool = False) -> list[dict[str, Node | None]]:
    """The rows of a SELECT query as rdflib terms, stand-ins restored and literals as written (with
    ``union``, the default graph is the union of the store's graphs)."""
    names, raw, convert = solutions(store, query, union=union)
    return [dict(zip(names, map(convert, values), strict=True)) for values in raw]


def solutions(
    store: pyoxigraph.Store, query: str, *, union: bool = False
) -> tuple[list[str], Iterator[tuple[object, ...]], Callable[[object], Node | None]]:
    """The variables of a SELECT query, its solutions as tuples of pyoxigraph terms (None when
    unbound) in their order, and the conversion of such a term to the rdflib term :func:`rows`
    gives (each distinct term converted once): for callers that convert only what they use."""
    found = store.query(query, use_default_graph_as_union=union)
    assert isinstance(found, pyoxigraph.QuerySolutions)
    seen: dict[object, Node | None] = {None: None}

    def convert(term: object) -> Node | None:
        try:
            return seen[term]
        except KeyError:
            node = seen[term] = as_written(restore(term))
            return node

    return [v.value for v in found.variables], (tuple(s) for s in found), convert


def as_written(term: object) -> Node | None:
    """A pyoxigraph term as an rdflib term; a literal keeps its lexical form (rdflib would rewrite
    ``"2011-01-01"^^xsd:dateTime`` and ``"007"^^xsd:integer``)."""
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    return from_oxigraph(term)


def restore(term: object) -> object:
    """A stand-in (or an ill-typed literal's marker) as the literal it stands for; other terms unchanged."""
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value
        for prefix in (STAND_IN, ILL_TYPED):
            if datatype.startswith(prefix):
                return pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(datatype[len(prefix) :]))
    return term
