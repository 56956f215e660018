"""Spreadsheet cells that cannot run: OWASP's rule against CSV injection.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)`` can send data away), and a tab or carriage return first can hide one.
cilo writes such a cell with a ``'`` in front, which spreadsheets show and never run, and its CSV
reader takes the ``'`` away again, so a table cilo wrote reads back as it was. Machine readers that
want the raw text ask for it (``guard=False``, ``--raw-csv``).
"""

from __future__ import annotations

#: The first characters that make a spreadsheet cell a formula (or hide one).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    """``cell`` as a spreadsheet shows it and does not run it."""
    return "'" + cell if cell.startswith(TRIGGERS) else cell


def unguard(cell: str) -> str:
    """The text of a cell :func:`guard` wrote."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(TRIGGERS) else cell
