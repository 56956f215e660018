"""Role assignments as a CSV table, one row per assignment, for people who keep them in a spreadsheet.

Columns: ``initiative,agent,agent_type,role,function,level,start,end`` and, optionally,
``initiative_label``, ``agent_label`` and ``partOf`` (the programme the row's initiative is part of,
by id; given once per initiative is enough). Fill ``role`` or ``function`` (or both); ``level`` may hold
an administrative and an analytical level separated by ``;`` (``Regional;Meso``); ``start``/``end``
are optional ``YYYY-MM-DD`` dates; ``agent_type`` is ``Person`` or ``Organization`` (given once per
agent is enough). Ids are local names (resolved against a base IRI) or full IRIs.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from cilo.builder import ORG, TIME, Description, parse_date
from cilo.context import DEFAULT_BASE, compact_iri
from cilo.errors import DescriptionError, InputError, InputErrors
from cilo.formats import cells, decode
from cilo.namespace import CILO
from cilo.vocabulary import resolve, suggestion

T = TypeVar("T")

COLUMNS = ("initiative", "agent", "agent_type", "role", "function", "level", "start", "end")
OPTIONAL_COLUMNS = ("initiative_label", "agent_label", "partOf")
_AGENT_TYPES = {"Person": CILO.Person, "Organization": CILO.Organization}
_LEVEL_SEPARATOR = _LIST = ";"  # between the levels of a cell, and the programmes of a partOf cell


def read(data: bytes, source: str, *, base: str | None = None, lines: dict[Node, int] | None = None) -> Graph:
    """Parse a CSV table of assignments into a new Graph; errors name the line and the column.
    ``lines`` (when given) receives the row of each assignment and the first row of each agent and
    initiative."""
    text = decode(data, source)
    description = Description(base or DEFAULT_BASE)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_separator(text))
    try:
        rows = list(_numbered(reader))
    except csv.Error as e:
        raise InputError(source, f"CSV syntax error: {e}", line=reader.line_num) from None
    if not rows:
        raise InputError(source, f"the file is empty; expected a header line: {','.join(COLUMNS)}")
    header_line, header = rows[0]
    columns = _columns(header, source, header_line)
    agent_types: dict[URIRef, tuple[str, int]] = {}
    errors: list[InputError] = []  # every row is read: all the problems of the table at once
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != len(header):
                raise InputError(
                    source,
                    f"expected {len(header)} fields, as in the header line, but found {len(row)}",
                    line=line,
                )
            nodes = _row(
                description,
                dict(zip(columns, (cells.unguard(c.strip()) for c in row), strict=True)),
                source,
                line,
                agent_types,
            )
        except InputError as e:
            errors.append(e)
            continue
        if lines is not None:
            for node in nodes:
                lines.setdefault(node, line)
    InputErrors.raise_for(errors)
    return description.graph


def _separator(text: str) -> str:
    """The separator of the header line: `,`, or `;` or a tab (spreadsheets in many locales write
    `;`), whichever splits it into cilo's column names."""
    header = text.split("\n", 1)[0].lower()
    for separator in (",", ";", "\t"):
        if {"initiative", "agent"} <= {name.strip().strip('"') for name in header.split(separator)}:
            return separator
    return ","


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(first line, row) for each row of a csv reader."""
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def _columns(header: list[str], source: str, line: int) -> list[str]:
    known = (*COLUMNS, *OPTIONAL_COLUMNS)
    spelled = {name.lower(): name for name in known}  # column names are read case-insensitively
    names = [spelled.get(h.strip().lower(), h.strip().lower()) for h in header]
    for name in names:
        if name not in known:
            raise InputError(
                source,
                f"unknown column {name!r}{suggestion(name, known)}; the columns are {','.join(COLUMNS)} "
                f"and optionally {','.join(OPTIONAL_COLUMNS)}",
                line=line,
            )
    seen = Counter(names)
    twice = [n for n, count in seen.items() if count > 1]
    missing = [c for c in COLUMNS if c not in seen]
    if twice or missing:
        problem = (
            f"column {twice[0]!r} appears twice" if twice else f"missing column(s): {', '.join(missing)}"
        )
        raise InputError(source, f"{problem}; expected the header {','.join(COLUMNS)}", line=line)
    return names


def _row(
    d: Description, row: dict[str, str], source: str, line: int, agent_types: dict[URIRef, tuple[str, int]]
) -> tuple[Node, ...]:
    """Add the row's assignment; returns the nodes it is about (assignment, agent, initiative)."""

    def checked(column: str, convert: Callable[[str], T]) -> T:
        try:
            return convert(row[column])
        except ValueError as e:
            raise InputError(
                source, f"column {column!r}: {e}", line=line, column=columns.index(column) + 1
            ) from None

    def missing(text: str) -> str:
        if not text:
            raise DescriptionError("this cell must not be empty")
        return text

    columns = list(row)
    initiative = d.initiative(
        checked("initiative", lambda v: d.iri(missing(v))), row.get("initiative_label") or None
    )
    if row.get("partOf"):
        for programme in checked("partOf", lambda v: [d.iri(x.strip()) for x in v.split(_LIST) if x.strip()]):
            d.graph.add((initiative, CILO.partOf, programme))
    agent = checked("agent", lambda v: d.iri(missing(v)))
    kind = row["agent_type"]
    if kind:
        cls = checked("agent_type", _agent_class)
        first_kind, first_line = agent_types.setdefault(agent, (kind, line))
        if first_kind != kind:
            checked(
                "agent_type",
                lambda k: _bad(f"{row['agent']!r} is {first_kind} at line {first_line}, here {k}"),
            )
        d.graph.add((agent, RDF.type, cls))
    if row.get("agent_label"):
        d.graph.set((agent, RDFS.label, Literal(row["agent_label"])))
    if not row["role"] and not row["function"]:
        checked("role", lambda _: _bad("fill the role or the function (or both)"))
    role = checked("role", lambda v: resolve(v, CILO.BackboneRole) if v else None)
    function = checked("function", lambda v: resolve(v, CILO.LeadershipFunction) if v else None)
    levels = checked(
        "level",
        lambda v: [
            resolve(x.strip(), CILO.GovernanceLevel) for x in missing(v).split(_LEVEL_SEPARATOR) if x.strip()
        ],
    )
    start = checked("start", lambda v: parse_date(v, "start") if v else None)
    end = checked("end", lambda v: parse_date(v, "end") if v else None)
    assignment = checked(
        "end",
        lambda _: d.assign(
            agent, initiative, role=role, function=function, level=levels, start=start, end=end
        ),
    )
    return assignment, agent, initiative


def _bad(message: str) -> NoReturn:
    raise DescriptionError(message)


def _agent_class(kind: str) -> URIRef:
    if kind not in _AGENT_TYPES:
        raise DescriptionError(f"expected Person or Organization, not {kind!r}")
    return _AGENT_TYPES[kind]


def write(graph: Graph, *, guard: bool = True) -> tuple[str, Counter[str]]:
    """The assignments of ``graph`` as CSV text, and the triples (counted by predicate) it leaves out.
    A cell a spreadsheet would run gets a ``'`` in front unless ``guard`` is False (:mod:`cells`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, *OPTIONAL_COLUMNS))
    rows = sorted(_rows(graph))
    writer.writerows([[cells.guard(c) for c in row] for row in rows] if guard else rows)
    text = out.getvalue()
    back = read(text.encode(), "(the converted table)")
    left_out = Counter(compact_iri(str(p)) for _, p, _ in graph) - Counter(
        compact_iri(str(p)) for _, p, _ in back
    )
    return text, left_out


def _rows(graph: Graph) -> list[tuple[str, ...]]:
    assignments = set(graph.subjects(RDF.type, CILO.RoleAssignment)) | set(
        graph.subjects(CILO.initiative, None)
    )
    rows: list[tuple[str, ...]] = []
    for a in assignments:
        agent = graph.value(a, CILO.agent)
        kinds = [
            k for k, cls in _AGENT_TYPES.items() if agent is not None and (agent, RDF.type, cls) in graph
        ]
        start, end = (_date(graph, a, part) for part in (TIME.hasBeginning, TIME.hasEnd))
        for initiative in graph.objects(a, CILO.initiative):
            rows.append(
                (
                    _id(initiative),
                    _id(agent),
                    ";".join(kinds),
                    _names(graph, a, CILO.role),
                    _names(graph, a, CILO.performsFunction),
                    _names(graph, a, CILO.level),
                    start,
                    end,
                    str(graph.value(initiative, RDFS.label) or ""),
                    str(graph.value(agent, RDFS.label) or "") if agent is not None else "",
                    _LIST.join(sorted(_id(p) for p in graph.objects(initiative, CILO.partOf))),
                )
            )
    return rows


def _id(node: Node | None) -> str:
    text = "" if node is None else str(node)
    return text[len(DEFAULT_BASE) :] if text.startswith(DEFAULT_BASE) else text


def _names(graph: Graph, node: Node, prop: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(node, prop))
    return _LEVEL_SEPARATOR.join(v[len(str(CILO)) :] if v.startswith(str(CILO)) else v for v in values)


def _date(graph: Graph, assignment: Node, part: URIRef) -> str:
    interval = graph.value(assignment, ORG.memberDuring)
    instant = graph.value(interval, part) if interval is not None else None
    day = graph.value(instant, TIME.inXSDDate) if instant is not None else None
    return "" if day is None else str(day)
