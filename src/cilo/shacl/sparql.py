"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``), run for all focus nodes in one query.

SHACL pre-binds ``$this`` (SHACL 1.0 §5.3.1): the query is evaluated as if ``$this`` were replaced by
each focus node. The compiled query instead joins the focus nodes in at the start of its outermost
group. Both give the same rows when every place ``$this`` is read sees the joined value: triple
patterns anywhere, and expressions (``FILTER``, ``BIND``, an ``OPTIONAL``'s condition) of the
outermost group. A query that reads ``$this`` elsewhere (in an expression of an inner group, a
sub-select, an aggregate) is not compiled: pySHACL runs it (:class:`cilo.UnsupportedError`).

Queries the specification forbids (§5.2.1: ``MINUS``, ``SERVICE``, ``VALUES``, a sub-select that
does not return ``$this``, ``AS $this``) are a :class:`cilo.ShapesError` naming shape and construct.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rdflib import OWL, Graph, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.paths import NegatedPath
from rdflib.paths import Path as RdflibPath
from rdflib.term import Node

from cilo.errors import ShapesError, UnsupportedError
from cilo.safety import decode_code_points, first_group, parse_tree

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
    shapes: Graph, shape: Node, constraint: Node, focus: str, severity: URIRef, path_text: str | None
) -> Any:
    """The plan of one SPARQL constraint of ``shape``, for the focus nodes ``focus`` binds to ``?this``."""
    from cilo.shacl.compiler import Plan

    if shapes.value(constraint, SH.deactivated) == Literal(True):
        return None
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal):
        raise UnsupportedError(f"a SPARQL constraint of {shape} without sh:select")
    text = prefixes(shapes, constraint) + str(select)
    path = shapes.value(shape, SH.path)
    if re.search(r"\$PATH\b", text):
        if path_text is None:
            raise ShapesError(f"{shape}: $PATH in a SPARQL constraint of a node shape")
        text = re.sub(r"\$PATH\b", lambda _: path_text, text)
    if re.search(r"[?$]currentShape\b", text):
        if not isinstance(shape, URIRef):
            raise UnsupportedError(f"$currentShape of the blank node shape {shape}")
        text = re.sub(r"[?$]currentShape\b", shape.n3(), text)
    if re.search(r"[?$]shapesGraph\b", text):
        raise UnsupportedError(f"$shapesGraph in a SPARQL constraint of {shape}")
    text = re.sub(r"\$this\b", "?this", text)
    check(text, shape)
    reads = predicates_read(algebra(text))
    text = decode_code_points(text)  # as the engine reads it: an escaped brace is a brace
    at = first_group(text) + 1
    query = text[:at] + f" {focus} " + text[at:]
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    return Plan(
        query=query,
        shape=shape,
        component=_SPARQL_CONSTRAINT,
        severity=severity,
        message=message if isinstance(message, Literal) else None,
        default="Results of a SPARQL constraint",
        path=path,
        value="value",
        templated=True,
        reads=None if reads is None else frozenset(reads),
    )


def check(text: str, shape: Node) -> None:
    """Refuse what SHACL forbids (:class:`ShapesError`); decline where joining ``$this`` in would not be
    pre-binding (:class:`UnsupportedError`). Decided on rdflib's parse tree, which keeps the groups."""
    try:
        query = parse_tree(text)[1]
    except Exception as e:
        raise ShapesError(f"{shape}: the SPARQL constraint does not parse: {e}") from None
    if query.name != "SelectQuery":
        raise ShapesError(f"{shape}: a SPARQL constraint must be a SELECT query")
    if _has(query, "valuesClause"):
        raise _forbidden(shape, "VALUES")
    if _has(query, "groupby") and _THIS not in list(query["groupby"]["condition"]):
        raise UnsupportedError(f"{shape}: GROUP BY without $this in a SPARQL constraint")
    _group(query["where"], shape, top=True)


@lru_cache(maxsize=256)
def algebra(text: str) -> Any:
    """rdflib's algebra of a query, translated from the cached parse tree (no second parse)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    return translateQuery(parse_tree(text)).algebra


def _has(node: Any, key: str) -> bool:
    """Whether a node of rdflib's parse tree has ``key`` (its ``get`` answers a missing key with the key)."""
    return key in node and node[key] is not None


def _forbidden(shape: Node, construct: str) -> ShapesError:
    return ShapesError(f"{shape}: {construct} is not allowed in a SPARQL constraint (SHACL 1.0 §5.2.1)")


def _group(group: Any, shape: Node, *, top: bool) -> None:
    """A group graph pattern: ``top`` for the outermost group, whose every part sees the focus node."""
    name = getattr(group, "name", None)
    if name == "SubSelect":
        projection = group["projection"] if _has(group, "projection") else []
        names = {getattr(p, "var", p) for p in projection}
        if _THIS not in names:
            raise ShapesError(
                f"{shape}: a sub-select in a SPARQL constraint must return $this (SHACL 1.0 §5.2.1)"
            )
        if _reads_this(group):
            raise UnsupportedError(f"{shape}: a sub-select that reads $this (pre-bound in it, not joined)")
        # $this only projected, never read: unbound in the sub-select's rows, which join with any focus
        # node as the pre-bound rows would
        _group(group["where"], shape, top=False)
        return
    if name != "GroupGraphPatternSub":
        raise UnsupportedError(f"{shape}: {name} in a SPARQL constraint")
    for part in group["part"] if _has(group, "part") else []:
        _part(part, shape, top=top)


def _part(part: Any, shape: Node, *, top: bool) -> None:
    name = part.name
    if name == "TriplesBlock":
        return
    if name == "Filter":
        _expression(part["expr"], shape, top=top)
    elif name == "Bind":
        if part["var"] == _THIS:
            raise _forbidden(shape, "AS $this")
        _expression(part["expr"], shape, top=top)
    elif name == "OptionalGraphPattern":
        inner = part["graph"]
        if getattr(inner, "name", None) != "GroupGraphPatternSub":
            _group(inner, shape, top=False)
            return
        for child in inner["part"] if _has(inner, "part") else []:
            if child.name == "Filter":  # the OPTIONAL's condition: evaluated with the left side
                _expression(child["expr"], shape, top=top)
            else:
                _part(child, shape, top=False)
    elif name == "GroupOrUnionGraphPattern":
        for graph in part["graph"]:
            _group(graph, shape, top=False)
    elif name == "MinusGraphPattern":
        raise _forbidden(shape, "MINUS")
    elif name == "InlineData":
        raise _forbidden(shape, "VALUES")
    elif name == "ServiceGraphPattern":
        raise _forbidden(shape, "SERVICE")
    else:
        raise UnsupportedError(f"{shape}: {name} in a SPARQL constraint")


def _expression(expr: Any, shape: Node, *, top: bool) -> None:
    """An expression that reads ``$this`` must be one of the outermost group. The pattern of an
    EXISTS is evaluated for each solution, with ``$this`` bound, as under pre-binding."""
    if not top and _mentions_this(expr):
        raise UnsupportedError(f"{shape}: $this read in an expression of an inner group")
    for graph in _exists_patterns(expr):
        _group(graph, shape, top=top)


def _reads_this(select: Any) -> bool:
    """Whether a sub-select reads ``$this``: anywhere but as a projected variable or a GROUP BY key
    (both unbound when nothing reads it, and compatible with any focus node)."""
    for key, value in select.items():
        if key == "projection":
            if any(_mentions_this(item.get("expr") if _has(item, "expr") else None) for item in value):
                return True
        elif key == "groupby":
            if any(c != _THIS and _mentions_this(c) for c in value["condition"]):
                return True
        elif getattr(value, "name", None) == "SubSelect":
            if _reads_this(value):
                return True
        elif key == "where" and getattr(value, "name", None) == "GroupGraphPatternSub":
            parts = value["part"] if _has(value, "part") else []
            for part in parts:
                inner = part["graph"] if part.name == "GroupOrUnionGraphPattern" else None
                if inner is not None and len(inner) == 1 and getattr(inner[0], "name", None) == "SubSelect":
                    if _reads_this(inner[0]):
                        return True
                elif _mentions_this(part):
                    return True
        elif _mentions_this(value):
            return True
    return False


def _mentions_this(expr: Any) -> bool:
    if expr == _THIS:
        return True
    if isinstance(expr, dict):
        return any(_mentions_this(v) for v in expr.values())
    if isinstance(expr, list | tuple):
        return any(_mentions_this(v) for v in expr)
    return False


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
    nowhere else, not projected, in a ``SELECT DISTINCT`` without aggregates (which could count the
    matches): whatever literal it matches, the rows are the same (cilo's own "known terms" constraint,
    ``$this ?value ?object``, is such a query).
    """
    found: set[str] = set()
    uses, names = _variable_uses(algebra)
    top = getattr(algebra, "p", None)
    distinct = getattr(top, "name", None) == "Distinct" and not names & {"Group", "AggregateJoin"}
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


def _variable_uses(algebra: object) -> tuple[dict[Variable, int], set[str]]:
    """How often each variable occurs in the query's patterns and expressions (not in the variable
    sets rdflib's algebra keeps beside them), and the names of the algebra's operators."""
    uses: dict[Variable, int] = {}
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, Variable):
            uses[node] = uses.get(node, 0) + 1
        elif isinstance(node, dict):
            names.add(str(getattr(node, "name", "")))
            for key, value in node.items():
                if key not in ("_vars", "PV"):
                    walk(value)
        elif isinstance(node, list | tuple | set):
            for value in node:
                walk(value)

    walk(algebra)
    return uses, names


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
