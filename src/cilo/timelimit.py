"""Run a function with a wall-clock limit, in a child process that is killed when time is up.

Neither rdflib nor pyoxigraph can interrupt a running query, and a pathological property path can run
for hours; a forked child shares the loaded data without copying it, and killing it is always clean.
Where ``fork`` is not available (Windows, macOS's default) the function runs in this process,
without a limit.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from cilo.errors import TimeLimitError, WorkerError

T = TypeVar("T")


def run_limited(function: Callable[[], T], seconds: float) -> T:
    """``function()``, computed in a forked child and stopped after ``seconds``.

    Its exceptions are raised here again (they must be picklable, as cilo's are); its result comes
    back pickled.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Linux has fork
        return function()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(function, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimitError(f"stopped after {seconds:g} s")
        try:
            ok, value = receiver.recv()
        except EOFError:
            child.join(5)  # reaped, so its exit code is known
            code = child.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise WorkerError(f"the process that ran it ended without an answer ({how})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _child(function: Callable[[], Any], sender: Any) -> None:
    try:
        outcome = (True, function())
    except BaseException as e:
        try:
            outcome = (False, e)
            sender.send(outcome)
            return
        except Exception:  # an exception that does not pickle: its text does
            outcome = (False, RuntimeError("".join(traceback.format_exception_only(type(e), e)).strip()))
    sender.send(outcome)
