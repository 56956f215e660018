"""The OWL 2 RL closure of a description over cilo's own ontology, without a general reasoner.

When the data adds no schema of its own (no classes, properties, axioms or ``owl:sameAs``; only
facts about individuals), every schema triple of the closure is already in the closure of the
ontology, which ``reasonable`` computes once per process. What follows from the data is then what
the OWL 2 RL rules for facts derive with that fixed schema: types from subclasses (cax-sco),
domains and ranges (prp-dom, prp-rng), super-properties (prp-spo1), inverse, symmetric and
transitive properties (prp-inv, prp-symp, prp-trp) and two-step property chains (prp-spo2), applied
until nothing new follows (semi-naive: each new triple is joined once). The rules are compiled into
tables from the ontology's closure, and the data's own term objects are reused: no term is built.

:func:`applies` says when this is complete; otherwise cilo falls back to ``reasonable`` on
everything. ``tests/test_reasoning.py`` checks both give the same closure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import OWL, RDF, RDFS, Literal
from rdflib.collection import Collection
from rdflib.graph import Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

_SCHEMA_NAMESPACES = (str(OWL), str(RDFS), str(RDF))
#: Predicates of those namespaces that data may use for facts: they carry no schema.
_FACT_PREDICATES = frozenset({RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})
#: Schema constructs the compiled rules do not cover: with any of them in the ontology, fall back.
_UNSUPPORTED = frozenset(
    {
        OWL.InverseFunctionalProperty,
        OWL.hasKey,
        OWL.sameAs,
        OWL.Restriction,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.oneOf,
        OWL.hasValue,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.complementOf,
    }
)


@dataclass
class Rules:
    """The ontology's closure compiled into lookup tables for the rules on facts."""

    closure: frozenset[Triple]
    supers: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    super_properties: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    domains: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    ranges: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    inverses: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    symmetric: frozenset[Node] = frozenset()
    transitive: frozenset[Node] = frozenset()
    functional: frozenset[Node] = frozenset()
    #: (first step, second step) -> the properties the chain implies.
    chains: dict[tuple[Node, Node], tuple[Node, ...]] = field(default_factory=dict)
    #: Whether the reference types every typed node ``owl:Thing`` too (``reasonable`` does; OWL's
    #: semantics agree), read off the ontology's closure.
    typed_are_things: bool = False
    supported: bool = True


@lru_cache(maxsize=4)
def compile_rules(ontology_closure: frozenset[Triple]) -> Rules:
    """Rule tables from the OWL 2 RL closure of the ontology (its schema is closed: subclass and
    subproperty links are transitive and reflexive, domains and ranges inherited)."""
    rules = Rules(ontology_closure)
    tables: dict[Node, dict[Node, list[Node]]] = {
        RDFS.subClassOf: defaultdict(list),
        RDFS.subPropertyOf: defaultdict(list),
        RDFS.domain: defaultdict(list),
        RDFS.range: defaultdict(list),
        OWL.inverseOf: defaultdict(list),
    }
    kinds: dict[Node, set[Node]] = defaultdict(set)
    graph = Graph()
    for s, p, o in ontology_closure:
        if p in tables:
            tables[p][s].append(o)
        if p == OWL.inverseOf:
            tables[p][o].append(s)
        if p == RDF.type:
            kinds[o].add(s)
        if p in _UNSUPPORTED or o in _UNSUPPORTED:
            rules.supported = False
        if p in (OWL.propertyChainAxiom, RDF.first, RDF.rest):
            graph.add((s, p, o))
    rules.supers = _frozen(tables[RDFS.subClassOf])
    rules.super_properties = _frozen(tables[RDFS.subPropertyOf])
    rules.domains = _frozen(tables[RDFS.domain])
    rules.ranges = _frozen(tables[RDFS.range])
    rules.inverses = _frozen(tables[OWL.inverseOf])
    rules.symmetric = frozenset(kinds[OWL.SymmetricProperty])
    rules.transitive = frozenset(kinds[OWL.TransitiveProperty])
    rules.functional = frozenset(kinds[OWL.FunctionalProperty])
    chains: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(graph, head))
        if len(steps) != 2:
            rules.supported = False
            continue
        chains[(steps[0], steps[1])].append(prop)
    rules.chains = _frozen(chains)
    typed = {s for s, p, _ in ontology_closure if p == RDF.type}
    rules.typed_are_things = bool(typed) and all((s, RDF.type, OWL.Thing) in ontology_closure for s in typed)
    return rules


def _frozen(
    table: dict[Node, list[Node]] | dict[tuple[Node, Node], list[Node]],
) -> dict[Any, tuple[Node, ...]]:
    """The table with each list deduplicated (order kept) into a tuple."""
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


def applies(rules: Rules, data: Iterable[Triple]) -> bool:
    """True when the data holds facts only (no schema of its own) and the compiled rules cover the
    ontology: then :func:`closure` is the whole OWL 2 RL closure."""
    if not rules.supported:
        return False
    data = data if isinstance(data, list) else list(data)
    predicates = {p for _, p, _ in data}
    if any(str(p).startswith(_SCHEMA_NAMESPACES) and p not in _FACT_PREDICATES for p in predicates):
        return False
    rdf_type = RDF.type
    if any(str(o).startswith(_SCHEMA_NAMESPACES) for o in {o for _, p, o in data if p == rdf_type}):
        return False
    # two values of a functional property would be equal: equality reasoning, not covered
    values: dict[tuple[Node, Node], Node] = {}
    return all(values.setdefault((s, p), o) == o for s, p, o in data if p in rules.functional)


def closure(rules: Rules, data: Iterable[Triple]) -> set[Triple]:
    """The ontology's closure, the data, and what the rules on facts derive from them."""
    known: set[Triple] = set(rules.closure)
    queue = [t for t in data if t not in known]
    known.update(queue)
    # Indexes for the joins (chains, transitive properties), over the ontology's facts and the new.
    joined = {step for pair in rules.chains for step in pair} | rules.transitive
    forward: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in joined}
    backward: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in joined}
    for s, p, o in known:
        if p in forward:
            forward[p][s].add(o)
            backward[p][o].add(s)
    firsts = defaultdict(list)
    seconds = defaultdict(list)
    for (first, second), props in rules.chains.items():
        firsts[first].append((second, props))
        seconds[second].append((first, props))
    rdf_type = RDF.type
    supers, super_properties = rules.supers, rules.super_properties
    domains, ranges, inverses = rules.domains, rules.ranges, rules.inverses
    symmetric, transitive = rules.symmetric, rules.transitive
    thing = OWL.Thing if rules.typed_are_things else None

    def add(triple: Triple) -> None:
        if triple not in known:
            known.add(triple)
            queue.append(triple)
            if triple[1] in forward:
                forward[triple[1]][triple[0]].add(triple[2])
                backward[triple[1]][triple[2]].add(triple[0])

    while queue:
        s, p, o = queue.pop()
        if p == rdf_type:
            for c in supers.get(o, ()):
                add((s, rdf_type, c))
            if thing is not None:
                add((s, rdf_type, thing))
        for q in super_properties.get(p, ()):
            add((s, q, o))
        for c in domains.get(p, ()):
            add((s, rdf_type, c))
        if not isinstance(o, Literal):
            for c in ranges.get(p, ()):
                add((o, rdf_type, c))
            for q in inverses.get(p, ()):
                add((o, q, s))
            if p in symmetric:
                add((o, p, s))
        if p in transitive:
            for before in list(backward[p].get(s, ())):
                add((before, p, o))
            for after in list(forward[p].get(o, ())):
                add((s, p, after))
        for second, props in firsts.get(p, ()):
            for after in list(forward[second].get(o, ())):
                for prop in props:
                    add((s, prop, after))
        for first, props in seconds.get(p, ()):
            for before in list(backward[first].get(s, ())):
                for prop in props:
                    add((before, prop, o))
    return known
