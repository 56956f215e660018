"""Shared paths and helpers for the test suite: every test uses real data files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph

from tests import cache_dir, network_guard, repo_guard

if TYPE_CHECKING:
    from cilo.shacl.remote import InStore

network_guard.install()
repo_guard.install()
cache_dir.install()

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHAPE_FIXTURES = FIXTURES / "shapes"
INPUT = FIXTURES / "input"
ACCEPTANCE = FIXTURES / "acceptance"
EXAMPLES = ROOT / "examples"


def on_disk(data: Graph | Path) -> InStore:
    """``data`` in an Oxigraph store as the engine reads it (literals Oxigraph would rewrite kept as
    stand-ins), to be validated as a store or an endpoint is: with the queries compiled for data on
    disk, which differ from those for memory only in how they are evaluated."""
    from cilo.shacl.engine import Data
    from cilo.shacl.remote import InStore

    source = Data(graphs=[data]) if isinstance(data, Graph) else Data(files=[data])
    return InStore(db=source.store(), name="the test's store", faithful=source.faithful)


def cilo_exe() -> str:
    """The installed ``cilo`` console script next to the running interpreter."""
    exe = Path(sys.executable).with_name("cilo")
    return str(exe) if exe.exists() else (shutil.which("cilo") or "cilo")


def run_cli(
    *args: str | Path, cwd: Path | None = None, under: Sequence[str | Path] = ()
) -> subprocess.CompletedProcess[str]:
    """Run the real ``cilo`` command, as a user would (``under`` another program, such as strace)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [*map(str, under), cilo_exe(), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


@pytest.fixture(autouse=True)
def _guarded() -> Iterator[None]:
    """Fail any test that reached (or tried to reach) beyond loopback (tests/network_guard.py), or
    read (or tried to read) beside the repository (tests/repo_guard.py)."""
    starts = len(network_guard.violations), len(repo_guard.violations)
    yield
    reached = network_guard.violations[starts[0] :]
    if reached:
        pytest.fail(f"the test tried to reach beyond loopback: {'; '.join(reached)}")
    read = repo_guard.violations[starts[1] :]
    if read:
        pytest.fail(f"the test read beside the repository, which a user's clone does not have: {read[0]}")


@pytest.fixture(scope="session")
def java_available() -> bool:
    return shutil.which("java") is not None


def assert_query_agrees_with_validation(data: object, report: object) -> None:
    """The SPARQL twin of the coverage shape (`missing-functions`) finds what `cilo validate` found."""
    import cilo

    rows = cilo.query("missing-functions", data)  # type: ignore[arg-type]
    found: dict[object, set[object]] = {i: set() for i in report.initiatives}  # type: ignore[attr-defined]
    for row in rows:
        found.setdefault(row["initiative"], set()).add(row["function"])
    assert found == report.missing_functions()  # type: ignore[attr-defined]
