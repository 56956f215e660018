"""Actor-network analysis: hand-checked values on a star, a chain across three levels, two
disconnected initiatives and the bundled Finnish example; every export format reads back."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

import cilo
from cilo.network import ActorMetrics, Comparison, network, write
from tests.conftest import EXAMPLES, FIXTURES

NETWORK = FIXTURES / "network"


def by_label(path: Path) -> dict[str, ActorMetrics]:
    return {m.label: m for m in network(path).metrics()}


def test_star_hub_separates_the_network_without_connecting_levels() -> None:
    m = by_label(NETWORK / "star.yaml")
    hub = m["Hub foundation"]
    assert (hub.degree, hub.betweenness, hub.level_brokerage, hub.cut_vertex) == (1.0, 1.0, 0.0, True)
    assert hub.levels == ("National",) and hub.initiatives == 3 and hub.type == "Organization"
    for worker in ("Worker A", "Worker B", "Worker C"):
        assert (m[worker].degree, m[worker].betweenness, m[worker].is_broker) == (
            pytest.approx(1 / 3),
            0.0,
            False,
        )
    c = network(NETWORK / "star.yaml").comparison()
    assert c == Comparison(both=(), bridges_without_role=("Hub foundation",), role_without_bridging=())


def test_chain_across_three_levels_has_its_middle_as_the_broker() -> None:
    m = by_label(NETWORK / "chain.yaml")
    middle = m["Regional worker"]
    assert (middle.degree, middle.betweenness, middle.level_brokerage, middle.cut_vertex) == (
        1.0,
        1.0,
        1.0,
        True,
    )
    assert (m["National body"].degree, m["National body"].betweenness) == (0.5, 0.0)
    assert m["Local actor"].levels == ("Local",)
    assert m["National body"].bridging_functions == ("Boundary spanner", "Information and knowledge broker")
    c = network(NETWORK / "chain.yaml").comparison()
    assert c.bridges_without_role == ("Regional worker",)
    assert c.role_without_bridging == ("National body",)
    assert c.both == ()


def test_two_disconnected_initiatives_have_no_broker() -> None:
    net = network(NETWORK / "disconnected.yaml")
    assert nx.number_connected_components(net.actors) == 2
    assert net.brokers() == []
    assert all(m.betweenness == 0 and m.degree == pytest.approx(1 / 3) for m in net.metrics())
    assert net.comparison().role_without_bridging == ("A one", "B one")


def test_assignment_graph_nodes_and_edges() -> None:
    net = network(NETWORK / "chain.yaml")
    g = net.graph
    kinds = {n: a["kind"] for n, a in g.nodes(data=True)}
    assert sorted(kinds.values()) == ["actor", "actor", "actor", "initiative", "initiative"]
    edges = {a["role_label"] or "(direct)": a for _, _, a in g.edges(data=True) if a["kind"] == "assignment"}
    assert len([e for e in g.edges(data=True) if e[2]["kind"] == "assignment"]) == 4
    assert edges["Knowledge broker"]["level_labels"] == ["National"]
    assert edges["Knowledge broker"]["function_labels"] == [
        "Boundary spanner",
        "Information and knowledge broker",
    ]
    assert edges["(direct)"]["function_labels"] == ["Implementer"] and edges["(direct)"]["role"] == ""
    assert net.actors["https://example.org/chain/nat"]["https://example.org/chain/reg"]["weight"] == 1


def test_finnish_example_itla_bridges_every_region() -> None:
    net = network(EXAMPLES / "finnish-ci-model.yaml")
    m = {x.label: x for x in net.metrics()}
    itla = next(x for label, x in m.items() if label.startswith("ITLA"))
    # ITLA holds its roles once, in the national programme; they count in each of its seven parts
    assert itla.initiatives == 1 + 7 and itla.degree == 1.0 and itla.cut_vertex
    part_of = [(u, v) for u, v, e in net.graph.edges(data=True) if e["kind"] == "partOf"]
    assert len(part_of) == 7 and all("finnish-ci/finnish-ci" in (u + v) for u, v in part_of)
    assert [b.label for b in net.brokers()] == [itla.label]
    # persons are members of their county or city: memberOf edges reach the organizations
    member_edges = [e for e in net.graph.edges(data=True) if e[2]["kind"] == "memberOf"]
    assert member_edges and all(net.graph.nodes[v]["type"] == "Organization" for _, v, _ in member_edges)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_read_back_with_metrics(tmp_path: Path, fmt: str) -> None:
    net = network(NETWORK / "chain.yaml")
    out = tmp_path / f"chain.{fmt}"
    write(net, out)
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert set(back.nodes) == set(net.graph.nodes)
    node = back.nodes["https://example.org/chain/reg"]
    assert float(node["betweenness"]) == 1.0 and node["levels"] == "Regional"


def test_json_and_table() -> None:
    net = network(NETWORK / "chain.yaml")
    doc = json.loads(net.to_json())
    assert doc["actors"][0]["label"] == "Regional worker" and doc["actors"][0]["is_broker"] is True
    assert doc["comparison"]["role_without_bridging"] == ["National body"]
    assert len(doc["actor_graph"]["nodes"]) == 3
    table = net.to_table()
    assert table.splitlines()[0].split()[:2] == ["actor", "levels"]
    assert "Brokers without a bridging role: Regional worker" in table


def test_network_of_a_graph_equals_network_of_its_file() -> None:
    path = NETWORK / "star.yaml"
    assert network(cilo.load(path)).metrics() == network(path).metrics()


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="graphml"):
        network(NETWORK / "star.yaml").to_bytes("dot")


def test_two_functions_of_one_actor_at_one_level_are_two_assignments() -> None:
    """Blank-node assignments are keyed by what they say, functions included; repeats are numbered,
    never merged (issue 19: Catalyst was lost)."""
    net = cilo.network(NETWORK / "two-functions.yaml")
    edges = [(key, e) for _, _, key, e in net.graph.edges(keys=True, data=True) if e["kind"] == "assignment"]
    assert len(edges) == 3
    functions = sorted(f.rsplit("#", 1)[1] for _, e in edges for f in e["functions"])
    assert functions == ["Catalyst", "Initiator", "Initiator"]
    assert len({key for key, _ in edges}) == 3
    matrix = cilo.query("coverage-matrix", NETWORK / "two-functions.yaml")
    covered = {str(r["function"]).rsplit("#", 1)[1] for r in matrix if int(r["holders"] or 0) > 0}
    assert {"Catalyst", "Initiator"} <= covered
