"""Measure validation, queries and loading at several sizes and print a table (``make bench``).

    python benchmarks/run.py [--sizes 100 1000 10000] [--runs 3] [--cap 120] [--lookups 50]

For each N: generate N synthetic initiatives (``generate.py``), then time, in fresh subprocesses
(median of ``--runs``, peak RSS of the process):
- ``cilo validate`` end to end (parse, validate, JSON report) with the fast engine;
- the reference: the same with ``--engine pyshacl``, skipped past ``--cap`` seconds (the cap is shown);
- the floor: the ``missing-functions`` query alone on pyoxigraph (load + one query);
- ``cilo store load`` of the file into a new embedded store, and the reference: Oxigraph's bulk loader
  on the same file (``bulk.py``), into the default graph and into one named graph;
- ``cilo.reason`` (rl: OWL 2 RL closure with property chains and the contradiction check), once;
and, in this process, ``who-holds-role`` for one initiative (p50 of ``--lookups``) in the embedded store and
in memory, and all its rows from the embedded store and from an in-memory Oxigraph store holding the
same file (the reference). Every engine's missing functions are checked
against the generator's ground truth; a mismatch fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def timed(
    cmd: list[str], timeout: float | None = None, stdout: Path | None = None
) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one subprocess, its standard output to ``stdout``."""
    start = time.perf_counter()
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            elapsed = time.perf_counter() - start
            if stdout:
                out.close()  # type: ignore[union-attr]
            return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            proc.wait()
            if stdout:
                out.close()  # type: ignore[union-attr]
            return float("inf"), 0.0, -9
        time.sleep(0.01)


def median_of(
    cmd: list[str], runs: int, timeout: float | None = None, stdout: Path | None = None
) -> tuple[float, float]:
    measured = [timed(cmd, timeout, stdout) for _ in range(runs)]
    for _seconds, _rss, code in measured:
        if code not in (0, 1, -9):
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
    return statistics.median(m[0] for m in measured), max(m[1] for m in measured)


def missing_from_report(path: Path) -> dict[str, list[str]]:
    report = json.loads(path.read_text())
    found: dict[str, set[str]] = {}
    for r in report["results"]:
        if r["severity"].endswith("Violation") and r["source_shape"].endswith("FunctionsProfile"):
            found.setdefault(r["focus_node"], set()).add(r["value"])
    return {k: sorted(v) for k, v in found.items()}


def grouped(path: Path) -> dict[str, list[str]]:
    """``[[initiative, function], ...]`` in ``path`` as {initiative: sorted functions}."""
    found: dict[str, list[str]] = {}
    for initiative, function in json.loads(path.read_text()):
        found.setdefault(initiative, []).append(function)
    return {k: sorted(v) for k, v in found.items()}


def generated(n: int, work: Path) -> tuple[Path, dict[str, list[str]]]:
    """N synthetic initiatives (``generate.py``, seed 1) in ``work``: the Turtle file, and the
    generator's ground truth (initiative -> its missing functions)."""
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(n), "--seed", "1", "--out", str(work)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return work / f"initiatives-{n}.ttl", json.loads((work / f"truth-{n}.json").read_text())


def floor_command(data: Path, out: Path) -> list[str]:
    """The floor (``floor.py``: Oxigraph parses ``data`` and runs ``missing-functions``)."""
    return [sys.executable, str(HERE / "floor.py"), str(data), str(out)]


def check(name: str, got: dict[str, list[str]], truth: dict[str, list[str]]) -> None:
    want = {k: v for k, v in truth.items() if v}
    if not want:
        raise SystemExit(f"{name}: the generated data has no missing functions, so nothing was checked")
    if got != want:
        raise SystemExit(f"{name}: the missing functions differ from the ground truth")


def bench(n: int, runs: int, cap: float, work: Path, lookups: int) -> dict[str, Any]:
    import cilo
    from cilo.stores import MemoryStore, OxigraphStore

    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(n), "--out", str(work)],
        check=True,
        capture_output=True,
    )
    data, truth = work / f"initiatives-{n}.ttl", json.loads((work / f"truth-{n}.json").read_text())
    row: dict[str, Any] = {"n": n}
    report, reference = work / f"report-{n}.json", work / f"reference-{n}.json"
    validate = [str(BIN / "cilo"), "validate", str(data), "--format", "json"]
    row["fast"], row["fast_rss"] = median_of(validate, runs, stdout=report)
    check("fast engine", missing_from_report(report), truth)
    row["pyshacl"], _ = median_of([*validate, "--engine", "pyshacl"], 1, cap, stdout=reference)
    if row["pyshacl"] != float("inf"):
        check("pySHACL", missing_from_report(reference), truth)
        if json.loads(reference.read_text())["results"] != json.loads(report.read_text())["results"]:
            raise SystemExit("pySHACL: its results differ from the fast engine's")
    out = work / f"pairs-{n}.json"
    row["naive"], _ = median_of([sys.executable, str(HERE / "naive.py"), str(data), str(out)], 1, cap)
    if row["naive"] != float("inf"):
        check("naive pySHACL (core shapes)", grouped(out), truth)
    row["reason"], row["reason_rss"] = median_of([sys.executable, str(HERE / "reason.py"), str(data)], 1, cap)
    row["floor"], _ = median_of([sys.executable, str(HERE / "floor.py"), str(data), str(out)], runs)
    check("SPARQL floor", grouped(out), truth)
    loads, bulk, bulk_graph = [], [], []
    for k in range(runs):
        target = work / f"store-{n}-{k}"
        loads.append(timed([str(BIN / "cilo"), "store", "load", str(target), str(data)])[:2])
        bulk.append(timed([sys.executable, str(HERE / "bulk.py"), str(data), str(work / f"bulk-{n}-{k}")])[0])
        bulk_graph.append(
            timed(
                [sys.executable, str(HERE / "bulk.py"), str(data), str(work / f"bulkg-{n}-{k}"), "--graph"]
            )[0]
        )
    row["store_load"] = statistics.median(t for t, _ in loads)
    row["store_load_rss"] = max(rss for _, rss in loads)
    row["bulk"], row["bulk_graph"] = statistics.median(bulk), statistics.median(bulk_graph)
    store = OxigraphStore(work / f"store-{n}-0", read_only=True)
    memory = MemoryStore(data)
    picks = [f"https://example.org/bench/i{random.Random(k).randrange(n)}" for k in range(lookups)]
    for name, where in (("lookup_store", store), ("lookup_memory", memory)):
        times = []
        for iri in picks:
            start = time.perf_counter()
            cilo.query("who-holds-role", where, initiative=iri)
            times.append(time.perf_counter() - start)
        row[name] = statistics.median(times)
    start = time.perf_counter()
    row["all_rows"] = len(cilo.query("who-holds-role", store))
    row["all_rows_s"] = time.perf_counter() - start
    row["all_rows_memory_s"] = _all_rows_in_memory(data, row["all_rows"])
    return row


def _all_rows_in_memory(data: Path, expected: int) -> float:
    """Seconds for all who-holds-role rows from an in-memory Oxigraph store (converted as cilo does)."""
    import pyoxigraph

    from cilo.catalogue import get
    from cilo.oxigraph import ontology_ntriples, rows

    memory = pyoxigraph.Store()
    memory.load(ontology_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    memory.load(path=str(data), format=pyoxigraph.RdfFormat.TURTLE)
    start = time.perf_counter()
    solutions = memory.query(get("who-holds-role").text)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    found = rows(solutions, tuple(v.value for v in solutions.variables))
    seconds = time.perf_counter() - start
    if len(found) != expected:
        raise SystemExit("who-holds-role: the store and the in-memory reference give different row counts")
    return seconds


def table(rows: list[dict[str, Any]], cap: float) -> str:
    """The rows as a markdown table, with ratios to the fast engine."""

    def s(x: float) -> str:
        return f"> {cap:.0f} s (cap)" if x == float("inf") else f"{x:.2f} s"

    def times(x: float, fast: float) -> str:
        return "—" if x == float("inf") else f"{x / fast:.0f}×"

    lines = [
        "| N | validate (fast) | peak RSS | pySHACL, cilo shapes | ÷ fast | naive pySHACL, core shapes "
        "| ÷ fast | SPARQL floor | fast ÷ floor | store load, peak RSS | ÷ bulk loader (default graph "
        "/ named graph) | who-holds-role p50, store | p50, memory | all rows: store | ÷ in-memory Oxigraph "
        "| reason (rl) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        fast = r["fast"]
        lines.append(
            f"| {r['n']:,} | {s(fast)} | {r['fast_rss']:.0f} MB | {s(r['pyshacl'])} "
            f"| {times(r['pyshacl'], fast)} | {s(r['naive'])} | {times(r['naive'], fast)} | {s(r['floor'])} "
            f"| {fast / r['floor']:.1f}× | {s(r['store_load'])}, {r['store_load_rss']:.0f} MB "
            f"| {r['store_load'] / r['bulk']:.2f}× ({s(r['bulk'])}) "
            f"/ {r['store_load'] / r['bulk_graph']:.2f}× ({s(r['bulk_graph'])}) "
            f"| {r['lookup_store'] * 1000:.2f} ms "
            f"| {r['lookup_memory'] * 1000:.2f} ms | {r['all_rows']:,} in {s(r['all_rows_s'])} "
            f"| {r['all_rows_s'] / r['all_rows_memory_s']:.1f}× ({s(r['all_rows_memory_s'])}) "
            f"| {s(r['reason'])}, {r['reason_rss']:.0f} MB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cap", type=float, default=120.0, help="seconds before the pySHACL reference is skipped"
    )
    parser.add_argument(
        "--lookups",
        type=int,
        default=50,
        help="one-initiative lookups timed per store (each starts a time-limited worker, 0.3-0.7 s)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench(n, args.runs, args.cap, Path(tmp), args.lookups) for n in args.sizes]
    print(f"cores: {os.cpu_count()}; every engine found exactly the generator's missing functions\n")
    print(table(rows, args.cap))


if __name__ == "__main__":
    main()
