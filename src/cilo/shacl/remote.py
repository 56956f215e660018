"""Data that stays where it lives: an Oxigraph store on disk, or a SPARQL 1.1 endpoint.

The compiled queries run there, each over all its focus nodes at once, and only their rows come back:
no query ever names a blank node the store returned earlier (an endpoint could not answer it), and
nothing else is downloaded. pySHACL cannot run there, so a shape the compiler does not translate is an
error naming it, never skipped.

Literals are compared as the store holds them. Oxigraph stores some in canonical form
(``"007"^^xsd:integer`` as ``"7"``, ``"7"^^xsd:int`` as ``"7"^^xsd:integer``); ``cilo store load``
notes which predicates had such literals (:attr:`cilo.diskstore.StoredFile.rewritten`), and a shape
whose queries read one of them is refused (validate the files instead), as its answer could differ
from the files'. An endpoint's loader is beyond cilo's sight: see docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph

from cilo.errors import ShapesError
from cilo.oxigraph import has_named_graphs
from cilo.results import Row
from cilo.shacl.compiler import Plan
from cilo.shacl.literals import AsStored, Faithful
from cilo.shacl.sparql import algebra, predicates_read
from cilo.sparqlclient import select


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

    def store(self) -> pyoxigraph.Store:
        return self.db

    def rows(self, query: str) -> list[Row]:
        """The rows of a SELECT query, literals as stored."""
        from cilo.shacl.engine import as_written

        solutions = self.db.query(query, use_default_graph_as_union=has_named_graphs(self.db))
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: as_written(s[n]) for n in names} for s in solutions]

    def check(self, plans: Iterable[Plan]) -> None:
        """Refuse a shape whose queries read literals the store holds rewritten."""
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

    def rows(self, query: str) -> list[Row]:
        """The rows of a SELECT query, literals as the endpoint wrote them."""
        return list(select(self.url, query, timeout=self.timeout, written=True)[1])

    def check(self, plans: Iterable[Plan]) -> None:
        """Nothing to refuse: what an endpoint's loader did to literals cannot be seen from here."""


Remote = InStore | AtEndpoint


class Located(Protocol):
    """Something that says where its data lives (:class:`cilo.OxigraphStore`, :class:`cilo.Endpoint`)."""

    def shacl_source(self) -> Remote: ...


__all__ = ["AtEndpoint", "InStore", "Located", "Remote"]
