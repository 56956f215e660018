"""The ``cilo`` console script, run as a user runs it: exit codes, formats and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ACCEPTANCE, EXAMPLES, FIXTURES, INPUT, run_cli

DESCRIBE = FIXTURES / "describe"


def test_summary_prints_functions_roles_levels_and_table3() -> None:
    proc = run_cli("summary")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Leadership functions (9)" in out
    assert "National backbone roles (5)" in out and "Regional backbone roles (4)" in out
    assert "Local support             Regional  Facilitator, Implementer, Meta-governor" in out
    assert "Macro, Meso, Micro" in out
    # the names one writes in a description, beside the labels
    assert "  Cross-sectoral player (CrossSectoralPlayer)\n" in out and "Meta-governor (MetaGovernor)" in out


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
    proc = run_cli("validate", *sorted(EXAMPLES.glob("*.yaml")))
    assert proc.returncode == 1
    assert proc.stdout.count("has no one performing the Sponsor function") == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["validate", ACCEPTANCE / "broken.ttl"], "broken.ttl, line 8: Turtle syntax error"),
        (["validate", INPUT / "absent.ttl"], "absent.ttl: no such file"),
        (["validate", INPUT / "unknown-extension.xlsx"], "unknown file extension '.xlsx'"),
        (["validate", INPUT / "no-initiative.ttl"], "no cilo:Initiative found"),
        (
            ["validate", DESCRIBE / "syntax-error.yaml"],
            "syntax-error.yaml, line 5, column 5: YAML syntax error",
        ),
        (["validate", DESCRIBE / "unknown-key.yaml"], "line 2, column 1: unknown key 'lable' (did you mean"),
        (["validate", DESCRIBE / "unknown-role.yaml"], "unknown backbone role 'FuturesThinkr'"),
        (["validate", DESCRIBE / "duplicate-id.yaml"], "line 5, column 10: duplicate id 'foundation'"),
        (["validate", DESCRIBE / "wrong-columns.csv"], "wrong-columns.csv, line 3: expected 8 fields"),
        (["validate", DESCRIBE / "bad-date.csv"], "bad-date.csv, line 2, column 7: column 'start'"),
        (["convert", DESCRIBE / "bad-date.yaml", "--to", "ttl"], "bad-date.yaml, line 4, column 13"),
        (["query", "who-holds", EXAMPLES / "english-ics.yaml"], "unknown query 'who-holds'"),
        (["query", "who-holds-role", EXAMPLES / "english-ics.yaml", "--bind", "rol=X"], "no parameter 'rol'"),
        (["query", "who-holds-role", EXAMPLES / "english-ics.yaml", "--bind", "role"], "write NAME=VALUE"),
        (["query", "roles-on-date", EXAMPLES / "english-ics.yaml"], "needs the parameter(s) date"),
        (["query", FIXTURES / "queries/malformed.rq", EXAMPLES / "english-ics.yaml"], "malformed.rq, line 4"),
        (["query", "table3", "--endpoint", "http://127.0.0.1:9/sparql"], "cannot reach the endpoint"),
        (["query", "table3"], "give the files, or --store DIR, or --endpoint URL"),
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
    assert proc.returncode == 2
    assert (
        proc.stderr
        == "cilo: error: unknown profile 'ten'; the known profiles are: eight-functions, nine-functions\n"
    )


def test_convert_writes_stdout_or_a_file_and_notes_what_csv_leaves_out(tmp_path: Path) -> None:
    proc = run_cli("convert", DESCRIBE / "complete.yaml", "--to", "ttl")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("# Written by `cilo convert complete.yaml --to ttl`")
    out = tmp_path / "x.csv"
    proc = run_cli("convert", DESCRIBE / "complete.yaml", "--to", "csv", "-o", out)
    assert proc.returncode == 0 and proc.stdout == ""
    assert (
        "cilo: note: 6 triples have no csv column and were left out: cilo:municipalityCount (1)"
        in proc.stderr
    )
    assert out.read_text().startswith("initiative,agent,agent_type,")


def test_convert_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    out = tmp_path / "kept.ttl"
    out.write_text("precious\n")
    proc = run_cli("convert", DESCRIBE / "unknown-role.yaml", "--to", "ttl", "-o", out)
    assert proc.returncode == 2 and "unknown backbone role" in proc.stderr
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.ttl"]


def test_validate_reads_every_format_with_a_base_for_local_ids() -> None:
    proc = run_cli("validate", DESCRIBE / "assignments.csv", "--base", "https://example.org/fixture/")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "<https://example.org/fixture/init>: no issues found" in proc.stdout


def test_query_list_names_every_query_and_its_parameters() -> None:
    proc = run_cli("query", "--list")
    assert proc.returncode == 0
    assert "who-holds-role\n" in proc.stdout
    assert "parameters: role (role, optional), agent (iri, optional)" in proc.stdout
    assert "parameters: date (date), initiative (iri, optional)" in proc.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_query_formats(fmt: str) -> None:
    proc = run_cli(
        "query",
        "who-holds-role",
        EXAMPLES / "finnish-ci-model.yaml",
        "--bind",
        "role=Evaluator",
        "--format",
        fmt,
    )
    assert proc.returncode == 0, proc.stderr
    # ITLA as Evaluator in the national programme, and inherited in each of its seven parts
    if fmt == "json":
        assert len(json.loads(proc.stdout)["results"]["bindings"]) == 8
    elif fmt == "csv":
        assert proc.stdout.splitlines()[0].startswith("agent,agentLabel,role,")
        assert len(proc.stdout.splitlines()) == 1 + 8
    else:
        assert proc.stdout.rstrip().endswith("(8 rows)") and "Evaluator" in proc.stdout


def test_reason_prints_the_verdict_and_writes_the_closure(tmp_path: Path) -> None:
    out = tmp_path / "closure.nt"
    proc = run_cli("reason", EXAMPLES / "finnish-ci-model.yaml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Consistent (rl):")
    text = out.read_text(encoding="utf-8")
    # each of the 33 role assignments (ITLA's five in the programme, four per region) gains the
    # functions of its role (Table 3), and the five sponsors theirs: 80 statements in all
    assert text.count("<https://w3id.org/cilo#performsFunction>") == 80
    ttl = tmp_path / "closure.ttl"
    assert run_cli("reason", FIXTURES / "reasoning" / "clash.ttl", "-o", ttl).returncode == 1
    assert "cilo:Person" in ttl.read_text(encoding="utf-8")


def test_reason_inconsistent_exit_code_and_words() -> None:
    proc = run_cli("reason", FIXTURES / "reasoning" / "clash.ttl")
    assert proc.returncode == 1
    assert '"Ambiguous agent"' in proc.stdout and "disjoint" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_validate_reason_gives_the_same_coverage() -> None:
    plain = json.loads(run_cli("validate", EXAMPLES / "finnish-ci-model.yaml", "--format", "json").stdout)
    closed = json.loads(
        run_cli("validate", "--reason", EXAMPLES / "finnish-ci-model.yaml", "--format", "json").stdout
    )
    assert closed["conforms"] is plain["conforms"] is False
    assert [r["message"] for r in closed["results"]] == [r["message"] for r in plain["results"]]


@pytest.mark.parametrize("fmt", ["table", "json", "graphml", "gexf"])
def test_network_formats(fmt: str, tmp_path: Path) -> None:
    proc = run_cli("network", FIXTURES / "network" / "chain.yaml", "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert "Regional worker" in proc.stdout
    out = tmp_path / f"net.{fmt}"
    assert run_cli("network", FIXTURES / "network" / "chain.yaml", "--format", fmt, "-o", out).returncode == 0
    assert out.read_text(encoding="utf-8") == proc.stdout


def test_network_bad_input_is_one_line() -> None:
    proc = run_cli("network", INPUT / "broken.ttl")
    assert proc.returncode == 2
    assert proc.stderr.startswith("cilo: error:") and "line" in proc.stderr


def test_reason_bad_input_is_one_line() -> None:
    proc = run_cli("reason", INPUT / "broken.ttl")
    assert proc.returncode == 2
    assert proc.stderr.startswith("cilo: error:") and "line" in proc.stderr and "Traceback" not in proc.stderr


def test_the_command_collects_garbage_less_often_and_a_caller_keeps_its_own_policy() -> None:
    """``cilo`` (its own process) sets BATCH_GC_THRESHOLDS; ``main()`` called from a program leaves
    the program's collector alone."""
    script = (
        "import gc, sys\n"
        "from cilo.cli import BATCH_GC_THRESHOLDS, main\n"
        "before = gc.get_threshold()\n"
        "main(['query', '--list'])\n"
        "assert gc.get_threshold() == before, gc.get_threshold()\n"
        "main(['query', '--list'], own_process=True)\n"
        "assert gc.get_threshold() == BATCH_GC_THRESHOLDS, gc.get_threshold()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
