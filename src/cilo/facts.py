"""A description's assignments as Python records, with the programme nesting: what ``cilo timeline``
and ``cilo diff`` compute on.

Read with one catalogue query (``assignment-periods``) on the store validation uses (files parsed by
Oxigraph, the ontology beside them), so a role counts for the functions Table 3 gives it exactly as
in validation. Coverage here is the coverage shape's (``shapes/profiles/coverage.rq``) in Python:
an initiative without parts covers a function when one of its own assignments, or of a programme it
is part of, performs it at any level; a test holds the two to the same answers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph
from rdflib import BNode, URIRef
from rdflib.term import Node

from cilo import nesting
from cilo.catalogue import get
from cilo.errors import UsageError
from cilo.profile import read as read_profile
from cilo.resources import data_dir
from cilo.shacl.engine import Data
from cilo.shacl.literals import solutions
from cilo.shacl.remote import Remote
from cilo.sources import Location, StoreNeighbours
from cilo.validation import Source, initiatives_of, source_with_ontology


@dataclass
class Assignment:
    """One role assignment: who, in which initiative, which role and functions, levels and period."""

    node: Node
    initiative: Node
    agent: Node
    agent_label: str
    role: URIRef | None = None
    functions: set[URIRef] = field(default_factory=set)
    levels: set[URIRef] = field(default_factory=set)
    start: datetime.date | None = None
    end: datetime.date | None = None

    def in_force(self, day: datetime.date) -> bool:
        """Whether the assignment counts on ``day`` (both ends included; an open end always)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Facts:
    """The assignments of a description, its initiatives and how they nest."""

    assignments: list[Assignment]
    #: Initiative -> its label (or IRI).
    initiatives: dict[Node, str]
    #: Initiative -> the programmes it is directly part of.
    part_of: dict[Node, tuple[Node, ...]]
    source: Data | Remote
    _by_initiative: dict[Node, list[Assignment]] = field(init=False, repr=False)
    _above: dict[Node, set[Node]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_initiative = by_initiative(self.assignments)
        self._above = nesting.above(self.part_of)

    def programmes(self) -> set[Node]:
        """The initiatives that have parts (not asked for functions)."""
        return {p for found in self.part_of.values() for p in found}

    def counted(self, initiative: Node) -> list[Assignment]:
        """The assignments that count for ``initiative``: its own and its programmes' (at any depth)."""
        owners = [initiative, *sorted(self._above.get(initiative, ()), key=str)]
        return [a for owner in owners for a in self._by_initiative.get(owner, [])]

    def missing(
        self, required: tuple[URIRef, ...], on: datetime.date | None = None
    ) -> dict[Node, set[URIRef]]:
        """Initiative (without parts) -> the functions of ``required`` no counted assignment performs
        (on the day ``on`` only those in force, as ``cilo validate --on`` counts)."""
        programmes = self.programmes()
        return {
            i: set(required)
            - {f for a in self.counted(i) if on is None or a.in_force(on) for f in a.functions}
            for i in self.initiatives
            if i not in programmes
        }

    def locate(self, node: Node) -> Location | None:
        """Where ``node`` was written (files only; None for a Graph or where the data lives)."""
        if not isinstance(self.source, Data):
            return None
        return self.source.sources.locate(node, StoreNeighbours(self.source.store()))


def facts(data: Source, *, base: str | None = None, located: bool = False) -> Facts:
    """The assignments, initiatives and nesting of ``data`` (as :func:`cilo.validate` takes it).
    ``located``: the caller will :meth:`~Facts.locate` nodes, so files are scanned for their lines in
    another thread meanwhile (while Oxigraph reads them, mostly without the GIL)."""
    source = source_with_ontology(data, base)
    if located and isinstance(source, Data):
        source.scan_ahead()
    names, part_of = initiatives_of(source)
    text = get("assignment-periods").unordered()  # ordered below, in Python
    if isinstance(source, Data):  # raw tuples, converted where used: ~10 rows an assignment
        variables, raw, convert = solutions(source.store(), text)
    else:
        variables = list(_VARIABLES)
        raw = (tuple(row[v] for v in _VARIABLES) for row in source.rows(text))
        convert = _as_is
    assert tuple(variables) == _VARIABLES, variables
    found: dict[object, Assignment] = {}
    for values in raw:
        a = found.get(values[0])
        if a is None:
            node, initiative, agent, role = (convert(values[i]) for i in (0, 1, 2, 4))
            assert node is not None and initiative is not None and agent is not None  # not optional
            a = found[values[0]] = Assignment(
                node,
                initiative,
                agent,
                _lexical(values[3], convert) or str(agent),
                role if isinstance(role, URIRef) else None,
                start=_date(_lexical(values[7], convert)),
                end=_date(_lexical(values[8], convert)),
            )
        function, level = convert(values[5]), convert(values[6])
        if isinstance(function, URIRef):
            a.functions.add(function)
        if isinstance(level, URIRef):
            a.levels.add(level)
    ordered = sorted(found.values(), key=lambda a: (_order(a.initiative), _order(a.agent), _order(a.node)))
    return Facts(ordered, names, part_of, source)


def _order(node: Node) -> tuple[bool, str]:
    """SPARQL's order of blank nodes and IRIs (§15.1): blank nodes first, then by text."""
    return (not isinstance(node, BNode), str(node))


def _as_is(term: object) -> Node | None:
    return term  # type: ignore[return-value]  # rows of a Remote are rdflib terms already


#: The columns of the ``assignment-periods`` query, in order.
_VARIABLES = ("assignment", "initiative", "agent", "agentLabel", "role", "function", "level", "start", "end")


def profile_functions(profile: str) -> tuple[URIRef, ...]:
    """The functions a profile (a bundled profile's name, or a ``.yaml`` declaration) requires, then
    those it advises."""
    if profile.endswith((".yaml", ".yml")):
        declared = read_profile(profile)
    else:
        path = data_dir("shapes") / "profiles" / f"{profile}.yaml"
        if not path.is_file():
            raise UsageError(
                f"unknown profile {profile!r}: give a bundled profile's name or a profile declared in a "
                ".yaml file (docs/extending.md)"
            )
        declared = read_profile(str(path))
    return (*declared.requires, *declared.warn)


def by_initiative(assignments: list[Assignment]) -> dict[Node, list[Assignment]]:
    """The assignments grouped by their initiative."""
    grouped: dict[Node, list[Assignment]] = defaultdict(list)
    for a in assignments:
        grouped[a.initiative].append(a)
    return grouped


def _lexical(term: object, convert: Callable[[object], Node | None]) -> str | None:
    """A term as text: a pyoxigraph literal's lexical form without making an rdflib Literal of it (a
    stand-in keeps the form as written), any other term converted; None when unbound."""
    if isinstance(term, pyoxigraph.Literal):
        return term.value
    found = convert(term)
    return None if found is None else str(found)


def _date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:  # an impossible date: validation reports it; here it bounds nothing
        return None
