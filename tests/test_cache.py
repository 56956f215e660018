"""cilo's cache folder (cilo.cache): where it is, and files written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from cilo import cache


def test_the_cache_is_where_cilo_cache_dir_says_else_the_users_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CILO_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.location("thing") == tmp_path / "mine" / "thing"
    monkeypatch.setenv("CILO_CACHE_DIR", "")
    assert cache.location("thing") is None
    monkeypatch.delenv("CILO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.location("thing") == tmp_path / "cilo" / "thing"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.location("thing") == tmp_path / "home" / ".cache" / "cilo" / "thing"


def test_a_file_is_written_whole_with_its_folders_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "file"
    assert cache.write_whole(path, b"one")
    assert path.read_bytes() == b"one" and (path.parent.stat().st_mode & 0o777) == 0o700
    assert cache.write_whole(path, b"two") and path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["file"]  # no temporary file left


def test_a_file_that_cannot_be_written_is_no_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").mkdir()  # a folder where the file would go
    assert not cache.write_whole(tmp_path / "file", b"one")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
    (tmp_path / "plain").write_text("")
    assert not cache.write_whole(tmp_path / "plain" / "under", b"one")  # a file where a folder would go
