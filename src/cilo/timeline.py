"""Coverage over time (``cilo timeline``): per initiative and function, the periods in which someone
performed it and those in which no one did.

Read from the assignments' periods (W3C ORG ``org:memberDuring``, OWL-Time dates, the
``assignment-periods`` query): an assignment is in force from its start to its end, both days
included, as ``cilo validate --on`` counts it; one without a start has been in force since before
any recorded date, one without an end still is, an undated one always. A part of a programme
(``cilo:partOf``) counts the programme's assignments as its own, on the same days; programmes are
not shown, as validation does not ask them for functions. The days on which an assignment starts,
or ends, cut the time line into intervals; neighbouring intervals with the same holders are one.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from cilo.choices import RESULTS_FORMATS, ResultsFormat
from cilo.errors import UsageError
from cilo.facts import Assignment, facts, profile_functions
from cilo.formats.jsonlist import json_list
from cilo.resources import DEFAULT_PROFILE
from cilo.results import Results
from cilo.validation import Source
from cilo.vocabulary import label

FORMATS = RESULTS_FORMATS
_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    """A period in which a function was performed in an initiative by ``holders`` (none: uncovered).
    ``start``/``end`` are days, both included; None is open (before any recorded date, or still)."""

    initiative: Node
    function: URIRef
    start: datetime.date | None
    end: datetime.date | None
    holders: tuple[str, ...]

    @property
    def covered(self) -> bool:
        """True when someone performed the function in the whole interval."""
        return bool(self.holders)

    def to_dict(self) -> dict[str, object]:
        """``{initiative, function, from, to, covered, holders}``: IRIs in full, days as YYYY-MM-DD,
        an open end as None."""
        return {
            "initiative": str(self.initiative),
            "function": str(self.function),
            "from": _iso(self.start),
            "to": _iso(self.end),
            "covered": self.covered,
            "holders": list(self.holders),
        }


@dataclass
class Timeline:
    """The intervals of every initiative (by label) and function (in the profile's order)."""

    intervals: list[Interval]
    #: Initiative -> its label, for every initiative shown.
    initiatives: dict[Node, str] = field(default_factory=dict)
    profile: str = DEFAULT_PROFILE

    def of(self, initiative: Node) -> list[Interval]:
        """The intervals of one initiative."""
        return [i for i in self.intervals if i.initiative == initiative]

    def days(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last day any interval names (None, None when nothing is dated)."""
        found = [d for i in self.intervals for d in (i.start, i.end) if d is not None]
        return (min(found), max(found)) if found else (None, None)

    def render(self, fmt: ResultsFormat = "table") -> str:
        """The timeline as a table, JSON (a list of :meth:`Interval.to_dict`) or CSV."""
        if fmt == "json":
            return json_list(i.to_dict() for i in self.intervals) + "\n"
        if fmt in ("table", "csv"):
            return self.to_results().render(fmt)
        raise UsageError(f"unknown timeline format {fmt!r}; the formats are: {', '.join(FORMATS)}")

    def to_results(self) -> Results:
        """The intervals as rows, one per interval (holders joined by ``; ``)."""
        variables = (
            "initiative",
            "initiativeLabel",
            "function",
            "functionLabel",
            "from",
            "to",
            "covered",
            "holders",
        )
        rows = tuple(
            {
                "initiative": i.initiative,
                "initiativeLabel": Literal(self.initiatives.get(i.initiative, str(i.initiative))),
                "function": i.function,
                "functionLabel": Literal(label(i.function)),
                "from": None if i.start is None else Literal(i.start.isoformat(), datatype=XSD.date),
                "to": None if i.end is None else Literal(i.end.isoformat(), datatype=XSD.date),
                "covered": Literal("yes" if i.covered else "no"),
                "holders": Literal("; ".join(i.holders)) if i.holders else None,
            }
            for i in self.intervals
        )
        return Results(variables, rows)


def timeline(data: Source, *, profile: str = DEFAULT_PROFILE, base: str | None = None) -> Timeline:
    """Coverage over time of ``data`` (paths, a Graph or a :class:`cilo.Description`; or where it
    lives), for the functions that ``profile`` (a bundled profile's name or a ``.yaml`` declaration)
    requires or advises."""
    wanted = profile_functions(profile)
    known = facts(data, base=base)
    names, programmes = known.initiatives, known.programmes()
    shown = {i: names[i] for i in sorted(names, key=lambda i: (names[i], str(i))) if i not in programmes}
    intervals: list[Interval] = []
    for initiative in shown:
        counted = known.counted(initiative)
        for function in wanted:
            performing = [a for a in counted if function in a.functions]
            intervals.extend(_intervals(initiative, function, performing))
    return Timeline(intervals, shown, profile)


def _intervals(initiative: Node, function: URIRef, performing: list[Assignment]) -> list[Interval]:
    """The intervals of one function, from the assignments that perform it: cut at every start and
    every day after an end, each with the holders in force on all its days; neighbours with the same
    holders joined."""
    cuts = sorted(
        {a.start for a in performing if a.start is not None}
        | {a.end + _DAY for a in performing if a.end is not None}
    )
    if not cuts:  # nothing dated: one interval
        return [Interval(initiative, function, None, None, _holders(performing))]
    bounds: list[tuple[datetime.date | None, datetime.date | None]] = [(None, cuts[0] - _DAY)]
    bounds += [(cut, after - _DAY) for cut, after in itertools.pairwise(cuts)]
    bounds.append((cuts[-1], None))
    out: list[Interval] = []
    for start, end in bounds:
        day = start if start is not None else end  # every day of the interval has the same holders
        assert day is not None
        holders = _holders(a for a in performing if a.in_force(day))
        if out and out[-1].holders == holders:
            out[-1] = Interval(initiative, function, out[-1].start, end, holders)
        else:
            out.append(Interval(initiative, function, start, end, holders))
    return out


def _holders(assignments: Iterable[Assignment]) -> tuple[str, ...]:
    return tuple(sorted({a.agent_label for a in assignments}))


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()
