"""What follows from a description: an OWL 2 RL closure, or a DL consistency check with HermiT.

``rl``: when the data holds facts only (no schema of its own), the rules for facts compiled from the
ontology's closure (:mod:`cilo.fastrl`) give the closure; otherwise the ``reasonable`` OWL 2 RL
reasoner (Rust) runs on everything, with the property chain rule it lacks (prp-spo2,
``owl:propertyChainAxiom``) repeated until nothing new follows. Both give the same closure (tested).
``dl`` runs HermiT through owlready2 with the machine's Java. Either way the inconsistencies are
named, in words, by the ``inconsistencies`` catalogue query on the closure.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from cilo import fastrl
from cilo.catalogue import get
from cilo.choices import REASONING_ENGINES, ReasoningEngine
from cilo.errors import InputError, ReasoningError, UsageError, WorkLimitError
from cilo.loading import Data, load, native_parse
from cilo.ontology import ontology
from cilo.oxigraph import from_oxigraph, term_converter, to_oxigraph
from cilo.safety import changed_by, current

ENGINES = REASONING_ENGINES
Triple = tuple[Node, Node, Node]


@dataclass
class Problem:
    """One contradiction: the individual, its label (or IRI) and what is wrong, in words."""

    individual: Node
    label: str
    problem: str

    def __str__(self) -> str:
        return f'"{self.label}" ({self.individual}) {self.problem}.'


@dataclass
class Reasoning:
    """The outcome of :func:`reason`: the closure (data, ontology and what follows) and the verdict."""

    engine: ReasoningEngine
    #: Every triple of the closure: the data, the ontology and the inferred triples.
    triples: list[Triple]
    #: How many triples of the closure were not in the data and ontology.
    inferred: int
    #: The contradictions found (empty when the description is consistent).
    problems: list[Problem] = field(default_factory=list)
    #: False when the reasoner found the description inconsistent.
    consistent: bool = True
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        """The closure as an rdflib Graph (built on first use: a large closure takes a while)."""
        if self._graph is None:
            self._graph = Graph()
            self._graph.bind("cilo", "https://w3id.org/cilo#")
            for triple in self.triples:
                self._graph.add(triple)
        return self._graph

    def to_text(self) -> str:
        """The verdict in words, one line per contradiction."""
        if self.consistent:
            return f"Consistent ({self.engine}): {len(self.triples)} triples, {self.inferred} inferred."
        count = len(self.problems)
        found = f"{count} contradiction{'s' if count != 1 else ''}" if count else "no model"
        lines = [f"Inconsistent ({self.engine}): {found}."]
        lines += [f"- {p}" for p in self.problems]
        if not self.problems:
            lines.append(
                "- HermiT found no model of the description and the ontology, but none of the simple "
                "causes (disjoint classes, irreflexive, asymmetric or disjoint properties) applies."
            )
        return "\n".join(lines)


def reason(data: Data, *, engine: ReasoningEngine = "rl", base: str | None = None) -> Reasoning:
    """Reason over ``data`` (a path, paths, or an rdflib Graph) with the ontology.

    ``engine="rl"``: the OWL 2 RL closure, property chains included; ``consistent`` is False when
    an inconsistency rule of OWL 2 RL fires. ``engine="dl"``: HermiT decides consistency (needs
    Java); the closure holds what HermiT infers (types and property values). Literals outside the
    OWL 2 datatype map, such as the ``xsd:date`` of OWL-Time's ``inXSDDate``, are ignored by
    HermiT. ``base`` is the base IRI for local ids in YAML, JSON and CSV files.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; the engines are: {', '.join(ENGINES)}")
    with _collector_paused():
        facts = _data(data, base)
        asserted = list(ontology()) + facts
        if engine == "rl":
            _check_same_as(facts)
            rules = fastrl.compile_rules(_ontology_closure())
            if fastrl.applies(rules, facts):
                triples = list(fastrl.closure(rules, facts))
            else:
                triples = rl_closure(asserted)
            problems = inconsistencies(triples)
            return Reasoning("rl", triples, len(triples) - len(set(asserted)), problems, not problems)
    return _hermit(asserted)


def _check_same_as(facts: Iterable[Triple]) -> None:
    """Refuse data whose ``owl:sameAs`` statements join more nodes into one than
    :attr:`cilo.Limits.max_same_as_nodes`: the RL closure restates everything about each of them
    for every other (k² ``owl:sameAs`` triples alone), and a chain of 1,500 took minutes and gigabytes."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        while parent.get(node, node) != node:
            parent[node] = node = parent.get(parent[node], parent[node])
        return node

    for s, p, o in facts:
        if p == OWL.sameAs and s != o:
            a, b = root(s), root(o)
            if a != b:
                parent[a] = b
    sizes: dict[Node, int] = defaultdict(int)
    for node in {n for pair in parent.items() for n in pair}:
        sizes[root(node)] += 1
    limit = current().max_same_as_nodes
    node, size = max(sizes.items(), key=lambda item: item[1], default=(OWL.sameAs, 0))
    if size > limit:
        raise WorkLimitError(
            f"owl:sameAs makes {size:,} nodes one (among them {node.n3()}); the OWL 2 RL closure "
            f"would restate everything about each of them for all the others ({size**2:,} owl:sameAs "
            f"triples alone). cilo reasons with at most {limit:,} nodes made one "
            f"({changed_by('max_same_as_nodes')})"
        )


@functools.lru_cache(maxsize=1)
def _ontology_closure() -> frozenset[Triple]:
    """The OWL 2 RL closure of the ontology alone, by ``reasonable`` (once per process)."""
    return frozenset(rl_closure(list(ontology())))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of term tuples are built: none of them
    form cycles, and full collections over them took a third of the rl time at N = 10,000."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rl_closure(triples: list[Triple]) -> list[Triple]:
    """The OWL 2 RL closure of ``triples`` (which should include the ontology), chains included.

    Literals go through the reasoner as placeholder IRIs and come back unchanged: ``reasonable``
    rewrites some datatypes (``xsd:nonNegativeInteger`` came back as ``xsd:integer``), and the
    RL rules cilo needs never look inside a literal.
    """
    import reasonable

    placeholders: dict[Node, URIRef] = {}
    literals: dict[Node, Node] = {}

    def encode(t: Triple) -> Triple:
        if not isinstance(t[2], Literal):
            return t
        iri = placeholders.get(t[2])
        if iri is None:
            iri = placeholders[t[2]] = URIRef(f"urn:cilo:literal:{len(placeholders)}")
            literals[iri] = t[2]
        return (t[0], t[1], iri)

    closure = {encode(t) for t in triples}
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(closure | _chained(closure)))
    while True:
        closure = set(reasoner.reason())
        new = _chained(closure) - closure
        if not new:
            break
        reasoner.from_graph(list(new))
    return [(s, p, literals.get(o, o)) for s, p, o in closure if s not in literals]


_CHAIN_PREDICATES = frozenset({OWL.propertyChainAxiom, RDF.first, RDF.rest})


def _chained(triples: set[Triple]) -> set[Triple]:
    """The triples the property chain axioms among ``triples`` derive (one application of prp-spo2)."""
    graph = Graph()
    for t in triples:
        if t[1] in _CHAIN_PREDICATES:
            graph.add(t)
    chains = [(p, list(Collection(graph, lst))) for p, lst in graph.subject_objects(OWL.propertyChainAxiom)]
    if not chains:
        return set()
    needed = {step for _, steps in chains for step in steps}
    edges: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in needed}
    for s, p, o in triples:
        if p in edges:
            edges[p][s].add(o)
    derived: set[Triple] = set()
    for prop, steps in chains:
        reach = {s: set(objects) for s, objects in edges[steps[0]].items()}
        for step in steps[1:]:
            follow = edges[step]
            reach = {s: {o2 for o in objects for o2 in follow.get(o, ())} for s, objects in reach.items()}
        derived |= {(s, prop, o) for s, objects in reach.items() for o in objects}
    return derived


def inconsistencies(triples: list[Triple]) -> list[Problem]:
    """The contradictions among ``triples``, from the ``inconsistencies`` catalogue query.

    Only the triples the query can match are stored (a few percent of a large closure): labels,
    lists, the axioms it reads, the statements of the properties declared irreflexive, asymmetric or
    disjoint, and the types that name a class of a disjointness axiom.
    """
    classes: set[Node] = set(_INCONSISTENCY_CLASSES)
    predicates: set[Node] = set(_INCONSISTENCY_PREDICATES)
    for s, p, o in triples:  # membership tests, not ==: rdflib's __eq__ is Python code
        if p in _CLASS_AXIOMS:
            classes.update((s, o))
        elif p in _PROPERTY_AXIOMS or o in _PROPERTY_CLASSES:
            predicates.update((s, o))
    rdf_type = RDF.type
    store = pyoxigraph.Store()
    store.extend(
        pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        for s, p, o in triples
        if p in predicates or (o in classes and p == rdf_type)
    )
    solutions = store.query(get("inconsistencies").text)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    problems = []
    for s in solutions:
        individual = from_oxigraph(s["individual"])
        assert individual is not None
        label = s["individualLabel"]
        text = str(label.value) if label is not None else str(individual)
        problems.append(Problem(individual, text, str(s["problem"].value)))
    return problems


#: What the ``inconsistencies`` query reads besides types: predicates, and the classes it names.
_INCONSISTENCY_PREDICATES = frozenset(
    {
        RDF.first,
        RDF.rest,
        RDFS.label,
        OWL.disjointWith,
        OWL.members,
        OWL.propertyDisjointWith,
        OWL.sameAs,
        OWL.differentFrom,
    }
)
_PROPERTY_CLASSES = frozenset({OWL.IrreflexiveProperty, OWL.AsymmetricProperty})
_CLASS_AXIOMS = frozenset({RDF.first, OWL.disjointWith})
_PROPERTY_AXIOMS = frozenset({OWL.propertyDisjointWith})
_INCONSISTENCY_CLASSES = _PROPERTY_CLASSES | {OWL.Nothing, OWL.AllDisjointClasses}


def _data(data: Data, base: str | None) -> list[Triple]:
    """The triples of ``data``. Turtle, N-Triples, N-Quads and TriG files are parsed by Oxigraph's
    parser (not its store, which would turn ``xsd:nonNegativeInteger`` into ``xsd:integer``); any
    other file by cilo's readers."""
    if isinstance(data, Graph):
        return list(data)
    paths = [data] if isinstance(data, str | Path) else list(data)
    if not paths:
        raise InputError("the data", "no input file given")
    term = term_converter()
    triples: list[Triple] = []
    for path in paths:
        quads = native_parse(path, base=base)
        if quads is None:
            triples += list(load(path, base=base))
        else:
            triples += [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]  # type: ignore[misc]
    return triples


def java() -> str:
    """The Java executable owlready2 will run HermiT with, or a ReasoningError saying what to install."""
    import owlready2

    home = os.environ.get("JAVA_HOME")
    candidates = [owlready2.JAVA_EXE, *([str(Path(home) / "bin" / "java")] if home else [])]
    for candidate in candidates:
        found = shutil.which(str(candidate))
        if found:
            return found
    raise ReasoningError(
        "the dl engine runs HermiT, which needs Java 8 or later, and no `java` was found "
        "(not on PATH, not in JAVA_HOME): install a Java runtime, e.g. `apt install default-jre-headless`, "
        "or use --engine rl"
    )


def _hermit(asserted: list[Triple]) -> Reasoning:
    import owlready2

    graph = Graph()
    for t in asserted:
        if t[1] != OWL.imports:  # owlready2 would follow them, over the network
            graph.add(t)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        seconds = current().reasoner_seconds
        try:
            with onto, _owlready_settings(java(), seconds):
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=True, ignore_unsupported_datatypes=True, debug=0
                )
        except subprocess.TimeoutExpired:
            raise ReasoningError(
                f"HermiT was stopped after {seconds:g} s (`with cilo.limits(reasoner_seconds=...)` or "
                "`cilo reason --time-limit` changes the limit); the rl engine is much faster"
            ) from None
        except owlready2.OwlReadyInconsistentOntologyError:
            return Reasoning("dl", asserted, 0, inconsistencies(rl_closure(asserted)), consistent=False)
        except (owlready2.OwlReadyJavaError, subprocess.CalledProcessError, OSError) as e:
            raise ReasoningError(f"HermiT failed: {_java_message(str(e)) or type(e).__name__}") from None
        closure = set(asserted)
        for s, p, o in world.as_rdflib_graph():
            if isinstance(s, URIRef) and isinstance(p, URIRef) and not isinstance(o, BNode):
                closure.add((s, p, o))  # owlready2's blank nodes have its own ids: left out
    triples = sorted(closure, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    return Reasoning("dl", triples, len(closure) - len(set(asserted)))


@contextlib.contextmanager
def _owlready_settings(java_exe: str, seconds: float) -> Iterator[None]:
    """owlready2's Java and subprocess settings for one HermiT run, put back as they were after it.

    owlready2 keeps both in module globals; its ``_subprocess_kargs`` are passed to ``subprocess``,
    which kills Java when ``timeout`` is up.
    """
    import owlready2
    from owlready2 import reasoning as owlready_reasoning

    kargs = owlready_reasoning._subprocess_kargs
    saved_java, saved_kargs = owlready2.JAVA_EXE, dict(kargs)
    owlready2.JAVA_EXE = java_exe
    kargs["timeout"] = seconds
    try:
        yield
    finally:
        owlready2.JAVA_EXE = saved_java
        kargs.clear()
        kargs.update(saved_kargs)


def _java_message(text: str) -> str:
    """The message of the Java exception in ``text`` (HermiT's output), without the stack trace."""
    lines = [line.strip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if "Exception" in line and ":" in line), None)
    if start is None:
        return next((line for line in lines if line and not line.startswith("at ")), "")
    message = [lines[start].split("Exception: ", 1)[-1]]
    for line in lines[start + 1 :]:
        if not line or line.startswith("at ") or line.startswith("Caused by"):
            break
        message.append(line)
    return " ".join(message)
