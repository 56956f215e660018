"""The benchmark still works (N = 100, one run, no timing assertions) and every engine finds exactly
the generator's ground truth; the fast engine and pySHACL agree on 100 generated initiatives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cilo
from tests.conftest import ROOT
from tests.test_validation import _comparable

BENCH = ROOT / "benchmarks"


def test_generator_is_deterministic_with_a_ground_truth(tmp_path: Path) -> None:
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run([sys.executable, BENCH / "generate.py", "12", "--seed", "7", "--out", out], check=True)
    assert (tmp_path / "a" / "initiatives-12.ttl").read_bytes() == (
        tmp_path / "b" / "initiatives-12.ttl"
    ).read_bytes()
    truth = json.loads((tmp_path / "a" / "truth-12.json").read_text())
    for name in ("initiatives-12.ttl", "initiatives-12.yaml"):
        report = cilo.validate(tmp_path / "a" / name)
        got = {str(k): sorted(str(f) for f in v) for k, v in report.missing_functions().items()}
        assert got == truth


def test_fast_engine_equals_pyshacl_on_a_hundred_generated_initiatives(tmp_path: Path) -> None:
    subprocess.run([sys.executable, BENCH / "generate.py", "100", "--out", tmp_path], check=True)
    data = tmp_path / "initiatives-100.ttl"
    fast, reference = cilo.validate(data), cilo.validate(data, engine="pyshacl")
    assert len(reference.results) > 10
    assert _comparable(reference) == _comparable(fast)


def test_quick_benchmark_profile_runs_and_checks_every_engine() -> None:
    proc = subprocess.run(
        [sys.executable, BENCH / "run.py", "--sizes", "100", "--runs", "1", "--cap", "120"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "every engine found exactly the generator's missing functions" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| 100 |"))
    assert "(cap)" not in row  # both pySHACL references ran and matched the ground truth
