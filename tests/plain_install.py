"""Run cilo with only its runtime dependencies importable (used by tests/test_packaging.py).

    python tests/plain_install.py ALLOWED.json cli ARGS...    # the cilo command line
    python tests/plain_install.py ALLOWED.json api SCRIPT.py  # a Python script

``ALLOWED.json`` lists the top-level modules of cilo and of the closure of its runtime
``Requires-Dist``; a meta path finder refuses every other module that is not in the standard library,
as if it were not installed (``ModuleNotFoundError``). A dev-only package that cilo reaches without
declaring it (numpy through networkx's layouts, pandas) then fails here as on a plain install.
"""

from __future__ import annotations

import json
import runpy
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType


class RuntimeOnly(MetaPathFinder):
    """Refuse modules outside the standard library and the allowed distributions."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed | set(sys.stdlib_module_names) | set(sys.builtin_module_names)
        self.refused: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in self.allowed or top.startswith("_"):  # private modules: native parts of allowed ones
            return None
        self.refused.add(top)
        raise ModuleNotFoundError(
            f"No module named {fullname!r} (not a runtime dependency of cilo)", name=fullname
        )


def main() -> None:
    allowed_file, mode, *rest = sys.argv[1:]
    allowed = set(json.loads(Path(allowed_file).read_text(encoding="utf-8")))
    sys.path = [p for p in sys.path if not p.endswith("/tests")]  # this file's folder is no package
    sys.meta_path.insert(0, RuntimeOnly(allowed))
    if mode == "cli":
        from cilo.cli import main as cilo

        sys.argv = ["cilo", *rest]
        sys.exit(cilo(rest))
    sys.argv = rest
    runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main()
