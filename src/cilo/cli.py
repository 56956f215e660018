"""The ``cilo`` command line: ``cilo summary`` and ``cilo validate``.

Exit codes: 0 success (for ``validate``: no Violation), 1 Violations found, 2 an error, reported
in one line on stderr without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cilo.errors import CiloError
from cilo.resources import DEFAULT_PROFILE, profiles


def _parser() -> argparse.ArgumentParser:
    from cilo import __version__

    parser = argparse.ArgumentParser(
        prog="cilo",
        description="Describe, validate and query who leads what in collective-impact initiatives.",
    )
    parser.add_argument("--version", action="version", version=f"cilo {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "summary", help="print a summary of the bundled ontology (functions, roles, levels, Table 3)"
    )

    v = sub.add_parser("validate", help="validate initiative descriptions against the SHACL shapes")
    v.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="descriptions (.ttl .nt .nq .trig .jsonld .rdf .owl .xml), merged",
    )
    which = v.add_mutually_exclusive_group()
    which.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        choices=profiles(),
        help=f"the coverage profile (default {DEFAULT_PROFILE})",
    )
    which.add_argument("--shapes", metavar="FILE", help="your own shapes file, used in place of the profile")
    v.add_argument(
        "--format", choices=("text", "json", "turtle"), default="text", help="report format (default text)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "summary":
            from cilo.summary import ontology_summary

            sys.stdout.write(ontology_summary())
            return 0
        return _validate(args)
    except CiloError as e:
        print(f"cilo: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _validate(args: argparse.Namespace) -> int:
    from cilo.validation import validate

    report = validate(args.files, profile=args.profile, shapes=args.shapes)
    if args.format == "json":
        sys.stdout.write(report.to_json() + "\n")
    elif args.format == "turtle":
        sys.stdout.write(report.to_turtle())
    else:
        sys.stdout.write(report.to_text())
    return 0 if report.conforms else 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
