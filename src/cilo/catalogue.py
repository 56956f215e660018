"""The SPARQL query catalogue: ``queries/*.rq``, each with a header naming it and its parameters.

A header is three comment lines at the top of the file::

    # name: who-holds-role
    # description: Who holds which backbone role, in which initiative, at which level.
    # parameters: role (role, optional); initiative (iri, optional); date (date)

Parameter kinds: ``role``, ``function``, ``level`` (cilo's short names, prefixed names or IRIs),
``iri`` (a full or prefixed IRI) and ``date`` (``YYYY-MM-DD``). Values are turned into RDF terms
here, never pasted into query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from cilo.builder import parse_date
from cilo.context import check_id, expand_curie
from cilo.errors import QueryError as QueryError  # defined in errors; re-exported where it was
from cilo.errors import TermError
from cilo.namespace import CILO
from cilo.resources import data_dir
from cilo.safety import check_query
from cilo.vocabulary import defined_terms, local_name, resolve, suggestion

#: Parameter kind -> the class whose short names it takes.
_CLASS_KINDS = {"role": CILO.BackboneRole, "function": CILO.LeadershipFunction, "level": CILO.GovernanceLevel}
KINDS = (*_CLASS_KINDS, "iri", "date")
#: A closing ORDER BY of plain variables, and nothing else.
_ORDER_BY = re.compile(r"\s*ORDER\s+BY(\s+\?\w+)+\s*", re.IGNORECASE)
_PARAMETER = re.compile(r"^\s*(\w+)\s*\(\s*(\w+)\s*(?:,\s*(optional)\s*)?\)\s*$")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a catalogue query: the variable it binds, its kind, whether it may be left out."""

    name: str
    kind: str
    optional: bool = False

    def term(self, value: str) -> Node:
        """The RDF term for ``value`` (text as a user gives it); a :class:`QueryError` in words."""
        try:
            if self.kind in _CLASS_KINDS:
                return resolve(value, _CLASS_KINDS[self.kind])
            if self.kind == "date":
                return Literal(parse_date(value, self.name).isoformat(), datatype=XSD.date)
            return iri(value)
        except ValueError as e:
            raise QueryError(f"parameter {self.name!r}: {e}") from None


@dataclass(frozen=True)
class Query:
    """One query of the catalogue (or an ad-hoc query file with the same header)."""

    name: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default=())
    source: str = ""  #: where the query was read from, for error messages

    def bindings(self, values: dict[str, str | Node]) -> dict[str, Node]:
        """The RDF terms for the parameter ``values``; unknown and missing parameters are errors."""
        known = {p.name: p for p in self.parameters}
        for name in values:
            if name not in known:
                listed = ", ".join(known) or "none"
                raise QueryError(
                    f"query {self.name!r} has no parameter {name!r}{suggestion(name, known)}; "
                    f"its parameters: {listed}"
                )
        missing = [p.name for p in self.parameters if not p.optional and p.name not in values]
        if missing:
            raise QueryError(f"query {self.name!r} needs the parameter(s) {', '.join(missing)}")
        return {
            name: value if isinstance(value, Node) else known[name].term(str(value))
            for name, value in values.items()
        }

    def unordered(self) -> str:
        """The text without its closing ``ORDER BY`` (for a caller that orders the rows itself: sorting
        87,320 rows takes Oxigraph a third of the query's time); the text itself when it has none or
        when anything but variables follows it (a ``LIMIT`` would change which rows come)."""
        end = self.text.rfind("}")
        found = _ORDER_BY.fullmatch(self.text[end + 1 :])
        return self.text[: end + 1] + "\n" if found else self.text


def iri(value: str) -> URIRef:
    """A full IRI, a prefixed name (``cilo:Evaluator``) or the short name of a cilo term."""
    full = expand_curie(value.strip())
    if ":" not in full:
        terms = {local_name(t): t for t in defined_terms()}
        if full in terms:
            return terms[full]
        raise TermError(f"{value!r} is not an IRI, a prefixed name or the name of a cilo term")
    if not urlsplit(full).scheme:
        raise TermError(f"{value!r} is not an absolute IRI")
    return URIRef(check_id(full))


def parse(text: str, source: str, *, allow_service: bool = False) -> Query:
    """A query from the text of a ``.rq`` file; the header is optional for ad-hoc queries.

    The text is checked first (:func:`cilo.safety.check_query`): too long, nested too deeply, or
    reaching outside the data (``SERVICE`` unless ``allow_service``, ``LOAD``, ``FROM``) is refused.
    """
    check_query(text, source, allow_service=allow_service)
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^#\s*(name|description|parameters)\s*:\s*(.*)$", line.strip())
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    parameters = []
    spec = header.get("parameters", "none")
    if spec.lower() != "none":
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            match = _PARAMETER.match(part)
            if not match or match.group(2) not in KINDS:
                raise QueryError(
                    f"{source}: cannot read the parameter {part!r}; write 'name (kind)' or "
                    f"'name (kind, optional)' with a kind among {', '.join(KINDS)}"
                )
            parameters.append(Parameter(match.group(1), match.group(2), bool(match.group(3))))
    name = header.get("name") or Path(source).stem
    return Query(name, header.get("description", ""), text, tuple(parameters), source)


@cache
def _catalogue() -> dict[str, Query]:
    folder = data_dir("queries")
    found = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            q = parse(f.read_text(encoding="utf-8"), f"queries/{f.name}")
            found[q.name] = q
    return found


@cache
def _one(name: str) -> Query | None:
    file = data_dir("queries") / f"{name}.rq"
    if not file.is_file():
        return None
    q = parse(file.read_text(encoding="utf-8"), f"queries/{file.name}")
    return q if q.name == name else None


def queries() -> list[Query]:
    """The bundled catalogue, sorted by name."""
    return sorted(_catalogue().values(), key=lambda q: q.name)


def get(name: str) -> Query:
    """The catalogue query ``name``; a :class:`QueryError` listing the known ones. Only its own file
    is read and checked when it is ``queries/NAME.rq`` (as every bundled query is)."""
    one = _one(name) if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) else None
    if one is not None:
        return one
    catalogue = _catalogue()
    if name not in catalogue:
        known = ", ".join(sorted(catalogue))
        raise QueryError(f"unknown query {name!r}{suggestion(name, catalogue)}; the queries are: {known}")
    return catalogue[name]
