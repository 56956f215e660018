"""Run a catalogue query, an ad-hoc ``.rq`` file or SPARQL text over data, a store or an endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from cilo import catalogue
from cilo.catalogue import Query, QueryError
from cilo.loading import PathLike
from cilo.results import Results
from cilo.stores import Endpoint, MemoryStore, OxigraphStore, Store

Data = Graph | PathLike | Iterable[PathLike] | MemoryStore | OxigraphStore | Endpoint


def query(name: str | Path, data: Data, /, **params: str | Node) -> Results:
    """Run the catalogue query ``name`` (or the ``.rq`` file at that path) over ``data``.

    ``data`` is an rdflib Graph, one or several files, or a store (:class:`~cilo.stores.MemoryStore`,
    :class:`~cilo.stores.OxigraphStore`, :class:`~cilo.stores.Endpoint`); the ontology is always
    queried with it. ``params`` bind the query's parameters: short names (``role="Evaluator"``),
    prefixed names or IRIs, dates as ``YYYY-MM-DD``.
    """
    return _run(_query(name), data, params)


def sparql(text: str, data: Data, /, **params: str | Node) -> Results:
    """Run the SELECT query ``text`` over ``data`` (as :func:`query`); ``params`` bind its variables."""
    return _run(catalogue.parse(text, "the query"), data, params, ad_hoc=True)


def _query(name: str | Path) -> Query:
    if isinstance(name, Path) or str(name).endswith(".rq"):
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"{path}: cannot read the query: {getattr(e, 'strerror', None) or e}") from None
        return catalogue.parse(text, str(path))
    return catalogue.get(str(name))


def _run(q: Query, data: Data, params: dict[str, str | Node], *, ad_hoc: bool = False) -> Results:
    if ad_hoc and not q.parameters:
        bindings = {k: v if isinstance(v, Node) else catalogue.iri(str(v)) for k, v in params.items()}
    else:
        bindings = q.bindings(params)
    store: Store = data if isinstance(data, MemoryStore | OxigraphStore | Endpoint) else MemoryStore(data)
    return store.select(q, bindings)


def queries() -> list[Query]:
    """The bundled query catalogue (``queries/*.rq``), sorted by name."""
    return catalogue.queries()
