"""Write a graph as Turtle, N-Triples, RDF/XML, JSON-LD, a YAML description or a CSV table.

Files are written whole or not at all: the text goes to a temporary file beside the target, which
replaces the target only once it is complete.
"""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import cast

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from cilo.choices import FORMAT_ALIASES, WRITE_FORMAT_NAMES, WRITE_FORMATS, AnyWriteFormat, WriteFormat
from cilo.errors import OutputError, UsageError
from cilo.formats import description, table

#: ``--to`` names -> what they write (the names: :data:`cilo.choices.WRITE_FORMATS`).
FORMAT_NAMES: dict[WriteFormat, str] = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "rdf": "RDF/XML",
    "jsonld": "JSON-LD (with cilo's context)",
    "yaml": "a YAML description, one document per initiative",
    "csv": "a CSV table of assignments (only what its columns hold)",
}
_RDFLIB = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}


def dumps(graph: Graph, format: AnyWriteFormat = "ttl", *, header: str = "", csv_guard: bool = True) -> str:
    """``graph`` as text in ``format`` (one of :data:`WRITE_FORMATS`, or another name of one, such
    as ``turtle``: :data:`cilo.choices.FORMAT_ALIASES`).

    ``header`` is a comment put at the top of Turtle and YAML. For ``csv``, triples its columns do
    not hold are left out: use :func:`dump` to learn which.
    """
    return render(graph, format, header=header, csv_guard=csv_guard)[0]


def dump(
    graph: Graph,
    path: str | Path,
    format: AnyWriteFormat | None = None,
    *,
    header: str = "",
    csv_guard: bool = True,
) -> Counter[str]:
    """Write ``graph`` to ``path`` (format from ``format`` or the extension), all or nothing.

    Returns the triples left out, counted by predicate (only CSV leaves any out).
    """
    target = Path(path)
    fmt = format or cast(WriteFormat, target.suffix.lower().lstrip("."))  # render() checks it
    text, left_out = render(graph, fmt, header=header, csv_guard=csv_guard)
    write_atomic(target, text)
    return left_out


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder, synced and then
    renamed over the target: a reader sees the old file or the whole new one, never a part.

    ``-`` is standard output. A symbolic link is written through, to its target (which keeps its
    mode); a target that is not a regular file (``/dev/stdout``, a FIFO) is written directly, as
    there is nothing to replace. A folder, a missing folder or one cilo may not write in is an
    :class:`OutputError` in one line.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{path}: is a folder; give the name of a file to write")
    if target.exists() and not target.is_file():  # /dev/stdout, a FIFO: nothing to replace
        try:
            with target.open("wb") as f:
                f.write(data)
        except OSError as e:
            raise OutputError(f"{path}: cannot write: {e.strerror}") from None
        return
    if target.is_symlink():
        target = target.resolve()
    if not target.parent.is_dir():
        raise OutputError(f"{path}: no folder {target.parent} to write it in")
    _remove_stale(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as e:
        raise OutputError(f"{path}: cannot write in {target.parent}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).chmod(_mode_for(target))  # mkstemp makes it private; keep the usual mode
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale(target: Path) -> None:
    """Remove the temporary files an earlier write of ``target`` left when it was killed: those
    whose writer (the process id in their name) is no longer running."""
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        pid = stale.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            stale.unlink(missing_ok=True)
        except OSError:
            pass  # running, under another user


def _mode_for(target: Path) -> int:
    """The mode ``target`` has, or the one a new file gets under the process's umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def render(
    graph: Graph, name: AnyWriteFormat, *, header: str = "", csv_guard: bool = True
) -> tuple[str, Counter[str]]:
    """The text of ``graph`` in ``name``, and the triples it leaves out, counted by predicate."""
    fmt: str = FORMAT_ALIASES.get(name, name)  # type: ignore[arg-type]
    if fmt not in WRITE_FORMATS:
        raise UsageError(f"cannot write {name!r}; the formats are: {', '.join(WRITE_FORMAT_NAMES)}")
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    if fmt == "csv":
        return table.write(graph, guard=csv_guard)
    if fmt in ("yaml", "jsonld"):
        if fmt == "yaml":
            return description.write(graph, syntax="yaml", header=comment), Counter()
        return description.write(graph, syntax="json"), Counter()
    return (comment + "\n" if comment and fmt == "ttl" else "") + _stable(graph).serialize(
        format=_RDFLIB[fmt]
    ), Counter()


def _stable(graph: Graph) -> Graph:
    """``graph`` with canonical blank node labels and sorted triples: the same graph, the same text."""
    stable = Graph()
    for prefix, namespace in graph.namespaces():
        stable.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(to_canonical_graph(graph)):  # the store keeps insertion order
        stable.add(triple)
    return stable
