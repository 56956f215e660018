"""The times of the compiled queries' last runs (cilo.shacl.durations): they order the queries, the
longest first, and never change what the queries find."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode

import cilo
from cilo import shacl
from cilo.shacl import durations, engine
from tests.conftest import FIXTURES

DATA, SHAPES = FIXTURES / "shacl" / "shared-focus-data.ttl", FIXTURES / "shacl" / "shared-focus-shapes.ttl"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of the test's own; the file of the times in it."""
    monkeypatch.setenv("CILO_CACHE_DIR", str(tmp_path))
    return tmp_path / "query-seconds.json"


def test_the_longest_last_time_go_first_and_those_never_run_before_them() -> None:
    seconds = {"a": 0.5, "b": 2.0, "d": 0.1}
    assert durations.longest_first(["a", "b", "c", "d", "e"], str, seconds) == ["c", "e", "b", "a", "d"]


def test_times_are_kept_between_runs_and_the_least_recently_run_dropped_first(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert durations.load() == {}
    durations.save({"a": 1.0, "b": 2.0})
    assert durations.load() == {"a": 1.0, "b": 2.0}
    durations.save({"a": 3.0, "c": 0.5})  # a's new time in place of its last
    assert durations.load() == {"b": 2.0, "a": 3.0, "c": 0.5}
    monkeypatch.setattr(durations, "MAX_KEPT", 2)
    durations.save({"d": 1.5})
    assert durations.load() == {"c": 0.5, "d": 1.5}
    assert durations.key("memory", "SELECT 1") != durations.key("store", "SELECT 1")  # where it ran


@pytest.mark.parametrize(
    "text", ["", "{", "[1, 2]", '{"format": 99, "seconds": {"a": 1}}', '{"format": 1, "seconds": [1]}']
)
def test_a_file_that_cannot_be_read_counts_as_empty_and_is_written_again(cache: Path, text: str) -> None:
    cache.write_text(text)
    assert durations.load() == {}
    durations.save({"a": 1.0})
    assert durations.load() == {"a": 1.0}
    assert json.loads(cache.read_text()) == {"format": 1, "seconds": {"a": 1.0}}


def test_times_that_are_not_seconds_are_left_out(cache: Path) -> None:
    cache.write_text(json.dumps({"format": 1, "seconds": {"a": 1, "b": "slow", "c": -1, "d": None}}))
    assert durations.load() == {"a": 1.0}


def test_with_the_cache_turned_off_nothing_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CILO_CACHE_DIR", "")
    durations.save({"a": 1.0})
    assert durations.load() == {}
    assert not list(tmp_path.iterdir())


def test_a_cache_that_cannot_be_written_is_no_error(cache: Path) -> None:
    cache.mkdir()  # a folder where the file would go: it cannot be replaced, nor read
    durations.save({"a": 1.0})
    assert cache.is_dir() and durations.load() == {}


def test_validation_runs_the_query_that_took_longest_last_time_first_and_finds_the_same(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 1)  # one thread: the queries run in their order
    ran: list[str] = []
    real = engine.Data.rows

    def noted(self: engine.Data, query: str) -> Any:
        ran.append(query)
        return real(self, query)

    monkeypatch.setattr(engine.Data, "rows", noted)
    shapes = shacl.as_graph(SHAPES)  # read once: its blank nodes, which messages name, are the same
    before = shacl.validate(DATA, shapes)
    assert before.engine == "fast" and len(ran) > 3
    seconds = durations.load()
    assert {durations.key("Data", q) for q in ran} == set(seconds)  # each query's time, by its text
    # as if the query that ran last had taken longest, and the first least time
    first, last = ran[0], ran[-1]
    seconds[durations.key("Data", last)] = 60.0
    seconds[durations.key("Data", first)] = 0.0
    cache.write_text(json.dumps({"format": 1, "seconds": seconds}))
    ran.clear()
    after = shacl.validate(DATA, shapes)
    assert ran[0] == last and ran[-1] == first
    assert _comparable(after) == _comparable(before) and len(before.results) > 5


def _comparable(report: cilo.ValidationReport) -> list[tuple[object, ...]]:
    """The results in their order, blank nodes alike (the files are read again each time)."""
    return [
        tuple("_:" if isinstance(t, BNode) else t for t in (r.focus_node, r.result_path, r.value, r.message))
        for r in report.results
    ]
