"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) and SPARQL-based constraint components
(§6: ASK and SELECT validators), each run for all focus nodes in one query.

SHACL pre-binds ``$this`` (SHACL 1.0 §5.3.1): the query is evaluated as if ``$this`` were replaced by
each focus node. The compiled query instead joins the focus nodes in at the start of its outermost
group. Both give the same rows when every place ``$this`` is read sees the joined value: triple
patterns anywhere but in an ``OPTIONAL`` of an inner group, and expressions (``FILTER``, ``BIND``, an
``OPTIONAL``'s condition) of the outermost group; and a sub-select whose own outermost group binds
``$this`` in a triple pattern, read there by the same rules, grouped by ``$this`` if it groups at
all, with no ``LIMIT`` or ``OFFSET`` (its rows for each focus node are those pre-binding gives,
:meth:`_Checker.binds_this`). A query that reads ``$this`` elsewhere (in an expression of an inner
group, another sub-select) is not compiled: pySHACL runs it (:class:`cilo.UnsupportedError`). A
component's parameters are pre-bound the same way (a ``VALUES`` row joined in beside the focus nodes),
and an ASK validator becomes ``FILTER NOT EXISTS { its pattern }`` over the value nodes. Constants are
pre-bound by substitution, as the specification defines it: ``$currentShape``, ``$PATH`` and
``$shapesGraph`` (the shapes graph is held beside the data in a named graph, :data:`SHAPES_GRAPH`).
A ``FILTER NOT EXISTS`` that is an anti-join runs as ``MINUS`` (:func:`anti_joins`): the same rows,
computed once instead of once per solution. For data on disk, the groups and unions of the outermost
group and the parts of a ``MINUS`` are read through ``SELECT *`` too, which Oxigraph joins by hashing
rather than by a lookup per row (:func:`rewritten`).

Queries the specification forbids (§5.2.1: ``MINUS``, ``SERVICE``, ``VALUES``, a sub-select that
does not return ``$this``, ``AS $this``) are a :class:`cilo.ShapesError` naming shape and construct.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pyparsing import ParseResults
from rdflib import OWL, RDF, BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.paths import NegatedPath
from rdflib.paths import Path as RdflibPath
from rdflib.term import Node

from cilo.errors import ShapesError, UnsupportedError
from cilo.safety import decode_code_points, first_group, lexemes, nodes, parse_tree, take_parse_tree

if TYPE_CHECKING:
    from cilo.shacl.compiler import Implies

_THIS = Variable("this")
_SPARQL_CONSTRAINT = SH.SPARQLConstraintComponent


def prefixes(shapes: Graph, constraint: Node) -> str:
    """The PREFIX declarations of ``sh:prefixes``, with those of the nodes its holders ``owl:imports``
    when the shapes graph holds them; an import of a graph that is not there declines (cilo fetches
    nothing)."""
    lines = []
    seen: set[Node] = set()
    todo = list(shapes.objects(constraint, SH.prefixes))
    while todo:
        holder = todo.pop()
        if holder in seen:
            continue
        seen.add(holder)
        for imported in shapes.objects(holder, OWL.imports):
            if (imported, None, None) not in shapes:
                raise UnsupportedError(
                    f"sh:prefixes of {constraint} import {imported}, not in the shapes graph"
                )
            todo.append(imported)
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if not isinstance(prefix, Literal) or not isinstance(namespace, Literal | URIRef):
                raise ShapesError(f"{holder}: an sh:declare without sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


def compile_constraint(
    shapes: Graph,
    shape: Node,
    constraint: Node,
    focus: tuple[str, Implies],
    severity: URIRef,
    path_text: str | None,
    *,
    on_disk: bool = False,
) -> Any:
    """The plan of one SPARQL constraint of ``shape``, for the focus nodes ``focus`` binds to ``?this``
    (its sub-select, and the triple patterns that bind ``?this`` only to focus nodes: then a query
    that starts with one has no need of it, :func:`_starts_with`); ``on_disk``: see :func:`rewritten`."""
    if shapes.value(constraint, SH.deactivated) == Literal(True):
        return None
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal):
        raise UnsupportedError(f"a SPARQL constraint of {shape} without sh:select")
    text = _prepared(shapes, shape, constraint, str(select), path_text)
    check(text, shape)
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    query = rewritten(decode_code_points(text), on_disk=on_disk)  # as the engine reads it
    sub_select, implies = focus
    written = algebra(query)
    # of the query as rewritten: a MINUS written first (for a FILTER there) reads the focus nodes
    if implies and any(implies.by(t) for t in _starts_with(written)):
        return _plan(shapes, shape, _SPARQL_CONSTRAINT, query, text, message, severity)
    plan = _plan(shapes, shape, _SPARQL_CONSTRAINT, _joined(query, sub_select), text, message, severity)
    absent = absent_patterns(written)
    return plan if absent is None else dataclasses.replace(plan, focus=sub_select, absent=absent)


def absent_patterns(written: Any) -> tuple[str, ...] | None:
    """The patterns of a query (``written``: its algebra, before the focus nodes are joined in) when
    it is ``SELECT ?this WHERE { MINUS { P1 } MINUS { P2 } ... }``, as :func:`anti_joins` writes
    ``FILTER NOT EXISTS`` (a role assignment without a role and without a function): with the focus
    nodes joined in first, its solutions are exactly the focus nodes without a match of any ``P``.
    Each ``P`` one group of triple patterns on ``?this`` along predicates, read through ``SELECT
    (DISTINCT) ?this`` or as written; each comes back with full IRIs and its other variables renamed
    apart (``?absent_N_M``), so that it reads the same beside any other query's variables
    (:func:`cilo.shacl.compiler.fused`). Else None."""
    if written.name != "SelectQuery" or written["PV"] != [_THIS] or written["p"].name != "Project":
        return None
    node, patterns = written["p"]["p"], list[str]()
    while node.name == "Minus":
        pattern = _simple_pattern(node["p2"], len(patterns))
        if pattern is None:
            return None
        patterns.append(pattern)
        node = node["p1"]
    nothing_else = node.name == "BGP" and not node["triples"]  # the group held the filters only
    return tuple(reversed(patterns)) if patterns and nothing_else else None


#: An absolute IRI: it reads the same in a query without the prologue it was written under.
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _simple_pattern(node: Any, n: int) -> str | None:
    """The triple patterns of ``node`` (a ``MINUS``'s operand) as text, when it is one group of triple
    patterns, each along a predicate (absolute IRIs and variables only), with ``?this`` in one of them and in
    every projection on the way down; its other variables renamed apart (see
    :func:`absent_patterns`). Else None."""
    while node.name in ("ToMultiSet", "Distinct", "Project"):
        if node.name == "Project" and _THIS not in node["PV"]:
            return None
        node = node["p"]
    if node.name != "BGP" or not node["triples"]:
        return None
    names: dict[Variable, str] = {_THIS: "?this"}
    out = []
    for triple in node["triples"]:
        fixed = [t for t in triple if not isinstance(t, Variable)]
        absolute = all(isinstance(t, URIRef) and _ABSOLUTE.match(t) for t in fixed)
        if isinstance(triple[1], Variable) or not absolute:
            return None  # a literal, a blank node, a path, a relative IRI (its BASE stays behind)
        terms = [
            names.setdefault(t, f"?absent_{n}_{len(names)}") if isinstance(t, Variable) else t.n3()
            for t in triple
        ]
        out.append(" ".join(terms) + " .")
    return " ".join(out) if any(_THIS in t for t in node["triples"]) else None


#: Operators whose solutions extend those of their first operand (and keep its ``?this``).
_LEFT_SPINE = {"SelectQuery": "p", "Project": "p", "Distinct": "p", "Reduced": "p", "Filter": "p"}
_LEFT_SPINE |= {"Extend": "p", "AggregateJoin": "p", "Group": "p", "Join": "p1", "LeftJoin": "p1"}
_LEFT_SPINE |= {"Minus": "p1"}


def _starts_with(written: Any) -> list[tuple[Node, Node, Node]]:
    """The triple patterns with which the outermost group of a query (``written``: its algebra)
    begins, when every solution of its ``WHERE`` extends a match of them: found down the first
    operands of joins, ``OPTIONAL``, ``MINUS``, ``BIND``, ``FILTER`` and grouping (nothing else: a
    ``UNION``, a sub-select or a ``LIMIT`` first gives none).

    When one of them binds ``?this`` only to focus nodes, joining the focus nodes in first (as
    :func:`_joined` does) keeps every solution: each operator on the way up keeps its first
    operand's ``?this``, and ``?this`` cannot be rebound (``AS $this`` is refused). So the query runs
    without the focus sub-select: at N = 10,000 the known-level and known-role checks took 0.17 s
    each with it, 0.04 s without, the level-consistency check 0.34 s and 0.25 s."""
    node = written
    while getattr(node, "name", None) in _LEFT_SPINE:
        node = node[_LEFT_SPINE[node.name]]
    return list(node["triples"]) if getattr(node, "name", None) == "BGP" else []


def compile_validator(
    shapes: Graph,
    shape: Node,
    component: Node,
    validator: Node,
    parameters: tuple[dict[str, Node], dict[str, str]],
    focus: str,
    severity: URIRef,
    path_text: str | None,
) -> Any:
    """The plan of a SPARQL-based constraint component's ``validator`` for ``shape`` (SHACL 1.0 §6):
    its parameters (name -> value, and the value as SPARQL) pre-bound as ``$this`` is, by a join at
    the start of the outermost group. A SELECT validator's rows are the results; an ASK validator is
    asked of each value node (``$value``), in one query: the value nodes for which it is false."""
    values, texts = parameters
    ask, select = shapes.value(validator, SH.ask), shapes.value(validator, SH.select)
    if (ask is None) == (select is None) or not isinstance(ask if select is None else select, Literal):
        raise UnsupportedError(f"the validator of {component} for {shape} has not one sh:ask or sh:select")
    bound = frozenset({_THIS, *(Variable(name) for name in texts)})
    names = " ".join(f"?{name}" for name in texts)
    prebound = f"VALUES ({names}) {{ ({' '.join(texts.values())}) }}" if texts else ""
    message = shapes.value(shape, SH.message) or shapes.value(validator, SH.message)
    if select is not None:
        text = _prepared(shapes, shape, validator, str(select), path_text)
        check(text, shape, bound)
        return _plan(
            shapes,
            shape,
            component,
            _joined(decode_code_points(text), f"{focus} {prebound}"),
            text,
            message,
            severity,
            values,
        )
    text = _prepared(shapes, shape, validator, str(ask), path_text)
    check(text, shape, bound | {Variable("value")}, ask=True)
    text = decode_code_points(text)
    at = first_group(text)
    keyword = next(m.start() for m in lexemes(text) if m.group().upper() == "ASK")
    value_nodes = "BIND (?this AS ?value)" if path_text is None else f"?this {path_text} ?value ."
    query = (
        f"{text[:keyword]}SELECT DISTINCT ?this ?value WHERE {{ {focus} {prebound} {value_nodes}\n"
        f"FILTER NOT EXISTS {text[at:]}\n}}"
    )
    literal_focus = any(isinstance(n, Literal) for n in shapes.objects(shape, SH.targetNode))
    plan = _plan(shapes, shape, component, query, text, message, severity, values)
    return dataclasses.replace(plan, reads=None) if literal_focus else plan


#: The named graph that holds the shapes graph beside the data, for queries that read ``$shapesGraph``.
SHAPES_GRAPH = URIRef("urn:cilo:shapes-graph")


def _prepared(shapes: Graph, shape: Node, holder: Node, text: str, path_text: str | None) -> str:
    """The query ``text`` of a SPARQL constraint or validator (``holder``) with its ``sh:prefixes``
    declared and ``$PATH``, ``$currentShape`` and ``$shapesGraph`` pre-bound (SHACL 1.0 §5.3.1)."""
    text = prefixes(shapes, holder) + text
    constants = {"this": "?this"}
    if re.search(r"[?$]currentShape\b", text):
        if not isinstance(shape, URIRef):
            raise UnsupportedError(f"$currentShape of the blank node shape {shape}")
        constants["currentShape"] = shape.n3()
    if re.search(r"[?$]shapesGraph\b", text):
        constants["shapesGraph"] = SHAPES_GRAPH.n3()
    if re.search(r"\$PATH\b", text):
        if path_text is None:
            raise ShapesError(f"{shape}: $PATH in a SPARQL constraint of a node shape")
        constants["PATH"] = path_text
    return _substituted(text, constants)


def _substituted(text: str, constants: dict[str, str]) -> str:
    """``text`` with each variable named in ``constants`` (``?x`` or ``$x``; ``$PATH`` only so)
    written as its constant, and ``bound(...)`` of one as ``(true)``: pre-binding as SHACL 1.0 §5.3.1
    defines it, by substitution. Read by cilo's SPARQL lexer: a string, IRI or comment that spells
    a variable keeps it."""
    tokens = list(lexemes(text))
    out, last, i = [], 0, 0

    def constant(token: re.Match[str]) -> str | None:
        name = token.group()
        if token.lastgroup != "name" or name[0] not in "?$" or (name[1:] == "PATH" and name[0] != "$"):
            return None
        return constants.get(name[1:])

    while i < len(tokens):
        token = tokens[i]
        around = [t.group() for t in tokens[i + 1 : i + 4 : 2]]
        if (
            token.lastgroup == "word"
            and token.group().lower() == "bound"
            and around == ["(", ")"]
            and constant(tokens[i + 2]) is not None
            and tokens[i + 2].group()[1:] != "this"
        ):
            out += [text[last : token.start()], "(true)"]
            last, i = tokens[i + 3].end(), i + 4
            continue
        value = constant(token)
        if value is not None:
            out += [text[last : token.start()], value]
            last = token.end()
        i += 1
    return "".join([*out, text[last:]])


def rewritten(text: str, *, on_disk: bool = False) -> str:
    """``text`` (a SELECT query that :func:`check` accepted, code-point escapes decoded) as the engine
    runs it: the tests of a term in the data's vocabulary made once per term (:func:`terms_first`),
    its anti-joins as ``MINUS`` (:func:`anti_joins`) and, for data on disk, its outermost group's
    groups and unions read through ``SELECT *`` (:func:`groups_scanned`)."""
    text = terms_first(text)
    query = anti_joins(text, on_disk=on_disk)
    return groups_scanned(query, text) if on_disk else query


#: Functions whose value is not the same each time they are asked with the same arguments.
_UNREPEATABLE = {"Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}


def terms_first(text: str) -> str:
    """``text`` (a SELECT query that :func:`check` accepted, code-point escapes decoded) with the
    filters of its outermost group that test only a predicate or a class tested once for each term
    the data uses, before the focus nodes are joined to the triples that use them.

    It applies when the outermost group begins with a group or a ``UNION`` of groups ``X`` each of
    one triple pattern (and ``BIND`` s) that binds a variable ``?t`` as its predicate or as the class
    of ``rdf:type``: cilo's own known-term check, ``{ $this ?t ?o } UNION { $this rdf:type ?t }``.
    A ``FILTER`` of the outermost group that reads ``?t`` and nothing else, or a ``FILTER (NOT)
    EXISTS`` whose pattern shares no variable but ``?t`` with the rest of the query, is moved into

        { SELECT ?t WHERE { { SELECT ?t WHERE { X } GROUP BY ?t } FILTER ... } }

    joined in before ``X``. Every solution binds ``?t`` (``X`` does, and nothing rebinds it), so
    it passes those filters exactly when its ``?t`` passes them, and ``X`` read alone (without the
    focus nodes, its other variables its own) finds every term ``X`` finds in the query; joining
    this sub-select keeps the solutions the filters kept, and each operator after ``X`` (joins,
    ``OPTIONAL``, ``MINUS``, ``BIND``) gives for the solutions it keeps what it gave for them before.
    A filter with ``RAND``, ``UUID``, ``STRUUID`` or ``BNODE``, or an ``EXISTS`` inside a larger
    expression, stays; so does every filter when ``X`` holds a blank node label or a ``FILTER``.

    Oxigraph otherwise computes the string test and the anti-join for each of the 540,000 triples
    of 10,000 initiatives (the known-term check: 0.64 s); grouped by term, for the 39 terms the data
    uses (0.19 s). pySHACL runs the query as written, once per focus node, where a sub-select that
    reads all the data would be evaluated again for each one. The cost of ``X`` read alone is a scan
    of the triples of each branch's pattern, whatever the focus nodes."""
    prologue, query = parse_tree(text)
    where = query["where"]
    parts = list(_parts(where)) if getattr(where, "name", None) == "GroupGraphPatternSub" else []
    if not parts or parts[0].name != "GroupOrUnionGraphPattern":
        return text
    terms = _terms_bound(parts[0], _prefixes(prologue)) - {_THIS}
    filters = [p for p in parts if p.name == "Filter"]
    if not terms or not filters:
        return text
    start = first_group(text) + 1
    tokens = list(lexemes(text[start:]))
    closing = _closing([next(lexemes("{")), *tokens], 0)
    if closing is None:
        return text
    inside = tokens[: tokens.index(closing)]
    spans, found = _group_spans(inside), _filter_spans(inside)
    if not spans or spans[0][0] != inside[0].start() or spans[0][2] != len(parts[0]["graph"]):
        return text
    if found is None or len(found) != len(filters):  # the lexer and the parser disagree: as written
        return text
    first = text[start + spans[0][0] : start + spans[0][1]]
    if any(m.lastgroup == "name" and m.group().startswith("_:") for m in lexemes(first)):
        return text
    best: list[tuple[int, int]] = []
    term = None
    for candidate in sorted(terms):
        chosen = [
            (start + a, start + b)
            for part, (a, b) in zip(filters, found, strict=True)
            if _tests_only(part["expr"], candidate, _named_outside(text, start + a, start + b))
        ]
        if len(chosen) > len(best):
            best, term = chosen, candidate
    if term is None:
        return text
    tests = " ".join(text[a:b] for a, b in best)
    alone = _renamed(first, term, _named_outside(text, 0, 0))
    once = (
        f"{{ SELECT ?{term} WHERE {{ {{ SELECT ?{term} WHERE {{ {alone} }} GROUP BY ?{term} }} {tests} }} }}"
    )
    out, last = [text[:start], f" {once} "], start
    for a, b in best:
        out.append(text[last:a])
        last = b
    return "".join([*out, text[last:]])


def _renamed(text: str, kept: Variable, taken: set[Variable]) -> str:
    """``text`` with each variable but ``kept`` given a name ``taken`` does not hold: the copy of a
    pattern in a sub-select that projects ``kept`` alone, its other variables its own (so that
    :func:`predicates_read` sees the object of ``$this ?p ?o`` used once, as written)."""
    suffix = 1
    while any(Variable(f"{v}_{suffix}") in taken for v in taken):
        suffix += 1
    out, last = [], 0
    for m in lexemes(text):
        if m.lastgroup == "name" and m.group()[0] in "?$" and Variable(m.group()[1:]) != kept:
            out += [text[last : m.start()], f"?{m.group()[1:]}_{suffix}"]
            last = m.end()
    return "".join([*out, text[last:]])


def _prefixes(prologue: Any) -> dict[str, str]:
    return {str(d["prefix"]): str(d["iri"]) for d in prologue if getattr(d, "name", None) == "PrefixDecl"}


def _terms_bound(union: Any, prefixes: dict[str, str]) -> set[Variable]:
    """The variables every branch of ``union`` (groups of one triple pattern and ``BIND`` s) binds as
    its predicate or as the class of ``rdf:type``; none when a branch is of another form."""
    found: set[Variable] | None = None
    for branch in union["graph"]:
        if getattr(branch, "name", None) != "GroupGraphPatternSub":
            return set()
        blocks = [p for p in _parts(branch) if p.name == "TriplesBlock"]
        if len(blocks) != 1 or any(p.name not in ("TriplesBlock", "Bind") for p in _parts(branch)):
            return set()
        flat = [term for t in blocks[0]["triples"] for term in t]
        if len(flat) != 3:
            return set()
        _, predicate, object_ = flat
        terms = {predicate} if isinstance(predicate, Variable) else set()
        if isinstance(object_, Variable) and _is_type(predicate, prefixes):
            terms.add(object_)
        found = terms if found is None else found & terms
    return found or set()


def _is_type(predicate: Any, prefixes: dict[str, str]) -> bool:
    """Whether a predicate of rdflib's parse tree is ``rdf:type`` (``a``, the IRI or a prefixed name)."""
    if getattr(predicate, "name", None) != "PathAlternative" or len(predicate["part"]) != 1:
        return False
    sequence = predicate["part"][0]
    if len(sequence["part"]) != 1 or _has(sequence["part"][0], "mod"):
        return False
    iri = sequence["part"][0]["part"]
    if getattr(iri, "name", None) == "pname":
        prefix, local = str(iri["prefix"]), str(iri["localname"]) if _has(iri, "localname") else ""
        iri = URIRef(prefixes[prefix] + local) if prefix in prefixes else None
    return bool(iri == RDF.type)


def _tests_only(expr: Any, term: Variable, outside: set[Variable]) -> bool:
    """Whether a filter's expression tests ``term`` and nothing else of a solution (``outside``: the
    variables the query names elsewhere): it reads only ``term``, or it is a ``(NOT) EXISTS`` whose
    pattern shares no other variable with the rest of the query."""
    names = {getattr(n, "name", None) for n in nodes(expr)}
    if names & _UNREPEATABLE:
        return False
    if getattr(expr, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        shared = _variables(expr["graph"]) & outside
        return term in shared and shared <= {term}
    return not names & {"Builtin_EXISTS", "Builtin_NOTEXISTS"} and _variables(expr) == {term}


def _filter_spans(tokens: list[re.Match[str]]) -> list[tuple[int, int]] | None:
    """Where each ``FILTER`` at the top of a group stands among ``tokens`` (the lexemes of its inside):
    (start, end) in the text they were found in; None when one cannot be read."""
    spans, depth = [], 0
    for i, token in enumerate(tokens):
        if token.lastgroup == "open":
            depth += 1
        elif token.lastgroup == "close":
            depth -= 1
        if depth or token.lastgroup != "word" or token.group().upper() != "FILTER":
            continue
        k = i + 1
        while k < len(tokens) and tokens[k].lastgroup != "open":  # NOT EXISTS, or a function's name
            k += 1
        closing = _closing(tokens, k) if k < len(tokens) else None
        if closing is None:
            return None
        spans.append((token.start(), closing.end()))
    return spans


def anti_joins(text: str, *, on_disk: bool = False) -> str:
    """``text`` (a SELECT query that :func:`check` accepted, code-point escapes decoded) with each
    ``FILTER NOT EXISTS { P }`` of its outermost group that is an anti-join written as ``MINUS { P }``.

    It is one when ``P`` holds only triple patterns, paths and groups or ``UNION`` s of them (no
    ``FILTER``, ``BIND``, ``OPTIONAL``: a monotone pattern), and every solution of ``P`` binds a
    variable that every solution of the group binds (``$this``, or a variable of the group's own
    triple patterns). Then a solution is compatible with a solution of ``P`` exactly when ``P`` has
    a solution with the solution's values put in, so both remove the same solutions (SPARQL 1.1
    §8.3). The ``MINUS`` stands where the ``FILTER`` stood when that holds of the solutions there and
    no part after it binds a variable of ``P`` (so it removes the solutions the filter would remove
    at the end, and fewer reach what follows); else at the group's end. Oxigraph evaluates a
    ``MINUS`` once for all solutions, a ``NOT EXISTS`` once for each: 3× faster for the known-role
    check at N = 10,000, the coverage profile 1.2 → 0.66 s. What a ``UNION`` of the group binds is
    not counted as bound: that anti-join made Oxigraph evaluate the ``UNION`` over all the data (the
    known-term check, 0.48 → 0.9 s). Anything else is left as written.

    The ``MINUS`` reads ``P`` through ``SELECT DISTINCT`` of the variables of ``P`` that the query
    names anywhere else (by the parse tree and by the lexer: more is never wrong). Only those can be
    bound in a solution ``MINUS`` compares, so it removes the same solutions; Oxigraph then hashes one
    row per distinct match of those variables, not every match with all of the query's variables
    (the coverage profile on the store at N = 10,000: 118 → 82 MB).

    ``on_disk``: the data is in a store or at an endpoint, where each index lookup is a read of the
    disk (about ten times its cost in memory). Then what a ``UNION`` binds counts as bound too (the
    known-term check on the store: 2.5 → 1.4 s), and within ``P`` each group or ``UNION`` is read
    through ``SELECT *`` (:func:`_scanned`), which Oxigraph evaluates once and joins by hashing
    rather than looking it up again for each row of the other parts (the coverage profile on the
    store: 3.1 → 1.0 s)."""
    where = parse_tree(text)[1]["where"]
    parts = list(_parts(where)) if getattr(where, "name", None) == "GroupGraphPatternSub" else []
    # in memory, bound by the group's own triple patterns only: an anti-join on what a UNION binds
    # made Oxigraph evaluate the UNION over all the data (the known-term check: 0.48 -> 0.9 s at
    # N = 10,000); on disk, the lookups for each solution cost more than that
    bounding = {"TriplesBlock", "GroupOrUnionGraphPattern"} if on_disk else {"TriplesBlock"}
    triples = [p for p in parts if p.name in bounding]
    everywhere = {_THIS} | _certain(triples)
    # per FILTER: where its MINUS goes ("here" or "end"), P's parts, and the variables the rest names
    placed: list[tuple[str, list[Any], set[Variable]] | None] = []
    for n, part in enumerate(parts):
        if part.name != "Filter":
            continue
        pattern = _anti_join(part)
        if pattern is None or not _certain(pattern) & everywhere:
            placed.append(None)
            continue
        before = {_THIS} | _certain(p for p in parts[:n] if p.name in bounding)
        later = {v for p in parts[n + 1 :] if p.name != "Filter" for v in _variables(p)}
        here = _certain(pattern) & before and (_variables(pattern) & later) <= before
        elsewhere = {_THIS} | {v for p in parts if p is not part for v in _variables(p)}
        placed.append(("here" if here else "end", pattern, _variables(pattern) & elsewhere))
    if not any(placed):
        return text
    start = first_group(text) + 1
    spans, tokens, depth = [], list(lexemes(text[start:])), 0
    for i, match in enumerate(tokens):
        kind, token = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                end = start + match.start()
                break
        elif kind == "word" and depth == 0 and token.upper() == "FILTER":
            spans.append(i)
    else:
        return text
    if len(spans) != len(placed):  # the lexer and the parser disagree: leave it as written
        return text
    chosen = [(i, *found) for i, found in zip(spans, placed, strict=True) if found is not None]
    if any(" ".join(t.group().upper() for t in tokens[i + 1 : i + 4]) != "NOT EXISTS {" for i, *_ in chosen):
        return text  # a comment stands between the words: as written
    out, last, minus = [], 0, []
    for i, where, pattern, shared in chosen:
        variables = _variables(pattern)
        opening, closing = tokens[i + 3], _closing(tokens, i + 3)
        if closing is None:  # the parser read it whole, so this cannot be: leave it as written
            return text
        span = (start + opening.start(), start + closing.end())
        # and every one the text names outside the pattern, by the lexer: a superset is always right
        kept = " ".join(sorted(f"?{v}" for v in shared | variables & _named_outside(text, *span)))
        out.append(text[last : start + tokens[i].start()])
        group = text[span[0] : span[1]]
        if on_disk:
            inside = tokens[i + 4 : tokens.index(closing)]
            group = _scanned(group, inside, span[0] - start, pattern) or group
        written = f"MINUS {{ SELECT DISTINCT {kept} WHERE {group} }}" if kept else f"MINUS {group}"
        out.append(written) if where == "here" else minus.append(f" {written}")
        last = start + closing.end()
    return "".join([*out, text[last:end], *minus, text[end:]])


#: Words whose group follows them at the top of a group (that group is theirs, not a part of its own).
_OWNING = {"OPTIONAL", "MINUS", "EXISTS", "GRAPH", "SERVICE", "VALUES"}


def groups_scanned(text: str, written: str | None = None) -> str:
    """``text`` (a SELECT query as the engine reads it) with each group and ``UNION`` at the top of its
    outermost group read through ``{ SELECT * WHERE { ... } }``: for data on disk, where Oxigraph
    otherwise evaluates it again for each solution of what precedes it, a read of the disk each time
    (on the store at N = 10,000: the backbone advice 1.7 → 1.0 s; the level consistency, its
    triple patterns written as groups, 0.9 → 0.3 s). ``SELECT *`` projects every variable in scope of
    the group, so the outermost group joins the same solutions; an expression inside it reads the
    group's variables alone either way. A group with a path of zero or more steps free at both ends
    (:func:`_read_whole`), or with a sub-select (evaluated once already), stays as written. Found by
    the lexer and checked against the parse tree (of ``written``, the text before :func:`anti_joins`,
    which adds no group, when given: its tree is at hand): where the two disagree, ``text`` as
    written."""
    where = parse_tree(written or text)[1]["where"]
    parts = list(_parts(where)) if getattr(where, "name", None) == "GroupGraphPatternSub" else []
    groups = [p for p in parts if p.name == "GroupOrUnionGraphPattern"]
    if not groups:
        return text
    start = first_group(text) + 1
    tokens = list(lexemes(text[start:]))
    closing = _closing([next(lexemes("{")), *tokens], 0)  # the outermost group's own lexemes end there
    spans = None if closing is None else _group_spans(tokens[: tokens.index(closing)])
    if spans is None or [n for *_, n in spans] != [len(g["graph"]) for g in groups]:
        return text
    chosen = [
        (first + start, final + start)
        for (first, final, _), group in zip(spans, groups, strict=True)
        if _read_whole(group) and all(getattr(n, "name", None) != "SubSelect" for n in nodes(group))
    ]
    return _selected(text, chosen)


def _selected(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each of ``spans`` (start, end; in order, apart) read through ``SELECT *``."""
    for first, final in reversed(spans):
        text = f"{text[:first]}{{ SELECT * WHERE {{ {text[first:final]} }} }}{text[final:]}"
    return text


def _group_spans(tokens: list[re.Match[str]]) -> list[tuple[int, int, int]] | None:
    """Where each group, with the groups ``UNION`` joins to it, stands among ``tokens`` (the lexemes of
    one group's inside, at its top): (start, end, how many groups), in the text the lexemes were
    found in; a group that ``OPTIONAL``, ``MINUS``, ``EXISTS``, ``GRAPH``, ``SERVICE`` or ``VALUES``
    own is none. None when a bracket is not closed."""
    spans, owned, k = [], False, 0
    while k < len(tokens):
        token = tokens[k]
        if token.lastgroup == "word" and token.group().upper() in _OWNING:
            owned = True
        if token.lastgroup != "open":
            k += 1
            continue
        count = 0
        while True:  # a bracket, or a group and those UNION joins to it
            closing = _closing(tokens, k)
            if closing is None:
                return None
            k, count = tokens.index(closing, k) + 1, count + 1
            if token.group() != "{" or k + 1 >= len(tokens) or tokens[k].group().upper() != "UNION":
                break
            k += 1
        if token.group() == "{" and owned:
            owned = False
        elif token.group() == "{":
            spans.append((token.start(), closing.end(), count))
    return spans


def _read_whole(part: Any) -> bool:
    """Whether a part of a group may be read through ``SELECT *``: each path of zero or more steps
    (``p*``, ``p?``) in it has an end that a constant or another triple pattern of its block binds.
    Read alone with both ends free, such a path matches every node of the data (the contradiction
    check on the store with ``?first rdfs:subClassOf* ?a`` read so: 0.66 → 6.7 s)."""
    for block in nodes(part):
        if getattr(block, "name", None) != "TriplesBlock":
            continue
        flat = block["triples"]  # type: ignore[index]
        triples = [tuple(t[k : k + 3]) for t in flat for k in range(0, len(t), 3)]
        for n, (subject, path, object_) in enumerate(triples):
            if not any(_zero_or_more(e) for e in nodes(path)):
                continue
            others = {
                term
                for m, triple in enumerate(triples)
                if m != n
                for term in (triple[0], triple[2])
                if isinstance(term, Variable | BNode)
            }
            if all(isinstance(end, Variable | BNode) and end not in others for end in (subject, object_)):
                return False
    return True


def _zero_or_more(node: Any) -> bool:
    """Whether a node of a parse tree is a path element of zero or more steps (``p*``, ``p?``)."""
    return getattr(node, "name", None) == "PathElt" and node.get("mod") in ("*", "?")


def _scanned(group: str, inside: list[re.Match[str]], at: int, pattern: list[Any]) -> str | None:
    """``group`` (a monotone group as written, its braces included; ``inside``: the lexemes between
    its braces, found at ``at`` before it; ``pattern``: its parts in the parse tree) with each group
    or ``UNION`` of groups at its top read through ``{ SELECT * WHERE { ... } }`` (unless
    :func:`_read_whole` says no); None when it has no other part, or a blank node label.

    ``SELECT *`` projects every variable in scope of what it reads, so each part has the same
    solutions, and the group joins the same parts. A blank node label is a variable that ``SELECT *``
    would not project (and two parts may not share one): such a group is left as written."""
    if any(m.lastgroup == "name" and m.group().startswith("_:") for m in inside):
        return None
    groups = [p for p in pattern if p.name == "GroupOrUnionGraphPattern"]
    spans = _group_spans(inside)
    if not spans or len(spans) != len(groups) or len(pattern) < 2:  # no other part, or disagreeing
        return None
    chosen = [(a - at, b - at) for (a, b, _), part in zip(spans, groups, strict=True) if _read_whole(part)]
    return _selected(group, chosen)


def _named_outside(text: str, start: int, end: int) -> set[Variable]:
    """The variables ``text`` names (``?v``, ``$v``) outside ``text[start:end]``, by the lexer."""
    return {
        Variable(m.group()[1:])
        for m in lexemes(text)
        if m.lastgroup == "name" and m.group()[0] in "?$" and not start <= m.start() < end
    }


def _parts(group: Any) -> Any:
    return group["part"] if _has(group, "part") else []


def _anti_join(part: Any) -> Any:
    """The pattern of a ``FILTER NOT EXISTS`` that is monotone (see :func:`anti_joins`), else None."""
    expr = part["expr"]
    if getattr(expr, "name", None) != "Builtin_NOTEXISTS":
        return None
    parts = list(_parts(expr["graph"]))
    return parts if parts and _monotone(expr["graph"]) else None


def _monotone(group: Any) -> bool:
    """Whether a group holds only triple patterns (paths included) and groups or unions of such."""
    if getattr(group, "name", None) != "GroupGraphPatternSub":
        return False
    for part in _parts(group):
        if part.name == "GroupOrUnionGraphPattern":
            if not all(_monotone(g) for g in part["graph"]):
                return False
        elif part.name != "TriplesBlock":
            return False
    return True


def _certain(parts: Any) -> set[Variable]:
    """The variables every solution of a group's ``parts`` binds: those of its triple patterns and, of a
    union, those every branch binds (other parts may leave theirs unbound)."""
    found: set[Variable] = set()
    for part in parts:
        if part.name == "TriplesBlock":
            found |= _variables(part)
        elif part.name == "GroupOrUnionGraphPattern":
            branches = [
                _certain(_parts(g)) if getattr(g, "name", None) == "GroupGraphPatternSub" else set()
                for g in part["graph"]
            ]
            found |= set.intersection(*branches) if branches else set()
    return found


def _closing(tokens: list[re.Match[str]], at: int) -> re.Match[str] | None:
    """The token that closes the bracket opened by ``tokens[at]`` (None if none does)."""
    depth = 0
    for match in tokens[at:]:
        if match.lastgroup == "open":
            depth += 1
        elif match.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return match
    return None


def _variables(node: Any) -> set[Variable]:
    """The variables anywhere in a part of rdflib's parse tree."""
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, dict):
        return {v for value in node.values() for v in _variables(value)}
    if isinstance(node, list | tuple | ParseResults):
        return {v for value in node for v in _variables(value)}
    return set()


def _joined(text: str, focus: str) -> str:
    """``text`` (its code-point escapes decoded, as the engine reads it: an escaped brace is a brace)
    with ``focus`` joined in at the start of its outermost group."""
    at = first_group(text) + 1
    return text[:at] + f" {focus} " + text[at:]


def _plan(
    shapes: Graph,
    shape: Node,
    component: Node,
    query: str,
    text: str,
    message: Node | None,
    severity: URIRef,
    values: dict[str, Node] | None = None,
) -> Any:
    from cilo.shacl.compiler import Plan

    written = algebra(text)
    reads = predicates_read(written)
    path = shapes.value(shape, SH.path)
    if reads is not None and path is not None:  # the value nodes, for a validator of a property shape
        reads = reads | {str(path)} if isinstance(path, URIRef) else None
    return Plan(
        query=query,
        shape=shape,
        component=component,  # type: ignore[arg-type]
        severity=severity,
        message=message if isinstance(message, Literal) else None,
        default="Results of a SPARQL constraint"
        if component == _SPARQL_CONSTRAINT
        else f"Value does not satisfy the constraint component {component}",
        path=path,
        value="value",
        templated=True,
        reads=None if reads is None else frozenset(reads),
        bindings=tuple((values or {}).items()),
        shapes_graph=SHAPES_GRAPH.n3() in query,
        counts=bool(_COUNTING.search(str(written))),
    )


#: An aggregate of rdflib's algebra that counts matches (no DISTINCT): its answer depends on how many
#: times a solution occurs.
_COUNTING = re.compile(r"Aggregate_(Count|Sum|Avg|GroupConcat)_\{'distinct': \[\]")


def check(
    text: str, shape: Node, bound: frozenset[Variable] = frozenset({_THIS}), *, ask: bool = False
) -> None:
    """Refuse what SHACL forbids (:class:`ShapesError`); decline where joining the pre-bound variables
    ``bound`` in would not be pre-binding (:class:`UnsupportedError`). Decided on rdflib's parse tree,
    which keeps the groups. ``ask``: a validator's ASK query (else a SELECT)."""
    try:
        query = parse_tree(text)[1]
    except Exception as e:
        raise ShapesError(f"{shape}: the SPARQL constraint does not parse: {e}") from None
    kind = "AskQuery" if ask else "SelectQuery"
    if query.name != kind:
        raise ShapesError(
            f"{shape}: a SPARQL {'validator' if ask else 'constraint'} must be a {kind[:-5]} query"
        )
    if _has(query, "valuesClause"):
        raise _forbidden(shape, "VALUES")
    checker = _Checker(shape, bound)
    if _has(query, "groupby"):
        keys = list(query["groupby"]["condition"])
        if _THIS not in keys:
            raise UnsupportedError(f"{shape}: GROUP BY without $this in a SPARQL constraint")
        # after grouping, a pre-bound variable that is no group key is unbound (pre-bound, it is not)
        after = [query.get(k) if _has(query, k) else None for k in ("having", "orderby")]
        projection = query["projection"] if _has(query, "projection") else []
        after += [item.get("expr") if _has(item, "expr") else None for item in projection]
        if _Checker(shape, frozenset(bound - set(keys))).mentions(after):
            raise UnsupportedError(f"{shape}: a pre-bound variable read after GROUP BY, not a group key")
    checker.group(query["where"], top=True)


@lru_cache(maxsize=256)
def algebra(text: str) -> Any:
    """rdflib's algebra of a query, translated from the cached parse tree (no second parse)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    return translateQuery(take_parse_tree(text)).algebra


def _has(node: Any, key: str) -> bool:
    """Whether a node of rdflib's parse tree has ``key`` (its ``get`` answers a missing key with the key)."""
    return key in node and node[key] is not None


def _forbidden(shape: Node, construct: str) -> ShapesError:
    return ShapesError(f"{shape}: {construct} is not allowed in a SPARQL constraint (SHACL 1.0 §5.2.1)")


class _Checker:
    """Where a query reads its pre-bound variables (``$this``; a validator's ``$value`` and parameters)."""

    def __init__(self, shape: Node, bound: frozenset[Variable]) -> None:
        self.shape = shape
        self.bound = bound

    def group(self, group: Any, *, top: bool) -> None:
        """A group graph pattern: ``top`` for the outermost group, whose every part sees the focus node."""
        shape = self.shape
        name = getattr(group, "name", None)
        if name == "SubSelect":
            if self.bound != {_THIS}:
                raise UnsupportedError(f"{shape}: a sub-select in a SPARQL validator")
            projection = group["projection"] if _has(group, "projection") else []
            names = {getattr(p, "var", p) for p in projection}
            if _THIS not in names:
                raise ShapesError(
                    f"{shape}: a sub-select in a SPARQL constraint must return $this (SHACL 1.0 §5.2.1)"
                )
            if self.reads(group):
                if not self.binds_this(group):
                    raise UnsupportedError(
                        f"{shape}: a sub-select that reads $this (pre-bound in it, not joined)"
                    )
                # every row of it binds $this in a triple pattern of its own outermost group: read
                # there, the joined value is the pre-bound one, as in the query's outermost group
                self.group(group["where"], top=True)
                return
            # $this only projected, never read: unbound in the sub-select's rows, which join with any focus
            # node as the pre-bound rows would
            self.group(group["where"], top=False)
            return
        if name != "GroupGraphPatternSub":
            raise UnsupportedError(f"{shape}: {name} in a SPARQL constraint")
        for part in group["part"] if _has(group, "part") else []:
            self.part(part, top=top)

    def part(self, part: Any, *, top: bool) -> None:
        shape = self.shape
        name = part.name
        if name == "TriplesBlock":
            return
        if name == "Filter":
            self.expression(part["expr"], top=top)
        elif name == "Bind":
            if part["var"] in self.bound:
                raise _forbidden(shape, f"AS ${part['var']}")
            self.expression(part["expr"], top=top)
        elif name == "OptionalGraphPattern":
            if not top and self.mentions(part):
                # joined, the OPTIONAL would match other focus nodes' triples where, pre-bound, it
                # finds none: the rows of its group differ (only the outermost group binds $this first)
                raise UnsupportedError(f"{shape}: a pre-bound variable read in an OPTIONAL of an inner group")
            inner = part["graph"]
            if getattr(inner, "name", None) != "GroupGraphPatternSub":
                self.group(inner, top=False)
                return
            for child in inner["part"] if _has(inner, "part") else []:
                if child.name == "Filter":  # the OPTIONAL's condition: evaluated with the left side
                    self.expression(child["expr"], top=top)
                else:
                    self.part(child, top=False)
        elif name == "GroupOrUnionGraphPattern":
            for graph in part["graph"]:
                self.group(graph, top=False)
        elif name == "MinusGraphPattern":
            raise _forbidden(shape, "MINUS")
        elif name == "InlineData":
            raise _forbidden(shape, "VALUES")
        elif name == "ServiceGraphPattern":
            raise _forbidden(shape, "SERVICE")
        elif name == "GraphGraphPattern" and part["term"] == SHAPES_GRAPH:  # $shapesGraph
            self.group(part["graph"], top=False)
        else:
            raise UnsupportedError(f"{shape}: {name} in a SPARQL constraint")

    def expression(self, expr: Any, *, top: bool) -> None:
        """An expression that reads a pre-bound variable must be one of the outermost group. The
        pattern of an EXISTS is evaluated for each solution, with them bound, as under pre-binding."""
        if not top and self.mentions(expr):
            raise UnsupportedError(
                f"{self.shape}: a pre-bound variable read in an expression of an inner group"
            )
        for graph in _exists_patterns(expr):
            self.group(graph, top=top)

    def binds_this(self, select: Any) -> bool:
        """Whether a sub-select that reads ``$this`` gives, joined, the rows it gives pre-bound: a
        triple pattern of its outermost group binds ``$this`` in every row before any ``OPTIONAL`` or
        ``BIND`` there (so each row is one focus node's, and that group reads it as the query's
        outermost group, the focus nodes joined first, does), it groups by ``$this`` if it groups or
        aggregates at all (one group per focus node, as pre-bound), and no ``LIMIT`` or ``OFFSET``
        cuts the rows of all focus nodes together."""
        where = select["where"]
        for part in where["part"] if _has(where, "part") else []:
            if part.name == "TriplesBlock" and _THIS in _variables(part):
                break
            if part.name not in ("TriplesBlock", "GroupOrUnionGraphPattern", "Filter"):
                return False  # what an OPTIONAL or a BIND reads, it reads before the joins after it
        else:
            return False
        if _has(select, "limitoffset"):
            return False
        if _has(select, "groupby"):
            return _THIS in select["groupby"]["condition"]
        aggregated = (select[k] for k in ("projection", "having", "orderby") if _has(select, k))
        return not any(str(getattr(n, "name", "")).startswith("Aggregate_") for n in nodes(list(aggregated)))

    def reads(self, select: Any) -> bool:
        """Whether a sub-select reads ``$this``: anywhere but as a projected variable or a GROUP BY key
        (both unbound when nothing reads it, and compatible with any focus node)."""
        for key, value in select.items():
            if key == "projection":
                if any(self.mentions(item.get("expr") if _has(item, "expr") else None) for item in value):
                    return True
            elif key == "groupby":
                if any(c != _THIS and self.mentions(c) for c in value["condition"]):
                    return True
            elif getattr(value, "name", None) == "SubSelect":
                if self.reads(value):
                    return True
            elif key == "where" and getattr(value, "name", None) == "GroupGraphPatternSub":
                parts = value["part"] if _has(value, "part") else []
                for part in parts:
                    inner = part["graph"] if part.name == "GroupOrUnionGraphPattern" else None
                    if (
                        inner is not None
                        and len(inner) == 1
                        and getattr(inner[0], "name", None) == "SubSelect"
                    ):
                        if self.reads(inner[0]):
                            return True
                    elif self.mentions(part):
                        return True
            elif self.mentions(value):
                return True
        return False

    def mentions(self, expr: Any) -> bool:
        """Whether a part of the parse tree reads a pre-bound variable (triple patterns included)."""
        return bool(self.bound & _variables(expr))


def _exists_patterns(expr: Any) -> list[Any]:
    found = []
    if isinstance(expr, dict):
        if getattr(expr, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            found.append(expr["graph"])
            return found
        for v in expr.values():
            found += _exists_patterns(v)
    elif isinstance(expr, list | tuple):
        for v in expr:
            found += _exists_patterns(v)
    return found


def predicates_read(algebra: object) -> set[str] | None:
    """Every constant predicate of the query's triple patterns and paths whose objects the query can
    observe; None when it may observe the objects of any predicate (a variable predicate).

    A triple pattern with a variable predicate does not count when its object is a variable used
    nowhere else, not projected, in a ``SELECT DISTINCT`` without an aggregate that counts matches
    (``COUNT``, ``SUM``, ``AVG``, ``GROUP_CONCAT`` without ``DISTINCT``; grouping alone does not):
    whatever literal it matches, the rows are the same (cilo's own "known terms" constraint,
    ``$this ?value ?object``, is such a query, and so is its form with the terms tested first).
    """
    found: set[str] = set()
    uses = _variable_uses(algebra)
    top = getattr(algebra, "p", None)
    # grouping without a count of matches answers alike however often a match occurs
    distinct = getattr(top, "name", None) == "Distinct" and not _COUNTING.search(str(algebra))
    projected = set(getattr(algebra, "get", lambda _k: None)("PV") or ())

    def unobserved(o: object) -> bool:
        return distinct and isinstance(o, Variable) and uses.get(o, 0) == 1 and o not in projected

    def walk(node: object) -> bool:
        if isinstance(node, dict):
            if getattr(node, "name", None) == "BGP":
                for _, p, o in node["triples"]:
                    if isinstance(p, Variable) and unobserved(o):
                        continue
                    if isinstance(p, Variable | NegatedPath):  # any predicate
                        return False
                    found.update(_path_predicates(p) if isinstance(p, RdflibPath) else {str(p)})
            return all(walk(v) for v in node.values())
        if isinstance(node, list | tuple):
            return all(walk(v) for v in node)
        return True

    return found if walk(algebra) else None


def _variable_uses(algebra: object) -> dict[Variable, int]:
    """How often each variable occurs in the query's patterns and expressions (not in the variable
    sets rdflib's algebra keeps beside them)."""
    uses: dict[Variable, int] = {}

    def walk(node: object) -> None:
        if isinstance(node, Variable):
            uses[node] = uses.get(node, 0) + 1
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("_vars", "PV"):
                    walk(value)
        elif isinstance(node, list | tuple | set):
            for value in node:
                walk(value)

    walk(algebra)
    return uses


def _path_predicates(path: object) -> set[str]:
    found: set[str] = set()
    for attr in ("args", "path", "arg"):
        value = getattr(path, attr, None)
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, URIRef):
                found.add(str(item))
            elif item is not None:
                found |= _path_predicates(item)
    return found
