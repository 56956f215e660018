"""Keeps the suite's cache (:mod:`cilo.cache`: parse trees, query times) in a temporary folder of its own.

Installed for the whole session by ``tests/conftest.py`` (and ``docs/conftest.py``): the suite, and
every ``cilo`` command it starts, neither reads nor fills the cache of the user who runs it. The
folder starts empty, so the suite parses each query once and then reads it back, as a user's runs do.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_installed = False


def install() -> None:
    """Point ``CILO_CACHE_DIR`` at a new temporary folder, once per process (removed at exit)."""
    global _installed
    if not _installed:
        folder = tempfile.mkdtemp(prefix="cilo-test-cache-")
        os.environ["CILO_CACHE_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _installed = True
