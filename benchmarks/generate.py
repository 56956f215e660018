"""Write N synthetic initiatives with a known ground truth of missing functions, in Turtle and YAML.

    python benchmarks/generate.py N [--seed S] [--out DIR]

Each initiative has a national backbone (one of a few foundations) holding national roles, a
regional development worker holding regional roles, and usually a sponsor: about ten assignments.
Roles and the sponsor are left out at random, so some initiatives miss functions; which ones follows
from Table 3 in the ontology and is written to ``truth-N.json`` ({initiative IRI: [function IRIs]}).
Same N and seed, same files.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import cilo
from cilo import CILO
from cilo.vocabulary import functions, local_name, represented_functions, roles

BASE = "https://example.org/bench/"
FOUNDATIONS = 5


def generate(n: int, seed: int) -> tuple[list[dict[str, object]], dict[str, list[str]]]:
    """The initiatives (as plain data) and the ground truth of their missing functions."""
    rng = random.Random(seed)
    national = [local_name(r) for r in roles(CILO.NationalBackboneRole)]
    regional = [local_name(r) for r in roles(CILO.RegionalBackboneRole)]
    provides = {local_name(r): {str(f) for f in represented_functions(r)} for r in roles()}
    nine = {str(f) for f in functions()}
    initiatives, truth = [], {}
    for i in range(n):
        ident = f"i{i}"
        assignments = []
        foundation = f"foundation{rng.randrange(FOUNDATIONS)}"
        for role in national:
            if rng.random() > 0.02:
                assignments.append((foundation, role, None, "National"))
        for role in regional:
            if rng.random() > 0.02:
                assignments.append((f"{ident}-worker", role, None, "Regional"))
        if rng.random() > 0.2:
            assignments.append((f"{ident}-sponsor", None, "Sponsor", "Regional"))
        covered = {str(CILO.Sponsor)} if any(a[2] for a in assignments) else set()
        for _, role, _, _ in assignments:
            if role:
                covered |= provides[role]
        truth[BASE + ident] = sorted(nine - covered)
        initiatives.append({"id": ident, "foundation": foundation, "assignments": assignments})
    return initiatives, truth


def turtle(initiatives: list[dict[str, object]]) -> str:
    lines = [
        "@prefix cilo: <https://w3id.org/cilo#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f"@prefix : <{BASE}> .",
        "",
    ]
    lines += [
        f':foundation{k} a cilo:Organization ; rdfs:label "Foundation {k}" .' for k in range(FOUNDATIONS)
    ]
    for init in initiatives:
        ident = init["id"]
        lines.append(f':{ident} a cilo:Initiative ; rdfs:label "Initiative {ident}" .')
        lines.append(f':{ident}-worker a cilo:Person ; rdfs:label "Development worker {ident}" .')
        lines.append(f':{ident}-sponsor a cilo:Person ; rdfs:label "Sponsor {ident}" .')
        for k, (agent, role, function, level) in enumerate(init["assignments"]):  # type: ignore[arg-type]
            what = f"cilo:role cilo:{role}" if role else f"cilo:performsFunction cilo:{function}"
            lines.append(
                f":{ident}-a{k} a cilo:RoleAssignment ; cilo:agent :{agent} ; {what} ; "
                f"cilo:initiative :{ident} ; cilo:level cilo:{level} ."
            )
    return "\n".join(lines) + "\n"


def yaml_text(initiatives: list[dict[str, object]]) -> str:
    docs = []
    for j, init in enumerate(initiatives):
        ident = init["id"]
        actors = [
            f"  - {{id: {ident}-worker, type: Person, label: Development worker {ident}}}",
            f"  - {{id: {ident}-sponsor, type: Person, label: Sponsor {ident}}}",
        ]
        if j == 0:
            actors += [
                f"  - {{id: foundation{k}, type: Organization, label: Foundation {k}}}"
                for k in range(FOUNDATIONS)
            ]
        rows = []
        for k, (agent, role, function, level) in enumerate(init["assignments"]):  # type: ignore[arg-type]
            what = f"role: {role}" if role else f"function: {function}"
            rows.append(f"  - {{id: {ident}-a{k}, agent: {agent}, {what}, level: {level}}}")
        docs.append(
            f"base: {BASE}\nid: {ident}\nlabel: Initiative {ident}\nactors:\n"
            + "\n".join(actors)
            + "\nassignments:\n"
            + "\n".join(rows)
        )
    return "---\n" + "\n---\n".join(docs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    initiatives, truth = generate(args.n, args.seed)
    (args.out / f"initiatives-{args.n}.ttl").write_text(turtle(initiatives), encoding="utf-8")
    (args.out / f"initiatives-{args.n}.yaml").write_text(yaml_text(initiatives), encoding="utf-8")
    (args.out / f"truth-{args.n}.json").write_text(json.dumps(truth, indent=0), encoding="utf-8")
    missing = sum(map(len, truth.values()))
    print(f"{args.out}: {args.n} initiatives, {missing} missing functions (cilo {cilo.__version__})")


if __name__ == "__main__":
    main()
