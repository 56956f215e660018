"""`make fuzz`: at least 10,000 mutated inputs through cilo's loaders and command line.

    python tests/fuzz.py [--inputs 10000] [--queries 10000] [--seed 0]

Prints, per target, how many inputs were tried, accepted, rejected with a clear error, and how many
gave a traceback or crashed the process (must be 0; the exit code is 1 otherwise, with the first
inputs that did, saved under fuzz-crashes/). Each target runs in a child process, so a crash in
native code (a parser segfault) is counted instead of ending the run. Then ``--queries`` query texts
built from SPARQL's hard tokens go through cilo's SERVICE refusal and rdflib's parser: a *slip* (rdflib
sees a SERVICE, cilo lets it pass) fails the run like a crash. Strategies: tests/fuzzing.py.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import fuzzing  # after the path is set

#: Share of the inputs each target gets: the loaders are the attack surface, and quick.
SHARES = {"load": 0.6, "validate": 0.1, "query": 0.1, "convert": 0.1, "network": 0.1}


def run_target(target: str, count: int, seed: int, folder: Path, results: object) -> None:
    """In the child: ``count`` inputs through ``target``; the input being tried is kept in
    ``folder/current`` so the parent can name it if the process dies."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    logging.getLogger("rdflib").setLevel(logging.ERROR)  # as the command line does: odd IRIs are errors

    counts: Counter[str] = Counter()
    crashes: list[tuple[str, str, bytes]] = []

    def tally(outcome: fuzzing.Outcome, suffix: str, data: bytes) -> None:
        counts["tried"] += 1
        kind = outcome.split(":")[0]
        counts[kind] += 1
        if kind not in ("accepted", "rejected") and len(crashes) < 5:
            crashes.append((outcome, suffix, data))

    def fuzz(case: tuple[str, bytes] | str) -> None:
        if isinstance(case, str):  # a query for the SERVICE differential
            (folder / "current").write_bytes(b".rq\n" + case.encode())
            tally(fuzzing.service_outcome(case), ".rq", case.encode())
            return
        suffix, data = case
        (folder / "current").write_bytes(suffix.encode() + b"\n" + data)
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        tally(fuzzing.targets(path)[target](), suffix, data)

    strategy = fuzzing.service_queries() if target == "service" else fuzzing.mutated_files()
    options = settings(
        max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    hypothesis_seed(seed)(options(given(strategy)(fuzz)))()
    results.put((dict(counts), crashes))  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    totals: Counter[str] = Counter()
    saved = Path("fuzz-crashes")
    print(f"{'target':<10} {'tried':>7} {'accepted':>9} {'rejected':>9} {'crashes':>8} {'seconds':>8}")
    counts_of = {target: max(1, round(args.inputs * share)) for target, share in SHARES.items()}
    for target, count in [*counts_of.items(), ("service", args.queries)]:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            results = context.Queue()
            child = context.Process(target=run_target, args=(target, count, args.seed, folder, results))
            child.start()
            child.join()
            if child.exitcode == 0:
                counts, crashes = results.get()
            else:  # the process died: the input it was on is the crash
                current = (folder / "current").read_bytes() if (folder / "current").exists() else b"?\n"
                suffix, _, data = current.partition(b"\n")
                counts = {"tried": 1, "crash": 1}
                crashes = [(f"crash: the process died (exit code {child.exitcode})", suffix.decode(), data)]
        seconds = time.perf_counter() - started
        for key, value in counts.items():
            totals[key] += value
        slips = f"  slips: {counts.get('slip', 0)}" if target == "service" else ""
        print(
            f"{target:<10} {counts.get('tried', 0):>7} {counts.get('accepted', 0):>9} "
            f"{counts.get('rejected', 0):>9} {counts.get('crash', 0):>8} {seconds:>8.1f}{slips}"
        )
        for i, (outcome, suffix, data) in enumerate(crashes):
            saved.mkdir(exist_ok=True)
            (saved / f"{target}-{i}{suffix}").write_bytes(data)
            print(f"    {outcome}  (input saved as {saved / f'{target}-{i}{suffix}'})")
    tried, accepted, rejected, crashes = (totals[k] for k in ("tried", "accepted", "rejected", "crash"))
    print(f"{'total':<10} {tried:>7} {accepted:>9} {rejected:>9} {crashes:>8}")
    print(f"(service: {totals['slip']} slips: SERVICE queries rdflib parses that cilo let through)")
    return 1 if totals["crash"] or totals["slip"] else 0


if __name__ == "__main__":
    sys.exit(main())
