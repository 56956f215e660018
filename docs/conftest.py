"""Run the code of the tutorial and the extending guide as tests (Sybil), so they cannot rot.

Each document runs in a fresh temporary directory. ``python`` blocks run in one namespace per
document (``>>>`` lines are doctests); ``console`` blocks run each ``$ command`` with bash and
compare what it prints with the lines below it (``...`` matches anything; runs of whitespace are
equal). ``sh`` and ``yaml`` blocks are shown, not run.
"""

from __future__ import annotations

import doctest
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser

from tests import cache_dir, network_guard, repo_guard

network_guard.install()  # the documentation's code, too, may reach only loopback
repo_guard.install()  # ... and read only inside the repository
cache_dir.install()  # ... and keep its parsed queries to itself

_OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def run_console(example: Example) -> None:
    """Run each ``$ command`` of a console block; its output must match the lines below it."""
    commands: list[tuple[str, list[str]]] = []
    for line in str(example.parsed).splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("PYTHONPATH", None)
    checker = doctest.OutputChecker()
    for command, expected_lines in commands:
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=300, cwd=Path.cwd()
        )
        got = done.stdout + done.stderr
        expected = "\n".join(expected_lines).strip() + "\n"
        if not checker.check_output(expected, got.strip() + "\n", _OPTIONS):
            raise AssertionError(
                f"{example.path}, line {example.line}: `{command}` printed\n{got}\nexpected\n{expected}"
            )


def _enter(namespace: dict[str, Any]) -> None:
    namespace["_previous"] = Path.cwd()
    namespace["_workdir"] = tempfile.mkdtemp(prefix="cilo-docs-")
    os.chdir(namespace["_workdir"])


def _leave(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["_previous"])
    shutil.rmtree(namespace["_workdir"], ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=_OPTIONS),
        CodeBlockParser(language="console", evaluator=run_console),
    ],
    patterns=["tutorial.md", "extending.md"],
    setup=_enter,
    teardown=_leave,
).pytest()
