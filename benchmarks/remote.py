"""Validation where the data lives, beside the files and the floor, at one size (docs/scaling.md).

    python benchmarks/remote.py [N] [--runs 3]

Generates N synthetic initiatives (``generate.py``, seed 1), loads them into an embedded store and
serves a copy with ``oxigraph serve``, then times in fresh subprocesses (median of ``--runs`` rounds,
peak RSS of the cilo process): the floor (``floor.py``), ``cilo validate FILE``, ``cilo validate
--store`` and ``cilo validate --endpoint``, one of each per round, so that each is also compared with
the floor of its own round (a machine's speed can drift by a third within minutes). Each report's
missing functions are checked against the generator's ground truth; a mismatch fails the run.
Prints seconds, each as a multiple of the floor, and MB.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import BIN, check, floor_command, generated, missing_from_report, timed  # noqa: E402

from tests.servers import oxigraph_serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data, truth = generated(args.n, work)
        store = work / "store"
        subprocess.run([str(BIN / "cilo"), "store", "load", str(store), str(data)], check=True)
        served = work / "served"
        shutil.copytree(store / "active" / "db", served)
        with oxigraph_serve(served) as url:
            runs = {
                FLOOR: floor_command(data, work / "f.json"),
                "cilo validate FILE": [str(data)],
                "cilo validate --store": ["--store", str(store)],
                "cilo validate --endpoint (oxigraph serve)": ["--endpoint", url, "--timeout", "600"],
            }
            measured = in_rounds(runs, args.runs, work, truth)
    floors = measured[FLOOR]
    print(f"N = {args.n:,}, {platform.machine()}, {platform.python_version()}, median of {args.runs} rounds")
    print("| run | seconds | ÷ floor | ÷ floor, same round (median) | peak RSS (MB) |\n|---|---|---|---|---|")
    floor = statistics.median(s for s, _ in floors)
    for name, values in measured.items():
        seconds = statistics.median(s for s, _ in values)
        paired = statistics.median(s / f for (s, _), (f, _) in zip(values, floors, strict=True))
        rss = max(r for _, r in values)
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f}× | {paired:.2f}× | {rss:.0f} |")


FLOOR = "floor (Oxigraph parse + missing-functions)"


def in_rounds(
    runs: dict[str, list[str]], rounds: int, work: Path, truth: dict[str, list[str]]
) -> dict[str, list[tuple[float, float]]]:
    """(seconds, peak RSS) of each run, ``rounds`` times, one of each per round: on a machine whose
    speed drifts from minute to minute, a run is compared with the floor of its own round. A ``cilo``
    run's report is checked against the generator's truth."""
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, args in runs.items():
            is_floor = name == FLOOR
            cmd = args if is_floor else [str(BIN / "cilo"), "validate", *args, "--format", "json"]
            report = work / "report.json"
            seconds, rss, code = timed(cmd, stdout=None if is_floor else report)
            if code not in (0, 1):
                raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
            if not is_floor:
                check(name, missing_from_report(report), truth)
            measured[name].append((seconds, rss))
    return measured


if __name__ == "__main__":
    main()
