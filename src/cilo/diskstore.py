"""An embedded Oxigraph store in a folder, each loaded file in its own named graph, atomic and fast.

Layout of a store folder ``DIR``::

    DIR/.lock             held (flock) by the one writer; readers never take it
    DIR/active -> gen-7   the generation in use: a relative symlink, swapped with one rename
    DIR/gen-7/db/         the Oxigraph (RocksDB) database
    DIR/gen-7/files.json  what is in it: per file its graph, triple count, hash and load time
    DIR/gen-7/scans/      per Turtle-family file, by its hash, the lines of its statements
                          (:meth:`cilo.sources.Scan.save`): results point to lines without the
                          file being scanned again (0.6 to 0.8 s at N = 10,000)

A load or a removal never touches the active generation: it makes the next one (a RocksDB checkpoint
of the active one, hard links and no copy, then Oxigraph's bulk loader, which is fast but not
transactional), and only when that is complete and flushed swaps ``active`` to it. A process killed
at any moment leaves ``active`` on the old generation or on the new, complete one. The replaced
generation stays until the next write (readers still querying it finish undisturbed; a reader opens
the new one at its next query); half-made generations are removed by the next writer.

Each file's triples go into the named graph of the file's ``file:`` IRI, so loading a changed file
again replaces its triples; the ontology has a graph of its own, refreshed at every load. Queries read
the union of all graphs (serve a store with ``oxigraph serve --location DIR/active/db
--union-default-graph``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

import pyoxigraph
from rdflib import Graph

from cilo.errors import InputError, StoreError
from cilo.loading import PathLike, format_for, load, rdf_bytes, rejected
from cilo.ontology import ONTOLOGY_IRI
from cilo.oxigraph import ontology_ntriples, to_oxigraph
from cilo.safety import check_triples
from cilo.shacl.literals import Faithful
from cilo.sources import SCANNED, scan_file

_ACTIVE = "active"
_LOCK = ".lock"
_MANIFEST = "files.json"
_SCANS = "scans"
_GENERATION = re.compile(r"gen-(\d+)")
_QUAD_FORMATS = {"nquads", "trig"}


@dataclass(frozen=True)
class StoredFile:
    """One file loaded into a store: where it came from, its graph, how big, when."""

    #: The file's absolute path when it was loaded.
    file: str
    #: The named graph holding its triples (the file's ``file:`` IRI).
    graph: str
    #: How many triples (quads) it added.
    triples: int
    #: SHA-256 of the file's bytes when loaded.
    sha256: str
    #: When it was loaded (ISO 8601, UTC).
    loaded: str
    #: Named graphs the file itself declared (N-Quads, TriG), also removed with it.
    own_graphs: tuple[str, ...] = ()
    #: Predicates whose literals Oxigraph stored in another form than the file wrote them
    #: (``"007"^^xsd:integer`` is stored as ``"7"``), each with one literal as written (N-Triples).
    rewritten: tuple[tuple[str, str], ...] = ()


class Folder:
    """The folder of a store: its generations, its manifest and its writer's lock."""

    def __init__(self, path: PathLike) -> None:
        self.path = Path(path)

    @property
    def active(self) -> Path | None:
        """The active generation's folder, or None when nothing was ever loaded."""
        link = self.path / _ACTIVE
        if not link.is_symlink():
            return None
        return self.path / link.readlink()

    def is_legacy(self) -> bool:
        """A store written by cilo before generations: RocksDB files directly in the folder."""
        return (self.path / "CURRENT").is_file() and not (self.path / _ACTIVE).is_symlink()

    def manifest(self) -> list[StoredFile]:
        """The files in the active generation."""
        active = self.active
        if active is None:
            return []
        doc = json.loads((active / _MANIFEST).read_text(encoding="utf-8"))
        return [
            StoredFile(
                **{
                    **f,
                    "own_graphs": tuple(f.get("own_graphs", ())),
                    "rewritten": tuple((p, e) for p, e in f.get("rewritten", ())),
                }
            )
            for f in doc["files"]
        ]


def lock(folder: Path) -> IO[bytes]:
    """Take the writer's lock of ``folder`` (created if needed); released when the handle is closed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"{folder}: cannot create the store folder: {e.strerror}") from None
    if not folder.is_dir():
        raise StoreError(f"{folder}: not a folder")
    if any(folder.iterdir()) and not _is_store(folder):
        raise StoreError(
            f"{folder}: the folder holds other files and no cilo store; give an empty or new folder"
        )
    handle = (folder / _LOCK).open("a+b")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: one writer is the user's promise
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StoreError(
            f"{folder}: the store is in use by another process (one writer at a time); "
            "wait for it to finish, or query it read-only"
        ) from None
    return handle


def _is_store(folder: Path) -> bool:
    names = {p.name for p in folder.iterdir()}
    return bool({_ACTIVE, _LOCK, "CURRENT"} & names) or any(_GENERATION.fullmatch(n) for n in names)


def open_active(folder: Folder) -> pyoxigraph.Store:
    """The active generation, read-only (tried again once if a writer swapped it meanwhile)."""
    active = folder.active
    if active is None:
        raise StoreError(f"{folder.path}: no cilo store here; create one with `cilo store load`")
    try:
        return pyoxigraph.Store.read_only(str(active / "db"))
    except OSError as e:
        now = folder.active
        if now is None or now == active:
            raise StoreError(f"{folder.path}: cannot open the store: {e}") from None
    try:
        return pyoxigraph.Store.read_only(str(now / "db"))
    except OSError as e:
        raise StoreError(f"{folder.path}: cannot open the store: {e}") from None


def update(
    folder: Folder, load_paths: list[PathLike], remove_paths: list[PathLike], *, base: str | None
) -> list[StoredFile]:
    """Make the next generation from the active one: ``remove_paths`` taken out, ``load_paths`` (re)loaded,
    the ontology refreshed; then swap it in. The caller holds the writer's lock. Returns the manifest."""
    _remove_stale(folder)
    previous = folder.active
    files = {f.file: f for f in folder.manifest()}
    for path in remove_paths:
        key = _key(path)
        if key not in files:
            listed = ", ".join(sorted(files)) or "none"
            raise StoreError(f"{folder.path}: {path} is not in the store (its files: {listed})")
    target = folder.path / f"gen-{_next_number(folder)}"
    scans: _Scans | None = None
    try:
        target.mkdir()
        if previous is None:
            store = pyoxigraph.Store(str(target / "db"))
        else:
            pyoxigraph.Store.read_only(str(previous / "db")).backup(str(target / "db"))
            store = pyoxigraph.Store(str(target / "db"))
        for path in [*remove_paths, *load_paths]:
            old = files.pop(_key(path), None)
            if old is not None:
                for graph in (old.graph, *old.own_graphs):
                    store.remove_graph(pyoxigraph.NamedNode(graph))
        ontology_graph = pyoxigraph.NamedNode(str(ONTOLOGY_IRI))
        if previous is not None:
            store.remove_graph(ontology_graph)
        store.bulk_load(ontology_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=ontology_graph)
        scans = _Scans(target / _SCANS)
        for path in load_paths:
            taken = {g for f in files.values() for g in f.own_graphs}
            entry = _bulk_load(store, path, base, taken=taken, scans=scans)
            files[entry.file] = entry
        if previous is not None:
            scans.keep(previous / _SCANS, files.values())
        store.flush()
        store.optimize()  # one compaction: queries then read about 15 % faster, for 10 % more load time
        del store
        scans.finish()
        manifest = {
            "format": 1,
            "files": [asdict(f) for f in sorted(files.values(), key=lambda f: f.file)],
        }
        _write_synced(target / _MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
        _swap(folder.path, target.name)
    except BaseException as e:
        if scans is not None:
            scans.finish(wait=False)
        shutil.rmtree(target, ignore_errors=True)
        if isinstance(e, OSError):
            raise StoreError(f"{folder.path}: the store could not be written: {e}") from None
        raise
    return folder.manifest()


def _bulk_load(
    store: pyoxigraph.Store, path: PathLike, base: str | None, *, taken: set[str], scans: _Scans
) -> StoredFile:
    """Load one file into its own graph of ``store`` (not transactional: ``store`` is not live yet);
    a Turtle-family file is given to ``scans``."""
    p = Path(path)
    graph = pyoxigraph.NamedNode(p.resolve().as_uri())
    own: tuple[str, ...] = ()
    native = rdf_bytes(path)
    observer = Faithful()
    if native is None:  # YAML, JSON, CSV, RDF/XML: cilo's readers
        parsed = load(path, base=base)
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        store.bulk_extend(observer.observe(_in_graph(parsed, graph)))
    else:
        data, fmt = native
        digest = hashlib.sha256(data).hexdigest()
        try:
            quads: Iterable[pyoxigraph.Quad] = observer.observe(
                pyoxigraph.parse(data, format=fmt, base_iri=graph.value), graph=graph
            )
            if format_for(path) in _QUAD_FORMATS:
                quads = list(quads)
                own = tuple(
                    sorted(
                        {
                            q.graph_name.value
                            for q in quads
                            if not isinstance(q.graph_name, pyoxigraph.DefaultGraph) and q.graph_name != graph
                        }
                    )
                )
                clash = set(own) & taken
                if clash:
                    raise InputError(
                        path, f"the graph <{min(clash)}> is in the store already, from another file"
                    )
            store.bulk_extend(quads)
        except (SyntaxError, ValueError) as e:
            raise rejected(path, e, base) from None
        except MemoryError:  # a literal past Oxigraph's 16 MiB parser buffer: cilo's reader takes it
            store.remove_graph(graph)  # what the bulk loader wrote before it gave up
            observer = Faithful()
            store.bulk_extend(observer.observe(_in_graph(load(path, base=base), graph)))
            own = ()
    count = sum(_count(store, g) for g in (graph.value, *own))
    check_triples(path, count)
    if native is not None and format_for(path) in SCANNED:
        scans.add(_key(path), native[0], digest)
    return StoredFile(
        file=_key(path),
        graph=graph.value,
        triples=count,
        sha256=digest,
        loaded=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        own_graphs=own,
        rewritten=tuple(sorted((p, str(e)) for p, e in observer.examples.items())),
    )


class _Scans:
    """The scans of a generation's Turtle-family files (:meth:`cilo.sources.Scan.save`), made in
    another thread while Oxigraph writes (its flush and compaction let go of the GIL: the scan, 0.6 to
    0.8 s at N = 10,000, then adds nothing to the load)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._made: list[Future[None]] = []

    def add(self, file: str, data: bytes, digest: str) -> None:
        """Scan ``file``, read as ``data`` (SHA-256 ``digest``), and save its scan."""
        self._made.append(self._pool.submit(self._save, file, data, digest))

    def _save(self, file: str, data: bytes, digest: str) -> None:
        scan_file(file, data).save(self.folder / f"{digest}.json")

    def keep(self, previous: Path, files: Iterable[StoredFile]) -> None:
        """Carry the saved scans of the files still in the store over from the ``previous``
        generation's folder (hard links; a scan missing there is made again when results need it)."""
        for f in files:
            name = f"{f.sha256}.json"
            if not (self.folder / name).exists():
                with contextlib.suppress(OSError):
                    os.link(previous / name, self.folder / name)

    def finish(self, *, wait: bool = True) -> None:
        """Wait for the scans (raising what one raised); without ``wait``, drop those not begun."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        if wait:
            for made in self._made:
                made.result()


def _in_graph(parsed: Graph, graph: pyoxigraph.NamedNode) -> Iterator[pyoxigraph.Quad]:
    for s, p, o in parsed:
        yield pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)


def _count(store: pyoxigraph.Store, graph: str) -> int:
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return int(next(iter(solutions))["n"].value)


def _key(path: PathLike) -> str:
    return str(Path(path).resolve())


def _next_number(folder: Folder) -> int:
    numbers = [int(m.group(1)) for p in folder.path.iterdir() if (m := _GENERATION.fullmatch(p.name))]
    return max(numbers, default=0) + 1


def _remove_stale(folder: Folder) -> None:
    """Remove every generation but the active one: the one it replaced (kept until now for readers
    that were still querying it when the swap happened) and any a killed writer left behind."""
    active = folder.active
    for p in folder.path.iterdir():
        if _GENERATION.fullmatch(p.name) and (active is None or p.name != active.name):
            shutil.rmtree(p, ignore_errors=True)
    (folder.path / f"{_ACTIVE}.new").unlink(missing_ok=True)


def _swap(folder: Path, generation: str) -> None:
    """Point ``active`` at ``generation`` with one atomic rename, and make it durable."""
    new = folder / f"{_ACTIVE}.new"
    new.unlink(missing_ok=True)
    new.symlink_to(generation)
    new.replace(folder / _ACTIVE)
    _sync_dir(folder)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    _sync_dir(path.parent)


def _sync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not POSIX
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def paths_of(paths: Iterable[PathLike]) -> list[PathLike]:
    """``paths`` as a list, each checked to exist (so a typo fails before any work)."""
    found = list(paths)
    for path in found:
        if not Path(path).is_file():
            raise InputError(path, "no such file" if not Path(path).exists() else "not a file")
    return found
