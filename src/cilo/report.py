"""The outcome of a validation: typed results, and their JSON, Turtle and plain-text forms."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cilo.choices import REPORT_FORMATS, ReportFormat
from cilo.errors import UsageError
from cilo.formats.cells import printable
from cilo.sources import Location
from cilo.vocabulary import functions, local_name

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
#: The namespace of cilo's shapes, and where their rules are explained (``docs/rules.md``).
CILO_SHAPES = "https://w3id.org/cilo/shapes#"
RULES = "docs/rules.md"


def rule_anchor(rule: str) -> str:
    """The anchor of a rule's section in docs/rules.md."""
    return rule.lower()


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, in words."""

    severity: URIRef
    focus_node: Node
    result_path: Node | None
    value: Node | None
    source_shape: Node | None
    message: str
    #: The constraint component that produced the result (sh:sourceConstraintComponent).
    constraint_component: URIRef | None = None
    #: Where the focus node was written (file and line); None for data given as a Graph.
    source: Location | None = None
    #: The other files that describe the focus node too (a node typed differently in two files).
    also: tuple[Location, ...] = ()

    @property
    def rule(self) -> str | None:
        """The stable id of the rule that gave the result: its shape's name (``LevelConsistencyShape``);
        None for a shape without a name."""
        return None if not isinstance(self.source_shape, URIRef) else local_name(self.source_shape)

    @property
    def help(self) -> str | None:
        """Where the rule is explained: a section of cilo's docs/rules.md, for cilo's own shapes."""
        shape = self.source_shape
        if not isinstance(shape, URIRef) or not str(shape).startswith(CILO_SHAPES) or self.rule is None:
            return None
        return f"{RULES}#{rule_anchor(self.rule)}"

    @property
    def is_violation(self) -> bool:
        """True for sh:Violation results, the only ones that make a description non-conforming."""
        return self.severity == SH.Violation

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values: IRIs in full, blank nodes as ``_:id``, absent as None;
        ``source`` is ``{"file": ..., "line": ...}`` or None."""
        return {
            "severity": str(self.severity),
            "focus_node": _text(self.focus_node),
            "result_path": _text(self.result_path),
            "value": _text(self.value),
            "source_shape": _text(self.source_shape),
            "message": self.message,
            "constraint_component": _text(self.constraint_component),
            "source": None if self.source is None else self.source.to_dict(),
            "also": [place.to_dict() for place in self.also],
            "rule": self.rule,
            "help": self.help,
        }


@dataclass
class ValidationReport:
    """What :func:`cilo.validate` found: ``conforms`` is True when there is no Violation."""

    results: list[ValidationResult]
    profile: str
    #: Initiative IRI -> its label (or the IRI when it has none), for every initiative validated.
    initiatives: dict[Node, str] = field(default_factory=dict)
    #: Focus node that is not an initiative (an assignment, an actor) -> a short description and
    #: the initiatives it belongs to, so that text reports can group results per initiative.
    context: dict[Node, tuple[str, tuple[Node, ...]]] = field(default_factory=dict)
    #: The engine's own sh:ValidationReport graph, if it made one; else built from the results on use.
    shacl_graph: Graph | None = field(default=None, repr=False)
    #: Which engine checked the shapes: ``"fast"``, ``"pyshacl"`` or ``"fast+pyshacl"``.
    engine: str = "fast"
    #: cilo's reading (True): a description with warnings only conforms. SHACL's (False): any
    #: result, whatever its severity, makes the data non-conforming (``cilo.shacl.validate``).
    warnings_conform: bool = True
    #: The date the description was validated as of (``cilo validate --on``), or None.
    on: datetime.date | None = None
    #: Initiative -> the programmes it is directly part of (``cilo:partOf``), among those validated.
    part_of: dict[Node, tuple[Node, ...]] = field(default_factory=dict)

    def __repr__(self) -> str:
        tally = _counts(self.results) or "no results"
        n = len(self.initiatives)
        checked = f"{n} initiative{'s' if n != 1 else ''}, " if n else ""
        profile = f", profile {self.profile!r}" if self.profile else ""
        return (
            f"<ValidationReport conforms={self.conforms}: {checked}{tally}{profile}, engine {self.engine!r}>"
        )

    @property
    def graph(self) -> Graph:
        """The report as a SHACL ``sh:ValidationReport`` graph."""
        if self.shacl_graph is None:
            self.shacl_graph = _report_graph(self.results, self.conforms)
        return self.shacl_graph

    @property
    def conforms(self) -> bool:
        """True when no result is a Violation (warnings and infos are allowed), or, by SHACL's reading
        (:attr:`warnings_conform` False), when there is no result at all."""
        if not self.warnings_conform:
            return not self.results
        return not any(r.is_violation for r in self.results)

    @property
    def violations(self) -> list[ValidationResult]:
        """The results of severity sh:Violation."""
        return [r for r in self.results if r.is_violation]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The results of severity sh:Warning."""
        return [r for r in self.results if r.severity == SH.Warning]

    def missing_functions(self) -> dict[Node, set[Node]]:
        """Initiative -> the leadership functions it lacks (coverage Violations), for every initiative."""
        missing: dict[Node, set[Node]] = {i: set() for i in self.initiatives}
        for r in self.violations:
            if r.focus_node in self.initiatives and r.value is not None and _is_function(r.value):
                missing[r.focus_node].add(r.value)
        return missing

    def render(self, fmt: ReportFormat = "text") -> str:
        """The report as text in ``fmt``: words for people, JSON, or the SHACL report in Turtle."""
        if fmt == "text":
            return self.to_text()
        if fmt == "json":
            return self.to_json() + "\n"
        if fmt == "turtle":
            return self.to_turtle()
        raise UsageError(f"unknown report format {fmt!r}; the formats are: {', '.join(REPORT_FORMATS)}")

    def to_json(self, indent: int | None = 2) -> str:
        """``{"conforms": bool, "engine": ..., "results": [...]}`` with the eleven fields of each result
        (:meth:`ValidationResult.to_dict`)."""
        doc = {
            "conforms": self.conforms,
            "engine": self.engine,
            "on": None if self.on is None else self.on.isoformat(),
            "results": [r.to_dict() for r in self.results],
        }
        return json.dumps(doc, indent=indent, ensure_ascii=False)

    def to_turtle(self) -> str:
        """The sh:ValidationReport as Turtle."""
        return self.graph.serialize(format="turtle")

    def to_text(self) -> str:
        """A report for people who have never seen RDF: results grouped per initiative, then a summary."""
        grouped: dict[Node | None, list[tuple[str, ValidationResult]]] = defaultdict(list)
        for r in self.results:
            if r.focus_node in self.initiatives:
                grouped[r.focus_node].append(("", r))
                continue
            about, owners = self.context.get(r.focus_node, (local_name(r.focus_node), ()))
            for owner in owners or (None,):
                grouped[owner].append((about, r))
        lines: list[str] = []
        parts = self.parts()
        for depth, initiative in self.tree():
            entries = grouped.get(initiative, [])
            verdict = "no issues found" if not entries else _counts(r for _, r in entries)
            n = len(parts.get(initiative, ()))
            programme = f"programme of {n} part{'s' if n != 1 else ''}; " if n else ""
            label = self.initiatives[initiative]
            lines.append(f'{"  " * depth}Initiative "{label}" <{initiative}>: {programme}{verdict}')
            lines.extend(_entry_lines(entries))
        if grouped.get(None):
            lines.append("Not attached to any initiative:")
            lines.extend(_entry_lines(grouped[None]))
        total = len(self.initiatives)
        failing = {i for i in self.initiatives if any(r.is_violation for _, r in grouped.get(i, []))}
        lines.append("")
        lines.append(
            f"{total} initiative{'s' if total != 1 else ''} checked against profile {self.profile!r}"
            f"{'' if self.on is None else f' as of {self.on.isoformat()}'}: "
            f"{total - len(failing)} conform{'s' if total - len(failing) == 1 else ''}, "
            f"{len(failing)} do{'es' if len(failing) == 1 else ''} not; "
            f"{_counts(self.results) if self.results else 'no issues found'}."
        )
        return printable("\n".join(lines) + "\n")  # labels and messages hold no terminal escapes

    def parts(self) -> dict[Node, list[Node]]:
        """Programme -> the initiatives directly part of it (:attr:`part_of` turned round), by label."""
        found: dict[Node, list[Node]] = defaultdict(list)
        for part, programmes in self.part_of.items():
            for programme in programmes:
                if programme in self.initiatives and part in self.initiatives:
                    found[programme].append(part)
        for members in found.values():
            members.sort(key=self._sort_key)
        return dict(found)

    def _sort_key(self, initiative: Node) -> tuple[str, str]:
        return (self.initiatives[initiative], str(initiative))

    def tree(self) -> list[tuple[int, Node]]:
        """Every initiative as (depth, initiative), in reading order: each programme followed by its
        parts, one deeper; an initiative in two programmes, or in a cycle, comes once."""
        parts = self.parts()
        inside = {p for members in parts.values() for p in members}
        shown: set[Node] = set()
        out: list[tuple[int, Node]] = []

        def visit(node: Node, depth: int) -> None:
            if node in shown:
                return
            shown.add(node)
            out.append((depth, node))
            for part in parts.get(node, ()):
                visit(part, depth + 1)

        for initiative in sorted(self.initiatives, key=self._sort_key):
            if initiative not in inside:
                visit(initiative, 0)
        for initiative in sorted(self.initiatives, key=self._sort_key):  # those only in cycles
            visit(initiative, 0)
        return out


def _entry_lines(entries: list[tuple[str, ValidationResult]]) -> list[str]:
    """One line per result, compiler-style where the data came from a file (``FILE:LINE: violation:
    ...``, which editors and CI annotate), else indented under its initiative."""
    out = []
    for about, r in sorted(entries, key=lambda e: (SEVERITY_ORDER.get(e[1].severity, 3), e[0], e[1].message)):
        prefix = f"{about}: " if about else ""
        where = f"{r.source}: " if r.source is not None else "  "
        rule = f" [{r.rule}]" if r.rule else ""
        also = f" (also written at {', '.join(map(str, r.also))})" if r.also else ""
        out.append(f"{where}{severity_word(r.severity)}: {prefix}{r.message}{also}{rule}")
    return out


def severity_word(severity: Node) -> str:
    """``violation``, ``warning`` or ``info``."""
    return str(severity).rsplit("#", 1)[-1].lower()


def _counts(results: object) -> str:
    tally: dict[str, int] = defaultdict(int)
    for r in results:  # type: ignore[attr-defined]
        tally[severity_word(r.severity)] += 1
    parts = [
        f"{n} {name}{'s' if n != 1 else ''}"
        for name, n in sorted(tally.items(), key=lambda kv: kv[0] != "violation")
    ]
    return ", ".join(parts)


def _text(node: Node | None) -> str | None:
    """IRIs and literals as their plain string, blank nodes as ``_:id``."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return node.n3()
    return str(node)


def _is_function(node: Node) -> bool:
    return node in functions()


def _report_graph(results: list[ValidationResult], conforms: bool) -> Graph:
    """The sh:ValidationReport of ``results``."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, r.severity))
        graph.add((node, SH.focusNode, r.focus_node))
        graph.add((node, SH.resultMessage, Literal(r.message)))
        for prop, value in (
            (SH.resultPath, r.result_path),
            (SH.value, r.value),
            (SH.sourceShape, r.source_shape),
            (SH.sourceConstraintComponent, r.constraint_component),
        ):
            if value is not None:
                graph.add((node, prop, value))
    return graph
