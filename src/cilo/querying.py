"""Run a catalogue query, an ad-hoc ``.rq`` file or SPARQL text over data, a store or an endpoint."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from rdflib.term import Node

from cilo import binding, catalogue, loading
from cilo.catalogue import Query
from cilo.errors import DataWarning, QueryError, TimeLimitError, WorkerError
from cilo.results import Results
from cilo.safety import changed_by, current
from cilo.stores import Endpoint, MemoryStore, OxigraphStore, Store, select_read_only
from cilo.timelimit import run_limited

Data = loading.Data | MemoryStore | OxigraphStore | Endpoint


def query(name: str | Path, data: Data, /, *, allow_network: bool = False, **params: str | Node) -> Results:
    """Run the catalogue query ``name`` (or the ``.rq`` file at that path) over ``data``.

    ``data`` is an rdflib Graph, one or several files, or a store (:class:`~cilo.stores.MemoryStore`,
    :class:`~cilo.stores.OxigraphStore`, :class:`~cilo.stores.Endpoint`); the ontology is always
    queried with it. ``params`` bind the query's parameters: short names (``role="Evaluator"``),
    prefixed names or IRIs, dates as ``YYYY-MM-DD``. A query file that uses ``SERVICE`` runs only
    with ``allow_network=True``; ``LOAD``, ``FROM`` and ``FROM NAMED`` are always refused.
    """
    written = isinstance(name, Path) or str(name).endswith(".rq")  # a query the user wrote
    q = _read(Path(name), allow_network) if written else catalogue.get(str(name))
    return _run(q, data, params)


def sparql(text: str, data: Data, /, *, allow_network: bool = False, **params: str | Node) -> Results:
    """Run the SELECT query ``text`` over ``data`` (as :func:`query`); ``params`` bind its variables."""
    return _run(
        catalogue.parse(text, "the query", allow_service=allow_network),
        data,
        params,
        ad_hoc=True,
    )


def _read(path: Path, allow_network: bool) -> Query:
    """A query file, checked before it is read: a regular file (not a FIFO or a device, which could
    hang or never end) no longer than the longest query cilo runs."""
    try:
        if not path.is_file():
            raise QueryError(
                f"{path}: cannot read the query: {'not a regular file' if path.exists() else 'no such file'}"
            )
        size, limit = path.stat().st_size, current().max_query_chars * 4  # UTF-8: at most 4 bytes a character
        if size > limit:
            raise QueryError(f"{path}: the query file is {size:,} bytes; cilo reads at most {limit:,}")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read the query: {getattr(e, 'strerror', None) or e}") from None
    return catalogue.parse(text, str(path), allow_service=allow_network)


def _run(q: Query, data: Data, params: dict[str, str | Node], *, ad_hoc: bool = False) -> Results:
    """Run ``q`` with the wall-clock limit of :attr:`cilo.Limits.query_seconds` (an endpoint has its
    own timeout): built-in queries too, since hostile data can make any of them slow. A query on an
    on-disk store runs in a fresh worker that opens the store read-only (the store's own threads
    make forking this process unsafe)."""
    store: Store = data if isinstance(data, MemoryStore | OxigraphStore | Endpoint) else MemoryStore(data)

    def run(query: Query, values: dict[str, Node]) -> Results:
        return _select(query, store, values)

    if ad_hoc and not q.parameters:
        bindings = {k: v if isinstance(v, Node) else _ad_hoc_term(k, str(v)) for k, v in params.items()}
    else:
        bindings = q.bindings(binding.bind_ids(q, params, run))
    results = run(q, bindings)
    if not results and bindings:
        for words in binding.absent(bindings, run):
            warnings.warn(DataWarning(words), stacklevel=3)
    return results


def _select(q: Query, store: Store, bindings: dict[str, Node]) -> Results:
    if isinstance(store, Endpoint):
        return store.select(q, bindings)
    seconds = current().query_seconds
    try:
        if isinstance(store, OxigraphStore):
            store.check_open()
            work = functools.partial(select_read_only, store.path, q, bindings)
            return run_limited(work, seconds, fresh=f"query on {store.path}")
        return run_limited(lambda: store.select(q, bindings), seconds)
    except TimeLimitError as e:
        raise QueryError(
            f"{q.source or q.name}: the query was {e}, the time limit for queries "
            f"({changed_by('query_seconds')}; so does `cilo query --time-limit SECONDS`)"
        ) from None
    except WorkerError as e:
        raise QueryError(f"{q.source or q.name}: the query failed: {e}") from None


def _ad_hoc_term(name: str, value: str) -> Node:
    """An ad-hoc query's parameter as an IRI (a full IRI, prefixed name or cilo short name)."""
    try:
        return catalogue.iri(value)
    except ValueError as e:
        raise QueryError(f"parameter {name}: {e}") from None


def queries() -> list[Query]:
    """The bundled query catalogue (``queries/*.rq``), sorted by name."""
    return catalogue.queries()
