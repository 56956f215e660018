"""How the ``cilo`` command's own process ends: as soon as its output is written.

A command that is about to end need not free its objects one by one: at N = 10,000 (540,000 triples)
freeing ``cilo validate``'s in-memory store took 0.54 s, and Python's own teardown 0.3 s more, of a
12 s run (docs/benchmarks.md). In the ``cilo`` command (:func:`cilo.cli.run`), :func:`keep` holds such
an object to the end instead, and :func:`end` writes out what is buffered, runs the exit handlers and
ends the process without the teardown. Everywhere else (a library user's process, the tests),
:func:`keep` does nothing and nothing here is called.

Nothing a user stored is at stake: :func:`end` runs once the command has returned, so a store it
wrote has been closed by then, and files are written whole and renamed into place. What :func:`keep`
holds is in memory only (the data being validated).
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

#: What :func:`keep` holds, once :func:`ending_soon` has said the process ends with :func:`end`.
_kept: list[object] | None = None
#: Python's exit code when it cannot write out standard output at the end.
FLUSH_FAILED = 120


def ending_soon() -> None:
    """Say that this process ends with :func:`end` once its command has run (the ``cilo`` command)."""
    global _kept
    if _kept is None:
        _kept = []


def keep(thing: object) -> None:
    """Hold ``thing`` until the process ends, rather than free it, where the process ends with
    :func:`end`; elsewhere nothing (``thing`` is freed as usual)."""
    if _kept is not None:
        _kept.append(thing)


def end(code: int) -> NoReturn:
    """End the process with ``code``: standard output and error written out (when standard output
    cannot be, a line says so and the code is :data:`FLUSH_FAILED`, as Python's own ending does), the
    exit handlers run, and no object freed."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as e:
        code = code or FLUSH_FAILED
        _say(f"cilo: error: the output could not be written: {e}\n")
    _say("")
    exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # logging's shutdown among them
    if exit_handlers is not None:
        exit_handlers()
    os._exit(code)


def _say(line: str) -> None:
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


__all__ = ["FLUSH_FAILED", "end", "ending_soon", "keep"]
