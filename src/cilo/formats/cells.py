"""Text that cannot run: spreadsheet cells (OWASP's rule against CSV injection) and terminal text.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)`` can send data away), and a tab or carriage return first can hide one.
cilo writes such a cell with a ``'`` in front, which spreadsheets show and never run, and its CSV
reader takes the ``'`` away again, so a table cilo wrote reads back as it was. Machine readers that
want the raw text ask for it (``guard=False``, ``--raw-csv``).

A terminal runs escape sequences (ANSI colours, OSC titles and links) and an XML file may not hold
most control characters: :func:`printable` writes every control character but tab and newline as
``\\xNN``, for text printed to a terminal and for graphml and gexf.
"""

from __future__ import annotations

import re

#: The first characters that make a spreadsheet cell a formula (or hide one).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    """``cell`` as a spreadsheet shows it and does not run it."""
    return "'" + cell if cell.startswith(TRIGGERS) else cell


def unguard(cell: str) -> str:
    """The text of a cell :func:`guard` wrote."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(TRIGGERS) else cell


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with each control character but tab and newline written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
