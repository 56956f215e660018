"""``cilo.dump`` / ``cilo.dumps``: every format, stable text, and files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import cilo
from cilo import CiloError
from cilo.writing import WRITE_FORMATS
from tests.conftest import FIXTURES

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
