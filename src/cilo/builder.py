"""Build an initiative description in Python, without writing triples by hand.

>>> from cilo import Description
>>> d = Description(base="https://example.org/my-region/")
>>> ci = d.initiative("family-services", "Family services CI")
>>> itla = d.organization("itla", "ITLA")
>>> _ = d.assign(itla, ci, role="FuturesThinker", level="National", start="2023-01-01")
>>> len(d.graph)
10
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Sequence
from urllib.parse import urljoin

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from cilo.choices import AnyWriteFormat
from cilo.context import DEFAULT_BASE, check_id, prefixes
from cilo.errors import DescriptionError, TermError
from cilo.namespace import CILO
from cilo.vocabulary import resolve

ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")

Ref = str | URIRef
DateLike = datetime.date | str


class Description:
    """A description of initiatives, their actors and role assignments, kept as an rdflib Graph.

    Ids are local names resolved against ``base`` (or full IRIs); roles, functions and levels are
    short names (``"Evaluator"``), prefixed names (``"cilo:Evaluator"``) or IRIs. Unknown names
    raise :class:`cilo.TermError` (a ``ValueError``) listing the known ones.
    """

    def __init__(self, base: str = DEFAULT_BASE, graph: Graph | None = None) -> None:
        self.base = base
        self.graph = graph if graph is not None else Graph()
        for prefix in ("cilo", "org", "time", "rdfs", "xsd"):
            self.graph.bind(prefix, prefixes()[prefix])

    def iri(self, ref: Ref) -> URIRef:
        """The IRI of a local id (relative to ``base``) or of a full IRI."""
        return ref if isinstance(ref, URIRef) else URIRef(urljoin(self.base, check_id(ref)))

    def initiative(
        self,
        id: str,
        label: str | None = None,
        *,
        municipalities: int | None = None,
        participating_municipalities: int | None = None,
        part_of: Ref | None = None,
    ) -> URIRef:
        """Add an initiative (with the municipality counts of Table 1, when known), optionally part
        of a programme (``cilo:partOf``, another initiative: the part counts its assignments)."""
        node = self._node(id, CILO.Initiative, label)
        if part_of is not None:
            self.graph.add((node, CILO.partOf, self.iri(part_of)))
        for prop, count in (
            (CILO.municipalityCount, municipalities),
            (CILO.participatingMunicipalityCount, participating_municipalities),
        ):
            if count is not None:
                if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                    raise DescriptionError(
                        f"a number of municipalities must be a whole number >= 0, not {count!r}"
                    )
                self.graph.set((node, prop, Literal(count, datatype=XSD.nonNegativeInteger)))
        return node

    def person(self, id: str, label: str | None = None, *, member_of: Ref | None = None) -> URIRef:
        """Add a person, optionally a member (``org:memberOf``) of an organisation."""
        return self._actor(id, CILO.Person, label, member_of)

    def organization(self, id: str, label: str | None = None, *, member_of: Ref | None = None) -> URIRef:
        """Add an organisation, optionally a member (``org:memberOf``) of another."""
        return self._actor(id, CILO.Organization, label, member_of)

    def assign(
        self,
        agent: Ref,
        initiative: Ref,
        *,
        role: str | None = None,
        function: str | Sequence[str] | None = None,
        level: str | Sequence[str],
        start: DateLike | None = None,
        end: DateLike | None = None,
        id: str | None = None,
    ) -> Node:
        """Record that ``agent`` holds ``role`` (or performs ``function`` directly) in ``initiative``
        at ``level`` (one name, or an administrative and an analytical one), from ``start`` to ``end``;
        ``function`` may name several functions performed in that one assignment.
        Returns the assignment's node (a blank node unless ``id`` is given)."""
        if role is None and not function:
            raise DescriptionError("an assignment needs a role or a function")
        levels = [level] if isinstance(level, str) else list(level)
        if not levels:
            raise DescriptionError("an assignment needs at least one level, such as 'National'")
        terms = [(CILO.role, resolve(role, CILO.BackboneRole))] if role is not None else []
        for name in [function] if isinstance(function, str) else list(function or ()):
            terms.append((CILO.performsFunction, resolve(name, CILO.LeadershipFunction)))
        terms += [(CILO.level, resolve(name, CILO.GovernanceLevel)) for name in levels]
        begins, ends = _date(start, "start"), _date(end, "end")
        if begins is not None and ends is not None and ends < begins:
            raise DescriptionError(f"an assignment cannot end ({ends}) before it starts ({begins})")

        node: Node = BNode() if id is None else self.iri(id)
        g = self.graph
        g.add((node, RDF.type, CILO.RoleAssignment))
        g.add((node, CILO.agent, self.iri(agent)))
        g.add((node, CILO.initiative, self.iri(initiative)))
        for prop, term in terms:
            g.add((node, prop, term))
        if begins is not None or ends is not None:
            interval = BNode()
            g.add((node, ORG.memberDuring, interval))
            g.add((interval, RDF.type, TIME.Interval))
            for prop, day in ((TIME.hasBeginning, begins), (TIME.hasEnd, ends)):
                if day is not None:
                    instant = BNode()
                    g.add((interval, prop, instant))
                    g.add((instant, RDF.type, TIME.Instant))
                    g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        return node

    def serialize(self, format: AnyWriteFormat = "ttl") -> str:
        """The description as text: ``ttl``, ``nt``, ``rdf``, ``yaml``, ``jsonld`` or ``csv`` (see
        :func:`cilo.dumps`)."""
        from cilo.writing import dumps

        return dumps(self.graph, format)

    def _node(self, id: str, cls: URIRef, label: str | None) -> URIRef:
        node = self.iri(id)
        for other in self.graph.objects(node, RDF.type):
            if other != cls and isinstance(other, URIRef) and other in _KINDS:
                raise DescriptionError(
                    f"{id!r} is already {_KINDS[other]}; it cannot also be {_KINDS[cls]} (the ontology "
                    "declares them disjoint): give this one another id"
                )
        self.graph.add((node, RDF.type, cls))
        if label is not None:
            self.graph.set((node, RDFS.label, Literal(label)))
        return node

    def _actor(self, id: str, cls: URIRef, label: str | None, member_of: Ref | None) -> URIRef:
        node = self._node(id, cls, label)
        if member_of is not None:
            self.graph.add((node, ORG.memberOf, self.iri(member_of)))
        return node


#: The classes the builder types nodes with, which the ontology declares pairwise disjoint.
_KINDS = {
    CILO.Initiative: "an initiative",
    CILO.Person: "a person",
    CILO.Organization: "an organization",
    CILO.RoleAssignment: "a role assignment",
}


def parse_date(value: object, what: str = "") -> datetime.date:
    """A date from a :class:`datetime.date` or ``YYYY-MM-DD`` text; a ValueError in words otherwise."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    what = f"the {what} date" if what and what != "date" else "a date"
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:  # written right, but no such day
            raise DescriptionError(f"{what} {value} does not exist: {_no_such_day(value)}") from None
    raise DescriptionError(f"{what} must be written YYYY-MM-DD, such as 2024-03-01, not {value!r}")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_such_day(value: str) -> str:
    """Why a date written as YYYY-MM-DD is not a day of the calendar, in words."""
    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}"
    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days, not {day}"


def _date(value: DateLike | None, what: str) -> datetime.date | None:
    return None if value is None else parse_date(value, what)


__all__ = ["DEFAULT_BASE", "Description", "TermError", "parse_date"]
