"""Write N synthetic initiatives with a known ground truth of missing functions, in Turtle and YAML.

    python benchmarks/generate.py N [--seed S] [--out DIR] [--programmes P] [--dated]

Each initiative has a national backbone (one of a few foundations) holding national roles, a
regional development worker holding regional roles, and usually a sponsor: about ten assignments.
Roles and the sponsor are left out at random, so some initiatives miss functions; which ones follows
from Table 3 in the ontology and is written to ``truth-N.json`` ({initiative IRI: [function IRIs]}).
Same N and seed, same files.

``--programmes P`` groups the initiatives into P programmes (``cilo:partOf``): each programme holds
its foundation's national roles once, and its parts count them (the truth follows). ``--dated``
gives the regional roles start dates and the sponsors terms (2020-2025), for ``--on``, ``timeline``
and ``diff``; the truth is that of every assignment, dated or not (``cilo validate`` without ``--on``).
Files: ``initiatives-N[-pP][-dated].ttl`` and ``.yaml``.
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


Assignment = tuple[str, "str | None", "str | None", str, "str | None", "str | None"]


def generate(
    n: int, seed: int, programmes: int = 0, dated: bool = False
) -> tuple[list[dict[str, object]], dict[str, list[str]]]:
    """The initiatives (as plain data; programmes first) and the ground truth of their missing
    functions. An assignment is (agent, role, function, level, start, end)."""
    rng = random.Random(seed)
    national = [local_name(r) for r in roles(CILO.NationalBackboneRole)]
    regional = [local_name(r) for r in roles(CILO.RegionalBackboneRole)]
    provides = {local_name(r): {str(f) for f in represented_functions(r)} for r in roles()}
    nine = {str(f) for f in functions()}

    def day() -> str:
        return f"{rng.randrange(2020, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"

    def backbone(foundation: str) -> list[Assignment]:
        return [(foundation, role, None, "National", None, None) for role in national if rng.random() > 0.02]

    initiatives: list[dict[str, object]] = []
    truth = {}
    held: dict[str, list[Assignment]] = {}
    for k in range(programmes):
        foundation = f"foundation{k % FOUNDATIONS}"
        held[f"p{k}"] = backbone(foundation)
        initiatives.append({"id": f"p{k}", "foundation": foundation, "assignments": held[f"p{k}"]})
    for i in range(n):
        ident = f"i{i}"
        programme = f"p{i % programmes}" if programmes else None
        foundation = f"foundation{rng.randrange(FOUNDATIONS)}"
        assignments = backbone(foundation) if programme is None else []
        for role in regional:
            if rng.random() > 0.02:
                assignments.append(
                    (f"{ident}-worker", role, None, "Regional", day() if dated else None, None)
                )
        if rng.random() > 0.2:
            start = day() if dated else None
            end = (
                f"{int(start[:4]) + 1 + rng.randrange(3)}{start[4:]}"
                if start and rng.random() < 0.5
                else None
            )
            assignments.append((f"{ident}-sponsor", None, "Sponsor", "Regional", start, end))
        counted = assignments + (held[programme] if programme else [])
        covered = {str(CILO.Sponsor)} if any(a[2] for a in counted) else set()
        for _, role, *_ in counted:
            if role:
                covered |= provides[role]
        truth[BASE + ident] = sorted(nine - covered)
        initiatives.append(
            {"id": ident, "foundation": foundation, "assignments": assignments, "partOf": programme}
        )
    return initiatives, truth


def turtle(initiatives: list[dict[str, object]]) -> str:
    lines = [
        "@prefix cilo: <https://w3id.org/cilo#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix time: <http://www.w3.org/2006/time#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        f"@prefix : <{BASE}> .",
        "",
    ]
    lines += [
        f':foundation{k} a cilo:Organization ; rdfs:label "Foundation {k}" .' for k in range(FOUNDATIONS)
    ]
    for init in initiatives:
        ident = init["id"]
        part_of = f" ; cilo:partOf :{init['partOf']}" if init.get("partOf") else ""
        lines.append(f':{ident} a cilo:Initiative ; rdfs:label "Initiative {ident}"{part_of} .')
        lines.append(f':{ident}-worker a cilo:Person ; rdfs:label "Development worker {ident}" .')
        lines.append(f':{ident}-sponsor a cilo:Person ; rdfs:label "Sponsor {ident}" .')
        for k, (agent, role, function, level, start, end) in enumerate(init["assignments"]):  # type: ignore[arg-type]
            what = f"cilo:role cilo:{role}" if role else f"cilo:performsFunction cilo:{function}"
            during = ""
            if start or end:
                ends = [
                    f'time:{p} [ time:inXSDDate "{d}"^^xsd:date ]'
                    for p, d in (("hasBeginning", start), ("hasEnd", end))
                    if d
                ]
                during = f" ; org:memberDuring [ {' ; '.join(ends)} ]"
            lines.append(
                f":{ident}-a{k} a cilo:RoleAssignment ; cilo:agent :{agent} ; {what} ; "
                f"cilo:initiative :{ident} ; cilo:level cilo:{level}{during} ."
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
        for k, (agent, role, function, level, start, end) in enumerate(init["assignments"]):  # type: ignore[arg-type]
            what = f"role: {role}" if role else f"function: {function}"
            period = "".join(f", {key}: {d}" for key, d in (("start", start), ("end", end)) if d)
            rows.append(f"  - {{id: {ident}-a{k}, agent: {agent}, {what}, level: {level}{period}}}")
        part_of = f"partOf: {init['partOf']}\n" if init.get("partOf") else ""
        docs.append(
            f"base: {BASE}\nid: {ident}\nlabel: Initiative {ident}\n{part_of}actors:\n"
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
    parser.add_argument("--programmes", type=int, default=0, metavar="P")
    parser.add_argument("--dated", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    initiatives, truth = generate(args.n, args.seed, args.programmes, args.dated)
    name = f"{args.n}{f'-p{args.programmes}' if args.programmes else ''}{'-dated' if args.dated else ''}"
    (args.out / f"initiatives-{name}.ttl").write_text(turtle(initiatives), encoding="utf-8")
    (args.out / f"initiatives-{name}.yaml").write_text(yaml_text(initiatives), encoding="utf-8")
    (args.out / f"truth-{name}.json").write_text(json.dumps(truth, indent=0), encoding="utf-8")
    missing = sum(map(len, truth.values()))
    print(f"{args.out}: {args.n} initiatives, {missing} missing functions (cilo {cilo.__version__})")


if __name__ == "__main__":
    main()
