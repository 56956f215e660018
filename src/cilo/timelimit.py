"""Run a function with a wall-clock limit, in a child process that is killed when time is up.

Neither rdflib nor pyoxigraph can interrupt a running query, and a pathological property path can run
for hours; a forked child shares the loaded data without copying it, and killing it is always clean.
Forking is only safe while this process runs no threads of its own: an open on-disk Oxigraph store
runs RocksDB's. Work on such a store runs ``fresh``: in a child of a ``forkserver`` (a clean
process started once, with cilo imported), which opens the store again, read-only, by its path.
Where ``fork`` is not available (Windows, macOS's default) the function runs in this process,
without a limit.
"""

from __future__ import annotations

import functools
import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from cilo.errors import TimeLimitError, WorkerError

T = TypeVar("T")


def run_limited(function: Callable[[], T], seconds: float, *, fresh: bool = False) -> T:
    """``function()``, computed in a child process and stopped after ``seconds``.

    The child is forked from this process, or with ``fresh`` from a clean forkserver (``function``
    must then pickle: a module-level function or a :func:`functools.partial` of one). Its exceptions
    are raised here again (they must be picklable, as cilo's are); its result comes back pickled.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Linux has fork
        return function()
    context = _forkserver() if fresh and "forkserver" in methods else multiprocessing.get_context("fork")
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


@functools.cache
def _forkserver() -> Any:
    """The forkserver context, its server importing cilo's stores once (children start in milliseconds)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cilo.stores", "cilo.querying"])
    return context


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
