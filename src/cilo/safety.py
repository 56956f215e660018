"""What cilo refuses before any parser or query engine sees it, and the limits it enforces.

cilo reads files people write and files people are sent. Nothing here trusts them:
- a file larger than :attr:`Limits.max_file_bytes`, or parsing to more than
  :attr:`Limits.max_triples` triples, is refused;
- RDF/XML with a DOCTYPE or an ENTITY declaration is refused (entity expansion took rdflib 146 s on
  a 552-byte file and is unbounded in Oxigraph);
- a SPARQL query longer than :attr:`Limits.max_query_chars`, nested deeper than
  :attr:`Limits.max_query_depth` (Oxigraph's parser crashed at about 5,000 levels), or naming
  ``SERVICE`` (unless network access is asked for), ``LOAD``, ``FROM`` or ``FROM NAMED`` is refused,
  with the line of the clause.
The defaults are far above what a real description or query needs. They are not process-wide
settings: :func:`limits` changes them for a ``with`` block (and the threads and tasks it starts), and
:func:`current` tells the limits in force.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import dataclasses
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cilo import parsecache
from cilo.errors import InputError, QueryError, UsageError


@dataclass(frozen=True)
class Limits:
    """The limits on untrusted input (see :func:`limits`)."""

    #: Largest file cilo reads, in bytes.
    max_file_bytes: int = 1 << 30
    #: Most triples one file may hold.
    max_triples: int = 50_000_000
    #: Longest SPARQL query text, in characters.
    max_query_chars: int = 1_000_000
    #: Deepest nesting of ``( { [`` in a SPARQL query.
    max_query_depth: int = 200
    #: Deepest nesting of ``[ ]`` and ``( )`` in a Turtle or TriG file.
    max_nesting: int = 100
    #: Most prefix declarations one Turtle, TriG or RDF/XML file may make.
    max_prefixes: int = 1_000
    #: Most nodes ``owl:sameAs`` may make one before ``cilo reason`` (rl) refuses the data.
    max_same_as_nodes: int = 200
    #: Most actors × links in the actor network whose centralities ``cilo network`` and ``cilo report``
    #: compute (betweenness takes time in proportion: some 15 million a second on a laptop).
    max_network_work: int = 1_000_000_000
    #: Most memory (data segment: heap and private mappings) the ``cilo`` command may use; the
    #: library sets no memory limit, which would hold for the whole process.
    max_memory_bytes: int = 8 << 30
    #: Wall-clock seconds the ``cilo`` command may run in all (the library sets no such limit).
    command_seconds: float = 3600.0
    #: Wall-clock seconds a query (built-in or your own) may run before it is stopped.
    query_seconds: float = 120.0
    #: Wall-clock seconds HermiT may run before it is stopped.
    reasoner_seconds: float = 600.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            whole = f.type in (int, "int")
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
                kind = "a whole number" if whole else "a number of seconds"
                raise UsageError(f"limit {f.name}: expected {kind}, not {value!r}")
            if not (math.isfinite(value) and value > 0):
                raise UsageError(f"limit {f.name}: expected a finite number above 0, not {value!r}")


_CURRENT: ContextVar[Limits] = ContextVar("cilo_limits", default=Limits())  # noqa: B039 - frozen
LIMIT_NAMES = tuple(f.name for f in dataclasses.fields(Limits))


def memory_budget(limit: int) -> None:
    """Hold this process (and the processes it starts) to ``limit`` bytes of data memory
    (``RLIMIT_DATA``), or less when the hard limit is lower; where there are no rlimits, nothing."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def give_back_freed_memory() -> bool:
    """Hand the memory freed in the C heap back to the system (glibc's ``malloc_trim``), so that RSS
    falls after a large query instead of staying at its peak for what comes next (Oxigraph's hash
    tables are freed, but their pages kept, in each thread's heap). Whether it could; elsewhere than
    glibc, nothing."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS; Windows has no CDLL(None))
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return bool(trim(0))


def changed_by(name: str) -> str:
    """How a user changes the limit ``name``, for the end of an error message."""
    return f"`cilo --limit {name}=...` or `with cilo.limits({name}=...)` changes it"


def parse_limits(settings: Iterable[str]) -> dict[str, float]:
    """``NAME=VALUE`` settings from the command line, as keyword arguments of :func:`limits`."""
    chosen: dict[str, float] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        name = name.strip()
        if name not in LIMIT_NAMES:
            raise UsageError(
                f"--limit {setting!r}: expected NAME=VALUE with NAME one of {', '.join(LIMIT_NAMES)}"
            )
        try:
            chosen[name] = int(value)
        except ValueError:
            try:
                chosen[name] = float(value)
            except ValueError:
                raise UsageError(f"--limit {setting!r}: {value!r} is not a number") from None
    return chosen


def current() -> Limits:
    """The limits in force here (the defaults, or those of the innermost :func:`limits` block)."""
    return _CURRENT.get()


@contextlib.contextmanager
def limits(**changes: float) -> Iterator[Limits]:
    """Change some limits inside a ``with`` block, e.g. ``with cilo.limits(query_seconds=5): ...``.

    Unknown names and values that are not positive numbers are a :class:`cilo.UsageError`. The
    previous limits come back when the block ends, whatever happens inside it.
    """
    unknown = sorted(set(changes) - set(LIMIT_NAMES))
    if unknown:
        raise UsageError(f"unknown limit {unknown[0]!r}; the limits are: {', '.join(LIMIT_NAMES)}")
    token = _CURRENT.set(dataclasses.replace(_CURRENT.get(), **changes))  # type: ignore[arg-type]
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


@contextlib.contextmanager
def no_graph_loading() -> Iterator[None]:
    """rdflib's ``SPARQL_LOAD_GRAPHS`` off for the block, so FROM / FROM NAMED in a query rdflib
    evaluates never read files or URLs (cilo refuses them anyway: :func:`check_query`); put back as
    it was after. rdflib evaluates lazily: iterate the results inside the block."""
    import rdflib.plugins.sparql as rdflib_sparql

    saved = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = saved


def check_file(path: Path, data: bytes | None = None) -> None:
    """Refuse ``path`` when it is too large (from its size on disk, before reading it, when ``data``
    is not given), when ``data`` declares more prefixes than :attr:`Limits.max_prefixes`, or when it
    is RDF/XML that declares a DTD or entities."""
    size = len(data) if data is not None else path.stat().st_size
    if size > current().max_file_bytes:
        raise InputError(
            path,
            f"the file is {size:,} bytes; cilo reads at most {current().max_file_bytes:,} "
            f"({changed_by('max_file_bytes')})",
        )
    if data is None:
        return
    declaration = _PREFIXES.get(path.suffix.lower())
    limit = current().max_prefixes
    # each declaration holds its keyword: no more keywords than the limit, no more declarations (a
    # count of a fixed string reads 16 MB in milliseconds; the pattern, in 0.3 s)
    if declaration is not None and data.lower().count(_KEYWORDS[declaration]) > limit:
        for count, declared in enumerate(declaration.finditer(data), 1):
            if count > limit:
                raise InputError(
                    path,
                    f"more than {limit:,} prefix declarations; cilo reads at most {limit:,} in a file "
                    f"(rdflib's time grows with their square; {changed_by('max_prefixes')})",
                    line=data[: declared.start() + 1].count(b"\n") + 1,
                )
    if path.suffix.lower() in (".ttl", ".trig"):
        _check_nesting(path, data)
    if path.suffix.lower() in (".rdf", ".owl", ".xml"):
        match = _DTD.search(data)
        if match:
            line = data[: match.start()].count(b"\n") + 1
            raise InputError(
                path,
                f"RDF/XML with a {match.group(1).decode().upper()} declaration is refused: entity expansion "
                "can make a small file take minutes or all memory; remove the DOCTYPE and write the IRIs out",
                line=line,
            )


def _check_nesting(path: Path, data: bytes) -> None:
    """Refuse Turtle or TriG whose ``[ ]`` and ``( )`` nest deeper than :attr:`Limits.max_nesting`,
    read past strings, IRIs, comments and escapes (rdflib's reader recurses at each level)."""
    depth, limit = 0, current().max_nesting
    if data.count(b"[") + data.count(b"(") <= limit:  # no deeper than the brackets there are at all
        return
    # the brackets outside strings, IRIs, comments and escapes, found by C code (the pattern removes
    # the same tokens the loop below skips): only a file that nests too deep is read token by token,
    # for the line to name
    brackets = TURTLE_HIDERS.sub(b"", data).translate(None, _NOT_BRACKETS)
    if max(itertools.accumulate(1 if b in b"[(" else -1 for b in brackets), default=0) <= limit:
        return
    for token in _TURTLE_TOKENS.finditer(data):
        bracket = token.group()
        if bracket in (b"[", b"("):
            depth += 1
            if depth > limit:
                raise InputError(
                    path,
                    f"brackets or lists nested more than {limit:,} deep; cilo reads at most {limit:,} "
                    f"({changed_by('max_nesting')})",
                    line=data[: token.start()].count(b"\n") + 1,
                )
        elif bracket in (b"]", b")"):
            depth -= 1


def check_triples(path: Path | str, count: int) -> None:
    """Refuse a file that parsed to more triples than the limit."""
    if count > current().max_triples:
        raise InputError(
            path,
            f"the file holds {count:,} triples; cilo reads at most {current().max_triples:,} per file "
            f"({changed_by('max_triples')})",
        )


_TURTLE_PREFIX = re.compile(rb"(?:^|[\s.;])(?:@prefix|prefix)\s+[^\s:<]*:\s*<", re.IGNORECASE)
_XML_PREFIX = re.compile(rb"\sxmlns:[\w.-]+\s*=")
_KEYWORDS = {_TURTLE_PREFIX: b"prefix", _XML_PREFIX: b"xmlns:"}
_PREFIXES = {".ttl": _TURTLE_PREFIX, ".trig": _TURTLE_PREFIX}
_PREFIXES.update(dict.fromkeys((".rdf", ".owl", ".xml"), _XML_PREFIX))
# The string literals of Turtle and SPARQL (one grammar for both): long and short, either quote.
STRING_LITERALS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)
# Turtle's strings (long and short), IRIs, comments and escapes, which can hold brackets; then brackets
_HIDERS = STRING_LITERALS + r"|<[^>\s]*>|#[^\n\r]*|\\."
_TURTLE_TOKENS = re.compile((_HIDERS + r"|[\[\]()]").encode(), re.DOTALL)
#: What can hold any character in Turtle and N-Triples (so hide a bracket, a digit, a ``^^``): strings,
#: IRIs, comments, escapes; on bytes. The nesting check and :mod:`cilo.shacl.literals` read past them.
TURTLE_HIDERS = re.compile(_HIDERS.encode(), re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]()")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

#: Comments, strings and IRIs, which can hide anything: the first lexemes of SPARQL and Turtle alike
#: (a verbose pattern; IRIREF has no spaces, which tells it from SPARQL's `<` operator).
COMMENT_STRING_IRI = (
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>"""
    + STRING_LITERALS
    + r""")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
)

# SPARQL lexemes that can hide brackets or keywords: comments, strings (long and short), IRIs,
# variables and prefixed names. IRIREF has no spaces, which tells it from the `<` operator.
_LEXEMES = re.compile(
    COMMENT_STRING_IRI
    + r"""
    | (?P<name>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+
               |[\w.-]*:(?:[\w.:%-]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[A-Za-z_]+)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    """,
    re.VERBOSE,
)
_REFUSED = {
    "SERVICE": "SERVICE asks another server over the network",
    "LOAD": "LOAD reads a file or URL into the data",
    "FROM": "FROM and FROM NAMED read graphs from files or URLs",
}


_CODE_POINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_code_points(text: str, source: str = "the query") -> str:
    """``text`` with SPARQL's code-point escapes (``\\u0053``, ``\\U00000053``) replaced by their
    characters, as a SPARQL parser does before anything else (SPARQL 1.1 §19.2)."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            line = text.count("\n", 0, match.start()) + 1
            raise QueryError(f"{source}, line {line}: {match.group()} is not a character")
        return chr(code)

    return _CODE_POINT.sub(character, text)


def check_query(text: str, source: str = "the query", *, allow_service: bool = False) -> None:
    """Refuse a query that is too long, nested too deeply, or reaches outside the data it is given.

    Decided twice, on what the engines will parse: by cilo's lexer on the text with its code-point
    escapes decoded (comments end at any line break; local names may escape quotes), and on rdflib's
    parse tree (``SERVICE`` anywhere, ``FROM`` / ``FROM NAMED``); either refuses.
    """
    if len(text) > current().max_query_chars:
        raise QueryError(
            f"{source}: the query is {len(text):,} characters; "
            f"cilo runs at most {current().max_query_chars:,}"
        )
    raw, text = text, decode_code_points(text, source)
    _check_lexemes(text, source, allow_service=allow_service)
    _check_parse_tree(raw, source, allow_service=allow_service)


def _refusal(word: str, source: str, line: int | None) -> QueryError:
    hint = " (allow it with --allow-network / allow_network=True)" if word == "SERVICE" else ""
    where = f"{source}, line {line}" if line is not None else source
    return QueryError(
        f"{where}: {word} is refused: {_REFUSED[word]}; cilo queries only the data it is given{hint}"
    )


def _check_parse_tree(text: str, source: str, *, allow_service: bool) -> None:
    """SERVICE or FROM in rdflib's parse tree (a query rdflib cannot parse never runs: every store
    parses it with rdflib first and reports the syntax error)."""
    try:
        tree = parse_tree(text)
    except Exception:
        return
    if any(getattr(part, "name", None) == "DatasetClause" for part in nodes(tree)):
        raise _refusal("FROM", source, None)
    if not allow_service and any(getattr(n, "name", None) == "ServiceGraphPattern" for n in nodes(tree)):
        raise _refusal("SERVICE", source, None)


def nodes(tree: object) -> Iterator[object]:
    """Every node of a parse tree."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)  # type: ignore[arg-type]


#: Parse trees by query text, the most recent last (at most :data:`_KEPT_TREES`).
_TREES: collections.OrderedDict[str, Any] = collections.OrderedDict()
_KEPT_TREES = 256


def parse_tree(text: str) -> Any:
    """rdflib's parse tree of a query (pyparsing is slow: once per text, and kept between runs by
    :mod:`cilo.parsecache`). Not to be changed: a caller that changes it takes it with
    :func:`take_parse_tree`."""
    tree = _TREES.get(text)
    if tree is None:
        tree = _TREES[text] = parsecache.parse(text)
        while len(_TREES) > _KEPT_TREES:
            _TREES.popitem(last=False)
    return tree


def take_parse_tree(text: str) -> Any:
    """The parse tree of a query, for a caller that changes it (rdflib's ``translateQuery`` does, in
    place): taken from those :func:`parse_tree` keeps, so that no later caller reads a changed tree
    (a query read after its translation was no longer seen to hold a ``FILTER NOT EXISTS``)."""
    tree = _TREES.pop(text, None)
    return parsecache.parse(text) if tree is None else tree


def lexemes(text: str) -> Iterator[re.Match[str]]:
    """The lexemes of a SPARQL text that can hide brackets or keywords, and its brackets and words."""
    return _LEXEMES.finditer(text)


def first_group(text: str) -> int:
    """The index of the first ``{`` outside comments, strings and IRIs, by the lexer the refusals
    use (one lexer for every place cilo reads query text: refusals, VALUES, the SHACL engine)."""
    for match in _LEXEMES.finditer(text):
        if match.group() == "{":
            return match.start()
    raise QueryError("the query has no group ({ ... }) to bind parameters in")


def _check_lexemes(text: str, source: str, *, allow_service: bool) -> None:
    depth = 0
    for match in _LEXEMES.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > current().max_query_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise QueryError(
                    f"{source}, line {line}: the query nests groups or parentheses more than "
                    f"{current().max_query_depth} deep; cilo refuses deeper queries"
                )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word":
            word = match.group().upper()
            if word in _REFUSED and not (word == "SERVICE" and allow_service):
                raise _refusal(word, source, text.count("\n", 0, match.start()) + 1)
