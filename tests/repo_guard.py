"""An audit hook that keeps the test suite inside the repository: a user's clone has nothing beside it.

Installed for the whole session by ``tests/conftest.py`` (and ``docs/conftest.py``). Opening or
listing a path in the folder that holds the repository, but outside the repository itself (a
sibling folder of the checkout), raises :class:`OutsideRepositoryError` where it happens and is
recorded, and the test that did it fails even if the code under test swallowed the error.
Temporary folders, the interpreter and its packages live elsewhere and are not concerned.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = os.path.normpath(Path(__file__).resolve().parents[1])
BESIDE = os.path.dirname(ROOT)  # noqa: PTH120 - plain strings: the hook sees every open
#: What the suite tried to read beside the repository, in order.
violations: list[str] = []
_installed = False
_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


class OutsideRepositoryError(PermissionError):
    """Raised where a test reads beside the repository."""


def outside(path: str) -> bool:
    """Whether ``path`` lies beside the repository (in its parent folder, not in it)."""
    where = os.path.normpath(os.path.abspath(path))  # noqa: PTH100 - no symlink resolution in the hook
    beside = where == BESIDE or where.startswith(BESIDE + os.sep)
    return beside and not (where == ROOT or where.startswith(ROOT + os.sep))


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS or not args:
        return
    path = args[0]
    if isinstance(path, int) or path is None:
        return
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return
    if outside(text):
        violations.append(text)
        raise OutsideRepositoryError(f"the test suite may read only inside the repository; refused: {text}")


def install() -> None:
    """Install the hook once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
