"""Where each node of the data was written: the file and line that validation results point to.

cilo's own readers (YAML, JSON, CSV) note the line of every node they make as they read (an
initiative's ``id:``, an assignment's list item, an actor's entry, a CSV row). Files in an RDF syntax
are read by Oxigraph, which keeps no positions: for them, only when a result needs it, a scan of the
text finds the line of the first statement about an IRI (the subject of a statement; else its first
mention). A blank node written as ``[ ... ]`` has no name to find: it is found by what it says (the
one unnamed statement that mentions all its IRIs), else placed where the node referring to it is;
where two different statements would fit, it gets no line rather than a guess. A store's files are
read again for their lines, if unchanged since they were loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urljoin

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from cilo.errors import CiloError
from cilo.loading import BOM, format_for, parse_data, read_checked
from cilo.oxigraph import from_oxigraph, to_oxigraph
from cilo.safety import COMMENT_STRING_IRI

#: The formats whose text :func:`scan` reads (Turtle's family); RDF/XML and JSON-LD get the file only.
SCANNED = frozenset({"turtle", "nt", "nquads", "trig"})


@dataclass(frozen=True)
class Location:
    """A place in a file: the path as the user gave it, and the line (None when not known)."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def to_dict(self) -> dict[str, str | int | None]:
        return {"file": self.file, "line": self.line}


@dataclass
class SourceMap:
    """The lines of the nodes of several files, in the order the files were given."""

    #: File (as given) -> its format, in order.
    files: dict[str, str] = field(default_factory=dict)
    #: File -> node -> line, as cilo's readers noted them.
    written: dict[str, dict[Node, int]] = field(default_factory=dict)
    _scanned: dict[tuple[str, bool], Scan] = field(default_factory=dict, repr=False)
    #: Scans begun in the background by :meth:`scan_ahead`, until :meth:`_scan` takes them.
    _ahead: dict[tuple[str, bool], Future[Scan]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: What each blank node of a file read again says -> where it was written.
    _said: dict[frozenset[str], set[tuple[str, int]]] = field(default_factory=dict, repr=False)

    def add(self, file: str, fmt: str) -> dict[Node, int]:
        """Register ``file``; returns the dict its reader fills with node -> line."""
        self.files[file] = fmt
        return self.written.setdefault(file, {})

    @classmethod
    def of_stored(cls, files: Iterable[tuple[str, str]], scans: Path | None = None) -> SourceMap:
        """The lines of files loaded into a store earlier, each ``(path, sha256 when loaded)``: read
        again, if unchanged (a changed or missing file gives no lines). A Turtle-family file's scan
        saved at loading (``scans/<sha256>.json``, :meth:`Scan.save`) is read instead of scanning
        its text again. Blank nodes get new names when a file is read again, so they are found by
        what they say (:meth:`locate`)."""
        found = cls()
        for path, sha256 in files:
            try:
                fmt = format_for(path)
                data = None if fmt in SCANNED else read_checked(path)  # a scan reads it when asked
            except CiloError:
                continue
            if (_sha256(path) if data is None else hashlib.sha256(data).hexdigest()) != sha256:
                continue
            lines = found.add(path, fmt)
            saved = None if scans is None or data is not None else Scan.saved(scans / f"{sha256}.json")
            if saved is not None:
                found._scanned[(path, False)] = saved
            if data is not None:
                try:
                    graph = parse_data(data, path, lines=lines)
                except CiloError:
                    continue
                found.describe(path, graph)
        return found

    def describe(self, file: str, graph: Graph) -> None:
        """Note what each blank node of ``file`` says, to find it again under another name."""
        for node, line in self.written.get(file, {}).items():
            if isinstance(node, BNode):
                said = _iris_of(graph, node)
                self._said.setdefault(said, set()).add((file, line))

    def locate(self, node: Node, graph: Neighbours | None = None) -> Location | None:
        """Where ``node`` was written. A blank node the files name by no label is found by what it
        says (``[] a cilo:RoleAssignment ; cilo:agent :mira ...``: the one statement that mentions
        all of its IRIs) or else where a node referring to it is; ``graph`` gives both. None when no
        file holds it (data given as a Graph), and rather than a guess."""
        return self._locate(node, graph, depth=0)

    def elsewhere(self, node: Node, first: Location) -> tuple[Location, ...]:
        """The other files that describe ``node`` (its lines there), besides ``first``: one actor
        typed a Person in one file and an Organization in another is written in both."""
        if not isinstance(node, URIRef):
            return ()
        found = []
        for file, fmt in self.files.items():
            line = self.written.get(file, {}).get(node)
            if line is None and fmt in SCANNED:
                line = self._scan(file).subjects.get(str(node))
            if line is not None and Location(file, line) != first:
                found.append(Location(file, line))
        return tuple(found)

    def _locate(self, node: Node, graph: Neighbours | None, depth: int) -> Location | None:
        if not isinstance(node, URIRef | BNode):
            return None  # a literal focus node (SHACL allows them) is written nowhere in particular
        for file in self.files:
            line = self.written.get(file, {}).get(node)
            if line is not None:
                return Location(file, line)
        if isinstance(node, URIRef):
            for pick in (0, 1):  # the subject of a statement first, then any mention
                for file, fmt in self.files.items():
                    if fmt in SCANNED:
                        found = self._scan(file, mentions=pick == 1)
                        lines = found.subjects if pick == 0 else found.mentions
                        if str(node) in lines:
                            return Location(file, lines[str(node)])
        elif graph is not None and depth < 8:
            said = graph.iris_of(node)
            places = self._said.get(said, set())
            if len(places) == 1:
                return Location(*next(iter(places)))
            place = self._anonymous(said)
            if place is not None:
                return place
            for parent in graph.referrers(node):
                place = self._locate(parent, graph, depth + 1)
                if place is not None:
                    return place
        unlined = [f for f, fmt in self.files.items() if fmt not in SCANNED and not self.written.get(f)]
        if len(self.files) == 1 and unlined:
            return Location(unlined[0])  # RDF/XML or JSON-LD: the file, not the line
        return None

    def _anonymous(self, iris: frozenset[str]) -> Location | None:
        """The statement with an unnamed subject that mentions every one of ``iris``, when all such
        statements mention the same IRIs (written twice alike, either line is the node's)."""
        if not iris:
            return None
        found: list[tuple[str, int, frozenset[str]]] = []
        for file, fmt in self.files.items():
            if fmt in SCANNED:
                found += [(file, line, said) for line, said in self._scan(file).anonymous if iris <= said]
        if not found or any(said != found[0][2] for _, _, said in found):
            return None
        return Location(found[0][0], found[0][1])

    def scan_ahead(self) -> None:
        """Begin, in another thread, the scans that finding a statement's subject needs (e.g. while
        queries run in Oxigraph without the GIL, once they have found something to locate)."""
        with self._lock:
            done = self._ahead.keys() | self._scanned.keys()
            todo = [f for f, fmt in self.files.items() if fmt in SCANNED and (f, False) not in done]
            if not todo:
                return
            pool = ThreadPoolExecutor(max_workers=1)
            for file in todo:
                self._ahead[(file, False)] = pool.submit(scan_file, file, mentions=False)
            pool.shutdown(wait=False)

    def _scan(self, file: str, *, mentions: bool = False) -> Scan:
        key = (file, mentions)
        if key not in self._scanned:
            with self._lock:
                ahead = self._ahead.pop(key, None)
            self._scanned[key] = ahead.result() if ahead else scan_file(file, mentions=mentions)
        return self._scanned[key]


def scan_file(file: str, data: bytes | None = None, *, mentions: bool = False) -> Scan:
    """:func:`scan` of a file (empty when it cannot be read), or of its bytes ``data`` as read."""
    if data is None:
        try:
            data = Path(file).read_bytes()
        except OSError:
            data = b""
    text = data.decode("utf-8", errors="replace")
    data = None  # what this function read is not held while the text is scanned (163 MB at N = 100,000)
    return scan(text, Path(file).resolve().as_uri(), mentions=mentions)


def _sha256(path: str) -> str | None:
    """The SHA-256 of a file as cilo reads it (a byte-order mark dropped), read a piece at a time;
    None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as f:
            digest.update(f.read(1 << 20).removeprefix(BOM))
            while piece := f.read(1 << 20):
                digest.update(piece)
    except OSError:
        return None
    return digest.hexdigest()


_TOKENS = re.compile(
    COMMENT_STRING_IRI
    + r"""
    | (?P<bnode>_:[^\s;,()\[\]{}<>"'\#]+)
    | (?P<directive>@prefix|@base)
    | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%.-]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[A-Za-z]+)
    | (?P<punct>[.;,\[\](){}])
    """,
    re.VERBOSE,
)
_ESCAPED = re.compile(r"\\(.)")
# A line that only the full tokenizer reads right: strings, brackets, a comment (a `#` not inside an
# IRI), a directive.
_COMPLEX = re.compile(r"""["'\[\](){}]|\#(?![^\s<>]*>)|^[ \t]*(?:@|(?:prefix|base|graph)\b)""", re.I | re.M)
#: :data:`_COMPLEX` in two, each quicker alone: its characters, searched for ahead, and a directive,
#: matched at the start of each line (the scan at N = 10,000: 10 to 15 % less time).
_COMPLEX_CHARACTER = re.compile(r"""["'\[\](){}]|\#(?![^\s<>]*>)""")
_DIRECTIVE_START = re.compile(r"[ \t]*(?:@|(?:prefix|base|graph)\b)", re.I)
#: A bracketed term with no brackets inside (a blank node's properties, a collection).
_BRACKETED = re.compile(r"\[[^\[\]()]*\]|\([^\[\]()]*\)")
_ONE_LINE_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
#: The first term of a simple line.
_FIRST = re.compile(r"<[^>\s]*>|[^\s;,]+")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class Neighbours(Protocol):
    """What :meth:`SourceMap.locate` asks of the data about a blank node."""

    def iris_of(self, node: Node) -> frozenset[str]:
        """The IRIs among its triples' predicates and objects."""
        ...

    def referrers(self, node: Node) -> list[Node]:
        """The subjects of triples whose object it is."""
        ...


class StoreNeighbours:
    """A blank node's IRIs and referrers in a pyoxigraph store (:class:`Neighbours`)."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def iris_of(self, node: Node) -> frozenset[str]:
        iris = set()
        for quad in self.store.quads_for_pattern(to_oxigraph(node), None, None):
            iris.add(quad.predicate.value)
            if isinstance(quad.object, pyoxigraph.NamedNode):
                iris.add(quad.object.value)
        return frozenset(iris)

    def referrers(self, node: Node) -> list[Node]:
        quads = self.store.quads_for_pattern(None, None, to_oxigraph(node))
        return [from_oxigraph(q.subject) for q in itertools.islice(quads, 16)]  # type: ignore[misc]


R = TypeVar("R", bound=Any)


def locate_all(results: Iterable[R], sources: SourceMap, store: pyoxigraph.Store) -> list[R]:
    """``results`` (validation results), each with where its focus node was written."""
    neighbours = StoreNeighbours(store)
    located = []
    for r in results:
        source = sources.locate(r.focus_node, neighbours)
        also = () if source is None else sources.elsewhere(r.focus_node, source)
        located.append(dataclasses.replace(r, source=source, also=also))
    return located


def _iris_of(graph: Graph, node: Node) -> frozenset[str]:
    iris = {str(p) for p in graph.predicates(node)}
    iris.update(str(o) for o in graph.objects(node) if isinstance(o, URIRef))
    return frozenset(iris)


@dataclass
class Scan:
    """What :func:`scan` found in a text."""

    #: IRI -> the line of the first statement whose subject it is.
    subjects: dict[str, int] = field(default_factory=dict)
    #: IRI -> the line of its first mention anywhere.
    mentions: dict[str, int] = field(default_factory=dict)
    #: (line, IRIs mentioned) of each statement whose subject is unnamed (``[] ...`` or ``[ ... ]``).
    anonymous: list[tuple[int, frozenset[str]]] = field(default_factory=list)

    def save(self, path: Path) -> None:
        """Write the scan (without :attr:`mentions`) to ``path`` as JSON, marked with :data:`SCANNER`;
        whole or not at all (a temporary file renamed into place)."""
        if not SCANNER:
            return
        doc = {
            "scanner": SCANNER,
            "subjects": self.subjects,
            "anonymous": [[line, sorted(iris)] for line, iris in self.anonymous],
        }
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def saved(cls, path: Path) -> Scan | None:
        """The scan :meth:`save` wrote to ``path``; None when there is none, or it was cut short, is
        not one, or was made by another scanner (:data:`SCANNER`): then the text is scanned anew."""
        try:
            doc = json.loads(path.read_bytes())
            if not SCANNER or doc["scanner"] != SCANNER:
                return None
            subjects, anonymous = doc["subjects"], doc["anonymous"]
            found = cls(
                subjects={str(iri): int(line) for iri, line in subjects.items()},
                anonymous=[(int(line), frozenset(map(str, iris))) for line, iris in anonymous],
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return found


def _scanner_version() -> str:
    """A digest of the code that scans (this module and the tokens it reads): a scan saved by other
    code is never read back as this code's. Empty when the module's text cannot be read."""
    try:
        code = Path(__file__).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(code + COMMENT_STRING_IRI.encode("utf-8")).hexdigest()[:16]


#: What made a saved scan (see :meth:`Scan.saved`).
SCANNER = _scanner_version()


def scan(text: str, base: str, *, mentions: bool = False) -> Scan:
    """The lines of IRIs and unnamed subjects in Turtle, TriG, N-Triples or N-Quads ``text``; with
    ``mentions``, also the first mention of every IRI (a slower pass over every token)."""
    scanner = _Scanner(base, mentions)
    pos, line, size = 0, 1, len(text)
    next_complex = -1  # where the next quote, bracket or comment is (the full tokenizer may be needed)
    while pos < size:
        end = text.find("\n", pos)
        end = size if end < 0 else end
        if next_complex < pos:  # found when passed: a list of them all would hold one for each quote
            found = _COMPLEX_CHARACTER.search(text, pos)
            next_complex = size + 1 if found is None else found.start()
        if not mentions and scanner.at_rest():
            simple = next_complex > end and not _DIRECTIVE_START.match(text, pos)
            quick = text[pos:end] if simple else _without_strings(text[pos:end])
            if quick is not None:  # most lines: no comments or brackets, strings closed on the line
                scanner.simple_line(quick, line)
                pos, line = end + 1, line + 1
                continue
        last = pos
        for match in _TOKENS.finditer(text, pos):
            if match.start() > end:
                break
            line += text.count("\n", last, match.start())
            last = match.start()
            scanner.token(match.lastgroup or "", match.group(), line)
            if match.end() > end:  # a long string or comment ran on: read to the end of its last line
                end = text.find("\n", match.end())
                end = size if end < 0 else end
        line += text.count("\n", last, end) + 1
        pos = end + 1
    return scanner.finish()


def _without_strings(line: str) -> str | None:
    (
        """``line`` with its one-line strings made plain tokens, when that leaves it simple (a line
    with a long string's quotes is left to the tokenizer: ``"""
        "`` opens one, not two empty ones)."
        ""
    )
    if '"""' in line or "'''" in line:
        return None
    plain = _ONE_LINE_STRING.sub("0", line)
    if plain.lstrip().startswith(("[", "(")):
        return None  # an unnamed subject, or a collection: the tokenizer reads it
    collapsed = None
    while collapsed != plain:  # `[ ... ]` and `( ... )` closed on the line are one object term
        collapsed, plain = plain, _BRACKETED.sub("0", plain)
    return None if _COMPLEX.search(plain) else plain


class _Scanner:
    """The state of :func:`scan`: is the next term a statement's subject, and what is being read."""

    def __init__(self, base: str, mentions: bool) -> None:
        self.found = Scan()
        self.base = base
        self.with_mentions = mentions
        self.prefixes: dict[str, str] = {}
        self.expect_subject = True
        self.depth = 0
        self.pending: tuple[str, int] | None = None  # a subject, unless a `{` shows it named a graph
        self.unnamed: tuple[int, set[str]] | None = None  # an unnamed subject's statement, while read
        self.awaiting = 0  # the parts of a directive still to come
        self.directive: list[str] = []

    def at_rest(self) -> bool:
        """Whether a line without strings, comments or brackets can be read the quick way."""
        return self.depth == 0 and self.unnamed is None and not self.awaiting

    def simple_line(self, text: str, line: int) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if self.pending is not None:
            self._commit("")
        if self.expect_subject:
            first = _FIRST.match(stripped)
            word = first.group() if first else ""
            iri = self._iri(word if word.startswith("<") else word.rstrip("."))
            if iri is not None:
                self.pending = (iri, line)
                if len(word) < len(stripped):
                    self._commit("")
        self.expect_subject = stripped.endswith(".")

    def token(self, kind: str, value: str, line: int) -> None:
        if kind == "comment":
            return
        if kind in ("pname", "bnode") and value.endswith(".") and len(value) > 1:
            self.token(kind, value.rstrip("."), line)  # a name cannot end with a dot: the statement does
            self.token("punct", ".", line)
            return
        self._commit(value)
        if self.awaiting:
            self.directive.append(value)
            self.awaiting -= 1
            if not self.awaiting:
                self._directive()
            return
        upper = value.upper()
        if kind == "directive" or (kind == "word" and upper in ("PREFIX", "BASE") and self.expect_subject):
            self.awaiting = 2 if upper.endswith("PREFIX") else 1
            self.directive = [upper.lstrip("@")]
        elif kind == "word" and upper == "GRAPH" and self.expect_subject:
            self.awaiting, self.directive = 1, ["GRAPH"]
        elif kind in ("iri", "pname"):
            iri = self._iri(value)
            if iri is not None:
                if self.with_mentions:
                    self.found.mentions.setdefault(iri, line)
                if self.unnamed is not None:
                    self.unnamed[1].add(iri)
                if self.expect_subject and self.depth == 0:
                    self.pending = (iri, line)
            self.expect_subject = False
        elif kind == "punct":
            if value == "[" and self.expect_subject and self.depth == 0:
                self.unnamed = (line, set())
            if value in "[(":
                self.depth += 1
            elif value in "])":
                self.depth = max(0, self.depth - 1)
            self.expect_subject = value in ".{}" and self.depth == 0
            if self.expect_subject and self.unnamed is not None:
                self.found.anonymous.append((self.unnamed[0], frozenset(self.unnamed[1])))
                self.unnamed = None
        else:  # a blank node, a literal, a keyword: not an IRI's statement
            if value == "a" and self.unnamed is not None:
                self.unnamed[1].add(_RDF_TYPE)
            self.expect_subject = False

    def finish(self) -> Scan:
        self._commit("")
        return self.found

    def _commit(self, next_value: str) -> None:
        if self.pending is not None:
            if next_value != "{":
                self.found.subjects.setdefault(*self.pending)
            self.pending = None

    def _directive(self) -> None:
        kind, *parts = self.directive
        if kind == "PREFIX" and len(parts) == 2:
            self.prefixes[parts[0][:-1]] = urljoin(self.base, parts[1][1:-1])
        elif kind == "BASE" and parts:
            self.base = urljoin(self.base, parts[0][1:-1])
        self.expect_subject = True  # what follows starts a statement (SPARQL-style ones end without a dot)

    def _iri(self, word: str) -> str | None:
        if word.startswith("<") and word.endswith(">"):
            return urljoin(self.base, word[1:-1])
        if ":" in word and not word.startswith("_:"):
            return _expand(word, self.prefixes)
        return None


def _expand(name: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = name.partition(":")
    namespace = prefixes.get(prefix)
    if namespace is None:
        return None
    return namespace + (_ESCAPED.sub(r"\1", local) if "\\" in local else local)


__all__ = ["SCANNED", "Location", "Neighbours", "Scan", "SourceMap", "StoreNeighbours", "locate_all", "scan"]
