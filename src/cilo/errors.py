"""The errors cilo reports to its users: one small hierarchy, each mapped to exit code 2 by the CLI."""

from __future__ import annotations

from pathlib import Path


class CiloError(Exception):
    """Base class of every error cilo reports in words (never with a traceback)."""


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


class QueryError(CiloError):
    """An unknown query or parameter, a bad parameter value, or a query that cannot (or may not) run."""


class ShapesError(CiloError):
    """A profile or shapes file that cannot be used."""


class TermError(CiloError, ValueError):
    """A name that is not a term cilo knows where one is expected (a role, function, level or class)."""
