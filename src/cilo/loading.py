"""Every file cilo reads, read here: checked once, parsed once, errors that name file and line.

The format comes from the file's extension. Turtle, N-Triples, N-Quads and TriG are parsed by
Oxigraph (:func:`rdf_bytes`, :func:`native_parse`: the quads go to an Oxigraph store, or to an rdflib
Graph made from them, never parsed a second time); RDF/XML through rdflib; YAML and JSON / JSON-LD
descriptions through the JSON-LD processor with cilo's bundled context
(:mod:`cilo.formats.description`); CSV tables of assignments (:mod:`cilo.formats.table`). A parser's
error is explained in one place (:func:`rejected` for Oxigraph's, :func:`parse_data` for the others),
and the readers note each node's line for :mod:`cilo.sources`.
"""

from __future__ import annotations

import contextlib
import re
import xml.sax
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from cilo.context import NOT_IN_IRIS
from cilo.errors import InputError
from cilo.formats import description, table
from cilo.formats.rdfsyntax import LINE_FORMATS, parse_rdf
from cilo.safety import check_file, check_triples

#: File extension -> format: an rdflib parser name, or ``yaml``, ``json`` or ``csv``.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonld": "json",
    ".csv": "csv",
}

PathLike = str | Path
#: What every command reads: an rdflib Graph, or one or several files (any format, by extension).
Data = Graph | PathLike | Iterable[PathLike]
#: The UTF-8 byte-order mark some editors write first; no RDF syntax allows it, so it is dropped.
BOM = b"\xef\xbb\xbf"


@contextlib.contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib keeps each literal's lexical form as written during the block (it would otherwise
    rewrite ``"01"^^xsd:integer`` as ``"1"`` and ``"none"^^xsd:boolean`` as ``"false"``); its setting
    comes back after it."""
    import rdflib

    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def format_for(path: PathLike) -> str:
    """The rdflib format of ``path``, from its extension; an :class:`InputError` when unknown."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputError(
            path, f"unknown file extension {suffix or '(none)'!r}; expected one of {known}"
        ) from None


def load(paths: PathLike | Iterable[PathLike], *, base: str | None = None) -> Graph:
    """Parse one or several files (format from the extension) and merge them into one new Graph.

    ``base`` is the base IRI for local ids in YAML, JSON and CSV files that do not set their own.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    graph = Graph()
    for path in paths:
        parse_into(graph, path, base=base)
    return graph


def parse_into(
    graph: Graph, path: PathLike, *, base: str | None = None, lines: dict[Node, int] | None = None
) -> None:
    """Parse the file ``path`` into ``graph``; nothing is added when the file does not parse.
    ``lines``: as for :func:`parse_data`."""
    parsed = parse_data(read_checked(path), path, base=base, lines=lines)
    graph += parsed
    for prefix, ns in parsed.namespaces():
        graph.bind(prefix, ns, override=False)


def read_checked(path: PathLike) -> bytes:
    """The bytes of the file ``path`` (byte-order mark dropped), after cilo's checks on files."""
    format_for(path)
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file" if not p.exists() else "not a file")
    try:
        check_file(p)
        data = p.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read the file: {e.strerror}") from None
    data = data.removeprefix(BOM)
    check_file(p, data)
    return data


#: Formats Oxigraph parses itself, much faster than rdflib; the others go through cilo's readers.
_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG"}

#: The longest token (a literal, a line) Oxigraph's parsers read; past it, cilo's readers (rdflib) do.
OXIGRAPH_BUFFER = 16 * 1024 * 1024


def native_parse(path: PathLike, *, base: str | None = None) -> list[Any] | None:
    """The quads of ``path`` from Oxigraph's parser, or None when Oxigraph does not read it: another
    format, or a literal longer than :data:`OXIGRAPH_BUFFER` (then cilo's own reader does)."""
    native = rdf_bytes(path)
    if native is None:
        return None
    data, fmt = native
    try:
        quads = list(pyoxigraph.parse(data, format=fmt, base_iri=Path(path).resolve().as_uri()))
    except (SyntaxError, ValueError) as e:
        raise rejected(path, e, base) from None
    except MemoryError:  # a line or literal past Oxigraph's 16 MiB buffer: cilo's reader takes it
        return None
    check_triples(path, len(quads))
    return quads


def rdf_bytes(path: PathLike) -> tuple[bytes, Any] | None:
    """The checked bytes (byte-order mark removed) and Oxigraph format of an RDF file Oxigraph reads."""
    fmt = _OXIGRAPH_FORMATS.get(format_for(path))
    p = Path(path)
    if fmt is None or not p.is_file():
        return None
    check_file(p)
    try:
        data = p.read_bytes().removeprefix(BOM)
    except OSError as e:
        raise InputError(path, f"cannot read the file: {e.strerror}") from None
    check_file(p, data)
    return data, getattr(pyoxigraph.RdfFormat, fmt)


def rejected(path: PathLike, error: Exception, base: str | None) -> InputError:
    """The error for a file Oxigraph's parser rejected: cilo's own reader's, which names the line
    the way cilo always does; Oxigraph's (with its line) when that reader accepts what Oxigraph
    does not, such as an IRI with a space."""
    try:
        load(path, base=base)
    except InputError as e:
        return e
    message = re.sub(r"^Parser error at [^:]*: | \(line \d+\)$", "", str(error))
    syntax = _SYNTAX_NAMES[format_for(path)]
    return InputError(path, f"{syntax} syntax error: {message}", line=getattr(error, "lineno", None))


_SYNTAX_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG"}


def parse_data(
    data: bytes, path: PathLike, *, base: str | None = None, lines: dict[Node, int] | None = None
) -> Graph:
    """``data``, read from ``path`` (whose extension gives the format), as a new Graph. ``lines``
    (when given) receives the line of each node cilo's own readers (YAML, JSON, CSV) make."""
    fmt = format_for(path)
    try:
        parsed = _read(data, fmt, str(path), base, lines)
    except (InputError, MemoryError):  # out of memory is the command's limit, not the file's syntax
        raise
    except Exception as e:
        raise _explain(path, fmt, data, e) from None
    check_triples(path, len(parsed))
    _check_iris(parsed, path, data)
    return parsed


def _read(data: bytes, fmt: str, source: str, base: str | None, lines: dict[Node, int] | None) -> Graph:
    if fmt in ("yaml", "json"):
        syntax: description.Syntax = "yaml" if fmt == "yaml" else "json"
        return description.read(data, source, syntax=syntax, base=base, lines=lines)
    if fmt == "csv":
        return table.read(data, source, base=base, lines=lines)
    return parse_rdf(data, fmt)


def _check_iris(graph: Graph, path: PathLike, data: bytes) -> None:
    """Refuse IRIs rdflib's parsers let through although no IRI may hold them (a space, ``<>"{}|^```
    or a control character): written out again, they would make broken Turtle."""
    for node in {n for triple in graph for n in triple if isinstance(n, URIRef)}:
        if NOT_IN_IRIS.search(node):
            at = data.find(str(node).encode("utf-8")[:40])
            raise InputError(
                path,
                f'the IRI <{str(node)[:80]}> holds a space, a control character or one of <>"{{}}|^`, '
                "which IRIs may not (write a space as %20)",
                line=data[:at].count(b"\n") + 1 if at >= 0 else None,
            )


def _explain(path: PathLike, fmt: str, data: bytes, error: Exception) -> InputError:
    """Turn a parser's exception into an InputError with the line (and column) where known."""
    if isinstance(error, RecursionError):
        return InputError(
            path, f"nested too deeply to read as {fmt} (brackets, lists or blank nodes within each other)"
        )
    if isinstance(error, BadSyntax):
        why = getattr(error, "_why", str(error))
        return InputError(path, f"Turtle syntax error: {why}", line=_bad_syntax_line(error, data))
    if isinstance(error, xml.sax.SAXParseException):
        return InputError(
            path,
            f"RDF/XML syntax error: {error.getMessage()}",
            line=error.getLineNumber(),
            column=error.getColumnNumber(),
        )
    if isinstance(error, UnicodeDecodeError):
        return InputError(path, "the file is not valid UTF-8 text", line=data[: error.start].count(b"\n") + 1)
    if isinstance(error, ParserError) and fmt in LINE_FORMATS:  # no line from rdflib: found line by line
        expected = "N-Triples" if fmt == "nt" else "N-Quads"
        return InputError(
            path,
            f"{expected} syntax error: expected a statement ending in '.'",
            line=_first_bad_line(data, fmt),
        )
    return InputError(path, f"cannot be read as {fmt}: {error}")


def _bad_syntax_line(error: BadSyntax, data: bytes) -> int:
    """The line of a Turtle/TriG error, from its character offset (rdflib's own count drifts at EOF)."""
    text, offset = getattr(error, "_str", None), getattr(error, "_i", None)
    if isinstance(text, bytes) and isinstance(offset, int):
        if offset < 0 or offset >= len(text):  # end of file: the last line with content
            return len(text.rstrip().splitlines()) or 1
        return text[:offset].count(b"\n") + 1
    return int(error.lines) + 1


def _first_bad_line(data: bytes, fmt: str) -> int | None:
    """For a line-based format, the number of the first line that does not parse on its own."""
    for number, text in enumerate(data.splitlines(), start=1):
        if not text.strip() or text.lstrip().startswith(b"#"):
            continue
        try:
            parse_rdf(text + b"\n", fmt)
        except Exception:
            return number
    return None
