"""Run a function with a wall-clock limit, in a child process that is killed when time is up.

Neither rdflib nor pyoxigraph can interrupt a running query, and a pathological property path can run
for hours; a forked child shares the loaded data without copying it, and killing it is always clean.
Forking is only safe while this process runs no threads of its own: an open on-disk Oxigraph store
runs RocksDB's. Work on such a store runs ``fresh``: in a new interpreter (``python -m
cilo.timelimit``, about 0.2 s to start) that is sent the pickled function and opens the store again,
read-only, by its path. Unlike multiprocessing's spawn and forkserver, it never runs the caller's
``__main__`` again. Where ``fork`` is not available (Windows, macOS's default) the function runs in
this process, without a limit.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cilo.errors import TimeLimitError, WorkerError

T = TypeVar("T")
Outcome = tuple[bool, Any]


def run_limited(function: Callable[[], T], seconds: float, *, fresh: str | None = None) -> T:
    """``function()``, computed in a child process and stopped after ``seconds``.

    The child is forked from this process or, when ``fresh`` is given, a new interpreter whose
    command line ends with it (what it works on, for ``ps``); ``function`` must then pickle: a
    module-level function or a :func:`functools.partial` of one. Its exceptions are raised here
    again (they must be picklable, as cilo's are); its result comes back pickled.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Linux has fork
        return function()
    ok, value = (
        _in_fork(function, seconds) if fresh is None else _in_new_interpreter(function, seconds, fresh)
    )
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _in_fork(function: Callable[[], Any], seconds: float) -> Outcome:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(function, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimitError(f"stopped after {seconds:g} s")
        try:
            outcome: Outcome = receiver.recv()
        except EOFError:
            child.join(5)  # reaped, so its exit code is known
            raise _died(child.exitcode) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return outcome


def _in_new_interpreter(function: Callable[[], Any], seconds: float, label: str) -> Outcome:
    package_root = str(Path(__file__).resolve().parents[1])  # where this cilo is imported from
    paths = [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    with subprocess.Popen(
        [sys.executable, "-m", "cilo.timelimit", label],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    ) as child:
        try:
            answer, _ = child.communicate(pickle.dumps(function), timeout=seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise TimeLimitError(f"stopped after {seconds:g} s") from None
    if not answer:
        raise _died(child.returncode)
    outcome: Outcome = pickle.loads(answer)
    return outcome


def _died(code: int | None) -> WorkerError:
    if code is not None and code < 0:
        how = f"killed by signal {-code}, {_signal_name(-code)}"
        if -code == signal.SIGABRT:
            how += ": a native library (Oxigraph, RocksDB) crashed on this query"
    else:
        how = f"exit code {code}"
    return WorkerError(f"the process that ran it ended without an answer ({how})")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"


def _outcome(function: Callable[[], Any]) -> Outcome:
    """``(True, result)`` or ``(False, exception)``, the exception as text when it does not pickle."""
    try:
        return (True, function())
    except BaseException as e:
        try:
            pickle.dumps(e)
        except Exception:
            return (False, RuntimeError("".join(traceback.format_exception_only(type(e), e)).strip()))
        return (False, e)


def _child(function: Callable[[], Any], sender: Any) -> None:
    sender.send(_outcome(function))


if __name__ == "__main__":  # a fresh worker: a pickled function on stdin, its pickled outcome on stdout
    sys.stdout.buffer.write(pickle.dumps(_outcome(pickle.loads(sys.stdin.buffer.read()))))
