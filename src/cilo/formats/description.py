"""Initiative descriptions written by hand in YAML or JSON: JSON-LD 1.1 with cilo's bundled context.

A document is one initiative, its actors and its assignments, with short names::

    base: https://example.org/my-region/        # optional; ids below are relative to it
    id: family-services
    label: Family services CI
    actors:
      - {id: itla, type: Organization, label: ITLA}
    assignments:
      - {agent: itla, role: FuturesThinker, level: National, start: 2023-01-01}

A YAML file may hold several documents (``---``); a JSON file one object or a list of them. The
JSON-LD processor (pyld) turns each into RDF with the bundled context, which is never fetched. Three
conveniences are expanded before it runs, and reversed by :func:`write`:

* ``base:`` sets the base IRI of the document's local ids (default :data:`DEFAULT_BASE`);
* an assignment's ``start:`` / ``end:`` dates become ``org:memberDuring`` a ``time:Interval``
  whose ``time:hasBeginning`` / ``time:hasEnd`` are ``time:Instant``s with a ``time:inXSDDate``;
* the top-level node is a ``cilo:Initiative`` and its assignments ``cilo:RoleAssignment``s unless
  they say otherwise with ``type:``.

Keys, and the names given for roles, functions, levels and types, are checked before that, so a typo
is reported with its line and the nearest known name, not turned silently into a new IRI.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.term import Node

from cilo.builder import parse_date
from cilo.context import (
    CONTEXT_URL,
    DEFAULT_BASE,
    check_id,
    context,
    context_document,
    document_loader,
    expand_curie,
    prefixes,
    refused,
    term_definitions,
)
from cilo.errors import InputError, InputErrors, NotExpressibleError, RemoteDocumentError
from cilo.formats import decode, yamltree
from cilo.formats.rdfsyntax import parse_rdf
from cilo.namespace import CILO
from cilo.ontology import ontology
from cilo.vocabulary import defined_terms, local_name, resolve, short_names, suggestion

Syntax = Literal["yaml", "json"]
#: A private property that carries each node's line through the JSON-LD processor (then removed).
_LINE = URIRef("urn:x-cilo:source-line")
_DATE_KEYS = {"start": "hasBeginning", "end": "hasEnd"}
_COLLECTION_KEYS = {"base", "actors", "@context", "@graph", "@included"}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read(
    data: bytes,
    source: str,
    *,
    syntax: Syntax = "yaml",
    base: str | None = None,
    lines: dict[Node, int] | None = None,
) -> Graph:
    """Parse a description (YAML or JSON text as bytes) into a new Graph.

    ``source`` names the file in errors; ``base`` is the base IRI used where a document sets none.
    ``lines`` (when given) receives the line of each node written: an initiative's ``id:``, an
    assignment's list item, an actor's entry.
    """
    text = decode(data, source)
    docs = _json_documents(text, source) if syntax == "json" else yamltree.documents(text, source)
    declared: dict[str, int | None] = {}
    graph = Graph()
    checked_docs = []
    errors: list[InputError] = []
    for doc in docs:  # every document checked first: all the problems of the file at once
        checker = _Checker(doc, source, declared, note_lines=lines is not None)
        with checker.going_on():
            checked_docs.append(checker.run(base or DEFAULT_BASE))
        errors += checker.errors
    InputErrors.raise_for(errors)
    for checked, doc_base in checked_docs:
        parsed = _to_rdf(checked, doc_base, source)
        if lines is not None:  # the lines rode along as a private property: take them out
            for node, _, line in parsed.triples((None, _LINE, None)):
                lines.setdefault(node, int(line))  # type: ignore[call-overload]
            parsed.remove((None, _LINE, None))
        graph += parsed
        if doc_base.endswith(("/", "#")) and "" not in dict(graph.namespaces()):
            graph.bind("", doc_base)  # so Turtle writes :soite for <base/soite>
    _bind_prefixes(graph)
    return graph


def _json_documents(text: str, source: str) -> list[yamltree.Document]:
    """JSON through the YAML reader (for line numbers); plain JSON where YAML is stricter than JSON."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(source, f"JSON syntax error: {e.msg}", line=e.lineno, column=e.colno) from None
    try:
        docs = yamltree.documents(text, source)
    except InputError:
        return [yamltree.Document(value)]
    return docs if len(docs) == 1 and docs[0].value == value else [yamltree.Document(value)]


def _to_rdf(document: Any, base: str, source: str) -> Graph:
    from pyld import jsonld  # imported on use: most commands never read or write JSON-LD

    options = {
        "base": base,
        "expandContext": context_document(),
        "documentLoader": document_loader,
        "format": "application/n-quads",
    }
    try:
        nquads = jsonld.to_rdf(document, options)
    except jsonld.JsonLdError as e:
        raise _jsonld_error(e, source) from None
    return parse_rdf(nquads, "nquads")


def _jsonld_error(error: BaseException, source: str) -> InputError:
    """The deepest cause of a pyld error, in words."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, RemoteDocumentError):
            return InputError(source, str(cause))
        details = getattr(cause, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        cause = cause.__cause__ or (nested if isinstance(nested, BaseException) else None)
    message = error.args[0] if error.args else str(error)
    code = getattr(error, "code", None)
    return InputError(source, f"not valid JSON-LD: {message}" + (f" ({code})" if code else ""))


def _bind_prefixes(graph: Graph) -> None:
    used = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    for prefix, namespace in sorted(prefixes().items()):
        if any(iri.startswith(namespace) for iri in used):
            graph.bind(prefix, namespace, override=True)


@cache
def _value_classes() -> dict[str, URIRef]:
    """For ``type`` and each ``@type: @vocab`` term: the class whose names its values must be."""
    found: dict[str, URIRef] = {"type": OWL.Class}
    for term, definition in term_definitions().items():
        if definition.get("@type") == "@vocab":
            rng = ontology().value(URIRef(expand_curie(definition["@id"])), RDFS.range)
            if isinstance(rng, URIRef):
                found[term] = rng
    return found


@cache
def _vocab_keys() -> frozenset[str]:
    """Local names of cilo properties: keys that ``@vocab`` maps onto a defined term."""
    onto = ontology()
    props = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return frozenset(local_name(t) for t in defined_terms() if any((t, RDF.type, p) in onto for p in props))


class _Checker:
    """Checks one document against the context and expands cilo's conveniences, keeping line numbers."""

    def __init__(
        self,
        doc: yamltree.Document,
        source: str,
        declared: dict[str, int | None],
        *,
        note_lines: bool = False,
    ) -> None:
        self.doc = doc
        self.source = source
        self.declared = declared
        self.base = DEFAULT_BASE
        self.note_lines = note_lines
        #: The problems found so far: the reading goes on past each, to tell them all at once.
        self.errors: list[InputError] = []

    @contextlib.contextmanager
    def going_on(self) -> Iterator[None]:
        """Note a problem in one part (an item, a key) and go on with the next."""
        try:
            yield
        except InputError as e:
            self.errors.append(e)

    def fail(self, path: yamltree.Path, message: str, *, key: bool = False) -> InputError:
        line, column = self.doc.where(path, key=key)
        return InputError(self.source, message, line=line, column=column)

    def run(self, default_base: str) -> tuple[Any, str]:
        value = copy.deepcopy(self.doc.value)
        self.check_contexts(value, ())
        top = value if isinstance(value, list) else [value]
        paths: list[yamltree.Path] = [(i,) for i in range(len(top))] if isinstance(value, list) else [()]
        self.base = default_base
        if isinstance(value, dict) and "base" in value:
            self.base = self.check_base(value.pop("base"), ("base",))
        for item, path in zip(top, paths, strict=True):
            with self.going_on():
                if not isinstance(item, dict):
                    raise self.fail(
                        path, "expected a mapping (an initiative, with id, label, actors, assignments)"
                    )
                if "base" in item:
                    raise self.fail((*path, "base"), "'base' belongs at the top of a document", key=True)
                if self.uses_cilo_context(item):
                    kind = "collection" if set(item) <= _COLLECTION_KEYS else "initiative"
                    self.node(item, path, kind)
        return value, self.base

    # -- the parts of a document --------------------------------------------------------------

    def check_base(self, base: Any, path: yamltree.Path) -> str:
        if not isinstance(base, str) or not urlsplit(base).scheme or not urlsplit(base).netloc:
            raise self.fail(path, f"'base' must be an absolute IRI such as {DEFAULT_BASE!r}, not {base!r}")
        return base

    def check_contexts(self, value: Any, path: yamltree.Path) -> None:
        """Refuse any context but cilo's own, before the JSON-LD processor would try to fetch it."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.check_contexts(item, (*path, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in ("@context", "@import"):
                    for ref in item if isinstance(item, list) else [item]:
                        if isinstance(ref, str) and ref.rstrip("#") != CONTEXT_URL:
                            raise self.fail((*path, key), str(refused(ref)))
                self.check_contexts(item, (*path, key))

    @staticmethod
    def uses_cilo_context(node: dict[str, Any]) -> bool:
        ctx = node.get("@context", CONTEXT_URL)
        return bool(ctx == CONTEXT_URL or ctx == [CONTEXT_URL])

    def node(self, node: dict[str, Any], path: yamltree.Path, kind: str) -> None:
        typed = any(k in node for k in ("type", "@type"))
        if kind == "initiative" and not typed and "@id" not in node:  # not for expanded JSON-LD
            node["type"] = "Initiative"
        elif kind == "assignment" and not typed:
            node["type"] = "RoleAssignment"
        elif kind == "actor":
            if "id" not in node:
                raise self.fail(path, "an actor needs an 'id', by which assignments name it as 'agent'")
            if "type" not in node:
                raise self.fail(path, f"actor {node['id']!r} needs 'type: Person' or 'type: Organization'")
        if "id" in node:
            self.declare(node, path)
        if "during" in node and any(k in node for k in _DATE_KEYS):
            raise self.fail((*path, "during"), "give the dates either as start/end or in 'during', not both")
        for key in list(node):
            with self.going_on():
                self.key(node, key, (*path, key), kind)
        reference = len(node) == 1 and "id" in node
        if self.note_lines and kind != "collection" and not reference:  # a node declared here
            line = self.doc.where((*path, "id") if kind == "initiative" and "id" in node else path)[0]
            if line is not None:
                node[str(_LINE)] = line

    def declare(self, node: dict[str, Any], path: yamltree.Path) -> None:
        node_id = self.id_text(node["id"], (*path, "id"))
        if len(node) == 1:  # a reference, not a declaration
            return
        iri = urljoin(self.base, node_id)
        if iri in self.declared:
            first = self.declared[iri]
            where = f" (first declared at line {first})" if first else ""
            raise self.fail(
                (*path, "id"), f"duplicate id {node_id!r}{where}; declare it once and refer to it by id"
            )
        self.declared[iri] = self.doc.where((*path, "id"))[0]

    def key(self, node: dict[str, Any], key: str, path: yamltree.Path, kind: str) -> None:
        value = node[key]
        terms = term_definitions()
        if key.startswith("@") or ":" in key:
            return  # a JSON-LD keyword, or a property named by a (compact) IRI
        if key in _DATE_KEYS and kind == "assignment":
            self.date_key(node, key, path)
        elif key in ("actors", "assignments"):
            self.nodes(value, path, "actor" if key == "actors" else "assignment")
        elif key in _value_classes():
            self.names(value, path, _value_classes()[key])
        elif key in terms:
            self.term_value(value, path, terms[key])
        elif key not in _vocab_keys() and key != "id":
            known = sorted({*terms, *(_DATE_KEYS if kind == "assignment" else ())})
            hint = suggestion(key, [*known, *_vocab_keys()])
            keys = list(node)
            before = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
            if value is None and before is not None and isinstance(node[before], str):
                # `{label: Amira Khan, coordinator}`: the comma ended the value, and a key began
                hint += (
                    f"; if {key!r} belongs to the {before!r} before it, put that value in quotes: "
                    f'{before}: "{node[before]}, {key}"'
                )
            raise self.fail(
                path, f"unknown key {key!r}{hint}; the known keys are: {', '.join(known)}", key=True
            )

    def nodes(self, value: Any, path: yamltree.Path, kind: str) -> None:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of {kind}s (each item starting with '- ')")
        for i, item in enumerate(value):
            with self.going_on():
                if not isinstance(item, dict):
                    raise self.fail(
                        (*path, i), f"expected an {kind} as a mapping of keys to values, not {item!r}"
                    )
                self.node(item, (*path, i), kind)

    def names(self, value: Any, path: yamltree.Path, cls: URIRef) -> None:
        for i, name in enumerate(value if isinstance(value, list) else [value]):
            where = (*path, i) if isinstance(value, list) else path
            if not isinstance(name, str):
                raise self.fail(
                    where, f"expected a name such as {next(iter(short_names(cls)))!r}, not {name!r}"
                )
            try:
                resolve(name, cls)
            except ValueError as e:  # an unknown name (TermError) or not an IRI
                raise self.fail(where, str(e)) from None

    def term_value(self, value: Any, path: yamltree.Path, definition: Mapping[str, Any]) -> None:
        kind = definition.get("@type")
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            where = (*path, i) if isinstance(value, list) else path
            if isinstance(item, dict):
                if kind == "@id" or "@value" not in item:
                    self.node(item, where, "node")
            elif kind == "@id":
                self.id_text(item, where)
            elif kind == "xsd:nonNegativeInteger" and not (
                (isinstance(item, int) and not isinstance(item, bool) and item >= 0)
                or (isinstance(item, str) and item.isascii() and item.isdigit())
            ):
                raise self.fail(where, f"expected a whole number of 0 or more, not {item!r}")
            elif kind == "xsd:date":
                self.date(item, where)

    def id_text(self, value: Any, path: yamltree.Path) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected an id (text), not {value!r}")
        try:
            return check_id(value)
        except ValueError as e:
            raise self.fail(path, str(e)) from None

    def date(self, value: Any, path: yamltree.Path) -> str:
        key = next((k for k in reversed(path) if isinstance(k, str)), "")
        try:
            return parse_date(value, key if key in _DATE_KEYS else "").isoformat()
        except ValueError as e:
            raise self.fail(path, str(e)) from None

    def date_key(self, node: dict[str, Any], key: str, path: yamltree.Path) -> None:
        date = self.date(node.pop(key), path)
        during = node.setdefault("during", {"type": "time:Interval"})
        during[_DATE_KEYS[key]] = {"type": "time:Instant", "inXSDDate": date}


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write(graph: Graph, *, syntax: Syntax = "yaml", header: str = "") -> str:
    """The description of ``graph``: YAML (one document per initiative, with cilo's conveniences) or
    standard JSON-LD (``syntax="json"``, with the context by its IRI and nothing cilo-specific).

    The result is read back and compared with ``graph`` before it is returned, so nothing is lost
    silently: a graph that does not fit raises :class:`NotExpressibleError`.
    """
    base = _common_base(graph)
    docs = _documents(graph, base, syntax)
    text = _text(docs, base, syntax, header)
    if not isomorphic(read(text.encode(), "(the converted document)", syntax=syntax), graph):
        raise NotExpressibleError(
            "the graph does not fit a description document without loss; write Turtle instead"
        )
    return text


def _text(docs: list[dict[str, Any]], base: str, syntax: Syntax, header: str = "") -> str:
    if syntax == "json":
        document = {"@context": [CONTEXT_URL, {"@base": base}], "@graph": docs}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yamltree.dump([{"base": base, **d} for d in docs], header=header)


def _common_base(graph: Graph) -> str:
    """The namespace most initiatives and actors share: the ids are written relative to it."""
    subjects = [
        s
        for cls in (CILO.Initiative, CILO.Person, CILO.Organization)
        for s in graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef)
    ]
    namespaces = Counter(str(s)[: max(str(s).rfind("/"), str(s).rfind("#")) + 1] for s in subjects)
    return namespaces.most_common(1)[0][0] if namespaces else DEFAULT_BASE


def _documents(graph: Graph, base: str, syntax: Syntax) -> list[dict[str, Any]]:
    from pyld import jsonld  # imported on use: most commands never read or write JSON-LD

    ctx = context()
    expanded = jsonld.from_rdf(graph.serialize(format="nt"), {"format": "application/n-quads"})
    options = {"base": base, "documentLoader": document_loader, "omitGraph": False, "omitDefault": True}
    initiatives = jsonld.frame(
        expanded,
        {
            "@context": ctx,
            "@type": "Initiative",
            "partOf": {"@embed": "@never"},
            "assignments": {
                "@embed": "@always",
                "agent": {"@embed": "@never"},
                "initiative": {"@embed": "@never"},
            },
        },
        options,
    )["@graph"]
    actors = {
        node["id"]: node
        for node in jsonld.frame(
            expanded,
            {"@context": ctx, "@type": ["Person", "Organization", "Actor"], "memberOf": {"@embed": "@never"}},
            options,
        )["@graph"]
    }
    written: set[str] = set()
    shorthand = syntax == "yaml"
    docs = [_initiative_document(node, actors, written, shorthand) for node in initiatives]
    for actor_id, actor in actors.items():  # actors of no assignment
        if actor_id not in written:
            docs.append({"actors": [_ordered(actor)]})
            written.add(actor_id)
    rest = _rest(graph, docs, base, syntax)
    if rest:
        docs.extend(rest) if syntax == "json" else docs.append({"@graph": rest})
    return docs


def _initiative_document(
    node: dict[str, Any], actors: dict[str, dict[str, Any]], written: set[str], shorthand: bool
) -> dict[str, Any]:
    node.pop("@context", None)
    assignments = sorted(
        (_assignment(a, node.get("id"), shorthand) for a in node.pop("assignments", [])),
        key=lambda a: json.dumps([a.get("agent"), a.get("role"), a.get("function"), a], sort_keys=True),
    )
    doc = _ordered(node)
    # the actors this initiative names first, with the organisations they are members of
    wanted = [a.get("agent") for a in assignments]
    mine: list[dict[str, Any]] = []
    while wanted:
        actor_id = wanted.pop(0)
        if isinstance(actor_id, str) and actor_id in actors and actor_id not in written:
            written.add(actor_id)
            mine.append(actors[actor_id])
            member_of = actors[actor_id].get("memberOf", [])
            wanted.extend(member_of if isinstance(member_of, list) else [member_of])
    if mine:
        doc["actors"] = [_ordered(a) for a in mine]
    if assignments:
        doc["assignments"] = assignments
    return doc


def _assignment(node: dict[str, Any], initiative: Any, shorthand: bool) -> dict[str, Any]:
    if node.get("initiative") == initiative:
        del node["initiative"]
    if not shorthand:
        return _ordered(node, ("id", "type", "agent", "role", "function", "level", "during"))
    if node.get("type") == "RoleAssignment":
        del node["type"]
    during = node.get("during")
    if isinstance(during, dict) and _simple_interval(during):
        del node["during"]
        for key, part in _DATE_KEYS.items():
            if part in during:
                node[key] = during[part]["inXSDDate"]
    return _ordered(node, ("id", "type", "agent", "role", "function", "level", "start", "end"))


def _simple_interval(during: dict[str, Any]) -> bool:
    """Whether ``during`` is exactly what start/end dates expand to."""
    if during.get("type") != "time:Interval" or not set(during) - {"type"} <= set(_DATE_KEYS.values()):
        return False
    parts = [during[k] for k in _DATE_KEYS.values() if k in during]
    return bool(parts) and all(
        isinstance(p, dict)
        and set(p) == {"type", "inXSDDate"}
        and p["type"] == "time:Instant"
        and isinstance(p["inXSDDate"], str)
        for p in parts
    )


def _ordered(
    node: dict[str, Any], first: tuple[str, ...] = ("id", "type", "label", "comment")
) -> dict[str, Any]:
    """``node`` with the keys in ``first`` first, lists of names sorted, whole numbers as numbers."""
    ordered = {k: node[k] for k in first if k in node}
    ordered.update((k, v) for k, v in node.items() if k not in ordered)
    terms = term_definitions()
    for key, value in ordered.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            ordered[key] = sorted(value)  # a set in RDF: one order, so one text
        elif terms.get(key, {}).get("@type") == "xsd:nonNegativeInteger" and isinstance(value, str):
            ordered[key] = int(value) if value.isascii() and value.isdigit() else value
    return ordered


def _rest(graph: Graph, docs: list[dict[str, Any]], base: str, syntax: Syntax) -> list[dict[str, Any]]:
    """The nodes of triples that the initiative documents do not hold."""
    from pyld import jsonld  # imported on use: most commands never read or write JSON-LD

    back = read(_text(docs, base, syntax).encode(), "(the converted document)", syntax=syntax)
    if len(back) == len(graph) and _ground(back) == _ground(graph):
        return []  # the usual case; write() still proves the whole graph came through
    _both, missing, _extra = graph_diff(to_isomorphic(graph), to_isomorphic(back))
    if not len(missing):
        return []
    compacted = jsonld.compact(
        jsonld.from_rdf(missing.serialize(format="nt"), {"format": "application/n-quads"}),
        {"@context": context()},
        {"base": base, "documentLoader": document_loader},
    )
    nodes = compacted.get("@graph", [compacted])
    return [_ordered({k: v for k, v in n.items() if k != "@context"}) for n in nodes]


def _ground(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}
