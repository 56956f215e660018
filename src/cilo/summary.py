"""A plain-text summary of the bundled ontology: functions, roles by level, levels and Table 3."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SKOS

from cilo.namespace import CILO
from cilo.ontology import ontology
from cilo.resources import data_dir
from cilo.vocabulary import established_functions, functions, label, local_name, roles


def table3() -> list[tuple[str, str, str]]:
    """Rows (role, level, functions) of Table 3, read from the ontology with ``queries/table3.rq``."""
    query = (data_dir("queries") / "table3.rq").read_text(encoding="utf-8")
    rows: dict[tuple[str, str], list[str]] = {}
    for row in ontology().query(query):
        key = (str(row.roleLabel), label(row.level))  # type: ignore[union-attr]
        rows.setdefault(key, []).append(str(row.functionLabel))  # type: ignore[union-attr]
    return [(role, level, ", ".join(fns)) for (role, level), fns in rows.items()]


def ontology_summary() -> str:
    """The summary printed by ``cilo summary``."""
    g = ontology()
    version = g.value(URIRef("https://w3id.org/cilo"), URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
    established = set(established_functions())
    out = [f"cilo {version}: Collective Impact Leadership Ontology (https://w3id.org/cilo#)", ""]
    out.append("(the name to write in a description, YAML `function:`/`role:`/`level:`, is in brackets)")
    out += ["", f"Leadership functions ({len(functions())}):"]
    width = max(len(_named(f)) for f in functions())
    for f in sorted(functions(), key=lambda f: label(f)):
        note = "established" if f in established else "proposed (Kyösti & Airaksinen 2026)"
        out.append(f"  {_named(f):<{width}}  {note}")
    for cls, title in ((CILO.NationalBackboneRole, "National"), (CILO.RegionalBackboneRole, "Regional")):
        role_names = sorted(_named(r) for r in roles(cls))
        out += ["", f"{title} backbone roles ({len(role_names)}):", *(f"  {name}" for name in role_names)]
    out += ["", "Governance levels:"]
    for scheme in (CILO.AdministrativeLevelScheme, CILO.AnalyticalLevelScheme, CILO.BehaviourCategoryScheme):
        names = ", ".join(sorted(_named(x) for x in _members(scheme)))
        out.append(f"  {label(scheme)}: {names}")
    out += ["", "Table 3 (Kyösti & Airaksinen 2026): backbone role -> leadership functions", ""]
    rows = table3()
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(("Role", "Level", "Functions"))]
    for cells in [("Role", "Level", "Functions"), tuple("-" * w for w in widths), *rows]:
        out.append("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    out += ["", "Sponsor: no backbone role represents it; it is held outside the backbone."]
    return "\n".join(out) + "\n"


def _named(term: URIRef) -> str:
    """``Cross-sectoral player (CrossSectoralPlayer)``: the label, and the short name one writes."""
    name = local_name(term)
    return label(term) if label(term) == name else f"{label(term)} ({name})"


def _members(scheme: URIRef) -> list[URIRef]:
    return [s for s in ontology().subjects(SKOS.inScheme, scheme) if isinstance(s, URIRef)]
