"""SHACL Core (and safe SHACL-SPARQL) compiled to SPARQL: each constraint one query over all focus nodes.

A shape is translated only when every triple of it, and of every shape it reaches (``sh:node``,
``sh:property``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``), is
understood; otherwise :func:`compile_shape` raises :class:`cilo.UnsupportedError` and that shape goes
to pySHACL (fail closed: never a silently dropped constraint).

Forms. The focus nodes of a shape are one sub-select (the union of its targets, implicit class target
included). A constraint on value nodes is ``FILTER (bad(?value))`` (``sh:class``, and an ``sh:or`` of
shapes that each ask only for a class: ``MINUS`` the instances, an anti-join on ``?value``); the
conformance of a value node
to a nested shape is ``EXISTS { fail(shape, ?node) }``, where ``fail`` is the union, over the nested
shape's constraints, of a pattern that has a solution exactly when the node violates it. Counts
(``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedMinCount``, ``sh:qualifiedMaxCount``) are one
``GROUP BY ?this`` at the top; inside a nested shape, where a sub-select cannot see the node, they
become patterns of n distinct values (up to :data:`MAX_NESTED_COUNT`; beyond that the shape declines).
Qualified counts and SPARQL constraints inside nested shapes decline.

Shared focus nodes. The constraints of a shape whose query starts from ``?this`` along one predicate
(value-node components, a count of more than n) also carry their query without the focus
sub-select (:attr:`Plan.alone`); so do those whose rows are the focus nodes without a match along
one predicate (a count of fewer than 1: :attr:`Plan.absent`). The engine runs those of one focus as
one query (:func:`fused`): the focus nodes found once (a role assignment's six checks on the store at
N = 10,000: 2.0 → 1.3 s; in memory its three minimum counts beside the others: 0.95 → 0.71 s).
When that predicate is one the shape's ``sh:targetSubjectsOf`` names, every match of the query's first
triple is a focus node: the query runs without the focus sub-select at all (:class:`Implies`; SPARQL
constraints likewise, :func:`cilo.shacl.sparql.compile_constraint`).

Data on disk. In a store or at an endpoint each index lookup reads the disk, about ten times its
cost in memory, while a scan costs about the same. There (``on_disk``) a count of more than one value
groups instead of looking up one other value per value, a qualified shape that asks only for a class
joins the class's instances (found once) instead of testing each value, and SPARQL constraints are
rewritten to hash what they join (:func:`cilo.shacl.sparql.rewritten`): the same solutions, computed
with scans instead of lookups (cilo's shapes on the store at N = 10,000: 11.3 → 5.5 s). A hash table
holds what it joins, so a large store keeps the forms for memory (:attr:`cilo.shacl.remote.InStore.hashes`).

Literals. Oxigraph stores numbers, booleans and date-times in canonical form (``"007"^^xsd:integer``
becomes ``"7"``, ``xsd:int`` becomes ``xsd:integer``). The engine stores such literals as stand-ins
that keep the lexical form (:mod:`cilo.shacl.literals`); the queries here read their value and datatype
through :func:`value_of` and :func:`datatype_of`.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from cilo.errors import ShapesError, UnsupportedError
from cilo.oxigraph import to_oxigraph
from cilo.shacl.literals import ILL_TYPED, STAND_IN, Faithful, stand_in

#: Largest sh:minCount / sh:maxCount inside a nested shape (each is a pattern of n distinct values).
MAX_NESTED_COUNT = 4

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Predicates of a shape that never change what is valid.
_ANNOTATIONS = {
    RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.message, SH.severity, SH.deactivated, SH.prefixes, *_TARGETS,
}  # fmt: skip
#: Value-node components: predicate -> constraint component.
_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}
_PAIR_COMPONENTS = {
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
_OTHER = {
    SH.path, SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.property, SH.closed,
    SH.ignoredProperties, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags, SH.sparql,
}  # fmt: skip
_UNDERSTOOD = _ANNOTATIONS | set(_VALUE_COMPONENTS) | set(_PAIR_COMPONENTS) | _OTHER
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
#: Parameters a shape has at most one value of (SHACL 1.0 §4).
_SINGLE = (
    SH.path, SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive, SH.minInclusive,
    SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.languageIn, SH["in"], SH.uniqueLang,
    SH.closed, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags,
)  # fmt: skip
_RANGES = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}
#: XSD datatypes whose well-formedness a SPARQL cast decides (an ill-formed lexical form fails it).
_CASTS = {
    XSD.boolean, XSD.decimal, XSD.integer, XSD.float, XSD.double, XSD.dateTime, XSD.date, XSD.time,
    XSD.duration, XSD.dayTimeDuration, XSD.yearMonthDuration, XSD.gYear, XSD.gYearMonth, XSD.gMonth,
    XSD.gMonthDay, XSD.gDay,
}  # fmt: skip
#: The XSD integer types by their range (None: unbounded on that side).
_INTEGERS = {
    XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1), XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1), XSD.byte: (-128, 127),
    XSD.unsignedLong: (0, 2**64 - 1), XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255),
}  # fmt: skip
_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_THIS = Variable("this")
_TRUE = Literal(True)


@dataclass(frozen=True)
class Plan:
    """One compiled constraint: its query and how a row of it becomes a validation result."""

    query: str
    shape: Node
    component: URIRef
    severity: URIRef
    #: The shape's sh:message (a template with ``{?var}`` / ``{$var}``), or None.
    message: Literal | None
    #: The message written when the shape gives none.
    default: str
    #: The sh:resultPath of every result (a property shape's path), or None.
    path: Node | None
    #: Where sh:value comes from: a variable of the query, or None for no value.
    value: str | None = "value"
    #: For SPARQL constraints: the variables of the row a message may name.
    templated: bool = False
    #: For SPARQL constraints: the predicates the query reads (None: a variable predicate, any).
    reads: frozenset[str] | None = frozenset()
    #: For SPARQL-based constraint components: the parameters' values, for the message's template.
    bindings: tuple[tuple[str, Node], ...] = ()
    #: The query reads ``$shapesGraph``: the shapes graph must be beside the data.
    shapes_graph: bool = False
    #: For SPARQL constraints: an aggregate counts matches (``COUNT``, ``SUM``, ``AVG`` or
    #: ``GROUP_CONCAT`` without ``DISTINCT``), so a solution that occurs twice counts twice.
    counts: bool = False
    #: For a query that may share its focus nodes with others (:func:`fused`): the focus sub-select,
    #: and the query's own ``SELECT DISTINCT`` without it, which binds ``?this`` in every row.
    focus: str | None = None
    alone: str | None = None
    #: Or, for a query whose rows are the focus nodes without a match of any of some patterns
    #: (``MINUS``), those patterns, each binding ``?this`` in every solution and written with
    #: absolute IRIs and variables of its own (:func:`fused`).
    absent: tuple[str, ...] = ()

    @property
    def shares_focus(self) -> bool:
        """Whether the engine may run the plan with others of its focus in one query (:func:`fused`)."""
        return self.focus is not None and (self.alone is not None or bool(self.absent))


@dataclass(frozen=True)
class Component:
    """A SPARQL-based constraint component: its IRI and its parameters' paths."""

    iri: Node
    mandatory: tuple[Node, ...]
    optional: tuple[Node, ...]
    #: Why no shape using it can be compiled (a blank node component, a parameter without an IRI path).
    problem: str | None = None


def _local_name(iri: Node) -> str:
    """A parameter's name: the local name of its path (SHACL 1.0 §6.2.1)."""
    return re.split(r"[#/:]", str(iri))[-1]


@dataclass
class _Names:
    counter: Iterator[int] = field(default_factory=itertools.count)

    def fresh(self, stem: str) -> str:
        return f"?{stem}{next(self.counter)}"


def value_of(v: str) -> str:
    """The SPARQL value of ``v``, a stand-in literal read back as the literal it stands for."""
    inner = f"STR(DATATYPE({v}))"
    return (
        f'IF(isLiteral({v}) && STRSTARTS({inner}, "{STAND_IN}"), '
        f'STRDT(STR({v}), IRI(STRAFTER({inner}, "{STAND_IN}"))), {v})'
    )


def datatype_of(v: str) -> str:
    """The datatype of the literal ``v`` as it was written (that of a stand-in or an ill-typed literal)."""
    inner = f"STR(DATATYPE({v}))"
    return (
        f'IF(STRSTARTS({inner}, "{STAND_IN}"), IRI(STRAFTER({inner}, "{STAND_IN}")), '
        f'IF(STRSTARTS({inner}, "{ILL_TYPED}"), IRI(STRAFTER({inner}, "{ILL_TYPED}")), DATATYPE({v})))'
    )


def well_formed(v: str) -> str:
    """False for a literal rdflib read as ill-typed."""
    return f'!STRSTARTS(STR(DATATYPE({v})), "{ILL_TYPED}")'


class Compiler:
    """Translates the shapes of one shapes graph (see the module docstring).

    Boolean parameters (``sh:uniqueLang``, ``sh:closed``, ``sh:deactivated``,
    ``sh:qualifiedValueShapesDisjoint``) are on only when their value is the literal ``true`` as
    written, as the W3C suite reads them (``"1"^^xsd:boolean`` does not turn ``sh:uniqueLang`` on).
    """

    def __init__(self, shapes: Graph, faithful: Faithful, *, on_disk: bool = False) -> None:
        self.g = shapes
        self.faithful = faithful
        #: The queries will run on a store or at an endpoint, where a lookup is a read of the disk.
        self.on_disk = on_disk
        self.names = _Names()
        self._components = self._read_components()
        #: For each focus sub-select :meth:`_focus` wrote, the triple patterns that each put ``?this``
        #: among its focus nodes (one per target; see :class:`Implies`).
        self._implied: dict[str, Implies] = {}

    # --- which shapes --------------------------------------------------------------------------

    def top_shapes(self) -> list[Node]:
        """The shapes with targets, explicit or implicit (a shape that is also an rdfs:Class)."""
        found = {s for t in _TARGETS for s in self.g.subjects(t, None)}
        for shape in self.shape_nodes():
            if self._is_class(shape):
                found.add(shape)
        return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))

    def shape_nodes(self) -> set[Node]:
        """Every node the shapes graph uses as a shape."""
        found = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(
            self.g.subjects(RDF.type, SH.PropertyShape)
        )
        found |= {s for t in _TARGETS for s in self.g.subjects(t, None)}
        found |= set(self.g.subjects(SH.path, None))
        for p in (SH.node, SH.property, SH.qualifiedValueShape, SH["not"]):
            found |= set(self.g.objects(None, p))
        for p in (SH["and"], SH["or"], SH.xone):
            for head in self.g.objects(None, p):
                found |= set(self._list(head))
        return found

    def _is_class(self, node: Node) -> bool:
        """A shape that is also a class has the implicit class target (as pySHACL reads it: rdfs:Class
        or owl:Class in the shapes graph)."""
        return any(t in (RDFS.Class, OWL.Class) for t in self.g.objects(node, RDF.type))

    def _read_components(self) -> list[Component]:
        """The SPARQL-based constraint components of the shapes graph (SHACL 1.0 §6): every node with
        an ``sh:parameter`` (its type may be a subclass of sh:ConstraintComponent)."""
        found = []
        for node in sorted(set(self.g.subjects(SH.parameter, None)), key=str):
            mandatory: list[Node] = []
            optional: list[Node] = []
            problem = None if isinstance(node, URIRef) else f"the constraint component {node} is a blank node"
            for parameter in self.g.objects(node, SH.parameter):
                path = self.g.value(parameter, SH.path)
                if not isinstance(path, URIRef):
                    problem = f"a parameter of {node} whose sh:path is not an IRI"
                    continue
                is_optional = self.g.value(parameter, SH.optional) == Literal(True)
                (optional if is_optional else mandatory).append(path)
            if not mandatory and problem is None:
                raise ShapesError(
                    f"the constraint component {node} has no parameter that is not optional "
                    "(SHACL 1.0 §6.1: it would apply to every shape)"
                )
            found.append(Component(node, tuple(mandatory), tuple(optional), problem))
        return found

    def _applied(self, shape: Node) -> Iterator[tuple[Component, dict[str, Node]]]:
        """Each SPARQL-based component ``shape`` uses (it has a value of every mandatory parameter),
        with the values bound to the parameters' names: one constraint per combination of values."""
        for component in self._components:
            if not all((shape, p, None) in self.g for p in component.mandatory):
                continue
            params = [p for p in (*component.mandatory, *component.optional) if (shape, p, None) in self.g]
            if component.problem is not None:
                raise UnsupportedError(f"{component.problem} (used by {shape})")
            choices = [sorted(self.g.objects(shape, p), key=str) for p in params]
            for values in itertools.product(*choices):
                yield component, {_local_name(p): v for p, v in zip(params, values, strict=True)}

    # --- whole shapes ----------------------------------------------------------------------------

    def compile_shape(self, shape: Node) -> list[Plan]:
        """The plans of a shape with targets; :class:`UnsupportedError` when any part of it is not
        understood (the shape then goes to pySHACL)."""
        self._check_tree(shape, ())
        if self._deactivated(shape):
            return []
        focus = self._focus(shape)
        return list(self._plans(shape, focus))

    def _check_tree(self, shape: Node, stack: tuple[Node, ...]) -> None:
        """Refuse a shape (or one it reaches) with a triple the compiler does not understand, or a cycle."""
        if shape in stack:
            raise UnsupportedError(f"the shape {shape} refers to itself")
        if (shape, RDF.type, SH.NodeShape) in self.g and (shape, SH.path, None) in self.g:
            raise UnsupportedError(f"the node shape {shape} has a sh:path (ill-formed: pySHACL says why)")
        for single in _SINGLE:
            if len(list(self.g.objects(shape, single))) > 1:
                raise UnsupportedError(f"{shape} has more than one {single} (ill-formed: pySHACL says why)")
        for node in self.g.objects(shape, SH.node):
            if (node, SH.path, None) in self.g:
                raise UnsupportedError(f"sh:node {node} of {shape} is a property shape (ill-formed)")
        for p, o in self.g.predicate_objects(shape):
            if str(p).startswith(str(SH)) and p not in _UNDERSTOOD:
                raise UnsupportedError(f"{p} on {shape}")
            if p == SH.deactivated and o not in (Literal(True), Literal(False)):
                raise UnsupportedError(f"sh:deactivated {o!r} on {shape}")
        for child in self._children(shape):
            self._check_tree(child, (*stack, shape))

    def _children(self, shape: Node) -> list[Node]:
        found = [*self.g.objects(shape, SH.node), *self.g.objects(shape, SH.property)]
        found += [*self.g.objects(shape, SH["not"]), *self.g.objects(shape, SH.qualifiedValueShape)]
        for p in (SH["and"], SH["or"], SH.xone):
            for head in self.g.objects(shape, p):
                found += self._list(head)
        return found

    def _focus(self, shape: Node) -> str:
        """A pattern binding ``?this`` to each focus node of ``shape``, once."""
        parts, implied = [], Implies()
        classes = [*self.g.objects(shape, SH.targetClass), *([shape] if self._is_class(shape) else [])]
        for c in classes:
            parts.append(f"{{ ?this {_SUBCLASS} {self._term(c)} }}")
            implied.classes.add(c)  # rdfs:subClassOf* includes the class itself
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {self._iri(p)} ?targetObject }}")
            implied.subjects_of.add(p)
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?targetSubject {self._iri(p)} ?this }}")
            implied.objects_of.add(p)
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            parts.append(f"{{ VALUES ?this {{ {' '.join(self._term(n) for n in nodes)} }} }}")
        focus = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"
        self._implied[focus] = implied
        return focus

    def _plans(self, shape: Node, focus: str) -> Iterator[Plan]:
        """The plans of ``shape`` for the focus nodes ``focus`` binds to ``?this``."""
        if self._deactivated(shape):
            return
        path_node = self.g.value(shape, SH.path)
        path = None if path_node is None else self._path(path_node)
        severity, message = self._severity(shape), self._message(shape)

        def plan(
            query: str,
            component: URIRef,
            default: str,
            value: str | None = "value",
            path: Node | None = path_node,
        ) -> Plan:
            found = Plan(query, shape, component, severity, message, default, path, value)
            unfocused = _implied_focus(query, focus, self._implied.get(focus, Implies()))
            if unfocused is not None:
                return dataclasses.replace(found, query=unfocused)  # its first triple finds them
            alone, absent = _sharable(query, focus), _absent(query, focus)
            if alone is None and not absent:
                return found
            return dataclasses.replace(found, focus=focus, alone=alone, absent=absent)

        values = "BIND (?this AS ?value)" if path is None else f"?this {path} ?value ."
        for predicate, component in _VALUE_COMPONENTS.items():
            for parameter in self.g.objects(shape, predicate):
                # sh:class, or an sh:or of shapes that each ask only for a class: anti-joins (see
                # _counted), MINUS the instances of each class
                classes = [parameter] if predicate == SH["class"] else None
                if predicate == SH["or"]:
                    classes = self._instances_of(parameter)
                if classes:
                    test = " ".join(f"MINUS {{ ?value {_SUBCLASS} {self._term(c)} }}" for c in classes)
                else:
                    test = f"FILTER ({self._bad(shape, predicate, parameter, '?value')})"
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} {test} }}"
                yield plan(query, component, _default(predicate, parameter, self.g))
        for predicate, component in _PAIR_COMPONENTS.items():
            for other in self.g.objects(shape, predicate):
                branches = self._pair(predicate, path, self._iri(other), "?this", "?value")
                where = " UNION ".join(f"{{ {focus} {branch} }}" for branch in branches)
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {where} }}"
                yield plan(query, component, _default(predicate, other, self.g))
        yield from self._counts(shape, path, focus, plan)
        for h in self.g.objects(shape, SH.hasValue):
            test = (
                f"FILTER NOT EXISTS {{ ?this {path} {self._term(h)} }}"
                if path
                else f"FILTER (!sameTerm(?this, {self._term(h)}))"
            )
            yield plan(
                f"SELECT DISTINCT ?this WHERE {{ {focus} {test} }}",
                SH.HasValueConstraintComponent,
                f"Missing expected value {h}",
                None,
            )
        if self.g.value(shape, SH.uniqueLang) == Literal(True):
            if path is None:
                raise UnsupportedError(f"sh:uniqueLang on the node shape {shape}")
            pairs = self._unique_lang(path, "?this", "?a", "?b")
            query = f"SELECT DISTINCT ?this ?lang WHERE {{ {focus} {pairs} BIND (LANG(?a) AS ?lang) }}"
            shared = "More than one String shares the same Language"
            yield plan(query, SH.UniqueLangConstraintComponent, shared, None)
        if self.g.value(shape, SH.closed) == Literal(True):
            if path is not None:
                raise UnsupportedError(f"sh:closed on the property shape {shape}")
            others = self._closed(shape, "?this", "?path", "?value")
            query = f"SELECT DISTINCT ?this ?path ?value WHERE {{ {focus} {others} }}"
            yield plan(query, SH.ClosedConstraintComponent, "Node is closed: it cannot have this property")
        for q in self.g.objects(shape, SH.qualifiedValueShape):
            yield from self._qualified(shape, q, path, focus, plan)
        for child in self.g.objects(shape, SH.property):
            if path is None:
                yield from self._plans(child, focus)
            else:
                parents = f"{{ SELECT (?this AS ?parent) WHERE {{ {focus} }} }}"
                inner = f"{{ SELECT DISTINCT ?this WHERE {{ {parents} ?parent {path} ?this }} }}"
                yield from self._plans(child, inner)
        from cilo.shacl.sparql import compile_constraint, compile_validator

        for constraint in self.g.objects(shape, SH.sparql):
            implied = self._implied.get(focus, Implies())  # none for a nested shape's focus
            compiled = compile_constraint(
                self.g, shape, constraint, (focus, implied), severity, path, on_disk=self.on_disk
            )
            if compiled is not None:
                yield compiled
        for used, bound in self._applied(shape):
            validator = self._validator(used, shape, path is None)
            if validator is not None:
                texts = {name: self._term(value) for name, value in bound.items()}
                yield compile_validator(
                    self.g, shape, used.iri, validator, (bound, texts), focus, severity, path
                )

    def _validator(self, component: Component, shape: Node, node_shape: bool) -> Node | None:
        """The validator of ``component`` for ``shape`` (SHACL 1.0 §6.2.3): for a node shape its
        ``sh:nodeValidator``, for a property shape its ``sh:propertyValidator``, else its (ASK)
        ``sh:validator``; None when it has none (the constraint is then ignored, as §6.2.3 says)."""
        own = SH.nodeValidator if node_shape else SH.propertyValidator
        for key in (own, SH.validator):
            found = list(self.g.objects(component.iri, key))
            if len(found) > 1:
                raise UnsupportedError(f"{component.iri} has more than one {key} (for {shape})")
            if found:
                return found[0]
        return None

    def _counts(self, shape: Node, path: str | None, focus: str, plan: Callable[..., Plan]) -> Iterator[Plan]:
        for key, component, compare in (
            (SH.minCount, SH.MinCountConstraintComponent, "<"),
            (SH.maxCount, SH.MaxCountConstraintComponent, ">"),
        ):
            for count in self.g.objects(shape, key):
                n = self._whole(count, shape, key)
                if path is None:
                    raise UnsupportedError(f"{key} on the node shape {shape}")
                if key == SH.minCount and n == 0:
                    continue
                query = _counted(
                    focus, lambda v: f"?this {path} {v} .", compare, n, path, on_disk=self.on_disk
                )
                word = "Less" if key == SH.minCount else "More"
                yield plan(
                    query, component, f"{word} than {n} values on {self.g.value(shape, SH.path)}", None
                )

    def _qualified(
        self, shape: Node, q: Node, path: str | None, focus: str, plan: Callable[..., Plan]
    ) -> Iterator[Plan]:
        if path is None:
            raise UnsupportedError(f"sh:qualifiedValueShape on the node shape {shape}")
        siblings: list[Node] = []
        if self.g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            parents = list(self.g.subjects(SH.property, shape))
            if len(parents) != 1:
                raise UnsupportedError(
                    f"sh:qualifiedValueShapesDisjoint on {shape} with {len(parents)} parents"
                )
            siblings = sorted(
                {
                    s for sibling in self.g.objects(parents[0], SH.property) if sibling != shape
                    for s in self.g.objects(sibling, SH.qualifiedValueShape)
                },
                key=str,
            )  # fmt: skip
            for sibling in siblings:
                self._check_tree(sibling, ())

        def conforms(v: str) -> str:
            """``v`` conforms to the qualified shape, and to none of its disjoint siblings."""
            return " && ".join([f"!{self._violates(q, v)}", *(self._violates(s, v) for s in siblings)])

        def values(v: str) -> str:
            return f"?this {path} {v} FILTER ({conforms(v)})"

        only = self._only_class(q) if self.on_disk and not siblings else None
        if only is not None:  # on disk: the instances once, joined by hashing, not a lookup per value
            cls = self._term(only)

            def values(v: str) -> str:
                return f"?this {path} {v} . {{ SELECT DISTINCT {v} WHERE {{ {v} {_SUBCLASS} {cls} }} }}"

        for key, component, compare in (
            (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, "<"),
            (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, ">"),
        ):
            for count in self.g.objects(shape, key):
                n = self._whole(count, shape, key)
                query = _counted(focus, values, compare, n, path, on_disk=self.on_disk)
                yield plan(query, component, f"Conforming values {compare} {n}", None)

    # --- conformance of a node to a shape, as a pattern -----------------------------------------

    def _instances_of(self, members: Node) -> list[Node] | None:
        """For an ``sh:or`` list whose every shape asks only that its node be an instance of one class
        (``[ sh:class cilo:Person ]``): those classes; else None."""
        classes = [self._only_class(member) for member in self._list(members)]
        return None if None in classes else classes or None  # type: ignore[return-value]

    def _only_class(self, shape: Node) -> Node | None:
        """The class of a shape that asks only that its node be an instance of one class, else None."""
        found = list(self.g.objects(shape, SH["class"]))
        if len(found) != 1:
            return None
        expected = _Test(self._bad(shape, SH["class"], found[0], "?value"))
        return found[0] if self._fail_branches(shape, "?value") == [expected] else None

    def _fail(self, shape: Node, x: str) -> str:
        """A group pattern with a solution exactly when the node bound to ``x`` violates ``shape``."""
        return _group(self._fail_branches(shape, x))

    def _violates(self, shape: Node, x: str) -> str:
        """An expression: the node bound to ``x`` violates ``shape``. When every branch is a test of
        ``x`` alone, it is those tests (``EXISTS { FILTER (e) }`` is ``COALESCE(e, false)``), not an
        EXISTS: Virtuoso 7 fails on a FILTER-only group inside EXISTS that holds a NOT EXISTS."""
        branches = self._fail_branches(shape, x)
        if all(isinstance(b, _Test) for b in branches):
            tests = [f"COALESCE({b.expr}, false)" for b in branches if isinstance(b, _Test)]
            return "(" + (" || ".join(tests) or "false") + ")"
        return f"EXISTS {_group(branches)}"

    def _fail_branches(self, shape: Node, x: str) -> list[str | _Test]:
        """The branches of :meth:`_fail`: patterns, or tests of ``x`` alone."""
        self._check_tree(shape, ())
        if self._deactivated(shape):
            return []
        path_node = self.g.value(shape, SH.path)
        path = None if path_node is None else self._path(path_node)
        branches: list[str | _Test] = []
        # a node shape's value node is the node itself: ``x``, not a BIND of it (Virtuoso 7 loses a
        # BIND of an outer variable inside EXISTS when a nested NOT EXISTS reads it)
        v = x if path is None else self.names.fresh("v")
        values = "" if path is None else f"{x} {path} {v} ."
        for predicate in _VALUE_COMPONENTS:
            for parameter in self.g.objects(shape, predicate):
                bad = self._bad(shape, predicate, parameter, v)
                branches.append(_Test(bad) if path is None else f"{values} FILTER ({bad})")
        for predicate in _PAIR_COMPONENTS:
            for other in self.g.objects(shape, predicate):
                branches += self._pair(
                    predicate, path, self._iri(other), x, self.names.fresh("w"), bind=False
                )
        for key in (SH.minCount, SH.maxCount):
            for count in self.g.objects(shape, key):
                n = self._whole(count, shape, key)
                if path is None:
                    raise UnsupportedError(f"{key} on the node shape {shape}")
                if key == SH.minCount and n > 0:
                    branches.append(f"FILTER NOT EXISTS {{ {self._distinct(x, path, n)} }}")
                elif key == SH.maxCount:
                    branches.append(self._distinct(x, path, n + 1))
        for h in self.g.objects(shape, SH.hasValue):
            branches.append(
                f"FILTER NOT EXISTS {{ {x} {path} {self._term(h)} }}"
                if path
                else _Test(f"!sameTerm({x}, {self._term(h)})")
            )
        if self.g.value(shape, SH.uniqueLang) == Literal(True):
            if path is None:
                raise UnsupportedError(f"sh:uniqueLang on the node shape {shape}")
            branches.append(self._unique_lang(path, x, self.names.fresh("a"), self.names.fresh("b")))
        if self.g.value(shape, SH.closed) == Literal(True):
            if path is not None:
                raise UnsupportedError(f"sh:closed on the property shape {shape}")
            branches.append(self._closed(shape, x, self.names.fresh("p"), self.names.fresh("o")))
        if (shape, SH.qualifiedValueShape, None) in self.g:
            raise UnsupportedError(f"sh:qualifiedValueShape inside a nested shape ({shape})")
        if (shape, SH.sparql, None) in self.g or any(True for _ in self._applied(shape)):
            raise UnsupportedError(f"a SPARQL constraint inside a nested shape ({shape})")
        for child in self.g.objects(shape, SH.property):
            if path is None:
                branches += self._fail_branches(child, x)
            else:
                branches.append(f"{values} {self._fail(child, v)}")
        return branches

    def _distinct(self, x: str, path: str, n: int) -> str:
        """``n`` pairwise different values of ``path`` from ``x``."""
        if n > MAX_NESTED_COUNT + 1:
            raise UnsupportedError(f"a count of {n} inside a nested shape")
        names = [self.names.fresh("c") for _ in range(n)]
        different = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2))
        return " ".join(f"{x} {path} {name} ." for name in names) + (
            f" FILTER ({different})" if different else ""
        )

    # --- single constraints ------------------------------------------------------------------------

    def _bad(self, shape: Node, predicate: Node, parameter: Node, v: str) -> str:
        """A SPARQL expression, true when the value node ``v`` violates the constraint."""
        if predicate == SH["class"]:
            return f"NOT EXISTS {{ {v} {_SUBCLASS} {self._term(parameter)} }}"
        if predicate == SH.datatype:
            return f"!({self._datatype(parameter, v)})"
        if predicate == SH.nodeKind:
            if parameter not in _NODE_KINDS:
                raise UnsupportedError(f"sh:nodeKind {parameter!r} on {shape}")
            return "!" + _NODE_KINDS[parameter].format(v=v)  # type: ignore[index]
        if predicate in _RANGES:
            if not isinstance(parameter, Literal):
                raise UnsupportedError(f"{predicate} {parameter!r} on {shape}")
            return f"!COALESCE({value_of(v)} {_RANGES[predicate]} {parameter.n3()}, false)"  # type: ignore[index]
        if predicate in (SH.minLength, SH.maxLength):
            n = self._whole(parameter, shape, predicate)
            compare = ">=" if predicate == SH.minLength else "<="
            return f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) {compare} {n}, false)"
        if predicate == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            if not isinstance(parameter, Literal) or (flags is not None and not isinstance(flags, Literal)):
                raise UnsupportedError(f"sh:pattern {parameter!r} on {shape}")
            if any(c not in "ismx" for c in str(flags or "")):
                raise UnsupportedError(f"sh:flags {flags!r} on {shape}")
            extra = f", {Literal(str(flags)).n3()}" if flags else ""
            return f"isBlank({v}) || !COALESCE(REGEX(STR({v}), {Literal(str(parameter)).n3()}{extra}), false)"
        if predicate == SH.languageIn:
            tags = [self._string(t, shape) for t in self._list(parameter)]
            tests = " || ".join(f"langMatches(LANG({v}), {Literal(t).n3()})" for t in tags) or "false"
            return f"!COALESCE({tests}, false)"
        if predicate == SH["in"]:
            members = self._list(parameter)
            return "!(" + (" || ".join(f"sameTerm({v}, {self._term(m)})" for m in members) or "false") + ")"
        if predicate == SH.node:
            return self._violates(parameter, v)
        if predicate == SH["not"]:
            return f"!{self._violates(parameter, v)}"
        members = self._list(parameter)
        fails = [self._violates(m, v) for m in members]
        if predicate == SH["and"]:
            return "(" + (" || ".join(fails) or "false") + ")"
        if predicate == SH["or"]:
            return "(" + (" && ".join(fails) or "true") + ")"
        conforming = " + ".join(f"IF({f}, 0, 1)" for f in fails) or "0"
        return f"(({conforming}) != 1)"  # sh:xone

    def _datatype(self, datatype: Node, v: str) -> str:
        """True when ``v`` is a well-formed literal of ``datatype``."""
        if not isinstance(datatype, URIRef):
            raise UnsupportedError(f"sh:datatype {datatype!r}")
        typed = f"isLiteral({v}) && sameTerm({datatype_of(v)}, {datatype.n3()}) && {well_formed(v)}"
        if datatype == RDF.langString:
            return f"{typed} && LANG({v}) != ''".replace("''", '""')
        if datatype in _CASTS:
            return f"{typed} && COALESCE(isLiteral({datatype.n3()}(STR({v}))), false)"
        if datatype in _INTEGERS:
            low, high = _INTEGERS[datatype]
            number = f"{XSD.integer.n3()}(STR({v}))"
            bounds = [f"{number} >= {low}"] * (low is not None) + [f"{number} <= {high}"] * (high is not None)
            return f"{typed} && COALESCE(isLiteral({number}) && {' && '.join(bounds)}, false)"
        if str(datatype).startswith(str(XSD)) and datatype not in (XSD.string, XSD.anyURI):
            raise UnsupportedError(f"the well-formedness of {datatype} literals")
        return typed

    def _pair(
        self, predicate: Node, path: str | None, other: str, x: str, v: str, *, bind: bool = True
    ) -> list[str]:
        """Patterns (to be joined with the focus, each on its own) binding ``v`` to each value node of
        ``x`` that violates a pair constraint (on a node shape without ``bind``, in a nested shape,
        the value node is ``x`` itself and ``v`` is bound only where it differs)."""
        value = x if path is None and not bind else v
        mine = ("" if not bind else f"BIND ({x} AS {v})") if path is None else f"{x} {path} {v} ."
        if predicate == SH.equals:
            missing = f"{mine} FILTER NOT EXISTS {{ {x} {other} {value} }}"
            if path is None:
                return [missing, f"{x} {other} {v} . FILTER (!sameTerm({v}, {x}))"]
            return [missing, f"{x} {other} {v} . FILTER NOT EXISTS {{ {x} {path} {v} }}"]
        if predicate == SH.disjoint:
            return [f"{mine} {x} {other} {value} ."]
        if path is None:
            raise UnsupportedError(f"{predicate} on a node shape")
        o = self.names.fresh("o")
        compare = "<" if predicate == SH.lessThan else "<="
        return [f"{mine} {x} {other} {o} . FILTER (!COALESCE({value_of(v)} {compare} {value_of(o)}, false))"]

    def _unique_lang(self, path: str, x: str, a: str, b: str) -> str:
        return (
            f"{x} {path} {a}, {b} . FILTER (!sameTerm({a}, {b}) && LANG({a}) != '' && LANG({a}) = LANG({b}))"
        ).replace("''", '""')

    def _closed(self, shape: Node, x: str, p: str, o: str) -> str:
        allowed = (
            set(self._list(self.g.value(shape, SH.ignoredProperties)))
            if (shape, SH.ignoredProperties, None) in self.g
            else set()
        )
        for child in self.g.objects(shape, SH.property):
            child_path = self.g.value(child, SH.path)
            if isinstance(child_path, URIRef):
                allowed.add(child_path)
        listed = ", ".join(self._iri(a) for a in sorted(allowed, key=str))
        return f"{x} {p} {o} ." + (f" FILTER ({p} NOT IN ({listed}))" if listed else "")

    # --- helpers ----------------------------------------------------------------------------------------

    def _path(self, path: Node) -> str:
        if isinstance(path, URIRef):
            return path.n3()
        if isinstance(path, Literal):
            raise UnsupportedError(f"the path {path!r}")
        if (path, RDF.first, None) in self.g:
            members = self._list(path)
            if len(members) < 2:
                raise UnsupportedError("a sequence path of fewer than two members")
            return "(" + "/".join(self._path(p) for p in members) + ")"
        keys = set(self.g.predicates(path, None))
        for key, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = self.g.value(path, key)
            if inner is not None and keys == {key}:
                return "(" + template.format(self._path(inner)) + ")"
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None and keys == {SH.alternativePath}:
            members = self._list(alternatives)
            if len(members) < 2:
                raise UnsupportedError("an alternative path of fewer than two members")
            return "(" + "|".join(self._path(p) for p in members) + ")"
        raise UnsupportedError(f"the path {path!r}")

    def _list(self, head: Node | None) -> list[Node]:
        if head is None or not (head == RDF.nil or (head, RDF.first, None) in self.g):
            raise UnsupportedError(f"{head!r} is not an RDF list")
        return list(Collection(self.g, head))

    def _term(self, term: Node) -> str:
        if isinstance(term, BNode):
            raise UnsupportedError(f"a blank node where an IRI or literal was expected: {term!r}")
        if isinstance(term, Literal):
            literal = to_oxigraph(term)
            if not self.faithful.is_faithful(literal):  # as the data holds it: its stand-in
                return str(stand_in(literal))
        return term.n3()

    def _iri(self, term: Node) -> str:
        if not isinstance(term, URIRef):
            raise UnsupportedError(f"{term!r} where an IRI was expected")
        return term.n3()

    def _string(self, term: Node, shape: Node) -> str:
        if not isinstance(term, Literal):
            raise UnsupportedError(f"{term!r} in a list of {shape}")
        return str(term)

    def _whole(self, count: Node, shape: Node, key: Node) -> int:
        if (
            not isinstance(count, Literal)
            or not isinstance(count.toPython(), int)
            or isinstance(count.toPython(), bool)
        ):
            raise UnsupportedError(f"{key} {count!r} on {shape}")
        n = int(count.toPython())
        if n < 0:
            raise UnsupportedError(f"{key} {n} on {shape}")
        return n

    def _deactivated(self, shape: Node) -> bool:
        return self.g.value(shape, SH.deactivated) == Literal(True)

    def _severity(self, shape: Node) -> URIRef:
        severity = self.g.value(shape, SH.severity)
        if severity is None:
            return SH.Violation
        if not isinstance(severity, URIRef):
            raise UnsupportedError(f"sh:severity {severity!r} on {shape}")
        return severity

    def _message(self, shape: Node) -> Literal | None:
        messages: list[Node] = list(self.g.objects(shape, SH.message))
        if len(messages) > 1:
            english: list[Node] = [
                m for m in messages if isinstance(m, Literal) and m.language in (None, "en")
            ]
            messages = english[:1] or messages[:1]
        message = messages[0] if messages else None
        return message if isinstance(message, Literal) else None


#: A triple pattern on ``?this`` along one predicate (not a longer path: evaluated without its focus
#: nodes, ``?this <p>* ?v`` would pair every node with itself).
_SHARABLE_HEAD = re.compile(r"SELECT DISTINCT \?this( \?value)? WHERE \{ |SELECT \?this WHERE \{ ")
_PREDICATE_FIRST = re.compile(r"\?this <([^<>\s]*)> \?(\w+) ")
#: The end of :func:`_counted`'s grouped form.
_GROUPED_TAIL = re.compile(r" \} GROUP BY \?this HAVING \(COUNT\(DISTINCT \?v\) > \d+\)$")


def _sharable(query: str, focus: str) -> str | None:
    """``query`` without its focus sub-select, when that is exactly ``SELECT DISTINCT ?this ... WHERE
    { focus ?this <predicate> ?v ... }``, or ``SELECT ?this WHERE { focus ?this <predicate> ?v ... }
    GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > n)``: then that triple pattern binds ``?this`` in every
    row (and a group is one node's rows), so joining the focus nodes to the query without them (once,
    for several such queries: :func:`fused`) keeps the same rows. Focus nodes named by
    ``sh:targetNode`` are few: they stay in each query, which Oxigraph then evaluates from them."""
    head = _SHARABLE_HEAD.match(query)
    if head is None or "VALUES" in focus or not query.startswith(focus, head.end()):
        return None
    if head.group().startswith("SELECT ?this") and not _GROUPED_TAIL.search(query):
        return None
    rest = query[head.end() + len(focus) + 1 :]
    return query[: head.end()] + rest if _PREDICATE_FIRST.match(rest) else None


def _absent(query: str, focus: str) -> tuple[str, ...]:
    """The pattern ``P`` of ``query`` (as a tuple of one) when that is exactly :func:`_counted`'s
    ``SELECT ?this WHERE { focus MINUS { P } }`` and ``P`` starts with a triple pattern on ``?this``
    along one predicate (so binds it in every solution): the query's rows are the focus nodes without
    a match of ``P``, which :func:`fused` computes beside other plans of the same focus. Else ()."""
    head = f"SELECT ?this WHERE {{ {focus} MINUS {{ "
    if "VALUES" in focus or not query.startswith(head) or not query.endswith(" } }"):
        return ()
    pattern = query[len(head) : -len(" } }")]
    return (pattern,) if _PREDICATE_FIRST.match(pattern) else ()


def _implied_focus(query: str, focus: str, implied: Implies) -> str | None:
    """``query`` without its focus sub-select, when the part right after it in the outermost group is
    a triple pattern ``?this <predicate> ?v`` that ``implied`` says binds ``?this`` to focus nodes only:
    every solution of the group joins a match of it, so joining the focus nodes too removes none (the
    operators above, filters, ``OPTIONAL``, ``MINUS`` and grouping, add no solution); else None."""
    at = query.find(f"{{ {focus} ")
    if at < 0 or not implied:
        return None
    rest = at + len(focus) + 3
    first = _PREDICATE_FIRST.match(query, rest)
    if first is None or not implied.by((_THIS, URIRef(first.group(1)), Variable(first.group(2)))):
        return None
    return query[: at + 2] + query[rest:]


def fused(plans: list[Plan], *, hashes: bool = False) -> str:
    """One query for ``plans`` that share their focus sub-select (each with :attr:`Plan.alone` or
    :attr:`Plan.absent`): the focus nodes once, joined to the union of the queries without them, each
    row tagged ``?plan`` with its plan's index. Oxigraph then finds the focus nodes once and joins them
    by hashing, where each query alone found them again and joined node by node (the five such checks
    of a role assignment: 1.7 s → 0.8 s at N = 10,000).

    The plans with :attr:`Plan.absent` (a focus node without a match of a pattern):

    - ``hashes`` (data on disk, :attr:`cilo.shacl.remote.InStore.hashes`): each contributes every
      focus node, tagged, and a ``MINUS`` of its pattern's matches, tagged alike: ``MINUS`` removes a
      row only where ``?this`` and ``?plan`` both agree, so exactly that plan's focus nodes with a
      match (the pattern binds ``?this`` in each), as its own ``MINUS`` did;
    - else (in memory, where a lookup is cheap): one more row for each focus node, tagged
      :data:`ABSENT`, kept when a plan's patterns have no match for it, and a column ``?absentN``
      for the plan of index ``N`` that is true where none of its patterns has one
      (:func:`absent_plans`). ``?this`` is bound in that row, so ``NOT EXISTS`` tests its own node;
      the column is computed in the projection, for the rows kept only. Each pattern is then one
      lookup per focus node, where a ``MINUS`` for each read the focus nodes again (a role
      assignment's three minimum counts beside its other checks at N = 10,000: 0.95 → 0.71 s)."""
    focus = plans[0].focus
    assert focus is not None and all(p.focus == focus and p.shares_focus for p in plans)
    branches = [f"{{ {{ {p.alone} }} BIND ({n} AS ?plan) }}" for n, p in enumerate(plans) if p.alone]
    absent = [(n, p.absent) for n, p in enumerate(plans) if p.absent]
    if not absent:
        return f"SELECT * WHERE {{ {focus} {{ {' UNION '.join(branches)} }} }}"
    if hashes:  # every focus node, less those with a match (MINUS compares ?this and ?plan)
        branches += [f"{{ BIND ({n} AS ?plan) }}" for n, _ in absent]
        minus = " UNION ".join(
            f"{{ SELECT ?this ({n} AS ?plan) WHERE {{ {' UNION '.join(f'{{ {p} }}' for p in a)} }} }}"
            for n, a in absent
        )
        return f"SELECT * WHERE {{ {focus} {{ {' UNION '.join(branches)} }} MINUS {{ {minus} }} }}"
    branches.append(f"{{ BIND ({ABSENT} AS ?plan) }}")
    missing = {n: "(" + " && ".join(f"NOT EXISTS {{ {p} }}" for p in a) + ")" for n, a in absent}
    columns = " ".join(f"(?plan = {ABSENT} && {test} AS ?absent{n})" for n, test in missing.items())
    kept = " || ".join(missing.values())
    return (
        f"SELECT ?this ?value ?plan {columns} WHERE {{ {focus} {{ {' UNION '.join(branches)} }} "
        f"FILTER (?plan != {ABSENT} || {kept}) }}"
    )


#: The tag of :func:`fused`'s rows that say which plans' patterns a focus node has no match of.
ABSENT = -1


def absent_plans(row: dict[str, Node | None]) -> list[int]:
    """The plans a row of :func:`fused` tagged :data:`ABSENT` is a result of: those whose column
    ``?absentN`` is true."""
    return [int(m.group(1)) for k, v in row.items() if v == _TRUE and (m := _ABSENT_COLUMN.fullmatch(k))]


_ABSENT_COLUMN = re.compile(r"absent(\d+)")


@dataclass
class Implies:
    """The targets of a shape as triple patterns, each of which binds ``?this`` only to focus nodes:
    ``?this rdf:type C`` for a class target ``C`` (instances of subclasses are focus nodes too, but a
    node typed ``C`` itself always is), ``?this p ?o`` for ``sh:targetSubjectsOf p``, ``?s p ?this``
    for ``sh:targetObjectsOf p``. A node target has none."""

    classes: set[Node] = field(default_factory=set)
    subjects_of: set[Node] = field(default_factory=set)
    objects_of: set[Node] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.classes or self.subjects_of or self.objects_of)

    def by(self, triple: tuple[Node, Node, Node]) -> bool:
        """Whether every match of ``triple`` binds ``?this`` to a focus node."""
        s, p, o = triple
        return (s == _THIS and p == RDF.type and o in self.classes) or (
            (s == _THIS and p in self.subjects_of) or (o == _THIS and p in self.objects_of)
        )


@dataclass(frozen=True)
class _Test:
    """A branch of a fail pattern that only tests variables bound outside it."""

    expr: str


def _group(branches: list[str | _Test]) -> str:
    """The union of ``branches`` as one group pattern."""
    if not branches:
        return "{ FILTER (false) }"
    texts = [f"FILTER ({b.expr})" if isinstance(b, _Test) else b for b in branches]
    return "{ " + " UNION ".join(f"{{ {t} }}" for t in texts) + " }"


def _counted(
    focus: str, values: Callable[[str], str], compare: str, n: int, path: str, *, on_disk: bool = False
) -> str:
    """The focus nodes whose count of distinct values is ``compare`` (``<`` or ``>``) ``n``;
    ``values(v)`` is a pattern binding ``v`` to each value of ``?this`` along ``path`` that counts.

    On a predicate path, "fewer than 1" is an anti-join (``MINUS``: it shares ``?this``, bound in every
    solution, and reads no other outer variable, so it removes what ``FILTER NOT EXISTS`` would, and
    Oxigraph evaluates it once for all focus nodes instead of once per node) and "more than 0" or
    "more than 1" a join
    (each value checked for one other, EXISTS stopping at the first): per focus node as much work as
    its values, where a ``GROUP BY`` over all focus nodes hashes every one (a fifth to a quarter less
    time at N = 10,000). Other counts, and every count along a longer path, group: Oxigraph evaluates a
    sequence path inside (NOT) EXISTS without the focus node bound, once per row (47,229 dated
    assignments: minutes instead of 0.3 s). ``on_disk`` (a store, an endpoint): "more than 1" groups
    too, as the lookup of one other value for each value reads the disk (a role assignment's one
    initiative on the store: 0.44 → 0.12 s at N = 10,000)."""
    predicate = path.startswith("<") and path.endswith(">")
    if predicate and compare == "<" and n == 1:
        return f"SELECT ?this WHERE {{ {focus} MINUS {{ {values('?v')} }} }}"
    if compare == ">" and n == 0:
        return f"SELECT DISTINCT ?this WHERE {{ {focus} {values('?v')} }}"
    if predicate and compare == ">" and n == 1 and not on_disk:
        other = f"{values('?w')} FILTER (!sameTerm(?v, ?w))"
        return f"SELECT DISTINCT ?this WHERE {{ {focus} {values('?v')} FILTER EXISTS {{ {other} }} }}"
    counted = values("?v") if compare == ">" else f"OPTIONAL {{ {values('?v')} }}"
    return (
        f"SELECT ?this WHERE {{ {focus} {counted} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {compare} {n})"
    )


def _default(predicate: Node, parameter: Node, g: Graph) -> str:
    """pySHACL's kind of message for a constraint given no sh:message."""
    name = str(predicate).rsplit("#", 1)[-1]
    shown = (
        parameter.n3(g.namespace_manager) if isinstance(parameter, URIRef | Literal) else "the given shapes"
    )
    return {
        "class": f"Value does not have class {shown}",
        "datatype": f"Value is not Literal with datatype {shown}",
        "nodeKind": f"Value is not of Node Kind {shown}",
        "minLength": f"String length not >= {shown}",
        "maxLength": f"String length not <= {shown}",
        "pattern": f"Value does not match pattern {shown}",
        "in": "Value not in list",
        "node": "Value does not conform to Shape",
        "not": "Value conforms to a shape it must not conform to",
        "and": "Value does not conform to every shape",
        "or": "Value does not conform to any shape",
        "xone": "Value does not conform to exactly one shape",
        "languageIn": "String language is not in the list",
        "equals": f"Value is not equal to a value of {shown}",
        "disjoint": f"Value is also a value of {shown}",
        "lessThan": f"Value is not < a value of {shown}",
        "lessThanOrEquals": f"Value is not <= a value of {shown}",
    }.get(name, f"Value does not satisfy {name} {shown}")
