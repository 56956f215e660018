"""The repository stands alone: nothing in it reads beside it (a user's clone, or an sdist, has nothing
there), and the guard that enforces this at run time works."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests import repo_guard
from tests.conftest import ROOT

#: Text that names a path beside the repository: a sibling folder reached with two dots, the root's parent.
BESIDE = re.compile(r"\.\./shared|\.parent\s*/\s*[\"']shared[\"']|ROOT\.parent\b|/work/")
#: Markdown links and images, whose targets are resolved from the document's folder.
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def _tracked(*folders: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *folders], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


TEXT = [
    p
    for p in _tracked("tests", "docs", "src", "benchmarks", "Makefile", "README.md", ".ci", "pyproject.toml")
    if p.suffix in {".py", ".md", ".sh", ".toml", ".rq", ".cfg", ""} and "fixtures" not in p.parts
]


def test_there_are_files_to_check() -> None:
    assert len(TEXT) > 50 and ROOT / "tests" / "conftest.py" in TEXT


@pytest.mark.parametrize("path", TEXT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_names_a_path_beside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path == Path(__file__):
        text = text.replace(BESIDE.pattern, "")
    found = [m.group() for m in BESIDE.finditer(text)]
    assert not found, f"{path.relative_to(ROOT)} names a path beside the repository: {found[0]!r}"


@pytest.mark.parametrize(
    "path", [p for p in TEXT if p.suffix == ".md"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_relative_link_stays_in_the_repository(path: Path) -> None:
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.relative_to(ROOT)} links outside: {target}"
        assert resolved.exists(), f"{path.relative_to(ROOT)} links to a missing file: {target}"


def test_the_guard_refuses_reading_beside_the_repository() -> None:
    beside = ROOT.resolve().parent / "anything-beside"
    start = len(repo_guard.violations)
    with pytest.raises(repo_guard.OutsideRepositoryError):
        beside.open()
    with pytest.raises(repo_guard.OutsideRepositoryError):
        list((ROOT / "..").iterdir())
    assert len(repo_guard.violations) == start + 2
    del repo_guard.violations[start:]  # expected here: not a failure of this test
    assert not repo_guard.outside(str(ROOT / "tests" / "fixtures"))
    assert not repo_guard.outside("/tmp/x")
