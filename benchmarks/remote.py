"""Validation where the data lives, beside the files and the floor, at one size (docs/scaling.md).

    python benchmarks/remote.py [N] [--runs 3]

Generates N synthetic initiatives (``generate.py``, seed 1), loads them into an embedded store and
serves a copy with ``oxigraph serve``, then times in fresh subprocesses (median of ``--runs``, peak
RSS of the cilo process): the floor (``floor.py``), ``cilo validate FILE``, ``cilo validate --store``
and ``cilo validate --endpoint``. Each report's missing functions are checked against the generator's
ground truth; a mismatch fails the run. Prints seconds, each as a multiple of the floor, and MB.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import BIN, check, floor_command, generated, median_of, missing_from_report  # noqa: E402

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
        rows: list[tuple[str, float, float]] = []
        floor, floor_rss = median_of(floor_command(data, work / "f.json"), args.runs)
        rows.append(("floor (Oxigraph parse + missing-functions)", floor, floor_rss))
        with oxigraph_serve(served) as url:
            for name, where in (
                ("cilo validate FILE", [str(data)]),
                ("cilo validate --store", ["--store", str(store)]),
                ("cilo validate --endpoint (oxigraph serve)", ["--endpoint", url, "--timeout", "600"]),
            ):
                report = work / "report.json"
                cmd = [str(BIN / "cilo"), "validate", *where, "--format", "json"]
                seconds, rss = median_of(cmd, args.runs, stdout=report)
                check(name, missing_from_report(report), truth)
                rows.append((name, seconds, rss))
    print(f"N = {args.n:,}, {platform.machine()}, {platform.python_version()}, median of {args.runs}")
    print("| run | seconds | ÷ floor | peak RSS (MB) |\n|---|---|---|---|")
    for name, seconds, rss in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f}× | {rss:.0f} |")


if __name__ == "__main__":
    main()
