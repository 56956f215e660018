"""``cilo.process``: the ``cilo`` command ends as soon as its output is written, its output whole,
its exit handlers run; elsewhere nothing is kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cilo import process
from tests.conftest import EXAMPLES


def _python(script: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, **kwargs
    )  # type: ignore[call-overload, no-any-return]


def test_the_end_writes_out_the_output_runs_the_exit_handlers_and_gives_the_code() -> None:
    script = (
        "import atexit, sys\n"
        "from cilo import process\n"
        "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        "sys.stdout.write('x' * 200_000)\n"  # more than a pipe's buffer: still buffered when it ends
        "sys.stderr.write('said')\n"
        "process.end(3)\n"
    )
    proc = _python(script)
    assert proc.returncode == 3
    assert proc.stdout == "x" * 200_000
    assert proc.stderr.startswith("said") and "handler ran" in proc.stderr


def test_output_that_cannot_be_written_is_said_and_fails_the_command() -> None:
    script = (
        "import sys\n"
        "from cilo import process\n"
        "sys.stdout = open('/dev/full', 'w', buffering=65536)\n"  # always full (Linux); written at the end
        "sys.stdout.write('x' * 1000)\n"
        "process.end(0)\n"
    )
    proc = _python(script)
    assert proc.returncode == process.FLUSH_FAILED
    assert proc.stderr.startswith("cilo: error: the output could not be written"), proc.stderr


def test_nothing_is_kept_outside_the_command() -> None:
    thing = object()
    process.keep(thing)  # the test process does not end with process.end
    assert process._kept is None


def test_the_command_keeps_the_data_it_validated_to_the_end() -> None:
    script = (
        "import sys\n"
        "from cilo import process\n"
        "from cilo.cli import main\n"
        "from cilo.shacl.engine import Data\n"
        "process.ending_soon()\n"
        f"code = main(['validate', {str(EXAMPLES / 'finnish-ci-model.ttl')!r}, '--format', 'json'])\n"
        "kept = [k for k in process._kept if isinstance(k, Data)]\n"
        "print(len(kept), file=sys.stderr)\n"
        "process.end(code)\n"
    )
    proc = _python(script)
    assert proc.stderr.strip() == "1", proc.stderr
    assert proc.returncode in (0, 1)
    assert "results" in json.loads(proc.stdout)


def test_the_cilo_command_ends_with_its_whole_report(tmp_path: Path) -> None:
    cilo = Path(sys.executable).parent / "cilo"
    report = tmp_path / "report.json"
    with report.open("w") as out:
        proc = subprocess.run(
            [str(cilo), "validate", str(EXAMPLES / "finnish-ci-model.ttl"), "--format", "json"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    document = json.loads(report.read_text(encoding="utf-8"))
    assert proc.returncode == (0 if document["conforms"] else 1), proc.stderr
    assert proc.stderr == ""
