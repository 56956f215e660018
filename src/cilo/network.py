"""The actor network of a description (networkx): who works with whom, and who bridges it.

Two graphs: the *assignment graph* (actors and initiatives as nodes, one edge per role assignment
carrying its role, functions and levels, plus ``memberOf`` edges from a person to an organization
and ``partOf`` edges from an initiative to its programme), and the *actor graph*, its projection on
actors (linked when they hold roles in the same initiative, a programme's roles counting in each of
its parts; ``weight`` = how many initiatives they share).

Brokerage, on the actor graph:
- *level brokerage*: the share of shortest paths between actors at different administrative levels
  (national, regional, local) that pass through the actor (networkx ``betweenness_centrality_subset``
  summed over the pairs of levels), after Gould and Fernandez (1989, Sociological Methodology 19);
- *cut vertex*: removing the actor separates parts of the network (an articulation point).
A broker has level brokerage above zero or is a cut vertex. The comparison the Finnish paper invites
sets brokers against the actors assigned a bridging function (boundary spanner, information and
knowledge broker) directly or through their role.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Graph
from rdflib.namespace import ORG
from rdflib.term import Node

from cilo import nesting
from cilo.choices import NETWORK_FORMATS, NetworkFormat
from cilo.errors import UsageError, WorkLimitError
from cilo.formats.cells import printable
from cilo.loading import Data, load
from cilo.namespace import CILO
from cilo.querying import query
from cilo.safety import changed_by, current
from cilo.vocabulary import instances_of, label

if TYPE_CHECKING:
    import networkx as nx

#: The functions whose holders are expected to bridge.
BRIDGING_FUNCTIONS = (CILO.BoundarySpanner, CILO.InformationAndKnowledgeBroker)
FORMATS = NETWORK_FORMATS


@dataclass(frozen=True)
class ActorMetrics:
    """One actor's place in the actor graph, in numbers and in words."""

    actor: str
    label: str
    type: str
    #: Labels of the administrative levels at which the actor holds assignments.
    levels: tuple[str, ...]
    #: The initiatives it holds assignments in, and the parts of those that are programmes.
    initiatives: int
    #: Degree centrality: the share of the other actors it works with directly.
    degree: float
    #: Betweenness centrality (normalised): the share of shortest paths between others through it.
    betweenness: float
    #: Pairs of actors at different administrative levels whose shortest paths pass through it (a
    #: pair with several shortest paths counts by the share through it).
    level_brokerage: float
    cut_vertex: bool
    #: Labels of the bridging functions the actor performs (directly or through a role).
    bridging_functions: tuple[str, ...]

    @property
    def is_broker(self) -> bool:
        """True when the actor connects levels or holds parts of the network together."""
        return self.level_brokerage > 0 or self.cut_vertex

    @property
    def holds_bridging_role(self) -> bool:
        """True when the actor is assigned a boundary-spanning or knowledge-brokering function."""
        return bool(self.bridging_functions)


@dataclass(frozen=True)
class Comparison:
    """Structural brokers against the holders of bridging functions (actor labels, sorted)."""

    both: tuple[str, ...]
    bridges_without_role: tuple[str, ...]
    role_without_bridging: tuple[str, ...]


@dataclass
class Network:
    """The assignment graph and the actor graph of a description, with brokerage metrics."""

    graph: nx.MultiGraph
    actors: nx.Graph
    _metrics: list[ActorMetrics] | None = field(default=None, repr=False)

    def metrics(self) -> list[ActorMetrics]:
        """Every actor's metrics, brokers first (by level brokerage, then betweenness), then by label."""
        if self._metrics is None:
            self._metrics = _metrics(self.graph, self.actors)
        return self._metrics

    def brokers(self) -> list[ActorMetrics]:
        """The actors that connect levels or separate parts of the network."""
        return [m for m in self.metrics() if m.is_broker]

    def comparison(self) -> Comparison:
        """Who bridges with the role, who bridges without it, who holds it without bridging."""
        ms = self.metrics()
        return Comparison(
            both=_labels(m for m in ms if m.is_broker and m.holds_bridging_role),
            bridges_without_role=_labels(m for m in ms if m.is_broker and not m.holds_bridging_role),
            role_without_bridging=_labels(m for m in ms if m.holds_bridging_role and not m.is_broker),
        )

    def to_json(self) -> str:
        """Metrics, comparison and both graphs (node-link form) as JSON."""
        import networkx as nx  # imported on use: every other cilo command starts sooner

        document = {
            "actors": [asdict(m) | {"is_broker": m.is_broker} for m in self.metrics()],
            "comparison": asdict(self.comparison()),
            "assignment_graph": nx.node_link_data(self.graph, edges="edges"),
            "actor_graph": nx.node_link_data(self.actors, edges="edges"),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_table(self) -> str:
        """The metrics as a plain-text table, and the comparison in words."""
        header = (
            "actor",
            "levels",
            "initiatives",
            "degree",
            "betweenness",
            "level brokerage",
            "broker",
            "bridging role",
        )
        rows = [
            (
                m.label,
                ", ".join(m.levels) or "—",
                str(m.initiatives),
                f"{m.degree:.3f}",
                f"{m.betweenness:.3f}",
                f"{m.level_brokerage:.3f}",
                ("yes, cut vertex" if m.cut_vertex else "yes") if m.is_broker else "no",
                ", ".join(m.bridging_functions) or "—",
            )
            for m in self.metrics()
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        c = self.comparison()
        lines += [
            "",
            f"Brokers holding a bridging role: {', '.join(c.both) or 'none'}",
            f"Brokers without a bridging role: {', '.join(c.bridges_without_role) or 'none'}",
            f"Bridging role without brokering: {', '.join(c.role_without_bridging) or 'none'}",
        ]
        return printable("\n".join(lines) + "\n")

    def to_bytes(self, fmt: NetworkFormat) -> bytes:
        """The network in ``fmt``: ``table``, ``json``, ``graphml`` or ``gexf`` (the assignment graph,
        actors carrying their metrics; lists become space-separated text, as both formats need)."""
        import networkx as nx  # imported on use: every other cilo command starts sooner

        if fmt == "table":
            return self.to_table().encode("utf-8")
        if fmt == "json":
            return self.to_json().encode("utf-8")
        if fmt not in FORMATS:
            raise UsageError(f"unknown network format {fmt!r}; the formats are: {', '.join(FORMATS)}")
        flat = nx.MultiGraph()
        by_actor = {m.actor: m for m in self.metrics()}
        for node, attrs in self.graph.nodes(data=True):
            extra = asdict(by_actor[node]) if node in by_actor else {}
            extra.pop("actor", None)
            flat.add_node(node, **{k: _flat(v) for k, v in (attrs | extra).items()})
        for u, v, key, attrs in self.graph.edges(keys=True, data=True):
            flat.add_edge(u, v, key=key, **{k: _flat(a) for k, a in attrs.items()})
        out = BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(flat, out)
        return out.getvalue()


def network(data: Data, *, base: str | None = None) -> Network:
    """The actor network of ``data`` (a path, paths, or an rdflib Graph): see :class:`Network`."""
    import networkx as nx  # imported on use: every other cilo command starts sooner

    graph = data if isinstance(data, Graph) else load(data, base=base)
    rows = query("assignments", graph)
    administrative = _administrative_levels()
    g = nx.MultiGraph()
    edges: dict[str, dict[str, Any]] = {}
    blank: set[str] = set()
    for row in rows:
        agent, initiative, assignment = str(row["agent"]), str(row["initiative"]), str(row["assignment"])
        if isinstance(row["assignment"], BNode):
            blank.add(assignment)
        kind = _local(row["agentType"]) if row["agentType"] is not None else "Actor"
        g.add_node(agent, label=_text(row, "agent"), kind="actor", type=kind)
        g.add_node(initiative, label=_text(row, "initiative"), kind="initiative", type="Initiative")
        edge = edges.setdefault(
            assignment,
            {"u": agent, "v": initiative, "kind": "assignment", "functions": set(), "levels": set(),
             "role": str(row["role"]) if row["role"] is not None else "",
             "role_label": _text(row, "role") if row["role"] is not None else ""},
        )  # fmt: skip
        if row["function"] is not None:
            edge["functions"].add((str(row["function"]), _text(row, "function")))
        if row["level"] is not None:
            edge["levels"].add((str(row["level"]), _text(row, "level")))
    actor_levels: dict[str, set[str]] = defaultdict(set)
    final = []
    for key, e in edges.items():
        levels = sorted(e.pop("levels"))
        functions = sorted(e.pop("functions"))
        u, v = e.pop("u"), e.pop("v")
        e["levels"] = [iri for iri, _ in levels]
        e["level_labels"] = [text for _, text in levels]
        e["functions"] = [iri for iri, _ in functions]
        e["function_labels"] = [text for _, text in functions]
        if key in blank:  # its id differs on every parse: name it by what it says, for stable output
            what = e["role"] or " + ".join(e["functions"]) or "no role"
            key = f"{u} as {what} in {v} at {' '.join(e['levels'])}"
        final.append((key, u, v, e))
    # two assignments that say the same thing are still two: number the repeats, never merge them
    final.sort(key=lambda x: (x[0], str(x[3])))
    seen: dict[str, int] = {}
    for key, u, v, e in final:
        seen[key] = seen.get(key, 0) + 1
        g.add_edge(u, v, key=key if seen[key] == 1 else f"{key} ({seen[key]})", **e)
        actor_levels[u] |= {administrative[iri] for iri in e["levels"] if iri in administrative}
    for node in g.nodes:
        if g.nodes[node]["kind"] == "actor":
            g.nodes[node]["levels"] = [t for t in administrative.values() if t in actor_levels[node]]
    for part, programme in graph.subject_objects(CILO.partOf):
        for node in (part, programme):
            if str(node) not in g:
                g.add_node(str(node), label=label(node, graph), kind="initiative", type="Initiative")
        g.add_edge(str(part), str(programme), key=f"{part} partOf {programme}", kind="partOf", part=str(part))
    for person, organization in graph.subject_objects(ORG.memberOf):
        if str(person) not in g:
            continue
        if str(organization) not in g:
            g.add_node(
                str(organization), label=label(organization, graph), kind="organization", type="Organization"
            )
        g.add_edge(str(person), str(organization), key=f"{person} memberOf {organization}", kind="memberOf")
    return Network(g, _project(g))


def programmes(g: nx.MultiGraph) -> dict[str, set[str]]:
    """Initiative -> every programme it is part of (``partOf`` edges, at any depth)."""
    direct: dict[str, set[str]] = defaultdict(set)
    for u, v, attrs in g.edges(data=True):
        if attrs["kind"] == "partOf":
            part, programme = (u, v) if attrs.get("part", u) == u else (v, u)
            direct[part].add(programme)
    return nesting.above(direct)


def holders(g: nx.MultiGraph) -> dict[str, set[str]]:
    """Initiative -> the actors who hold assignments in it or in a programme it is part of."""
    members: dict[str, set[str]] = defaultdict(set)
    for u, v, attrs in g.edges(data=True):
        if attrs["kind"] == "assignment":
            actor, initiative = (u, v) if g.nodes[v]["kind"] == "initiative" else (v, u)
            members[initiative].add(actor)
    for part, above in programmes(g).items():
        for programme in above:
            members[part] |= members.get(programme, set())
    return members


def _project(g: nx.MultiGraph) -> nx.Graph:
    """Actors linked when they hold assignments in the same initiative, a programme's counting for
    its parts (``weight``: in how many initiatives)."""
    import networkx as nx  # imported on use: every other cilo command starts sooner

    actors = nx.Graph()
    members = holders(g)
    for node, attrs in g.nodes(data=True):
        if attrs["kind"] == "actor":
            actors.add_node(node, **attrs)
    _check_size(len(actors), members.values())
    for initiative in sorted(members):
        people = sorted(members[initiative])
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                if actors.has_edge(a, b):
                    actors[a][b]["weight"] += 1
                    actors[a][b]["initiatives"].append(initiative)
                else:
                    actors.add_edge(a, b, weight=1, initiatives=[initiative])
    return actors


def _check_size(actors: int, members: Iterable[set[str]]) -> None:
    """Refuse an actor network whose betweenness (time in proportion to actors × links) would take
    more than :attr:`cilo.Limits.max_network_work` steps, before its links are built."""
    limit = current().max_network_work
    if actors * sum(len(m) * (len(m) - 1) // 2 for m in members) <= limit:
        return  # at most that many links, fewer where initiatives share actors
    links: set[tuple[str, str]] = set()
    for people in members:
        ordered = sorted(people)
        for i, a in enumerate(ordered):
            links.update((a, b) for b in ordered[i + 1 :])
            if actors * len(links) > limit:
                raise WorkLimitError(
                    f"the actor network has {actors:,} actors and more than {len(links):,} links "
                    "between them "
                    f"(actors in one initiative are all linked): its centralities would take more than "
                    f"{limit:,} steps, cilo's limit ({changed_by('max_network_work')})"
                )


def _metrics(g: nx.MultiGraph, actors: nx.Graph) -> list[ActorMetrics]:
    import networkx as nx  # imported on use: every other cilo command starts sooner

    degree = nx.degree_centrality(actors) if len(actors) > 1 else dict.fromkeys(actors, 0.0)
    betweenness = nx.betweenness_centrality(actors)
    cut = set(nx.articulation_points(actors))
    at_level: dict[str, set[str]] = defaultdict(set)
    for node, levels in actors.nodes(data="levels"):
        for level in levels:
            at_level[level].add(node)
    brokerage: dict[str, float] = dict.fromkeys(actors, 0.0)
    names = sorted(at_level)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shares = nx.betweenness_centrality_subset(
                actors, sorted(at_level[first]), sorted(at_level[second])
            )
            for node, share in shares.items():
                brokerage[node] += 2 * share  # networkx halves it on undirected graphs: one per pair
    bridging = {str(f) for f in BRIDGING_FUNCTIONS}
    parts = nesting.below({part: above for part, above in programmes(g).items()})  # who inherits from whom
    result = []
    for node, attrs in actors.nodes(data=True):
        functions: set[str] = set()
        initiatives: set[str] = set()
        for _, initiative, e in g.edges(node, data=True):  # networkx gives ``node`` first
            if e["kind"] == "assignment":
                initiatives |= {initiative, *parts.get(initiative, ())}
                functions |= {
                    t for iri, t in zip(e["functions"], e["function_labels"], strict=True) if iri in bridging
                }
        result.append(
            ActorMetrics(
                actor=node,
                label=attrs["label"],
                type=attrs["type"],
                levels=tuple(attrs["levels"]),
                initiatives=len(initiatives),
                degree=round(degree[node], 6),
                betweenness=round(betweenness[node], 6),
                level_brokerage=round(brokerage[node], 6),
                cut_vertex=node in cut,
                bridging_functions=tuple(sorted(functions)),
            )
        )
    result.sort(key=lambda m: (not m.is_broker, -m.level_brokerage, -m.betweenness, m.label))
    return result


def _labels(metrics: Iterable[ActorMetrics]) -> tuple[str, ...]:
    return tuple(sorted(m.label for m in metrics))


def _administrative_levels() -> dict[str, str]:
    """IRI -> label of the administrative levels, national first, then regional, then local."""
    known = [CILO.National, CILO.Regional, CILO.Local]
    levels = instances_of(CILO.AdministrativeLevel)
    ordered = [x for x in known if x in levels] + [x for x in levels if x not in known]
    return {str(level): label(level) for level in ordered}


def _text(row: dict[str, Node | None], name: str) -> str:
    value = row.get(f"{name}Label")
    return str(value) if value is not None else str(row[name])


def _local(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1]


def _flat(value: Any) -> Any:
    """An attribute as graphml and gexf can hold it: lists as space-separated text, no control
    characters (XML 1.0 allows none but tab, newline and carriage return)."""
    if isinstance(value, list | tuple | set):
        value = " ".join(str(v) for v in value)
    return printable(value) if isinstance(value, str) else value


def write(net: Network, path: str | Path, fmt: NetworkFormat | None = None) -> None:
    """Write ``net`` to ``path`` in ``fmt`` (default: from the extension; ``.txt`` is the table)."""
    from cilo.writing import write_atomic

    target = Path(path)
    suffix = target.suffix.lstrip(".").lower()
    chosen = fmt or cast(NetworkFormat, {"txt": "table"}.get(suffix, suffix))  # to_bytes() checks it
    write_atomic(target, net.to_bytes(chosen))
