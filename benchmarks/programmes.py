"""Programmes and time (issue 20): validation with inheritance, ``--on``, ``timeline`` and ``diff``.

    python benchmarks/programmes.py [N] [--programmes P] [--runs R]

Generates N initiatives in P programmes with dated assignments (``generate.py --programmes P
--dated``, seeds 1 and 2: two versions of one description), then times, each the median of R runs of
the real ``cilo`` command: ``validate`` (against the generator's truth; and, for comparison, of N
initiatives without programmes or dates), ``validate --on``,
``timeline`` and ``diff`` of the two versions; and the floor (``floor.py``: Oxigraph parse and the
``missing-functions`` query) on the same file, in the same run. Prints a Markdown table with each
figure as a ratio to the floor and the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, median_of, missing_from_report

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--programmes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python, cilo = str(BIN / "python"), str(BIN / "cilo")
    with tempfile.TemporaryDirectory(prefix="cilo-programmes-") as tmp:
        work = Path(tmp)
        name = f"{args.n}-p{args.programmes}-dated"
        for seed, folder in ((1, work / "a"), (2, work / "b")):
            median_of(
                [python, str(HERE / "generate.py"), str(args.n), "--seed", str(seed), "--out", str(folder),
                 "--programmes", str(args.programmes), "--dated"],
                1,
            )  # fmt: skip
        median_of([python, str(HERE / "generate.py"), str(args.n), "--out", str(work / "plain")], 1)
        plain = work / "plain" / f"initiatives-{args.n}.ttl"
        data, other = work / "a" / f"initiatives-{name}.ttl", work / "b" / f"initiatives-{name}.ttl"
        report = work / "report.json"
        rows = {
            "floor": median_of(
                [python, str(HERE / "floor.py"), str(data), str(work / "floor.json")], args.runs
            ),
            "validate": median_of(
                [cilo, "validate", str(data), "--format", "json"], args.runs, stdout=report
            ),
            "validate, no programmes": median_of([cilo, "validate", str(plain)], args.runs),
            "validate --on": median_of([cilo, "validate", str(data), "--on", "2023-06-01"], args.runs),
            "timeline": median_of([cilo, "timeline", str(data), "--format", "json"], args.runs),
            "diff": median_of([cilo, "diff", str(data), "--", str(other), "--format", "json"], args.runs),
        }
        _check(report, work / "a" / f"truth-{name}.json")
    floor = rows["floor"][0]
    targets = {"validate": "≤ 5 s", "validate --on": "≤ 1.2× validate", "timeline": "≤ 5 s", "diff": "≤ 10 s"}
    targets["validate, no programmes"] = "(the same N without programmes or dates)"
    print(
        f"N = {args.n:,} initiatives in {args.programmes} programmes, dated; {args.runs} runs each (median)"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| step | seconds | peak RSS | ÷ floor | target |")
    print("|---|---|---|---|---|")
    for step, (seconds, rss) in rows.items():
        extra = f" ({seconds / rows['validate'][0]:.2f}× validate)" if step == "validate --on" else ""
        ratio = f"{seconds / floor:.1f}×"
        print(f"| {step} | {seconds:.2f} s{extra} | {rss:.0f} MB | {ratio} | {targets.get(step, '')} |")


def _check(report: Path, truth_file: Path) -> None:
    """The validation found exactly the generator's missing functions."""
    truth = {k: sorted(v) for k, v in json.loads(truth_file.read_text()).items() if v}
    if missing_from_report(report) != truth:
        raise SystemExit("validate: the missing functions differ from the generator's truth")


if __name__ == "__main__":
    main()
