"""A quick fuzzing profile in `make test`: mutated fixtures and examples never give a traceback.

`make fuzz` (tests/fuzz.py) runs the same strategies on at least 10,000 inputs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests import fuzzing

QUICK = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.mark.parametrize("target", ["load", "validate", "query", "convert", "network"])
def test_mutated_inputs_are_read_or_refused_clearly(target: str) -> None:
    @QUICK
    @given(fuzzing.mutated_files())
    def check(case: tuple[str, bytes]) -> None:
        suffix, data = case
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"input{suffix}"
            path.write_bytes(data)
            outcome = fuzzing.targets(path)[target]()
        assert not outcome.startswith("crash"), outcome

    check()


def test_the_seeds_cover_every_format() -> None:
    assert {p.suffix for p in fuzzing.SEEDS} >= {
        ".ttl",
        ".nt",
        ".nq",
        ".trig",
        ".rdf",
        ".yaml",
        ".jsonld",
        ".csv",
    }
