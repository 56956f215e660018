"""Validation where the data lives (cilo.shacl.remote): an Oxigraph store, `oxigraph serve`, Virtuoso 7.

The report must be the one the files give (blank nodes compared as blank nodes: a store names them
its own way), and what cannot be checked there is refused, never answered wrongly.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode
from rdflib.term import Node

import cilo
from cilo import Endpoint, OxigraphStore, ShapesError, UsageError
from cilo.report import ValidationReport
from tests import servers
from tests.conftest import EXAMPLES, FIXTURES, run_cli

#: The examples and every shape's conforming and violating fixture: results of every shape, many on
#: blank nodes, with dates and levels.
FILES = [
    EXAMPLES / "finnish-ci-model.yaml",
    EXAMPLES / "english-ics.yaml",
    *sorted((FIXTURES / "shapes").glob("*/*.ttl")),
]


def _key(report: ValidationReport) -> list[tuple[str, ...]]:
    def shown(term: object) -> str:
        return "_:" if isinstance(term, BNode) else str(term)

    return sorted(
        (
            str(r.severity),
            shown(r.focus_node),
            shown(r.result_path),
            shown(r.value),
            shown(r.source_shape),
            r.message,
            str(r.constraint_component),
        )
        for r in report.results
    )


@pytest.fixture(scope="module")
def on_files() -> ValidationReport:
    return cilo.validate(FILES)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "db"
    store = OxigraphStore(folder)
    store.load(FILES)
    store.close()
    return folder


@pytest.fixture(scope="module")
def endpoint(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.serve_store(store_dir, tmp_path_factory.mktemp("served")) as url:
        yield url


def test_the_fixtures_give_results_of_every_kind(on_files: ValidationReport) -> None:
    assert len({r.source_shape for r in on_files.results}) >= 10 and not on_files.conforms
    assert on_files.engine == "fast"


def test_a_store_gives_the_report_the_files_give(on_files: ValidationReport, store_dir: Path) -> None:
    report = cilo.validate(OxigraphStore(store_dir, read_only=True))
    assert _key(report) == _key(on_files)
    assert report.initiatives == on_files.initiatives
    assert report.engine == "fast"


def test_a_large_store_runs_one_query_at_a_time_written_to_look_up_and_gives_the_same_report(
    on_files: ValidationReport, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cilo.shacl import engine, remote

    store = OxigraphStore(store_dir, read_only=True)
    source = store.shacl_source()
    assert 0 < source.triples <= len(store)
    assert source.queries_at_once == (os.cpu_count() or 1) and source.hashes  # small: one a core
    monkeypatch.setattr(remote, "ONE_AT_A_TIME_FROM", source.triples)  # as if it were large
    assert store.shacl_source().queries_at_once == 1 and not store.shacl_source().hashes
    compiled: list[bool] = []
    real_compile = engine._compile

    def noted(*args: Any, on_disk: bool = False) -> Any:
        compiled.append(on_disk)
        return real_compile(*args, on_disk=on_disk)

    monkeypatch.setattr(engine, "_compile", noted)
    workers: list[int | None] = []
    real = engine.ThreadPoolExecutor

    def counted(max_workers: int | None = None) -> object:
        workers.append(max_workers)
        return real(max_workers=max_workers)

    monkeypatch.setattr(engine, "ThreadPoolExecutor", counted)
    read_ahead: list[object] = []
    monkeypatch.setattr(remote, "_read_again", lambda *args: read_ahead.append(args))
    report = cilo.validate(store)
    assert _key(report) == _key(on_files)
    assert workers == [1] and compiled == [False]  # the queries look up, as in memory: less memory
    assert read_ahead == [] and any(r.source is not None for r in report.results)  # read after them


def test_an_endpoint_gives_the_report_the_files_give(on_files: ValidationReport, endpoint: str) -> None:
    report = cilo.validate(Endpoint(endpoint))
    assert _key(report) == _key(on_files)
    assert report.missing_functions() == on_files.missing_functions()


def test_the_command_line_validates_a_store_and_an_endpoint(store_dir: Path, endpoint: str) -> None:
    files = run_cli("validate", *FILES, "--format", "json")
    for where in (["--store", str(store_dir)], ["--endpoint", endpoint]):
        proc = run_cli("validate", *where, "--format", "json")
        assert proc.returncode == files.returncode == 1, proc.stderr
        assert proc.stdout.count('"focus_node"') == files.stdout.count('"focus_node"')
    text = run_cli("validate", "--store", str(store_dir)).stdout
    assert text == run_cli("validate", *FILES).stdout
    both = run_cli("validate", FILES[0], "--store", str(store_dir))
    assert both.returncode == 2 and "not both" in both.stderr


def test_a_shape_the_compiler_declines_is_refused_where_pyshacl_cannot_go(store_dir: Path) -> None:
    exotic = FIXTURES / "engines" / "mixed-shapes.ttl"
    with pytest.raises(ShapesError, match=r"cannot translate the shape .*pySHACL cannot run on the store"):
        cilo.validate(OxigraphStore(store_dir, read_only=True), shapes=exotic)
    with pytest.raises(UsageError, match="pySHACL cannot validate the store"):
        cilo.validate(OxigraphStore(store_dir, read_only=True), engine="pyshacl")


def test_literals_the_store_rewrote_refuse_the_shapes_that_read_them(tmp_path: Path) -> None:
    data = FIXTURES / "remote" / "rewritten.ttl"
    store = OxigraphStore(tmp_path / "db")
    store.load([data])
    (entry,) = store.files()
    assert [p for p, _ in entry.rewritten] == ["https://w3id.org/cilo#municipalityCount"]
    shapes = FIXTURES / "remote" / "count-is-int.ttl"
    on_files = cilo.validate(data, shapes=shapes)
    assert [r.value for r in on_files.results if "int" in r.message] == []  # "7"^^xsd:int is an xsd:int
    with pytest.raises(ShapesError, match=r"municipalityCount.*another form than .*rewritten.ttl"):
        cilo.validate(store, shapes=shapes)
    # shapes that do not read the rewritten predicate still run there
    assert _key(cilo.validate(store)) == _key(cilo.validate(data))
    store.close()


def test_a_constraint_that_counts_matches_is_refused_where_the_data_lives(
    store_dir: Path, endpoint: str
) -> None:
    counting = FIXTURES / "remote" / "counting-shapes.ttl"
    for where in (OxigraphStore(store_dir, read_only=True), Endpoint(endpoint)):
        with pytest.raises(ShapesError, match=r"FewAssignments counts matches .*write DISTINCT"):
            cilo.validate(where, shapes=counting)
    distinct = FIXTURES / "remote" / "counting-distinct-shapes.ttl"
    on_files = cilo.validate(FILES, shapes=distinct)
    assert any("More than 3 role assignments" in r.message for r in on_files.results)
    for where in (OxigraphStore(store_dir, read_only=True), Endpoint(endpoint)):
        assert _key(cilo.validate(where, shapes=distinct)) == _key(on_files)


def test_a_store_reads_its_files_again_for_lines_while_its_queries_run(
    on_files: ValidationReport, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cilo.shacl import remote

    threads: list[bool] = []
    real = remote._read_again

    def noted(files: tuple[tuple[str, str], ...], scans: Path | None) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(files, scans)

    monkeypatch.setattr(remote, "_read_again", noted)
    report = cilo.validate(OxigraphStore(store_dir, read_only=True))
    assert threads == [False]  # begun by a query with results, in another thread (not by locate)
    assert sorted(map(_located, report.results)) == sorted(map(_located, on_files.results))
    assert any(r.source is not None for r in report.results)


def _located(result: Any) -> tuple[str, ...]:
    shown = "_:" if isinstance(result.focus_node, BNode) else str(result.focus_node)
    return (shown, str(result.source_shape), result.message, str(result.source), str(result.also))


def test_a_store_points_to_lines_with_the_scans_it_saved_when_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cilo import sources

    turtle = sorted((FIXTURES / "shapes").glob("*/violating.ttl"))
    copies = []
    for n, path in enumerate(turtle):  # copies: one is changed below
        copies.append(tmp_path / f"{n:02d}-{path.parent.name}.ttl")
        shutil.copyfile(path, copies[-1])
    expected = sorted(map(_located, cilo.validate(copies).results))
    assert all(r[3] != "None" for r in expected)  # every result has its line
    folder = tmp_path / "store"
    store = OxigraphStore(folder)
    store.load(copies)
    scans = store._folder.active / "scans"
    assert {p.name for p in scans.iterdir()} == {f"{f.sha256}.json" for f in store.files()}
    real = sources.scan_file
    scanned: list[str] = []

    def noted(file: str, data: bytes | None = None, *, mentions: bool = False) -> sources.Scan:
        scanned.append(file)
        return real(file, data, mentions=mentions)

    monkeypatch.setattr(sources, "scan_file", noted)
    assert sorted(map(_located, cilo.validate(store).results)) == expected
    assert scanned == []  # the saved scans gave the lines
    saved = next(scans.iterdir())
    saved.write_text(saved.read_text(encoding="utf-8").replace(sources.SCANNER, "another"), encoding="utf-8")
    assert sorted(map(_located, cilo.validate(store).results)) == expected
    assert len(scanned) == 1  # a scan another scanner saved is made again
    store.load([copies[0]])  # a new generation: the scans of the files kept are carried over
    assert {p.name for p in (store._folder.active / "scans").iterdir()} == {
        saved.name for saved in scans.iterdir()
    }
    on_files = cilo.validate(copies).results
    changed = max(r.source.file for r in on_files if r.source is not None)  # a file results point into
    with Path(changed).open("a", encoding="utf-8") as f:
        f.write("\n# changed since loaded\n")
    in_changed = [r.focus_node for r in on_files if r.source is not None and r.source.file == changed]
    located = {r.focus_node: r.source for r in cilo.validate(store).results}
    assert in_changed and all(located[node] is None for node in in_changed)  # the lines could be wrong
    store.close()


def test_an_endpoint_without_the_ontology_is_told_so(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    store = pyoxigraph_store_of(FIXTURES / "remote" / "rewritten.ttl", bare)
    with (
        servers.oxigraph_serve(store) as url,
        pytest.raises(cilo.InputError, match=r"ontology is not there .*representsFunction"),
    ):
        cilo.validate(Endpoint(url))


def test_an_endpoint_whose_initiative_is_a_blank_node_is_refused(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    store.load([FIXTURES / "remote" / "blank-initiative.ttl"])
    store.close()
    with (
        servers.serve_store(tmp_path / "db", tmp_path / "served") as url,
        pytest.raises(cilo.InputError, match=r"an initiative is a blank node; at an endpoint"),
    ):
        cilo.validate(Endpoint(url))


def pyoxigraph_store_of(path: Path, folder: Path) -> Path:
    """A bare Oxigraph database holding ``path`` only (no ontology)."""
    import pyoxigraph

    db = pyoxigraph.Store(str(folder))
    db.bulk_load(path.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    db.flush()
    del db
    return folder


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.virtuoso(tmp_path_factory.mktemp("virtuoso"), FILES[:2]) as url:
        yield url


def test_virtuoso_answers_the_catalogue_as_the_files_do(virtuoso: str) -> None:
    def unlabelled(rows: Iterable[dict[str, Node | None]]) -> list[str]:
        """The rows with every blank node alike: their labels differ from store to store."""
        return sorted(str({k: "_:" if isinstance(v, BNode) else v for k, v in row.items()}) for row in rows)

    for q in cilo.queries():
        if any(not p.optional for p in q.parameters):
            continue  # required parameters: tested elsewhere
        files = cilo.query(q.name, FILES[:2])
        there = cilo.query(q.name, Endpoint(virtuoso))
        assert unlabelled(there.rows) == unlabelled(files.rows), q.name


def test_virtuoso_is_refused_for_validation_as_it_answers_exists_wrongly(virtuoso: str) -> None:
    """Virtuoso 7.2 misses a `rdf:type/rdfs:subClassOf*` path inside NOT EXISTS for some classes, so
    every compiled class check would be wrong there: cilo finds out and refuses, naming the node."""
    with pytest.raises(ShapesError, match=r"answers NOT EXISTS with a property path wrongly .*Oxigraph"):
        cilo.validate(Endpoint(virtuoso))


def test_a_shape_that_reads_the_shapes_graph_is_refused_where_the_data_lives(store_dir: Path) -> None:
    shapes = FIXTURES / "shacl" / "shapes-graph-shapes.ttl"
    with pytest.raises(ShapesError, match=r"AllowedLevelShape: a SPARQL query of it reads \$shapesGraph"):
        cilo.validate(OxigraphStore(store_dir, read_only=True), shapes=shapes)
