"""What changed between two versions of a description (``cilo diff``): coverage and assignments.

An assignment has no name of its own in most descriptions (a blank node, or a list item in YAML), so
the two versions are matched by what each assignment says: its initiative, agent, role, functions and
levels. One said in BEFORE and not in AFTER is *removed*, the other way round *added*; the same
said in both with another end date has *ended* (or had its period changed). A removal and an
addition by the same agent in the same initiative are one change: the agent *changed role* (another
role or function) or *changed level* (the same role at another level). Coverage is compared per
initiative as validation counts it (:mod:`cilo.facts`): functions *newly missing* or *newly covered*;
an initiative only one side describes is *added* or *no longer described*. Every change names the
lines of both sides where they are known.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from cilo.choices import DIFF_FORMATS, DiffFormat
from cilo.errors import UsageError
from cilo.facts import Assignment, Facts, facts, profile_functions
from cilo.formats.cells import printable
from cilo.formats.jsonlist import json_list
from cilo.resources import DEFAULT_PROFILE
from cilo.sources import Location
from cilo.validation import Source, as_day
from cilo.vocabulary import label

#: The kinds of change, in the order a report lists them; the first four are changes in coverage.
KINDS = (
    "initiative added",
    "initiative no longer described",
    "newly missing",
    "newly covered",
    "added",
    "removed",
    "ended",
    "period changed",
    "changed role",
    "changed level",
)
_COVERAGE = frozenset(KINDS[:4])


@dataclass(frozen=True)
class Change:
    """One change, in words, with where each side wrote it (None: not known, or not on that side)."""

    kind: str
    initiative: Node
    text: str
    before: Location | None = None
    after: Location | None = None

    @property
    def in_coverage(self) -> bool:
        """True for a change in which functions an initiative covers."""
        return self.kind in _COVERAGE

    def to_dict(self) -> dict[str, object]:
        """``{kind, initiative, text, before, after}``; the sides as ``{"file", "line"}`` or None."""
        return {
            "kind": self.kind,
            "initiative": str(self.initiative),
            "text": self.text,
            "before": None if self.before is None else self.before.to_dict(),
            "after": None if self.after is None else self.after.to_dict(),
        }


@dataclass
class Diff:
    """The changes from one version of a description to another, per initiative."""

    changes: list[Change]
    #: Initiative -> its label (the later one where both sides name it).
    initiatives: dict[Node, str]

    @property
    def coverage_changed(self) -> bool:
        """True when some initiative covers other functions than before (``cilo diff`` exits 1)."""
        return any(c.in_coverage for c in self.changes)

    def render(self, fmt: DiffFormat = "text") -> str:
        """The changes in words (``text``) or as JSON (``{"coverage_changed", "changes": [...]}``)."""
        if fmt == "json":
            listed = json_list((c.to_dict() for c in self.changes), indent=4)
            return (
                f'{{\n  "coverage_changed": {json.dumps(self.coverage_changed)},\n  "changes": {listed}\n}}\n'
            )
        if fmt == "text":
            return self.to_text()
        raise UsageError(f"unknown diff format {fmt!r}; the formats are: {', '.join(DIFF_FORMATS)}")

    def to_text(self) -> str:
        """One block per initiative that changed, a line per change, then a summary line."""
        grouped: dict[Node, list[Change]] = defaultdict(list)
        for change in self.changes:
            grouped[change.initiative].append(change)
        lines: list[str] = []
        for initiative in sorted(grouped, key=lambda i: (self.initiatives.get(i, ""), str(i))):
            lines.append(f'Initiative "{self.initiatives.get(initiative, initiative)}" <{initiative}>:')
            for c in grouped[initiative]:
                lines.append(f"  {c.kind}: {c.text}{_where(c)}")
        coverage = sum(1 for c in self.changes if c.in_coverage)
        lines.append("" if lines else "No changes.")
        lines.append(
            f"{len(grouped)} initiative{'s' if len(grouped) != 1 else ''} changed; "
            f"{coverage} change{'s' if coverage != 1 else ''} in coverage, "
            f"{len(self.changes) - coverage} in assignments."
        )
        return printable("\n".join(lines).lstrip("\n") + "\n")


def diff(
    before: Source,
    after: Source,
    *,
    profile: str = DEFAULT_PROFILE,
    base: str | None = None,
    on: datetime.date | str | None = None,
) -> Diff:
    """What changed from ``before`` to ``after`` (each as :func:`cilo.validate` takes data): coverage
    of the functions ``profile`` requires or advises, and the assignments. With ``on`` (a date, or
    ``YYYY-MM-DD``), coverage is compared as it stood that day on each side (``validate --on``)."""
    wanted = profile_functions(profile)
    day = None if on is None else as_day(on)
    old, new = facts(before, base=base, located=True), facts(after, base=base, located=True)
    labels = {**old.initiatives, **new.initiatives}
    changes: list[Change] = []
    for initiative in sorted(set(new.initiatives) - set(old.initiatives), key=str):
        changes.append(
            Change("initiative added", initiative, f'"{labels[initiative]}"', None, new.locate(initiative))
        )
    for initiative in sorted(set(old.initiatives) - set(new.initiatives), key=str):
        changes.append(
            Change(
                "initiative no longer described",
                initiative,
                f'"{labels[initiative]}"',
                old.locate(initiative),
            )
        )
    changes += _coverage(old, new, wanted, day)
    changes += _assignments(old, new)
    order = {kind: n for n, kind in enumerate(KINDS)}
    changes.sort(key=lambda c: (labels.get(c.initiative, ""), str(c.initiative), order[c.kind], c.text))
    return Diff(changes, labels)


def _coverage(old: Facts, new: Facts, wanted: tuple[URIRef, ...], day: datetime.date | None) -> list[Change]:
    before, after = old.missing(wanted, day), new.missing(wanted, day)
    out = []
    for initiative in sorted(set(before) | set(after), key=str):
        was, now = before.get(initiative), after.get(initiative)
        if now is not None and initiative not in old.initiatives:  # a new initiative: what it lacks
            was = set()
        if was is None or now is None:
            continue  # no longer described, or became a programme: not asked for functions
        if now == was:
            continue
        where = (old.locate(initiative), new.locate(initiative))
        for function in sorted(now - was, key=label):
            out.append(Change("newly missing", initiative, f"no one performs {label(function)}", *where))
        for function in sorted(was - now, key=label):
            out.append(Change("newly covered", initiative, f"{label(function)} is performed", *where))
    return out


Key = tuple[Node, Node, URIRef | None, frozenset[URIRef], frozenset[URIRef]]


def _key(a: Assignment, with_levels: bool = True) -> Key:
    return (
        a.initiative,
        a.agent,
        a.role,
        frozenset(a.functions),
        frozenset(a.levels) if with_levels else frozenset(),
    )


def _stable(key: Key) -> tuple[str, ...]:
    """A key as text in an order that does not depend on the process (sets print in hash order)."""
    initiative, agent, role, functions, levels = key
    return (
        str(initiative),
        str(agent),
        str(role),
        *sorted(map(str, functions)),
        "|",
        *sorted(map(str, levels)),
    )


def _assignments(old: Facts, new: Facts) -> list[Change]:
    before, after = _grouped(old.assignments), _grouped(new.assignments)
    out: list[Change] = []
    gone: list[Assignment] = []
    came: list[Assignment] = []
    for key in sorted(set(before) | set(after), key=_stable):  # the same pairing on every run
        was, now = before.get(key, []), after.get(key, [])
        pairs = _paired(was, now)
        for a, b in pairs:
            if (a.start, a.end) == (b.start, b.end):
                continue  # unchanged: not located (finding lines costs)
            where = (old.locate(a.node), new.locate(b.node))
            if b.end is not None and a.end != b.end:
                out.append(Change("ended", b.initiative, f"{_what(b)}: ended on {b.end}", *where))
            else:
                text = f"{_what(b)}: {_period(a)} → {_period(b)}"
                out.append(Change("period changed", b.initiative, text, *where))
        gone += [a for a in was if all(a is not p for p, _ in pairs)]
        came += [b for b in now if all(b is not q for _, q in pairs)]
    # a removal and an addition by one agent in one initiative: a change of role or of level
    came_by: dict[tuple[Node, Node], list[Assignment]] = defaultdict(list)
    for b in came:
        came_by[(b.initiative, b.agent)].append(b)
    for a in gone:
        candidates = came_by.get((a.initiative, a.agent), [])
        same_role = [b for b in candidates if _key(b, False) == _key(a, False)]
        if not candidates:
            if a.initiative in new.initiatives:  # an initiative gone takes its assignments with it
                out.append(Change("removed", a.initiative, _what(a), old.locate(a.node)))
            continue
        b = (same_role or candidates)[0]
        candidates.remove(b)
        where = (old.locate(a.node), new.locate(b.node))
        if same_role:
            text = f"{_what(a)}: now at {_levels(b)}"
            out.append(Change("changed level", a.initiative, text, *where))
        else:
            out.append(
                Change("changed role", a.initiative, f"{a.agent_label}: {_role(a)} → {_role(b)}", *where)
            )
    for remaining in came_by.values():
        for b in remaining:
            if b.initiative in old.initiatives:
                out.append(Change("added", b.initiative, _what(b), None, new.locate(b.node)))
    return out


def _grouped(assignments: Iterable[Assignment]) -> dict[Key, list[Assignment]]:
    out: dict[Key, list[Assignment]] = defaultdict(list)
    for a in assignments:
        out[_key(a)].append(a)
    for found in out.values():
        found.sort(key=lambda a: (a.start or datetime.date.min, a.end or datetime.date.max))
    return out


def _paired(was: list[Assignment], now: list[Assignment]) -> list[tuple[Assignment, Assignment]]:
    """The same assignment on both sides: equal periods first, then in order of start."""
    pairs = []
    rest = list(now)
    for a in was:
        same = next((b for b in rest if (b.start, b.end) == (a.start, a.end)), None)
        if same is not None:
            rest.remove(same)
            pairs.append((a, same))
    unmatched = [a for a in was if all(a is not p for p, _ in pairs)]
    pairs += zip(unmatched, rest, strict=False)  # the same words with another period, in order of start
    return pairs


def _role(a: Assignment) -> str:
    return (
        label(a.role)
        if a.role is not None
        else " and ".join(sorted(label(f) for f in a.functions)) or "no role"
    )


def _levels(a: Assignment) -> str:
    return ", ".join(sorted(label(level) for level in a.levels)) or "no level"


def _what(a: Assignment) -> str:
    return f"{a.agent_label} as {_role(a)} at {_levels(a)}"


def _period(a: Assignment) -> str:
    return f"{a.start or '…'} to {a.end or '…'}"


def _where(change: Change) -> str:
    sides = [f"{name} {place}" for name, place in (("was", change.before), ("now", change.after)) if place]
    return f" ({'; '.join(sides)})" if sides else ""
