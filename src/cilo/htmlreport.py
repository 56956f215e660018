"""One self-contained HTML page for an evaluator: coverage matrix, gaps, actor network, messages.

The page is rendered by Jinja2 from ``templates/report.html.j2`` with its stylesheet inlined: no
script, no network, nothing outside the file. The actor network is drawn as SVG by the template, one
row per administrative level with the initiatives between national and regional actors, so every
node and edge carries its name for screen readers (and for the browser test).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from cilo.loading import Data, PathLike, load
from cilo.network import Network, network, programmes
from cilo.report import ValidationReport
from cilo.resources import DEFAULT_PROFILE, profiles
from cilo.timeline import Timeline, timeline
from cilo.validation import validate
from cilo.vocabulary import established_functions, functions, label, represented_functions, roles

#: The rows of the network drawing, top to bottom (administrative levels by their label).
_ROWS = ("National", "Initiatives", "Regional", "Local", "No level")
_WIDTH, _ROW_HEIGHT, _MARGIN, _NODE_SPACING = 960, 150, 90, 120
#: The timeline strips: total width, and the room for function names at their left.
_STRIP_WIDTH, _STRIP_LABELS = 960, 230


@dataclass(frozen=True)
class Holder:
    """Who performs a function in an initiative, and through which roles ("directly" for none)."""

    actor: str
    role: str


@dataclass
class Cell:
    """One initiative × function cell: ``state`` is covered, missing (a Violation) or open."""

    function: str
    holders: list[Holder] = field(default_factory=list)
    state: str = "open"

    @property
    def description(self) -> str:
        """The cell in words, for the tooltip and for screen readers."""
        if not self.holders:
            return f"{self.function}: missing" if self.state == "missing" else f"{self.function}: no holder"
        names = "; ".join(f"{h.actor} ({h.role})" for h in self.holders)
        return f"{self.function}: {names}"


@dataclass
class Row:
    """One initiative of the matrix, with its missing functions and the roles that would supply them."""

    iri: str
    label: str
    cells: list[Cell]
    gaps: list[Gap]
    #: How deep it nests in programmes (0: part of none), and the programme it is directly part of.
    depth: int = 0
    programme: str = ""


@dataclass(frozen=True)
class Gap:
    """A missing function, the backbone roles that represent it (Table 3) and the shape's message."""

    function: str
    roles: list[str]
    message: str


def html_report(
    data: Data,
    *,
    profile: str = DEFAULT_PROFILE,
    shapes: PathLike | None = None,
    base: str | None = None,
) -> str:
    """The report page of ``data`` (a path, paths or an rdflib Graph) as one HTML string.

    ``profile``/``shapes`` choose the coverage shapes as for :func:`cilo.validate`; ``base`` is the
    base IRI for local ids in YAML, JSON and CSV files.
    """
    from importlib.resources import files

    import jinja2

    graph = data if isinstance(data, Graph) else load(data, base=base)
    # from the files, when given, so that each message names its file and line
    report = validate(graph if isinstance(data, Graph) else data, profile=profile, shapes=shapes, base=base)
    net = network(graph)
    templates = files("cilo") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (templates / name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    history = timeline(graph, profile=profile) if shapes is None and _declared(profile) else None
    return env.get_template("report.html.j2").render(
        title="cilo coverage report",
        profile=report.profile,
        functions=[label(f) for f in _function_order()],
        rows=_matrix(report, net),
        results=report.results,
        summary=report.to_text().strip().splitlines()[-1],
        drawing=_drawing(net),
        strips=None if history is None else _strips(history),
    )


def _declared(profile: str) -> bool:
    """Whether the profile's functions are known as a list (bundled, or a .yaml declaration): the
    timeline needs them; a profile given as SHACL has only its shapes."""
    return profile.endswith((".yaml", ".yml")) or profile in profiles()


@dataclass(frozen=True)
class Bar:
    """One interval of a timeline strip: where it is drawn and what it says."""

    x: float
    width: float
    covered: bool
    text: str


@dataclass
class Strip:
    """The timeline of one initiative: a row of bars per function."""

    iri: str
    label: str
    rows: list[tuple[str, list[Bar]]]


def _strips(history: Timeline) -> dict[str, Any]:
    """The timeline section: one strip per initiative, days mapped to x between the first and the
    last recorded day (with a margin for the open ends), a tick at each new year."""
    first, last = history.days()
    if first is None or last is None:
        return {"dated": False, "strips": [], "ticks": [], "width": _STRIP_WIDTH}
    margin = max(datetime.timedelta(days=30), (last - first) / 20)
    low, high = first - margin, last + margin + datetime.timedelta(days=1)
    span = (high - low).days
    left, right = _STRIP_LABELS, _STRIP_WIDTH - 10

    def x(day: datetime.date) -> float:
        return round(left + (day - low).days / span * (right - left), 1)

    strips = []
    for initiative, name in history.initiatives.items():
        rows = []
        by_function: dict[URIRef, list[Bar]] = defaultdict(list)
        for i in history.of(initiative):
            start = x(i.start) if i.start is not None else float(left)
            end = x(i.end + datetime.timedelta(days=1)) if i.end is not None else float(right)
            since = f"from {i.start}" if i.start is not None else "from the start"
            until = f"to {i.end}" if i.end is not None else "onwards"
            who = f"covered by {'; '.join(i.holders)}" if i.covered else "not covered"
            text = f"{label(i.function)}: {who}, {since} {until}"
            by_function[i.function].append(Bar(start, round(end - start, 1), i.covered, text))
        for function, bars in by_function.items():
            rows.append((label(function), bars))
        strips.append(Strip(str(initiative), name, rows))
    ticks = [
        {"x": x(datetime.date(year, 1, 1)), "year": year}
        for year in range(low.year + 1, high.year + 1)
        if low < datetime.date(year, 1, 1) < high
    ]
    return {"dated": True, "strips": strips, "ticks": ticks, "width": _STRIP_WIDTH, "left": left}


def write_report(data: Data, path: str | Path, **options: Any) -> None:
    """Write :func:`html_report` to ``path``, whole or not at all."""
    from cilo.writing import write_atomic

    write_atomic(Path(path), html_report(data, **options))


def _function_order() -> list[URIRef]:
    """The eight established functions by label, then the proposed ninth."""
    established = sorted(established_functions(), key=label)
    return established + [f for f in sorted(functions(), key=label) if f not in established]


def _matrix(report: ValidationReport, net: Network) -> list[Row]:
    # per initiative and function, each actor once (as coverage-matrix counts holders), with every
    # role through which it performs the function
    by_actor: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for actor, initiative, edge in net.graph.edges(data=True):
        if edge["kind"] != "assignment":
            continue
        if net.graph.nodes[actor]["kind"] != "actor":
            actor, initiative = initiative, actor
        for function in edge["functions"]:
            by_actor[(initiative, function)][actor].add(edge["role_label"])
    own: dict[str, list[tuple[str, dict[str, set[str]]]]] = defaultdict(list)  # initiative -> own cells
    for (initiative, function), actors in by_actor.items():
        own[initiative].append((function, {actor: set(roles) for actor, roles in actors.items()}))
    for part, ancestors in programmes(net.graph).items():  # a part inherits its programmes' holders
        for programme in sorted(ancestors):
            where = f"in {net.graph.nodes[programme]['label']}"
            for function, actors in own.get(programme, ()):
                for actor, through in actors.items():
                    by_actor[(part, function)][actor] |= {f"{r or 'directly'} {where}" for r in through}
    holders = {
        key: {
            Holder(net.graph.nodes[actor]["label"], ", ".join(sorted(r or "directly" for r in through)))
            for actor, through in actors.items()
        }
        for key, actors in by_actor.items()
    }
    known = set(functions())
    missing = {
        (str(r.focus_node), str(r.value)): r.message
        for r in report.results
        if r.is_violation and isinstance(r.value, URIRef) and r.value in known
    }
    suppliers: dict[URIRef, list[str]] = defaultdict(list)
    for role in roles():
        for function in represented_functions(role):
            suppliers[function].append(label(role))
    rows = []
    for depth, initiative in report.tree():  # programmes, each followed by its parts
        name = report.initiatives[initiative]
        above = report.part_of.get(initiative, ())
        cells, gaps = [], []
        for function in _function_order():
            key = (str(initiative), str(function))
            found = sorted(holders.get(key, ()), key=lambda h: (h.actor, h.role))
            state = "missing" if key in missing else "covered" if found else "open"
            cells.append(Cell(label(function), found, state))
            if state == "missing":
                gaps.append(Gap(label(function), sorted(suppliers[function]), missing[key]))
        programme = report.initiatives[above[0]] if depth and above else ""
        rows.append(Row(str(initiative), name, cells, gaps, depth, programme))
    return rows


def _barycentre(g: Any, node: str, place: dict[str, int]) -> float:
    """The mean position of the initiatives ``node`` works in."""
    found = [place[other] for other in g.neighbors(node) if other in place]
    return sum(found) / len(found) if found else float("inf")


def _drawing(net: Network) -> dict[str, Any]:
    """Node and edge coordinates for the SVG: one row per layer (administrative levels, the
    initiatives between national and regional actors), the initiatives in label order and each actor
    under the middle of its initiatives; in each row the nodes evenly spaced and centred, as networkx's
    ``multipartite_layout`` places them (which needs numpy, not a dependency of cilo)."""
    g = net.graph
    shown = [n for n in g.nodes if g.nodes[n]["kind"] in ("actor", "initiative")]
    rows_used: dict[str, list[str]] = defaultdict(list)
    for node in sorted(shown, key=lambda n: g.nodes[n]["label"]):
        attrs = g.nodes[node]
        row = "Initiatives" if attrs["kind"] == "initiative" else (attrs["levels"] or ["No level"])[0]
        rows_used[row].append(node)
    order = [r for r in _ROWS if r in rows_used] + sorted(r for r in rows_used if r not in _ROWS)
    place = {node: i for i, node in enumerate(rows_used.get("Initiatives", []))}
    for row in rows_used:
        if row != "Initiatives":
            rows_used[row].sort(key=lambda n: (_barycentre(g, n, place), g.nodes[n]["label"]))
    layers = {index: rows_used[row] for index, row in enumerate(order)}  # a dict keeps each row's order
    positions = {
        node: (j - (len(members) - 1) / 2, index)
        for index, members in layers.items()
        for j, node in enumerate(members)
    }
    widest = max(len(members) for members in layers.values()) if layers else 1
    width = max(_WIDTH, _NODE_SPACING * widest + 2 * _MARGIN)
    xs = [float(x) for x, _ in positions.values()] or [0.0]
    low, span = min(xs), (max(xs) - min(xs)) or 1.0
    where: dict[str, tuple[float, float]] = {}
    for index, members in layers.items():
        for node in members:
            x = _MARGIN + (float(positions[node][0]) - low) / span * (width - 2 * _MARGIN)
            where[node] = (round(x, 1), _MARGIN + index * _ROW_HEIGHT)
    row_of = {node: row for row, nodes in rows_used.items() for node in nodes}

    role_names = sorted({e["role_label"] for *_, e in g.edges(data=True) if e["kind"] == "assignment"})
    nodes = [
        {
            "id": node,
            "label": g.nodes[node]["label"],
            "kind": g.nodes[node]["kind"],
            "type": g.nodes[node]["type"],
            "row": row_of[node],
            "x": where[node][0],
            "y": where[node][1],
        }
        for row in order
        for node in rows_used[row]
    ]
    edges = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for u, v, e in sorted(g.edges(data=True), key=lambda t: (t[0], t[1], t[2].get("role_label", ""))):
        if e["kind"] != "assignment":
            continue
        actor, initiative = (u, v) if g.nodes[u]["kind"] == "actor" else (v, u)
        bend = seen[(actor, initiative)]
        seen[(actor, initiative)] += 1
        (x1, y1), (x2, y2) = where[actor], where[initiative]
        offset = (bend + 1) // 2 * (1 if bend % 2 else -1) * 14
        edges.append(
            {
                "path": f"M {x1} {y1} Q {(x1 + x2) / 2 + offset} {(y1 + y2) / 2} {x2} {y2}",
                "role": e["role_label"] or "function held directly",
                "role_index": role_names.index(e["role_label"]),
                "text": (
                    f"{g.nodes[actor]['label']}: {e['role_label'] or 'functions held directly'} "
                    f"in {g.nodes[initiative]['label']}"
                    + (f" ({', '.join(e['function_labels'])})" if e["function_labels"] else "")
                ),
            }
        )
    return {
        "width": width,
        "height": 2 * _MARGIN + (len(order) - 1) * _ROW_HEIGHT,
        "rows": [{"name": r, "y": _MARGIN + i * _ROW_HEIGHT} for i, r in enumerate(order)],
        "nodes": nodes,
        "edges": edges,
        "roles": [r or "function held directly" for r in role_names],
    }
