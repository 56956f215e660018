"""rdflib's SPARQL parse trees kept on disk between runs: its parser is slow, the queries rarely change.

rdflib parses SPARQL with pyparsing: about 80 ms per SHACL-SPARQL constraint on a 2-core machine, 1.3 s
for the 17 texts the engine reads to compile cilo's own shapes (the refusals and the rewriting read
the parse tree; see :mod:`cilo.shacl.sparql`). A parse tree read back from disk takes about 4 ms.

The cache holds one file per query text, named by a SHA-256 of the text and of the versions that
shape a tree (this module's format, rdflib, pyparsing, Python): a changed text, or an upgrade, never
reads an old tree. A file is written whole or not at all (a temporary file renamed into place), and
one that cannot be read back as a tree (cut short, or from elsewhere) is ignored and written again.
Reading it back admits only what a parse tree holds (rdflib's parse-tree classes and terms,
pyparsing's results, the functions of rdflib's SPARQL operators): a file placed there by someone else
can call nothing else.

Where: the ``sparql-trees`` folder of cilo's cache (:mod:`cilo.cache`), at most :data:`MAX_FILES`
files (the oldest go first). A cache that cannot be written is no error: the text is parsed, as
without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
import sys
import types
from pathlib import Path
from typing import Any

from cilo import cache

#: Changed whenever what a file holds changes.
FORMAT = 1
#: Files kept at most; beyond it, the oldest are removed.
MAX_FILES = 2000
#: What a parse tree holds, by module: the unpickler admits nothing else (None: what the module
#: itself defines, the functions rdflib's parser binds to expressions to evaluate them).
_ADMITTED: dict[str, frozenset[str] | None] = {
    "cilo.parsecache": frozenset({"_comp_value"}),
    "pyparsing.results": frozenset({"ParseResults"}),
    "rdflib.plugins.sparql.parserutils": frozenset({"CompValue", "Expr"}),
    "rdflib.term": frozenset({"URIRef", "Literal", "Variable", "BNode"}),
    "rdflib.plugins.sparql.operators": None,
}


def directory() -> Path | None:
    """The folder of the cache, or None when it is turned off (:func:`cilo.cache.location`)."""
    return cache.location("sparql-trees")


def parse(text: str) -> Any:
    """rdflib's parse tree of ``text`` (``parseQuery``), read from the cache when it holds it; a new
    tree each call (callers may change it). A text that does not parse raises rdflib's error."""
    from rdflib.plugins.sparql.parser import parseQuery

    folder = directory()
    path = None if folder is None else folder / f"{_key(text)}.pickle"
    if path is not None:
        tree = _read(path)
        if tree is not None:
            return tree
    tree = parseQuery(text)
    if path is not None:
        _write(path, tree)
    return tree


def _key(text: str) -> str:
    import pyparsing
    import rdflib

    versions = f"{FORMAT}\0{rdflib.__version__}\0{pyparsing.__version__}\0{sys.version}\0"
    return hashlib.sha256((versions + text).encode("utf-8", "surrogatepass")).hexdigest()


def _read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # cut short, or not a parse tree: parsed again and written again
        return None


def _write(path: Path, tree: Any) -> None:
    try:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(tree)
    except Exception:  # a tree this module cannot write: not kept
        return
    if cache.write_whole(
        path, buffer.getvalue()
    ):  # else read-only, full, or not ours: parsed again next time
        _prune(path.parent)


def _prune(folder: Path) -> None:
    """Remove the oldest files beyond :data:`MAX_FILES`."""
    files = list(folder.glob("*.pickle"))
    if len(files) <= MAX_FILES:
        return
    by_age = sorted(files, key=lambda f: f.stat().st_mtime)
    for old in by_age[: len(files) - MAX_FILES]:
        with contextlib.suppress(OSError):
            old.unlink()


def _comp_value(cls: Any, name: str, function: Any, attributes: dict[str, Any]) -> Any:
    """An rdflib ``CompValue`` (or ``Expr``) made again: its items follow, as a dict's do."""
    from rdflib.plugins.sparql.parserutils import Expr

    value = cls.__new__(cls)
    dict.__init__(value)
    value.name = name
    if issubclass(cls, Expr):
        value._evalfn = None if function is None else types.MethodType(function, value)
    for key, item in attributes.items():
        setattr(value, key, item)
    return value


class _Pickler(pickle.Pickler):
    """Writes rdflib's ``CompValue`` (whose ``__init__`` pickle cannot call) and ``Expr`` (whose
    evaluation function is bound to it) by name, function, attributes and items."""

    def reducer_override(self, obj: Any) -> Any:
        from rdflib.plugins.sparql.parserutils import CompValue, Expr

        if not isinstance(obj, CompValue):
            return NotImplemented
        attributes = {k: v for k, v in vars(obj).items() if k not in ("name", "_evalfn")}
        bound = vars(obj).get("_evalfn") if isinstance(obj, Expr) else None
        function = None if bound is None else bound.__func__
        return (_comp_value, (type(obj), obj.name, function, attributes), None, None, iter(dict.items(obj)))


class _Unpickler(pickle.Unpickler):
    """Admits only what a parse tree holds (:data:`_ADMITTED`)."""

    def find_class(self, module: str, name: str) -> Any:
        names = _ADMITTED.get(module, frozenset())
        found = super().find_class(module, name) if names is None or name in names else None
        if found is None or (names is None and getattr(found, "__module__", None) != module):
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a parse tree")
        return found
