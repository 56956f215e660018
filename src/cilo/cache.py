"""cilo's cache: what is kept between runs to save time, never needed for an answer.

Where: ``$CILO_CACHE_DIR`` if set (empty: no cache), else ``$XDG_CACHE_HOME/cilo`` or ``~/.cache/cilo``
(``%LOCALAPPDATA%\\cilo`` on Windows). Each user of it has a file or folder of its own there
(:mod:`cilo.parsecache`, :mod:`cilo.shacl.durations`). A file is written whole or not at all (a
temporary file renamed into place), and a cache that cannot be written is no error: the run costs
what it would without it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path


def location(name: str) -> Path | None:
    """Where the cache keeps ``name`` (a file or a folder), or None when the cache is turned off
    (``CILO_CACHE_DIR`` set empty) or there is no absolute folder to put it in."""
    chosen = os.environ.get("CILO_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) / name if chosen else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        root = Path(os.environ["LOCALAPPDATA"])
    elif os.environ.get("XDG_CACHE_HOME"):
        root = Path(os.environ["XDG_CACHE_HOME"])
    else:
        try:
            root = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no home: no cache
            return None
    # a relative folder (no home found, "~" left as it is) would fill the working directory
    return root / "cilo" / name if root.is_absolute() else None


def write_whole(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (its folders made, private to the user) through a temporary file
    renamed into place: a reader sees the old file or the whole new one. Whether it was written (a
    folder that is read-only, full or not ours: not, and no error)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            Path(temporary).replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise
    except OSError:
        return False
    return True


__all__ = ["location", "write_whole"]
