"""The bundled ontology, parsed once per process and handed out read-only."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NoReturn

from rdflib import Graph, URIRef

from cilo.errors import UsageError
from cilo.resources import ontology_file

#: The IRI of the ontology itself.
ONTOLOGY_IRI = URIRef("https://w3id.org/cilo")


class ReadOnlyGraph(Graph):
    """A Graph that refuses every change: the ontology every validation and query shares.

    Copy it to change it: ``g = Graph(); g += cilo.ontology()``.
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise UsageError(
            "cilo.ontology() is read-only (every validation and query reads it); "
            "copy it to change it: g = rdflib.Graph(); g += cilo.ontology()"
        )

    add = remove = set = parse = _refuse
    addN = _refuse  # noqa: N815 - rdflib's name

    def __iadd__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def __isub__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The cilo ontology as a read-only rdflib Graph (parsed once per process)."""
    graph = Graph()
    graph.parse(data=ontology_file().read_bytes(), format="turtle")
    return ReadOnlyGraph(
        store=graph.store, identifier=graph.identifier, namespace_manager=graph.namespace_manager
    )
