"""Coverage profiles as data: which functions an initiative must cover, compiled to SHACL.

A profile is declared by naming the functions it requires (a Violation each when missing) and those
it only advises (a Warning each), in a small YAML file::

    name: start-up
    label: getting a collaboration started
    requires: [Initiator, Champion, Facilitator, Catalyst]
    warn: [Sponsor]

or with ``cilo profile new start-up --requires Initiator,Champion --warn Sponsor -o start-up.ttl``.
It compiles to the same SHACL as the bundled profiles, which are compiled from their own declarations
(``shapes/profiles/*.yaml`` → ``*.ttl``; a test keeps the two equal). The coverage query itself is
``shapes/profiles/coverage.rq``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from cilo.errors import InputError, InputErrors, ShapesError
from cilo.formats import decode, yamltree
from cilo.namespace import CILO
from cilo.resources import data_dir
from cilo.vocabulary import local_name, resolve

#: Where the shapes of a profile live unless its declaration names a namespace.
DEFAULT_NAMESPACE = "https://example.org/cilo/profiles#"
_KEYS = ("name", "label", "comment", "requires", "warn", "namespace")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Profile:
    """A coverage profile: the functions it requires and those it only advises."""

    name: str
    requires: tuple[URIRef, ...]
    warn: tuple[URIRef, ...] = ()
    label: str = ""
    comment: str = ""
    namespace: str = DEFAULT_NAMESPACE
    #: Where it was declared (for the header of the compiled file).
    source: str = field(default="", compare=False)

    @property
    def shape(self) -> URIRef:
        """The profile's shape: ``start-up`` → ``<namespace>StartUpProfile``."""
        return URIRef(self.namespace + "".join(p.capitalize() for p in self.name.split("-")) + "Profile")

    def to_turtle(self) -> str:
        """The profile as SHACL (Turtle): one shape of Violations, and one of Warnings if it advises."""
        what = self.comment or _describe(self)
        lines = [
            f'# Profile "{self.name}": {what}',
            "#",
            f"# Compiled by cilo from {self.source or 'a profile declaration'}; edit that, not this file.",
            "# The coverage query is shapes/profiles/coverage.rq (see src/cilo/profile.py).",
            "@prefix cilo:   <https://w3id.org/cilo#> .",
            "@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .",
            "@prefix sh:     <http://www.w3.org/ns/shacl#> .",
        ]
        title = self.label or self.name
        parts: list[tuple[URIRef, tuple[URIRef, ...], str | None, str, str]] = [
            (self.shape, self.requires, None, title, what)
        ]
        if self.warn:
            advice = URIRef(str(self.shape) + "Advice")
            parts.append((advice, self.warn, "sh:Warning", f"{title}: advised", _advice(self)))
        for shape, functions, severity, label, comment in parts:
            lines += ["", *_shape(shape, functions, severity, label, comment)]
        return "\n".join(lines) + "\n"


def read(path: str | Path) -> Profile:
    """A profile declared in a YAML file; every problem of it at once, each with its line."""
    source = str(path)
    try:
        text = decode(Path(path).read_bytes(), source)
    except OSError as e:
        raise InputError(source, f"cannot read the profile: {e.strerror}") from None
    docs = yamltree.documents(text, source)
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        raise InputError(source, "a profile is one YAML mapping: name, label, requires, warn")
    doc, value = docs[0], docs[0].value
    errors: list[InputError] = []

    def fail(key: str, message: str) -> None:
        line, column = doc.where((key,))
        errors.append(InputError(source, message, line=line, column=column))

    for key in value:
        if key not in _KEYS:
            fail(key, f"unknown key {key!r}; a profile has: {', '.join(_KEYS)}")
    name = value.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        fail("name", f"'name' is lower-case letters, digits and hyphens, such as 'start-up', not {name!r}")
    lists: dict[str, tuple[URIRef, ...]] = {}
    for key in ("requires", "warn"):
        names = value.get(key, [])
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list):
            fail(key, f"{key!r} is a list of function names, such as [Initiator, Champion]")
            continue
        found = []
        for item in names:
            try:
                found.append(resolve(str(item), CILO.LeadershipFunction))
            except ValueError as e:
                fail(key, str(e))
        lists[key] = tuple(found)
    if not lists.get("requires") and not lists.get("warn") and not errors:
        fail("requires", "a profile requires (or advises) at least one function")
    twice = set(lists.get("requires", ())) & set(lists.get("warn", ()))
    if twice:
        fail("warn", f"{', '.join(sorted(local_name(f) for f in twice))}: required and advised at once")
    InputErrors.raise_for(errors)
    return Profile(
        name=str(name),
        requires=lists.get("requires", ()),
        warn=lists.get("warn", ()),
        label=str(value.get("label", "")),
        comment=str(value.get("comment", "")),
        namespace=str(value.get("namespace", DEFAULT_NAMESPACE)),
        source=Path(source).name,
    )


def new(name: str, requires: list[str], warn: list[str] | None = None) -> Profile:
    """A profile from function names, as ``cilo profile new`` makes it."""
    if not _NAME.fullmatch(name):
        raise ShapesError(f"a profile's name is lower-case letters, digits and hyphens, not {name!r}")
    profile = Profile(
        name=name,
        requires=tuple(resolve(f, CILO.LeadershipFunction) for f in requires),
        warn=tuple(resolve(f, CILO.LeadershipFunction) for f in warn or ()),
        source=f"`cilo profile new {name}`",
    )
    if not profile.requires and not profile.warn:
        raise ShapesError("a profile requires (or advises) at least one function: --requires A,B")
    return profile


def _shape(
    shape: URIRef, functions: tuple[URIRef, ...], severity: str | None, label: str, comment: str
) -> list[str]:
    listed = ", ".join(f"cilo:{local_name(f)}" for f in functions)
    query = "".join(
        line for line in _coverage_query().splitlines(keepends=True) if not line.startswith("#")
    ).replace("{functions}", listed)
    lines = [
        f"<{shape}> a sh:NodeShape ;",
        f"    rdfs:label {_string(label)}@en ;",
        f"    rdfs:comment {_string(comment)}@en ;",
        "    sh:targetClass cilo:Initiative ;",
    ]
    if severity:
        lines.append(f"    sh:severity {severity} ;")
    message = (
        'Initiative \\"{?initiativeLabel}\\" has no one performing the {?functionLabel} function; {?supply}'
    )
    lines += [
        "    sh:sparql [",
        "        a sh:SPARQLConstraint ;",
        "        sh:prefixes <https://w3id.org/cilo/shapes#> ;",
        f'        sh:message "{message}"@en ;',
        f'        sh:select """\n{query}        """ ;',
        "    ] .",
    ]
    return lines


def _coverage_query() -> str:
    return (data_dir("shapes") / "profiles" / "coverage.rq").read_text(encoding="utf-8")


def _describe(profile: Profile) -> str:
    names = ", ".join(local_name(f) for f in profile.requires)
    return f"every initiative covers {names}." if names else "advice only."


def _advice(profile: Profile) -> str:
    names = ", ".join(local_name(f) for f in profile.warn)
    return f"advice (Warnings): an initiative would do well to cover {names}."


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


__all__ = ["DEFAULT_NAMESPACE", "Profile", "new", "read"]
