"""The ``cilo`` command line: ``summary``, ``validate``, ``convert``, ``query``, ``store load``,
``store list``, ``store remove``, ``reason``, ``network``, ``report``, ``timeline`` and ``diff``.

Exit codes: 0 success (for ``validate``: no Violation; for ``reason``: consistent; for ``diff``: no
change in coverage), 1 Violations found (or inconsistent, or coverage changed), 2 an error (every
:class:`cilo.CiloError`: its ``exit_code``), reported in one line on stderr without a traceback;
120 the output could not be written (a full disk: :mod:`cilo.process`); 130 interrupted. The choices
of every option are the library's own constants.

Files: the SPARQL of the shapes and queries, once parsed, and how long each query of the SHACL
engine took last time are kept in ``~/.cache/cilo`` (``$XDG_CACHE_HOME/cilo``; ``CILO_CACHE_DIR`` to
move it, set empty to turn it off): see :mod:`cilo.parsecache` and :mod:`cilo.shacl.durations`."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from cilo import process
from cilo.choices import (
    DIFF_FORMATS,
    ENGINES,
    NETWORK_FORMATS,
    REASONING_ENGINES,
    REPORT_FORMATS,
    RESULTS_FORMATS,
    WRITE_FORMAT_NAMES,
)
from cilo.errors import CiloError, UsageError
from cilo.loading import FORMATS, load
from cilo.resources import DEFAULT_PROFILE, profiles
from cilo.safety import LIMIT_NAMES, current, limits, memory_budget, parse_limits

if TYPE_CHECKING:
    from cilo.stores import Endpoint, OxigraphStore

_EXTENSIONS = " ".join(FORMATS)


def _parser() -> argparse.ArgumentParser:
    from cilo import __version__

    parser = argparse.ArgumentParser(
        prog="cilo",
        description="Describe, validate and query who leads what in collective-impact initiatives.",
    )
    parser.add_argument("--version", action="version", version=f"cilo {__version__}")
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"change one of cilo's limits on untrusted input for this run, before the command "
        f"(e.g. cilo --limit max_same_as_nodes=1000 reason FILE); the limits: {', '.join(LIMIT_NAMES)}",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "summary", help="print a summary of the bundled ontology (functions, roles, levels, Table 3)"
    )

    v = sub.add_parser("validate", help="validate initiative descriptions against the SHACL shapes")
    v.add_argument("files", nargs="*", metavar="FILE", help=f"descriptions ({_EXTENSIONS}), merged")
    _where_options(v, "validate")
    _base_option(v)
    _profile_options(v)
    v.add_argument("--format", choices=REPORT_FORMATS, default="text", help="report format (default text)")
    v.add_argument(
        "--on",
        metavar="YYYY-MM-DD",
        help="validate the description as it stood on that day: assignments that had ended or not begun "
        "are left out (undated ones count)",
    )
    v.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="auto: each shape compiled to SPARQL and run over all its focus nodes at once on Oxigraph, "
        "pySHACL for a shape that is not (default); fast: compiled shapes only (an error otherwise); "
        "pyshacl: the reference",
    )
    v.add_argument(
        "--reason",
        action="store_true",
        help="validate the OWL 2 RL closure (see `cilo reason`), not the data",
    )

    r = sub.add_parser("reason", help="what follows from descriptions and the ontology; is it consistent?")
    _files_argument(r)
    r.add_argument(
        "--engine",
        choices=REASONING_ENGINES,
        default="rl",
        help="rl: OWL 2 RL closure with property chains (default); dl: HermiT consistency (needs Java)",
    )
    r.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write the closure here (format from the extension: ttl nt rdf jsonld)",
    )
    _time_limit_option(r, "HermiT (--engine dl)", "reasoner_seconds")
    _base_option(r)

    n = sub.add_parser("network", help="the actor network: centrality, brokers, and bridging roles")
    _files_argument(n)
    n.add_argument("--format", choices=NETWORK_FORMATS, default="table", help="default table")
    n.add_argument(
        "-o", "--output", metavar="OUT", help="the file to write (whole or not at all); default stdout"
    )
    _base_option(n)

    h = sub.add_parser(
        "report", help="one self-contained HTML page: coverage matrix, gaps, network, messages"
    )
    _files_argument(h)
    _profile_options(h)
    h.add_argument(
        "-o", "--output", metavar="OUT", help="the HTML file to write (whole or not at all); default stdout"
    )
    _base_option(h)

    t = sub.add_parser(
        "timeline", help="coverage over time: per initiative and function, when it was covered and by whom"
    )
    _files_argument(t)
    t.add_argument("--format", choices=RESULTS_FORMATS, default="table", help="default table")
    _declared_profile_option(t, "whose functions")
    _base_option(t)

    d = sub.add_parser(
        "diff",
        help="what changed between two versions: coverage, assignments added, ended, removed, changed "
        "(cilo diff BEFORE... -- AFTER...; exit 1 when coverage changed)",
    )
    d.add_argument("before", nargs="+", metavar="BEFORE", help="the earlier description's files")
    d.add_argument(
        "--after",
        nargs="+",
        required=True,
        metavar="AFTER",
        help="the later description's files (or after --)",
    )
    d.add_argument("--format", choices=DIFF_FORMATS, default="text", help="default text")
    d.add_argument(
        "--on",
        metavar="YYYY-MM-DD",
        help="compare coverage as it stood on that day on each side (as validate --on counts it)",
    )
    _declared_profile_option(d, "whose functions count for coverage")
    _base_option(d)

    c = sub.add_parser("convert", help="write a description in another format (the same graph)")
    c.add_argument("file", metavar="IN", help=f"a description ({_EXTENSIONS})")
    c.add_argument("--to", required=True, choices=WRITE_FORMAT_NAMES, help="the format to write")
    c.add_argument(
        "-o", "--output", metavar="OUT", help="the file to write (whole or not at all); default stdout"
    )
    _raw_csv_option(c)
    _base_option(c)

    q = sub.add_parser(
        "query", help="run a catalogue query (or a .rq file) over descriptions, a store or an endpoint"
    )
    q.add_argument("name", nargs="?", metavar="NAME", help="a catalogue query, or the path of a .rq file")
    q.add_argument("files", nargs="*", metavar="FILE", help="descriptions to query (merged)")
    q.add_argument("--list", action="store_true", help="list the catalogue with its parameters")
    q.add_argument(
        "--bind", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter (repeatable)"
    )
    q.add_argument("--format", choices=RESULTS_FORMATS, default="table", help="default table")
    _where_options(q, "query")
    _time_limit_option(q, "the query", "query_seconds")
    _raw_csv_option(q)
    q.add_argument(
        "--allow-network",
        action="store_true",
        help="let a query file use SERVICE (asks other servers); refused otherwise",
    )
    _base_option(q)

    pr = sub.add_parser("profile", help="declare your own coverage profile")
    pr_sub = pr.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    pn = pr_sub.add_parser(
        "new", help="a profile that requires some functions (Violations) and advises others (Warnings)"
    )
    pn.add_argument("name", metavar="NAME", help="its name: lower-case letters, digits and hyphens")
    pn.add_argument(
        "--requires", default="", metavar="F,G", help="the functions it requires, comma-separated"
    )
    pn.add_argument("--warn", default="", metavar="F,G", help="the functions whose absence is only a Warning")
    pn.add_argument("-o", "--output", metavar="FILE", help="where to write its SHACL (.ttl); default stdout")

    s = sub.add_parser("store", help="manage an embedded Oxigraph store")
    store_sub = s.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    sl = store_sub.add_parser(
        "load",
        help="load descriptions into the store in DIR, each file its own graph (a file loaded again "
        "replaces its triples), all or nothing",
    )
    sl.add_argument("directory", metavar="DIR")
    sl.add_argument("files", nargs="+", metavar="FILE")
    _base_option(sl)
    ls = store_sub.add_parser("list", help="the files in the store in DIR: graph, triples, load time")
    ls.add_argument("directory", metavar="DIR")
    rm = store_sub.add_parser(
        "remove", help="take files (their graphs) out of the store in DIR, all or nothing"
    )
    rm.add_argument("directory", metavar="DIR")
    rm.add_argument("files", nargs="+", metavar="FILE", help="as loaded (the same path) or as listed")
    return parser


def _where_options(parser: argparse.ArgumentParser, verb: str) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--store", metavar="DIR", help=f"{verb} the embedded store in DIR (see `cilo store load`)"
    )
    where.add_argument(
        "--endpoint", metavar="URL", help=f"{verb} at a SPARQL 1.1 endpoint (it must hold the ontology)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="endpoint timeout in seconds (default 30)"
    )


def _where(args: argparse.Namespace) -> OxigraphStore | Endpoint | None:
    """The store or endpoint of --store / --endpoint, else None; files beside either are an error."""
    from cilo.stores import Endpoint, OxigraphStore

    if args.store or args.endpoint:
        if args.files:
            flag = "--store" if args.store else "--endpoint"
            raise UsageError(f"give files or {flag}, not both (add files to a store with `cilo store load`)")
        return (
            OxigraphStore(args.store, read_only=True)
            if args.store
            else Endpoint(args.endpoint, timeout=args.timeout)
        )
    if not args.files:
        raise UsageError("give the files, or --store DIR, or --endpoint URL")
    return None


def _files_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=f"descriptions ({_EXTENSIONS}), merged")


def _profile_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="PROFILE",
        help=f"the coverage profile: {', '.join(profiles())} (default {DEFAULT_PROFILE}), or your own "
        "(a .yaml declaration, see `cilo profile new`, or its .ttl)",
    )
    which.add_argument("--shapes", metavar="FILE", help="your own shapes file, used in place of the profile")


def _declared_profile_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--profile`` for commands that need the profile's list of functions (not its SHACL)."""
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="PROFILE",
        help=f"{what}: {', '.join(profiles())} (default {DEFAULT_PROFILE}), or a .yaml declaration",
    )


def _time_limit_option(parser: argparse.ArgumentParser, what: str, limit: str) -> None:
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        dest=limit,
        help=f"stop {what} after SECONDS (default {getattr(current(), limit):g})",
    )


def _raw_csv_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-csv",
        action="store_true",
        help="CSV cells as they are, for machine readers (by default a cell a spreadsheet would run as "
        "a formula, starting with = + - @, gets a ' in front)",
    )


def _base_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base", metavar="IRI", help="base IRI for local ids in YAML, JSON and CSV files that set none"
    )


#: The garbage collector's thresholds in the ``cilo`` command's own process (Python's: 700, 10, 10). A
#: command builds hundreds of thousands of objects that live until it ends (rows, assignments,
#: intervals), and each collection of the older generations walks them all again: at N = 10,000, a
#: quarter of ``cilo diff``'s time and a tenth of ``cilo timeline``'s (docs/benchmarks.md). What they
#: hold has few reference cycles, so collecting less often leaves the peak memory as it was.
BATCH_GC_THRESHOLDS = (100_000, 50, 100)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Run the command line; returns the exit code. ``own_process``: the process is cilo's alone
    (the ``cilo`` command), so the memory limit and :data:`BATCH_GC_THRESHOLDS` may be set on it."""
    args = _parser().parse_args(_after_separator(list(sys.argv[1:] if argv is None else argv)))
    # rdflib logs a warning for each odd IRI it meets; cilo reports what matters as errors instead
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    memory = current().max_memory_bytes
    try:
        chosen = parse_limits(args.limit)
        chosen.update(
            (name, getattr(args, name))
            for name in ("query_seconds", "reasoner_seconds")
            if getattr(args, name, None) is not None
        )
        with limits(**chosen):
            memory = current().max_memory_bytes
            if own_process:
                memory_budget(memory)
                gc.set_threshold(*BATCH_GC_THRESHOLDS)
                _deadline(current().command_seconds)
            return _command(args)
    except MemoryError:
        print(
            f"cilo: error: the command needed more memory than its limit of {memory:,} "
            "bytes (`cilo --limit max_memory_bytes=...` changes it)",
            file=sys.stderr,
        )
        return 2
    except CiloError as e:
        from cilo.formats.cells import printable

        print(f"cilo: error: {printable(str(e))}", file=sys.stderr)  # it may quote a file or a server
        return e.exit_code
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _after_separator(argv: list[str]) -> list[str]:
    """``diff BEFORE... -- AFTER...`` read as ``diff BEFORE... --after AFTER...``."""
    if "diff" in argv and "--" in argv[argv.index("diff") :]:
        at = argv.index("--", argv.index("diff"))
        return [*argv[:at], "--after", *argv[at + 1 :]]
    return argv


def _command(args: argparse.Namespace) -> int:
    if args.command == "summary":
        from cilo.summary import ontology_summary

        sys.stdout.write(ontology_summary())
        return 0
    commands = {
        "validate": _validate,
        "convert": _convert,
        "query": _query,
        "store": _store,
        "profile": _profile,
        "reason": _reason,
        "network": _network,
        "report": _report,
        "timeline": _timeline,
        "diff": _diff,
    }
    return commands[args.command](args)


def _validate(args: argparse.Namespace) -> int:
    from cilo.validation import validate

    where = _where(args)
    data = args.files if where is None else where
    if args.reason:
        from cilo.reasoning import reason

        if not args.files:
            raise UsageError("--reason needs the files (the closure is computed in memory)")
        data = reason(args.files, base=args.base).graph
    report = validate(
        data, profile=args.profile, shapes=args.shapes, base=args.base, engine=args.engine, on=args.on
    )
    sys.stdout.write(report.render(args.format))
    return 0 if report.conforms else 1


def _convert(args: argparse.Namespace) -> int:
    from cilo.writing import dump, render

    graph = load(args.file, base=args.base)
    header = (
        f"Written by `cilo convert {Path(args.file).name} --to {args.to}`; edit the original, not this file."
    )
    if args.output:
        left_out = dump(graph, args.output, args.to, header=header, csv_guard=not args.raw_csv)
    else:
        text, left_out = render(graph, args.to, header=header, csv_guard=not args.raw_csv)
        sys.stdout.write(text)
    if left_out:
        counts = ", ".join(f"{name} ({n})" for name, n in sorted(left_out.items()))
        total = sum(left_out.values())
        print(
            f"cilo: note: {total} triples have no {args.to} column and were left out: {counts}",
            file=sys.stderr,
        )
    return 0


def _query(args: argparse.Namespace) -> int:
    import warnings

    from cilo.catalogue import queries
    from cilo.errors import DataWarning, QueryError
    from cilo.querying import query

    if args.list:
        for q in queries():
            listed = ", ".join(
                f"{p.name} ({p.kind}{', optional' if p.optional else ''})" for p in q.parameters
            )
            print(f"{q.name}\n    {q.description}\n    parameters: {listed or 'none'}")
        return 0
    if not args.name:
        raise QueryError("name a query (see `cilo query --list`) or a .rq file")
    params: dict[str, str] = {}
    for item in args.bind:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise QueryError(f"--bind {item!r}: write NAME=VALUE, such as role=Evaluator")
        params[key.strip()] = value.strip()
    where = _where(args)
    data = load(args.files, base=args.base) if where is None else where
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        results = query(args.name, data, allow_network=args.allow_network, **params)
    sys.stdout.write(results.render(args.format, guard=not args.raw_csv))
    said = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    for words in said:
        print(f"cilo: warning: {words}", file=sys.stderr)
    if not results and params and not said:
        print("cilo: note: each parameter is in the data, but no row matches them together", file=sys.stderr)
    return 0


def _profile(args: argparse.Namespace) -> int:
    from cilo.profile import new
    from cilo.writing import write_atomic

    def names(text: str) -> list[str]:
        return [name.strip() for name in text.split(",") if name.strip()]

    text = new(args.name, names(args.requires), names(args.warn)).to_turtle()
    if args.output:
        write_atomic(Path(args.output), text)
        print(f"{args.output}: written; use it with `cilo validate FILE... --profile {args.output}`")
    else:
        sys.stdout.write(text)
    return 0


def _store(args: argparse.Namespace) -> int:
    from cilo.stores import OxigraphStore

    if args.store_command == "list":
        files = OxigraphStore(args.directory, read_only=True).files()
        width = max((len(f.file) for f in files), default=4)
        print(f"{'file':<{width}}  {'triples':>9}  {'loaded (UTC)':<25}  graph")
        for f in files:
            print(f"{f.file:<{width}}  {f.triples:>9,}  {f.loaded:<25}  <{f.graph}>")
        print(f"{len(files)} file(s), {sum(f.triples for f in files):,} triples, and the ontology")
        return 0
    store = OxigraphStore(args.directory)
    try:
        if args.store_command == "remove":
            change = store.remove(args.files)
            verb = "removed"
        else:
            change = store.load(args.files, base=args.base)
            verb = "loaded"
        files = store.files()
    finally:
        store.close()
    print(
        f"{args.directory}: {len(args.files)} file(s) {verb} ({change:+,} triples); "
        f"{len(files)} file(s), {sum(f.triples for f in files):,} triples in the store"
    )
    return 0


def _deadline(seconds: float) -> None:
    """End this process, with one line and exit code 2, once the command has run ``seconds``: from
    a signal handler, so native code that holds the interpreter (a parser, a query) is cut off too
    as soon as it returns. Files and stores are written atomically, so nothing is left half-done."""
    import os
    import signal

    def expire(signum: int, frame: object) -> None:
        sys.stderr.write(
            f"cilo: error: the command ran past its time limit of {seconds:g} s "
            "(`cilo --limit command_seconds=...` changes it)\n"
        )
        sys.stderr.flush()
        for child in _children(os.getpid()):  # query workers, HermiT's Java: they end with it
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
        os._exit(2)

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc (none where there is no /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def run() -> NoReturn:
    """Console-script entry point: the process ends as soon as the command's output is written
    (:mod:`cilo.process`)."""
    process.ending_soon()
    process.end(main(own_process=True))


def _reason(args: argparse.Namespace) -> int:
    from cilo.reasoning import reason

    result = reason(args.files, engine=args.engine, base=args.base)
    if args.output:
        from cilo.writing import dump, write_atomic

        if Path(args.output).suffix.lower() == ".nt":  # line by line: fast for a large closure
            lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.triples})
            write_atomic(args.output, "".join(lines))
        else:
            dump(result.graph, args.output)
    sys.stdout.write(result.to_text() + "\n")
    return 0 if result.consistent else 1


def _network(args: argparse.Namespace) -> int:
    from cilo.network import network, write

    net = network(args.files, base=args.base)
    if args.output:
        write(net, args.output, args.format)
    else:
        sys.stdout.buffer.write(net.to_bytes(args.format))
        sys.stdout.flush()
    return 0


def _timeline(args: argparse.Namespace) -> int:
    from cilo.timeline import timeline

    sys.stdout.write(timeline(args.files, profile=args.profile, base=args.base).render(args.format))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from cilo.diff import diff

    changes = diff(args.before, args.after, profile=args.profile, base=args.base, on=args.on)
    sys.stdout.write(changes.render(args.format))
    return 1 if changes.coverage_changed else 0


def _report(args: argparse.Namespace) -> int:
    from cilo.htmlreport import html_report
    from cilo.writing import write_atomic

    page = html_report(args.files, profile=args.profile, shapes=args.shapes, base=args.base)
    if not args.output:
        sys.stdout.write(page)
        return 0
    write_atomic(args.output, page)
    if Path(args.output).is_file():  # not "-" or /dev/stdout, where the page itself went
        print(f"{args.output}: written ({len(page.encode('utf-8')) // 1024} KB, self-contained)")
    return 0
