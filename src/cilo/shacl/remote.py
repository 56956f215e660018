"""Data that stays where it lives: an Oxigraph store on disk, or a SPARQL 1.1 endpoint.

The compiled queries run there, each over all its focus nodes at once, and only their rows come back:
no query ever names a blank node the store returned earlier (an endpoint could not answer it), and
nothing else is downloaded. pySHACL cannot run there, so a shape the compiler does not translate is an
error naming it, never skipped.

Solutions are a set. A store that keeps each loaded file in a graph of its own reads their union as a
multiset: a triple two files both hold matches twice (Oxigraph, Virtuoso). The rows of every query are
therefore made distinct, and a SPARQL constraint whose answer counts matches (``COUNT``, ``SUM``,
``AVG`` or ``GROUP_CONCAT`` without DISTINCT) is refused there.

Literals are compared as the store holds them. Oxigraph stores some in canonical form
(``"007"^^xsd:integer`` as ``"7"``, ``"7"^^xsd:int`` as ``"7"^^xsd:integer``); ``cilo store load``
notes which predicates had such literals (:attr:`cilo.diskstore.StoredFile.rewritten`), and a shape
whose queries read one of them is refused (validate the files instead), as its answer could differ
from the files'. An endpoint's loader is beyond cilo's sight: see docs/scaling.md.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph

from cilo.errors import ShapesError
from cilo.oxigraph import has_named_graphs
from cilo.results import Row
from cilo.shacl.compiler import Plan
from cilo.shacl.literals import AsStored, Faithful, distinct, rows
from cilo.shacl.sparql import algebra, predicates_read
from cilo.sources import R, SourceMap, locate_all
from cilo.sparqlclient import select

#: A store of this many triples runs its compiled queries one at a time (:attr:`InStore.queries_at_once`),
#: each written to look up rather than to hash (:attr:`InStore.hashes`).
ONE_AT_A_TIME_FROM = 2_000_000


@dataclass
class InStore:
    """An Oxigraph store (e.g. the active generation of a ``cilo store load`` folder)."""

    db: pyoxigraph.Store
    #: How to name it in messages.
    name: str
    #: Predicates whose literals the store holds in another form than the files wrote them, each with
    #: the file and one literal as written.
    rewritten: dict[str, tuple[str, str]] = field(default_factory=dict)
    faithful: Faithful = field(default_factory=AsStored)
    #: The files loaded into it: (path, SHA-256 when loaded), for the lines results point to.
    files: tuple[tuple[str, str], ...] = ()
    #: How many triples it holds (as its manifest says; 0 when not known).
    triples: int = 0
    #: The folder of the files' scans saved when they were loaded (:meth:`SourceMap.of_stored`).
    scans: Path | None = None
    #: The files being read again by :meth:`scan_ahead`, until :meth:`locate` takes them.
    _sources: Future[SourceMap] | None = field(default=None, init=False, repr=False)
    _reading: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def queries_at_once(self) -> int:
        """How many compiled queries run at the same time: one per core, but one past
        :data:`ONE_AT_A_TIME_FROM` triples. A query's joins are held in memory even when the data is
        on disk (at N = 100,000 initiatives, 0.1 to 1 GB each), so two at once add up; one at a time,
        memory stays that of the largest."""
        return 1 if self.triples >= ONE_AT_A_TIME_FROM else os.cpu_count() or 1

    @property
    def hashes(self) -> bool:
        """Whether the compiled queries are written to scan and hash rather than to look up for each
        row (:class:`~cilo.shacl.compiler.Compiler`'s ``on_disk``): below :data:`ONE_AT_A_TIME_FROM`
        triples. Each lookup reads RocksDB (N = 10,000: 11.3 → 5.5 s), but a hash table holds what it
        joins: at N = 100,000 up to 1.8 GB for one query, against 0.8 GB looking up (the bound is
        1 GB)."""
        return self.triples < ONE_AT_A_TIME_FROM

    def store(self) -> pyoxigraph.Store:
        return self.db

    def scan_ahead(self) -> None:
        """Begin, in another thread, to read the loaded files again for the lines of their nodes (once
        a query has found something to locate: the reading runs while the other queries do). Not for a
        store that runs its queries one at a time: memory before time (at N = 100,000 the reading
        beside the queries took the peak from 789 MB to 1,090 MB)."""
        with self._reading:
            if self._sources is None and self.queries_at_once > 1:
                pool = ThreadPoolExecutor(max_workers=1)
                self._sources = pool.submit(_read_again, self.files, self.scans)
                pool.shutdown(wait=False)

    def locate(self, results: Iterable[R]) -> list[R]:
        """``results``, each with the file and line of its focus node, where the file is unchanged."""
        with self._reading:
            ahead, self._sources = self._sources, None  # a later validation reads the files anew
        sources = SourceMap.of_stored(self.files, self.scans) if ahead is None else ahead.result()
        return locate_all(results, sources, self.db)

    def rows(self, query: str) -> list[Row]:
        """The rows of a SELECT query, literals as stored."""
        return distinct(rows(self.db, query, union=has_named_graphs(self.db)))

    def check(self, plans: Iterable[Plan]) -> None:
        """Refuse a shape whose queries count matches, or read literals the store holds rewritten."""
        plans = _counting_refused(plans, self.name)
        if not self.rewritten:
            return
        for plan in plans:
            read = predicates_read(algebra(plan.query))
            touched = set(self.rewritten) if read is None else set(self.rewritten) & read
            if touched:
                predicate = min(touched)
                file, example = self.rewritten[predicate]
                raise ShapesError(
                    f"the shape {plan.shape} reads <{predicate}>, whose literals {self.name} holds in "
                    f"another form than {file} wrote them (e.g. {example}); its answer could differ from "
                    "the file's: validate the files themselves"
                )


@dataclass
class AtEndpoint:
    """A SPARQL 1.1 query endpoint."""

    url: str
    timeout: float = 30.0
    faithful: Faithful = field(default_factory=AsStored)

    @property
    def name(self) -> str:
        return f"the endpoint {self.url}"

    @property
    def hashes(self) -> bool:
        """Whether the compiled queries are written to scan and hash (see :attr:`InStore.hashes`):
        always, as an endpoint's size is not known and its memory is the server's."""
        return True

    def rows(self, query: str) -> list[Row]:
        """The rows of a SELECT query, literals as the endpoint wrote them."""
        return distinct(list(select(self.url, query, timeout=self.timeout, written=True)[1]))

    def check(self, plans: Iterable[Plan]) -> None:
        """Refuse a shape whose queries count matches (see the module docstring)."""
        _counting_refused(plans, self.name)

    def probe(self) -> None:
        """Refuse an endpoint that answers the forms the compiled queries use wrongly: for a node of
        each class it holds, a superclass that a join finds must not be missed by (NOT) EXISTS with
        the same path. (What an endpoint's loader did to literals cannot be seen from here:
        docs/scaling.md.)"""
        for form, probe in _PROBES:
            wrong = self.rows(probe)
            if wrong:
                node, superclass = wrong[0]["v"], wrong[0]["d"]
                raise ShapesError(
                    f"{self.name} answers {form} wrongly (SPARQL 1.1 §18.6: {_shown(node)} is an instance "
                    f"of {_shown(superclass)} by rdfs:subClassOf, and the query says it is not); cilo will "
                    "not validate there, as its answers would be wrong. Load the data into an Oxigraph "
                    "store (`cilo store load`) or server instead"
                )


def _counting_refused(plans: Iterable[Plan], name: str) -> list[Plan]:
    """The plans, after refusing any SPARQL constraint that counts matches (see the module docstring)."""
    plans = list(plans)
    for plan in plans:
        if plan.counts:
            raise ShapesError(
                f"the shape {plan.shape} counts matches (COUNT, SUM, AVG or GROUP_CONCAT without DISTINCT); "
                f"{name} reads its graphs' union as a multiset, so a triple two files hold would count "
                "twice: write DISTINCT in the aggregate, or validate the files themselves"
            )
    return plans


def _read_again(files: tuple[tuple[str, str], ...], scans: Path | None) -> SourceMap:
    """The lines of ``files`` (:meth:`SourceMap.of_stored`), their scans begun."""
    found = SourceMap.of_stored(files, scans)
    found.scan_ahead()
    return found


def _shown(term: object) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)


_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
#: One node of each class (an IRI), with each superclass of that class. Virtuoso 7.2's error depends
#: on the class, so one node a class finds it (tested); every typed node took 4 s a probe on a local
#: `oxigraph serve` at N = 10,000, 40 % of validating there, and this takes 0.2 s.
_INSTANCE = (
    f"{{ SELECT ?c (SAMPLE(?x) AS ?v) WHERE {{ ?x {_TYPE} ?c FILTER (isIRI(?x)) }} GROUP BY ?c }} "
    f"?c {_SUB}+ ?d . FILTER (isIRI(?d))"
)
#: Forms the compiled queries (and cilo's own SPARQL constraints) use: each must find no node.
#: Virtuoso 7.2 fails them (a path with ``*`` inside NOT EXISTS, for some classes).
_PROBES = (
    (
        "NOT EXISTS with a property path",
        f"SELECT ?v ?d WHERE {{ {_INSTANCE} FILTER NOT EXISTS {{ ?v {_TYPE}/{_SUB}* ?d }} }} LIMIT 1",
    ),
    (
        "NOT EXISTS with a join and a property path",
        f"SELECT ?v ?d WHERE {{ {_INSTANCE} FILTER NOT EXISTS {{ ?v {_TYPE} ?t . ?t {_SUB}* ?d }} }} LIMIT 1",
    ),
)


Remote = InStore | AtEndpoint


class Located(Protocol):
    """Something that says where its data lives (:class:`cilo.OxigraphStore`, :class:`cilo.Endpoint`)."""

    def shacl_source(self) -> Remote: ...


__all__ = ["AtEndpoint", "InStore", "Located", "Remote"]
