"""The bundled ontology, parsed once per process."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef

from cilo.resources import ontology_file

#: The IRI of the ontology itself.
ONTOLOGY_IRI = URIRef("https://w3id.org/cilo")


@lru_cache(maxsize=1)
def _parsed() -> Graph:
    graph = Graph()
    graph.parse(data=ontology_file().read_bytes(), format="turtle")
    return graph


def ontology() -> Graph:
    """The cilo ontology as an rdflib Graph (parsed once; do not modify it, copy it instead)."""
    return _parsed()
