"""cilo's shapes with a user's profile in SHACL Core, beside the floor and pySHACL (issue 17).

    python benchmarks/profile.py [N] [--runs 3] [--cap 120]

Generates N synthetic initiatives (``generate.py``, seed 1) and times in fresh subprocesses (median of
``--runs``, peak RSS): the floor (``floor.py``), ``cilo validate FILE`` (cilo's shapes), ``cilo
validate FILE --shapes benchmarks/user-profile.ttl`` (cilo's base shapes and the user's profile in
SHACL Core: sh:in, sh:pattern, sh:node, a qualified count, a node-level sh:class, sh:lessThanOrEquals)
and the same with ``--engine pyshacl``, stopped at ``--cap`` seconds. Checks: the fast engine compiles
the whole profile; its sponsor warnings are the generator's initiatives without a sponsor; where
pySHACL finishes, its results are the fast engine's. Prints seconds, each as a multiple of the floor.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BIN, floor_command, generated, median_of  # noqa: E402

PROFILE = HERE / "user-profile.ttl"
SPONSOR = "https://w3id.org/cilo#Sponsor"


def _results(path: Path) -> list[tuple[str, ...]]:
    """A report's results without their messages (a qualified count's default message is worded
    otherwise by pySHACL), blank nodes (a path such as ``[ sh:inversePath ... ]``) alike."""

    def shown(term: object) -> str:
        return "_:" if str(term).startswith("_:") else str(term)

    report = json.loads(path.read_text())
    return sorted(
        (
            r["focus_node"],
            shown(r["result_path"]),
            shown(r["value"]),
            r["severity"],
            r["constraint_component"],
        )
        for r in report["results"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data, truth = generated(args.n, work)
        cilo = [str(BIN / "cilo"), "validate", str(data), "--format", "json"]
        user = [*cilo, "--shapes", str(PROFILE)]
        rows = [
            ("floor (Oxigraph parse + missing-functions)",
             median_of(floor_command(data, work / "f.json"), args.runs)),
            ("cilo validate FILE (cilo's shapes)", median_of(cilo, args.runs)),
            ("… --shapes user-profile.ttl (base shapes + the user's profile)",
             median_of(user, args.runs, stdout=work / "fast.json")),
        ]  # fmt: skip
        report = json.loads((work / "fast.json").read_text())
        if report["engine"] != "fast":
            raise SystemExit(f"the fast engine did not compile the whole profile: {report['engine']}")
        warned = {r["focus_node"] for r in report["results"] if r["severity"].endswith("Warning")}
        if warned != {i for i, missing in truth.items() if SPONSOR in missing}:
            raise SystemExit("the sponsor warnings differ from the generator's initiatives without a sponsor")
        seconds, rss = median_of([*user, "--engine", "pyshacl"], 1, args.cap, stdout=work / "pyshacl.json")
        capped = seconds >= args.cap
        if not capped and _results(work / "pyshacl.json") != _results(work / "fast.json"):
            raise SystemExit("pySHACL's results differ from the fast engine's")
        rows.append(("… the same on pySHACL" + (" (capped)" if capped else ""), (seconds, rss)))
    floor = rows[0][1][0]
    print(f"N = {args.n:,}, {platform.machine()}, {platform.python_version()}, median of {args.runs}")
    print("| run | seconds | ÷ floor | peak RSS (MB) |\n|---|---|---|---|")
    for name, (s, mb) in rows:
        if name.endswith("(capped)"):
            print(f"| {name} | > {args.cap:.0f} | > {args.cap / floor:.0f}× | — |")
        else:
            print(f"| {name} | {s:.2f} | {s / floor:.2f}× | {mb:.0f} |")
    print("the fast engine compiled the whole profile; its sponsor warnings are the generator's gaps")


if __name__ == "__main__":
    main()
