"""The parse cache (cilo.parsecache): a tree read back is the tree rdflib parses, or it is not used."""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery

from cilo import parsecache
from cilo.oxigraph import ontology_ntriples
from cilo.resources import base_shapes_files
from cilo.shacl.sparql import prefixes
from tests.conftest import EXAMPLES, FIXTURES, ROOT

CATALOGUE = sorted((ROOT / "queries").glob("*.rq"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of the test's own."""
    monkeypatch.setenv("CILO_CACHE_DIR", str(tmp_path))
    return tmp_path / "sparql-trees"


def _shacl_queries() -> Iterator[tuple[str, str]]:
    """The SELECT and ASK texts of cilo's shapes and of the W3C suite's SPARQL tests, with their
    prefixes (as the engine reads them)."""
    cilos = Graph()
    for file in base_shapes_files():
        cilos.parse(file)
    graphs = [("cilo's shapes", cilos)]
    graphs += [(f.name, Graph().parse(f)) for f in sorted((FIXTURES / "w3c-shacl" / "sparql").rglob("*.ttl"))]
    for name, graph in graphs:
        for predicate in (SH.select, SH.ask):
            for constraint, text in graph.subject_objects(predicate):
                try:
                    declared = prefixes(graph, constraint)
                except Exception:  # a test of a broken sh:prefixes: no text to cache
                    continue
                yield f"{name}: {str(text).strip()[:40]!r}", declared + str(text)


SHACL = list(_shacl_queries())


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: p.stem)
def test_a_catalogue_query_read_back_answers_as_the_one_parsed(cache: Path, path: Path) -> None:
    """The tree written and read back has the same parse, the same algebra and the same answers on
    the examples (its expressions keep the functions that evaluate them)."""
    text = path.read_text(encoding="utf-8")
    written = parsecache.parse(text)  # parsed, then written
    assert len(list(cache.glob("*.pickle"))) == 1
    read = parsecache.parse(text)
    assert read is not written
    assert repr(read) == repr(written) == repr(parseQuery(text))
    fresh, cached = translateQuery(parseQuery(text)), translateQuery(read)
    assert repr(cached.algebra) == repr(fresh.algebra)
    graph = Graph().parse(data=ontology_ntriples(), format="nt")
    graph.parse(EXAMPLES / "finnish-ci-model.ttl")
    bindings = {}  # the catalogue's parameters unbound: every row
    expected = sorted(map(repr, evalQuery(graph, fresh, bindings)))
    assert sorted(map(repr, evalQuery(graph, cached, bindings))) == expected


@pytest.mark.parametrize(("name", "text"), SHACL, ids=[name for name, _ in SHACL])
def test_a_shacl_query_read_back_is_the_one_parsed(cache: Path, name: str, text: str) -> None:
    try:
        expected = parseQuery(text)
    except Exception:  # the suite's queries that must fail: they fail alike, and nothing is kept
        with pytest.raises(Exception):  # noqa: B017 - rdflib's own error, whatever it is
            parsecache.parse(text)
        assert not list(cache.glob("*.pickle"))
        return
    parsecache.parse(text)
    read = parsecache.parse(text)
    assert repr(read) == repr(expected)
    assert repr(translateQuery(read).algebra) == repr(translateQuery(parseQuery(text)).algebra)


def test_there_are_queries_to_compare() -> None:
    assert len(CATALOGUE) >= 10
    assert len(SHACL) >= 30


def test_a_file_cut_short_is_parsed_again_and_written_again(cache: Path) -> None:
    text = CATALOGUE[0].read_text(encoding="utf-8")
    parsecache.parse(text)
    (file,) = cache.glob("*.pickle")
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) // 2])
    assert repr(parsecache.parse(text)) == repr(parseQuery(text))
    assert file.read_bytes() == whole


class _Remove:
    """A pickle that, read by a plain unpickler, would remove a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.remove, (str(self.path),)


def test_a_file_that_is_no_parse_tree_runs_nothing(cache: Path, tmp_path: Path) -> None:
    text = CATALOGUE[0].read_text(encoding="utf-8")
    parsecache.parse(text)
    (file,) = cache.glob("*.pickle")
    canary = tmp_path / "canary"
    canary.write_text("still here")
    file.write_bytes(pickle.dumps(_Remove(canary)))
    assert repr(parsecache.parse(text)) == repr(parseQuery(text))
    assert canary.read_text() == "still here"
    nothing = io.BytesIO()
    with pytest.raises(pickle.UnpicklingError, match="not part of a parse tree"):
        parsecache._Unpickler(nothing).find_class("os", "remove")
    with pytest.raises(pickle.UnpicklingError, match="not part of a parse tree"):  # imported there
        parsecache._Unpickler(nothing).find_class("rdflib.plugins.sparql.operators", "Decimal")


def test_an_empty_cilo_cache_dir_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CILO_CACHE_DIR", "")
    assert parsecache.directory() is None
    text = CATALOGUE[0].read_text(encoding="utf-8")
    assert repr(parsecache.parse(text)) == repr(parseQuery(text))


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CILO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parsecache.directory() == tmp_path / "cilo" / "sparql-trees"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parsecache.directory() == tmp_path / "home" / ".cache" / "cilo" / "sparql-trees"


def test_no_home_is_no_cache_and_no_folder_where_cilo_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without a home folder (``~`` left unexpanded), nothing is written to the working directory."""
    monkeypatch.delenv("CILO_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("~")))
    monkeypatch.chdir(tmp_path)
    assert parsecache.directory() is None
    text = CATALOGUE[0].read_text(encoding="utf-8")
    assert repr(parsecache.parse(text)) == repr(parseQuery(text))
    assert list(tmp_path.iterdir()) == []


def test_a_cache_where_a_file_stands_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder cannot be made (a file has its name; as root, a read-only folder would still be
    written): the text is parsed, nothing is written."""
    (tmp_path / "sparql-trees").write_text("not a folder")
    monkeypatch.setenv("CILO_CACHE_DIR", str(tmp_path))
    text = CATALOGUE[0].read_text(encoding="utf-8")
    assert repr(parsecache.parse(text)) == repr(parseQuery(text))
    assert (tmp_path / "sparql-trees").read_text() == "not a folder"


def test_the_oldest_files_go_beyond_the_limit(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "MAX_FILES", 3)
    names = [f"{parsecache._key(p.read_text(encoding='utf-8'))}.pickle" for p in CATALOGUE[:5]]
    for age, (path, name) in enumerate(zip(CATALOGUE[:5], names, strict=True), start=1):
        parsecache.parse(path.read_text(encoding="utf-8"))
        os.utime(cache / name, (age, age))  # one second apart, whatever the clock's resolution
    assert sorted(f.name for f in cache.glob("*.pickle")) == sorted(names[2:])
    assert not list(cache.glob(".*"))  # no temporary file left behind


def test_a_new_rdflib_reads_no_old_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    import rdflib

    text = CATALOGUE[0].read_text(encoding="utf-8")
    before = parsecache._key(text)
    assert parsecache._key(text + " ") != before
    monkeypatch.setattr(rdflib, "__version__", "99.0.0")
    assert parsecache._key(text) != before


def test_validation_reads_the_trees_back(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second validation parses nothing: every tree the first wrote is read back, and the report
    is the same."""
    import rdflib.plugins.sparql.parser as parser

    import cilo
    from cilo import safety
    from cilo.shacl import sparql

    data = EXAMPLES / "finnish-ci-model.ttl"
    safety._TREES.clear()  # as in a new process: what earlier tests parsed is not kept in memory
    sparql.algebra.cache_clear()
    first = cilo.validate(data)
    written = sorted(cache.glob("*.pickle"))
    assert written
    safety._TREES.clear()
    sparql.algebra.cache_clear()
    parsed: list[str] = []
    original = parser.parseQuery
    monkeypatch.setattr(parser, "parseQuery", lambda text: parsed.append(text) or original(text))
    second = cilo.validate(data)
    assert parsed == []
    assert sorted(cache.glob("*.pickle")) == written
    assert second.render("json") == first.render("json")
