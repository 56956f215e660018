"""The rows a query returns, the same whichever store answered, in JSON, CSV, a table or a DataFrame."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from cilo.choices import RESULTS_FORMATS, ResultsFormat
from cilo.context import compact_iri
from cilo.errors import UsageError
from cilo.formats import cells

Row = dict[str, Node | None]


@dataclass(frozen=True)
class Results(Sequence[Row]):
    """The solutions of a SELECT query: ``variables`` in order, and one dict per row (unbound -> None)."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def render(self, fmt: ResultsFormat = "table", *, guard: bool = True) -> str:
        """The rows as text in ``fmt``: a table, SPARQL results JSON or CSV (ending in a newline;
        ``guard``: see :meth:`to_csv`)."""
        if fmt == "table":
            return self.to_table()
        if fmt == "json":
            return self.to_json() + "\n"
        if fmt == "csv":
            return self.to_csv(guard=guard)
        raise UsageError(f"unknown results format {fmt!r}; the formats are: {', '.join(RESULTS_FORMATS)}")

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        bindings = [
            {var: _json_term(value) for var, value in row.items() if value is not None} for row in self.rows
        ]
        return json.dumps(
            {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False
        )

    def to_csv(self, *, guard: bool = True) -> str:
        """W3C SPARQL 1.1 Query Results CSV: one header line, values as plain text. A value that a
        spreadsheet would run as a formula gets a ``'`` in front (:mod:`cilo.formats.cells`) unless
        ``guard`` is False."""
        shown = cells.guard if guard else str
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow([shown(_csv_text(row.get(v))) for v in self.variables])
        return out.getvalue()

    def to_table(self, width: int = 48) -> str:
        """A table for a terminal: a term shown by its label where the query gives one (``xLabel``),
        other IRIs as prefixed names, cells cut at ``width`` characters."""
        shown = [
            v for v in self.variables if not (v.endswith("Label") and v[: -len("Label")] in self.variables)
        ]
        cells = [[_short(row.get(f"{v}Label") or row.get(v), width) for v in shown] for row in self.rows]
        widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(shown)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(shown, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (``pip install cilo[pandas]``): IRIs and literals as Python values."""
        try:
            import pandas
        except ImportError:  # pragma: no cover - the dev install has pandas
            from cilo.errors import CiloError

            raise CiloError("to_dataframe() needs pandas: pip install 'cilo[pandas]'") from None
        data = [
            {v: (None if row.get(v) is None else _python(row[v])) for v in self.variables}
            for row in self.rows
        ]
        return pandas.DataFrame(data, columns=list(self.variables))


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    found = {"type": "literal", "value": str(term)}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        found["datatype"] = str(term.datatype)
    return found


def term_from_json(binding: dict[str, str]) -> Node:
    """The rdflib term of one value of SPARQL Results JSON."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    datatype = binding.get("datatype")
    return plain_literal(value, binding.get("xml:lang"), datatype)


def plain_literal(value: str, language: str | None, datatype: str | None) -> Literal:
    """A literal with ``xsd:string`` written as a simple literal, so every store gives equal terms."""
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == str(XSD.string):
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def _csv_text(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _short(term: Node | None, width: int) -> str:
    if term is None:
        return ""
    text = compact_iri(str(term)) if isinstance(term, URIRef) else _csv_text(term)
    text = cells.printable(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    return term.toPython() if isinstance(term, Literal) else str(term)
