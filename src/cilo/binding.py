"""Parameters as the user wrote the data: a bare id found among the data's IRIs, and a word on a bound
IRI the data does not hold.

``--bind initiative=lakeford-youth`` names the initiative as its YAML file did (``id:
lakeford-youth``); the IRI it became depends on the file's ``base``. cilo looks the id up among the
IRIs of the data (those ending in ``/lakeford-youth`` or ``#lakeford-youth``): one found is bound, none
or several is an error that says so. When a query gives no rows, each bound IRI the data does not hold
is named, with the nearest IRI it does hold.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from rdflib import URIRef
from rdflib.term import Node

from cilo import catalogue
from cilo.catalogue import Query
from cilo.errors import QueryError
from cilo.results import Results
from cilo.vocabulary import defined_terms, local_name

#: Runs a query over the data being asked (the store the user's query runs on).
Runner = Callable[[Query, dict[str, Node]], Results]

_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~-]*")
_ENDING_IN = """SELECT DISTINCT ?node WHERE {{
    {{ ?node ?p ?o }} UNION {{ ?s ?p ?node }}
    FILTER(isIRI(?node) && (STRENDS(STR(?node), "/{id}") || STRENDS(STR(?node), "#{id}")))
}} LIMIT 20"""
_MENTIONED = "SELECT ?x WHERE { { ?node ?p ?x } UNION { ?x ?p ?node } } LIMIT 1"
_NAMED = "SELECT DISTINCT ?node WHERE { ?node a ?type FILTER(isIRI(?node)) } LIMIT 50000"


def is_bare_id(value: object) -> bool:
    """Whether ``value`` is an id as a description writes it (no prefix, not a cilo term's name)."""
    return (
        isinstance(value, str)
        and _ID.fullmatch(value.strip()) is not None
        and value.strip() not in {local_name(t) for t in defined_terms()}
    )


def bind_ids(query: Query, params: dict[str, str | Node], run: Runner) -> dict[str, str | Node]:
    """``params`` with each bare id given for an IRI parameter replaced by the one IRI of the data
    that ends in it; a :class:`QueryError` when there is none, or more than one."""
    kinds = {p.name: p.kind for p in query.parameters}
    bound = dict(params)
    for name, value in params.items():
        if kinds.get(name) != "iri" or not is_bare_id(value):
            continue
        ident = str(value).strip()
        found = sorted(str(r["node"]) for r in run(catalogue.parse(_ENDING_IN.format(id=ident), "cilo"), {}))
        if len(found) == 1:
            bound[name] = URIRef(found[0])
        elif not found:
            nearest = _nearest(ident, run, by_id=True)
            raise QueryError(
                f"parameter {name!r}: no IRI in the data ends in {ident!r}{nearest}; "
                "give the id as the file wrote it, or a full IRI"
            )
        else:
            listed = ", ".join(f"<{iri}>" for iri in found)
            raise QueryError(f"parameter {name!r}: {ident!r} could be any of {listed}; give the full IRI")
    return bound


def absent(bindings: dict[str, Node], run: Runner) -> list[str]:
    """For a query that gave no rows: each bound IRI the data does not hold, said in words with the
    nearest IRI it does hold."""
    said = []
    for name, term in bindings.items():
        if not isinstance(term, URIRef) or term in defined_terms():
            continue
        if not run(catalogue.parse(_MENTIONED, "cilo"), {"node": term}):
            said.append(f"{name} <{term}> is not in the data{_nearest(str(term), run)}")
    return said


def _nearest(wanted: str, run: Runner, *, by_id: bool = False) -> str:
    """`` (did you mean <IRI>?)`` for the nearest IRI of a typed node in the data, or nothing."""
    named = [str(r["node"]) for r in run(catalogue.parse(_NAMED, "cilo"), {})]
    named = [iri for iri in named if not iri.startswith("https://w3id.org/cilo")]
    keys = {(local_name(URIRef(iri)) if by_id else iri): iri for iri in named}
    close = difflib.get_close_matches(wanted, list(keys), n=1, cutoff=0.6)
    return f" (did you mean <{keys[close[0]]}>?)" if close else ""


__all__ = ["absent", "bind_ids", "is_bare_id"]
