"""Read the terms of the bundled ontology: functions, roles, levels, labels and Table 3."""

from __future__ import annotations

from functools import cache, lru_cache

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from cilo.namespace import CILO
from cilo.ontology import ONTOLOGY_IRI, ontology


def label(node: Node, graph: Graph | None = None) -> str:
    """The rdfs:label of ``node`` in ``graph`` or the ontology; its local name when it has none."""
    for g in (graph, ontology()):
        if g is not None:
            value = g.value(node, RDFS.label)
            if value is not None:
                return str(value)
    return local_name(node)


def local_name(node: Node) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    text = str(node).rstrip("/#")
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[-1]
    return text


def instances_of(cls: URIRef) -> list[URIRef]:
    """The named individuals of ``cls`` (or of one of its subclasses) that the ontology defines."""
    return list(_instances(cls))


@cache
def _instances(cls: URIRef) -> tuple[URIRef, ...]:
    g = ontology()
    classes = set(g.transitive_subjects(RDFS.subClassOf, cls))
    found = {s for c in classes for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}
    return tuple(sorted(found, key=str))


@lru_cache(maxsize=1)
def defined_terms() -> frozenset[URIRef]:
    """Every term the ontology defines (``rdfs:isDefinedBy <https://w3id.org/cilo>``)."""
    g = ontology()
    return frozenset(s for s in g.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI) if isinstance(s, URIRef))


def functions() -> list[URIRef]:
    """The nine leadership functions."""
    return instances_of(CILO.LeadershipFunction)


def established_functions() -> list[URIRef]:
    """The eight established functions (members of cilo:EstablishedFunctions)."""
    g = ontology()
    return sorted(
        (m for m in g.objects(CILO.EstablishedFunctions, SKOS.member) if isinstance(m, URIRef)), key=str
    )


def roles(level_class: URIRef = CILO.BackboneRole) -> list[URIRef]:
    """The backbone roles, or those of ``cilo:NationalBackboneRole`` / ``cilo:RegionalBackboneRole``."""
    return instances_of(level_class)


def levels() -> list[URIRef]:
    """The governance levels, administrative and analytical."""
    return instances_of(CILO.GovernanceLevel)


def represented_functions(role: URIRef) -> list[URIRef]:
    """The functions ``role`` represents (Table 3)."""
    return sorted(
        (f for f in ontology().objects(role, CILO.representsFunction) if isinstance(f, URIRef)), key=str
    )
