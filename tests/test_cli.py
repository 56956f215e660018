"""The ``cilo`` console script, run as a user runs it: exit codes, formats and one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ACCEPTANCE, EXAMPLES, INPUT, run_cli


def test_summary_prints_functions_roles_levels_and_table3() -> None:
    proc = run_cli("summary")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Leadership functions (9)" in out
    assert "National backbone roles (5)" in out and "Regional backbone roles (4)" in out
    assert "Local support             Regional  Facilitator, Implementer, Meta-governor" in out
    assert "Macro, Meso, Micro" in out


@pytest.mark.parametrize(("name", "code"), [("complete.ttl", 0), ("no-sponsor.ttl", 1), ("bad-level.ttl", 1)])
def test_validate_exit_codes_and_json(name: str, code: int) -> None:
    proc = run_cli("validate", ACCEPTANCE / name, "--format", "json")
    assert proc.returncode == code, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["conforms"] is (code == 0)


def test_validate_text_is_the_default() -> None:
    proc = run_cli("validate", ACCEPTANCE / "no-sponsor.ttl")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1].startswith("1 initiative checked")


def test_validate_turtle_format() -> None:
    proc = run_cli("validate", ACCEPTANCE / "no-sponsor.ttl", "--format", "turtle")
    assert proc.returncode == 1 and "sh:ValidationReport" in proc.stdout


def test_validate_profile_option() -> None:
    proc = run_cli(
        "validate",
        INPUT.parent / "shapes/EightFunctionsProfile/conforming.ttl",
        "--profile",
        "eight-functions",
    )
    assert proc.returncode == 0, proc.stdout


def test_validate_examples_finds_the_missing_sponsors() -> None:
    proc = run_cli("validate", *sorted(EXAMPLES.glob("*.ttl")))
    assert proc.returncode == 1
    assert proc.stdout.count("has no one performing the Sponsor function") == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["validate", ACCEPTANCE / "broken.ttl"], "broken.ttl, line 8: Turtle syntax error"),
        (["validate", INPUT / "absent.ttl"], "absent.ttl: no such file"),
        (["validate", INPUT / "unknown-extension.csv"], "unknown file extension '.csv'"),
        (["validate", INPUT / "no-initiative.ttl"], "no cilo:Initiative found"),
        (["validate", ACCEPTANCE / "complete.ttl", "--shapes", INPUT / "broken.ttl"], "broken.ttl, line 3"),
    ],
)
def test_errors_are_one_line_on_stderr_with_exit_2(args: list[object], needle: str) -> None:
    proc = run_cli(*args)  # type: ignore[arg-type]
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_unknown_profile_is_a_usage_error() -> None:
    proc = run_cli("validate", ACCEPTANCE / "complete.ttl", "--profile", "ten")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
