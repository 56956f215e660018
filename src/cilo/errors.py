"""Every error cilo reports to its users: one hierarchy under :class:`CiloError`.

The command line prints each as one line (``cilo: error: ...``, no traceback) and exits with the
class's :attr:`CiloError.exit_code` (2 for all of them: 0 and 1 are the verdicts of ``validate`` and
``reason``, 130 an interrupt).
"""

from __future__ import annotations

from pathlib import Path


class CiloError(Exception):
    """Base class of every error cilo reports in words (never with a traceback)."""

    #: The command line's exit code for this error.
    exit_code = 2


class InputError(CiloError):
    """A file that cannot be read, parsed or used, with where and what was expected."""

    def __init__(
        self, path: str | Path, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {message}")


class InputErrors(InputError):  # noqa: N818 - several InputError, named as such
    """Several problems in one file, found in one reading: the first :data:`MAX_REPORTED` of them, each
    an :class:`InputError` in :attr:`errors` (``path``, ``line`` and ``message`` are the first's)."""

    #: How many problems of one file are told; past it, "... and N more".
    MAX_REPORTED = 50

    def __init__(self, errors: list[InputError], total: int) -> None:
        first = errors[0]
        super().__init__(first.path, first.message, first.line, first.column)
        self.errors = errors
        self.total = total
        more = f"\n  ... and {total - len(errors)} more" if total > len(errors) else ""
        lines = "\n".join(f"  {e}" for e in errors)
        self.args = (f"{total} problems in {first.path}; nothing was loaded:\n{lines}{more}",)

    @classmethod
    def raise_for(cls, errors: list[InputError]) -> None:
        """Raise the one error, or all of them (in the order of their lines); nothing when none."""
        if len(errors) == 1:
            raise errors[0]
        if errors:
            ordered = sorted(errors, key=lambda e: (e.line or 0, e.column or 0))
            raise cls(ordered[: cls.MAX_REPORTED], len(errors))


class QueryError(CiloError):
    """An unknown query or parameter, a bad parameter value, or a query that cannot (or may not) run."""


class ShapesError(CiloError):
    """A profile or shapes file that cannot be used."""


class TermError(CiloError, ValueError):
    """A name that is not a term cilo knows where one is expected (a role, function, level or class)."""


class UsageError(CiloError, ValueError):
    """A bad argument to a cilo function: an unknown engine, format or limit, a value out of range."""


class DescriptionError(CiloError, ValueError):
    """A description built in Python (:class:`cilo.Description`) that cilo cannot record as asked."""


class NotExpressibleError(CiloError):
    """A graph that a description document (YAML, JSON-LD, CSV) cannot carry without loss."""


class RemoteDocumentError(CiloError):
    """A JSON-LD document asked for a context or document cilo does not bundle (it fetches none)."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


class OutputError(CiloError):
    """A file cilo cannot write as asked (a folder, a missing folder, no permission)."""


class StoreError(QueryError):
    """An embedded store that cannot be opened, locked or changed as asked."""


class ReasoningError(CiloError):
    """A reasoner that cannot run (no Java, a HermiT failure, an unknown engine), in words."""


class TimeLimitError(CiloError):
    """Work stopped because it ran past its wall-clock limit (see :func:`cilo.limits`)."""


class WorkLimitError(CiloError):
    """Work refused before it starts because it would pass one of the limits (see :func:`cilo.limits`),
    such as an ``owl:sameAs`` class too large to reason with or an actor network too dense to analyse."""


class WorkerError(CiloError):
    """The child process that ran a query under a time limit died without an answer (a crash, a signal)."""


class UnsupportedError(ShapesError):
    """Shapes that use a SHACL feature the fast engine does not translate (it then declines)."""


class DataWarning(UserWarning):
    """Something about the data a user may not have meant (a bound IRI the data does not hold); the
    command line prints it as ``cilo: warning: ...``."""
