"""The benchmark still works (N = 100, one run, no timing assertions) and every engine finds exactly
the generator's ground truth; the fast engine and pySHACL agree on a generated description."""

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
    reference = cilo.validate(tmp_path / "a" / "initiatives-12.ttl", engine="pyshacl")
    assert _comparable(reference) == _comparable(cilo.validate(tmp_path / "a" / "initiatives-12.ttl"))


def test_quick_benchmark_profile_runs_and_checks_every_engine() -> None:
    proc = subprocess.run(
        [sys.executable, BENCH / "run.py", "--sizes", "100", "--runs", "1", "--cap", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "every engine found exactly the generator's missing functions" in proc.stdout
    assert "| 100 |" in proc.stdout
