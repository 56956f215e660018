"""``cilo timeline``: coverage over time, hand-checked, and held to ``cilo validate --on``."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cilo
from cilo.timeline import Interval
from tests.conftest import EXAMPLES, FIXTURES, run_cli

SPONSORS = FIXTURES / "dated" / "sponsors.yaml"
PROGRAMME = FIXTURES / "programmes" / "dated.yaml"
D = datetime.date


def _spans(intervals: list[Interval]) -> list[tuple[D | None, D | None, tuple[str, ...]]]:
    return [(i.start, i.end, i.holders) for i in intervals]


def test_a_sponsor_gap_between_two_terms() -> None:
    t = cilo.timeline(SPONSORS)
    valley = next(iter(t.initiatives))
    sponsor = [i for i in t.of(valley) if i.function == cilo.CILO.Sponsor]
    assert _spans(sponsor) == [
        (None, D(2021, 12, 31), ()),
        (D(2022, 1, 1), D(2024, 12, 31), ("First sector director",)),
        (D(2025, 1, 1), D(2025, 2, 28), ()),  # the days between the two terms: no one
        (D(2025, 3, 1), None, ("Second sector director",)),
    ]
    # undated assignments count throughout: one interval, covered
    initiator = [i for i in t.of(valley) if i.function == cilo.CILO.Initiator]
    assert _spans(initiator) == [(None, None, ("National foundation",))]
    assert len(t.intervals) == 8 + 4 and t.days() == (D(2021, 12, 31), D(2025, 3, 1))


def test_a_part_inherits_only_what_its_programme_held_then() -> None:
    t = cilo.timeline(PROGRAMME)
    county = "https://example.org/dated-programme/county"
    assert [str(i) for i in t.initiatives] == [county]  # the programme is not asked
    by_function = {
        cilo.vocabulary.local_name(f): _spans([i for i in t.intervals if i.function == f])
        for f in {i.function for i in t.intervals}
    }
    assert by_function["Initiator"] == [
        (None, D(2022, 12, 31), ()),
        (D(2023, 1, 1), None, ("National backbone",)),
    ]
    assert by_function["Champion"] == [  # the worker's throughout; the backbone joins in 2023
        (None, D(2022, 12, 31), ("Development worker",)),
        (D(2023, 1, 1), None, ("Development worker", "National backbone")),
    ]
    assert by_function["Sponsor"] == [
        (None, D(2024, 5, 31), ()),
        (D(2024, 6, 1), D(2025, 5, 31), ("Sector director",)),
        (D(2025, 6, 1), None, ()),
    ]


@pytest.mark.parametrize("path", [SPONSORS, PROGRAMME, EXAMPLES / "finnish-ci-model.yaml"])
def test_the_timeline_agrees_with_validate_on_each_day(path: object) -> None:
    """On the first and last day of every interval, and the days around, the uncovered functions of
    the timeline are those `cilo validate --on` finds missing."""
    t = cilo.timeline(path)  # type: ignore[arg-type]
    days = {
        d + k * datetime.timedelta(days=1)
        for i in t.intervals
        for d in (i.start, i.end)
        if d
        for k in (-1, 0, 1)
    }
    for day in sorted(days) or [D(2024, 1, 1)]:
        report = cilo.validate(path, on=day)  # type: ignore[arg-type]
        expected = {i: f for i, f in report.missing_functions().items() if i in t.initiatives}
        found = {
            i: {
                x.function for x in t.of(i) if not x.covered and (x.start or D.min) <= day <= (x.end or D.max)
            }
            for i in t.initiatives
        }
        assert found == expected, day


def test_cli_timeline_formats() -> None:
    done = run_cli("timeline", SPONSORS, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows[3] == {
        "initiative": "https://example.org/dated/valley",
        "function": "https://w3id.org/cilo#Sponsor",
        "from": "2022-01-01",
        "to": "2024-12-31",
        "covered": True,
        "holders": ["First sector director"],
    }
    assert rows[2]["from"] is None and rows[2]["covered"] is False and rows[2]["holders"] == []
    table = run_cli("timeline", SPONSORS).stdout
    assert "Valley family services  Sponsor" in table and table.rstrip().endswith("(12 rows)")
    text = run_cli("timeline", SPONSORS, "--format", "csv").stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["covered"] for r in parsed if r["functionLabel"] == "Sponsor"] == ["no", "yes", "no", "yes"]
    assert list(parsed[0]) == [
        "initiative", "initiativeLabel", "function", "functionLabel", "from", "to", "covered", "holders",
    ]  # fmt: skip


def test_timeline_with_a_declared_profile_and_an_unknown_one(tmp_path: object) -> None:
    t = cilo.timeline(SPONSORS, profile=str(FIXTURES / "profiles" / "start-up.yaml"))
    shown = list(dict.fromkeys(cilo.vocabulary.local_name(i.function) for i in t.intervals))
    assert shown == ["Initiator", "Champion", "Facilitator", "Catalyst", "Sponsor"]  # required, then advised
    done = run_cli("timeline", SPONSORS, "--profile", "no-such-profile")
    assert done.returncode == 2 and "unknown profile 'no-such-profile'" in done.stderr


_DAYS = [D(2022, 1, 1), D(2023, 6, 30), D(2024, 3, 1), D(2025, 12, 31)]


@st.composite
def dated_descriptions(draw: st.DrawFn) -> cilo.Description:
    """A programme or two with parts, and assignments of random roles or functions, some dated."""
    d = cilo.Description(base="https://example.org/h/")
    names = [f"i{k}" for k in range(draw(st.integers(1, 4)))]
    for k, name in enumerate(names):
        above = draw(st.sampled_from([None, *names[:k]]))  # earlier ones only: no cycle
        d.initiative(name, f"Initiative {k}", part_of=above)
    for k in range(draw(st.integers(0, 10))):
        agent = d.person(f"a{k % 3}", f"Actor {k % 3}")
        what = draw(st.sampled_from(["role", "function"]))
        choice = draw(st.sampled_from(ROLES if what == "role" else FUNCTIONS))
        start, end = draw(st.sampled_from([None, *_DAYS])), draw(st.sampled_from([None, *_DAYS]))
        if start is not None and end is not None and end < start:
            start, end = end, start
        d.assign(
            agent, draw(st.sampled_from(names)), level="Regional", start=start, end=end, **{what: choice}
        )
    return d


ROLES = [cilo.vocabulary.local_name(r) for r in cilo.vocabulary.roles()]
FUNCTIONS = [cilo.vocabulary.local_name(f) for f in cilo.vocabulary.functions()]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(description=dated_descriptions(), day=st.sampled_from([D(2021, 5, 5), *_DAYS, D(2025, 1, 1)]))
def test_the_timeline_agrees_with_validate_on_for_generated_descriptions(
    description: cilo.Description, day: D
) -> None:
    """The timeline read on a day is what `cilo validate --on` finds missing that day, for generated
    nestings and periods (the timeline answers every day at once; validation is the reference)."""
    t = cilo.timeline(description)
    report = cilo.validate(description, on=day)
    expected = {i: f for i, f in report.missing_functions().items() if i in t.initiatives}
    found = {
        i: {x.function for x in t.of(i) if not x.covered and (x.start or D.min) <= day <= (x.end or D.max)}
        for i in t.initiatives
    }
    assert found == expected
