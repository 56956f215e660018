"""``cilo diff``: what changed between two versions of a description, hand-checked on fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import cilo
from cilo.catalogue import get
from cilo.diff import KINDS
from cilo.facts import Facts, facts, profile_functions
from cilo.shacl.engine import Data
from cilo.sources import Location
from tests.conftest import EXAMPLES, FIXTURES, run_cli

BEFORE, AFTER = FIXTURES / "diff" / "before.yaml", FIXTURES / "diff" / "after.yaml"
EX = "https://example.org/diff/"


def _changes(d: cilo.Diff) -> set[tuple[str, str, str]]:
    return {(c.kind, str(c.initiative).removeprefix(EX), c.text) for c in d.changes}


def test_a_diff_names_every_kind_of_change_in_words() -> None:
    d = cilo.diff(BEFORE, AFTER)
    riverside_gaps = {
        ("newly missing", "riverside", f"no one performs {f}")
        for f in (
            "Boundary spanner", "Catalyst", "Champion", "Facilitator", "Implementer",
            "Information and knowledge broker", "Meta-governor", "Sponsor",
        )
    }  # fmt: skip
    assert (
        _changes(d)
        == {
            ("initiative added", "riverside", '"Riverside"'),
            ("initiative no longer described", "old-pilot", '"Old pilot"'),
            ("newly missing", "hillside", "no one performs Information and knowledge broker"),
            ("newly covered", "hillside", "Sponsor is performed"),
            ("added", "hillside", "Hillside sector director as Sponsor at Regional"),
            ("removed", "hillside", "Hillside development worker as Information broker at Regional"),
            ("added", "lakeside", "Youth worker as Implementer at Local"),
            ("removed", "lakeside", "Lakeside college as Catalyst at Local"),
            ("ended", "lakeside", "Sector director as Sponsor at Regional: ended on 2025-06-30"),
            (
                "period changed",
                "lakeside",
                "Mira Laine as Local support at Regional: 2024-01-01 to … → 2024-03-01 to …",
            ),
            ("changed role", "lakeside", "Mira Laine: Cross-sectoral player → Information broker"),
            ("changed level", "lakeside", "Town council as Implementer at Local: now at Regional"),
        }
        | riverside_gaps
    )
    assert {c.kind for c in d.changes} == set(KINDS)
    assert d.coverage_changed


def test_each_change_points_at_the_lines_of_both_sides() -> None:
    d = cilo.diff(BEFORE, AFTER)
    where = {(c.kind, c.text): (c.before, c.after) for c in d.changes}
    before, after = where[("changed level", "Town council as Implementer at Local: now at Regional")]
    assert (before.file, before.line) == (str(BEFORE), 21) and (after.file, after.line) == (str(AFTER), 27)
    before, after = where[("added", "Youth worker as Implementer at Local")]
    assert before is None and (after.file, after.line) == (str(AFTER), 28)
    before, after = where[("removed", "Lakeside college as Catalyst at Local")]
    assert (before.file, before.line) == (str(BEFORE), 22) and after is None
    before, after = where[("newly covered", "Sponsor is performed")]
    assert before.line == 25 and after.line == 31  # the initiative's id: lines


def test_the_same_description_has_no_changes_and_exit_0() -> None:
    same = cilo.diff(EXAMPLES / "finnish-ci-model.yaml", EXAMPLES / "finnish-ci-model.ttl")
    assert same.changes == [] and not same.coverage_changed
    assert same.to_text() == "No changes.\n0 initiatives changed; 0 changes in coverage, 0 in assignments.\n"
    done = run_cli("diff", EXAMPLES / "finnish-ci-model.yaml", "--", EXAMPLES / "finnish-ci-model.csv")
    assert done.returncode == 0, done.stderr


def test_a_change_in_assignments_only_exits_0(tmp_path: Path) -> None:
    before = EXAMPLES / "finnish-ci-model.yaml"
    after = tmp_path / "after.yaml"
    text = before.read_text(encoding="utf-8")
    old = "  - {agent: pohde-sponsor, function: Sponsor, level: Regional}\n"
    assert old in text
    after.write_text(
        text.replace(old, old.replace("Regional}", "Regional, end: 2025-06-30}")), encoding="utf-8"
    )
    done = run_cli("diff", before, "--", after, "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["coverage_changed"] is False
    [change] = doc["changes"]
    assert change["kind"] == "ended" and change["before"]["file"] == str(before)
    assert change["after"] == {"file": str(after), "line": change["after"]["line"]}


def test_cli_diff_exits_1_when_coverage_changed_and_speaks_text() -> None:
    done = run_cli("diff", BEFORE, "--", AFTER)
    assert done.returncode == 1, done.stderr
    role = "Mira Laine: Cross-sectoral player → Information broker"
    assert f"  changed role: {role} (was {BEFORE}:18; now {AFTER}:24)" in done.stdout
    assert done.stdout.rstrip().endswith("4 initiatives changed; 12 changes in coverage, 8 in assignments.")
    # --after is the same as --
    assert run_cli("diff", BEFORE, "--after", AFTER).stdout == done.stdout


def test_diff_follows_programmes(tmp_path: Path) -> None:
    """Removing a programme's role makes its parts miss the function: each part is named."""
    before = FIXTURES / "programmes" / "three-levels.yaml"
    after = tmp_path / "after.yaml"
    text = before.read_text(encoding="utf-8")
    old = "  - {agent: backbone, role: FuturesThinker, level: National}\n"
    assert old in text
    after.write_text(text.replace(old, ""), encoding="utf-8")
    d = cilo.diff(before, after)
    p = "https://example.org/programme/"
    assert {(c.kind, str(c.initiative).removeprefix(p), c.text) for c in d.changes} == {
        ("removed", "national", "National backbone as Futures thinker at National"),
        # the futures thinker is the towns' only initiator and catalyst (Table 3)
        ("newly missing", "town", "no one performs Initiator"),
        ("newly missing", "other-town", "no one performs Initiator"),
        ("newly missing", "town", "no one performs Catalyst"),
        ("newly missing", "other-town", "no one performs Catalyst"),
    }


def test_diff_agrees_with_validation_on_what_is_missing() -> None:
    """The coverage diff counts as validation does: a description against nothing gives its gaps."""
    for path in (EXAMPLES / "finnish-ci-model.yaml", FIXTURES / "programmes" / "three-levels.yaml", AFTER):
        report = cilo.validate(path)
        missing = facts(path).missing(profile_functions("nine-functions"))
        expected = {i: f for i, f in report.missing_functions().items() if i in missing}
        assert missing == expected, path


def test_diff_on_a_date_compares_coverage_as_it_stood_that_day(tmp_path: Path) -> None:
    """A sponsor's term that ended is no change in coverage overall, but is one on a later date."""
    before = EXAMPLES / "finnish-ci-model.yaml"
    after = tmp_path / "after.yaml"
    old = "  - {agent: pohde-sponsor, function: Sponsor, level: Regional}\n"
    after.write_text(
        before.read_text(encoding="utf-8").replace(
            old, old.replace("Regional}", "Regional, end: 2025-06-30}")
        ),
        encoding="utf-8",
    )
    assert not cilo.diff(before, after).coverage_changed
    assert not cilo.diff(before, after, on="2025-06-30").coverage_changed  # the last day of the term
    later = cilo.diff(before, after, on="2025-07-01")
    assert [(c.kind, c.text) for c in later.changes if c.in_coverage] == [
        ("newly missing", "no one performs Sponsor")
    ]
    done = run_cli("diff", before, "--", after, "--on", "2025-07-01")
    assert done.returncode == 1 and "newly missing: no one performs Sponsor" in done.stdout
    assert run_cli("diff", before, "--", after, "--on", "2025-02-30").returncode == 2  # no such day


def test_facts_lists_the_assignments_in_the_catalogue_querys_order() -> None:
    """``facts`` asks without the sort and sorts in Python: the order the query's ORDER BY gives."""
    for path in (
        EXAMPLES / "finnish-ci-model.yaml",
        EXAMPLES / "finnish-ci-model.ttl",
        FIXTURES / "diff" / "after.yaml",
    ):
        known = facts(path)
        rows = known.source.rows(get("assignment-periods").text)
        assert [a.node for a in known.assignments] == list(dict.fromkeys(row["assignment"] for row in rows))


def test_facts_for_locating_scans_the_files_meanwhile_and_finds_the_same_lines() -> None:
    path = EXAMPLES / "finnish-ci-model.ttl"
    ahead, plain = facts(path, located=True), facts(path)
    assert isinstance(ahead.source, Data) and isinstance(plain.source, Data)
    key = (str(path), False)
    assert key in ahead.source.sources._ahead or key in ahead.source.sources._scanned  # begun already
    assert not plain.source.sources._ahead and not plain.source.sources._scanned

    def lines(known: Facts) -> list[Location | None]:  # blank nodes have other names in each read
        return sorted(
            (known.locate(n) for n in [*(a.node for a in known.assignments), *known.initiatives]), key=str
        )

    assert lines(ahead) == lines(plain) and None not in lines(ahead)
