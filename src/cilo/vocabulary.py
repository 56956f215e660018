"""Read the terms of the bundled ontology: functions, roles, levels, labels and Table 3."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache, lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from cilo.context import check_id, expand_curie
from cilo.errors import TermError
from cilo.namespace import CILO
from cilo.ontology import ONTOLOGY_IRI, ontology


def label(node: Node, graph: Graph | None = None) -> str:
    """The rdfs:label of ``node`` in ``graph`` or the ontology; its local name when it has none."""
    if graph is not None:
        value = graph.value(node, RDFS.label)
        if value is not None:
            return str(value)
    return _ontology_label(node)


@lru_cache(maxsize=4096)
def _ontology_label(node: Node) -> str:
    """The label of a term in the ontology (read once: the ontology is parsed once per process)."""
    value = ontology().value(node, RDFS.label)
    return local_name(node) if value is None else str(value)


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


@cache
def short_names(cls: URIRef) -> dict[str, URIRef]:
    """Local name -> IRI of the ontology's instances of ``cls``; of its classes for ``owl:Class``."""
    if cls == OWL.Class:
        onto = ontology()
        terms = sorted((t for t in defined_terms() if (t, RDF.type, OWL.Class) in onto), key=str)
    else:
        terms = instances_of(cls)
    return {local_name(t): t for t in terms}


def resolve(name: str, cls: URIRef) -> URIRef:
    """The term ``name`` stands for, among the instances of ``cls`` (or classes, for ``owl:Class``).

    ``name`` is a short name (``Evaluator``), a prefixed name (``cilo:Evaluator``) or an IRI. An IRI
    outside the cilo namespace is accepted as it is (your own extension, judged by the shapes); any
    other unknown name raises :class:`TermError` with the nearest known name and the full list.
    """
    known = short_names(cls)
    full = expand_curie(name.strip())
    if full.startswith(str(CILO)):
        short = full[len(str(CILO)) :]
    elif ":" in full:
        return URIRef(check_id(full))
    else:
        short = full
    if short in known:
        return known[short]
    what = "class" if cls == OWL.Class else label(cls)
    for other, key in ((CILO.LeadershipFunction, "function"), (CILO.BackboneRole, "role")):
        if other != cls and short in short_names(other):  # Facilitator given as a role, or the reverse
            raise TermError(
                f"{short} is {_a(label(other))}, not {_a(what)}: write `{key}: {short}` (the YAML key "
                f"and CSV column of that name)"
            )
    raise TermError(
        f"unknown {what} {name!r}{suggestion(short, known)}; the known names are: {', '.join(known)}"
    )


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun.lower()}"


def suggestion(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the nearest of ``known``, or nothing."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
