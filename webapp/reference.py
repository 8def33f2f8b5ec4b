"""Pages that explain where facts come from and what words mean: a report and its sections (the reports' own
text, the lines behind a fact highlighted), the named graphs that are not report sections (derived, curated,
entailed, inferred, vocabularies, imports), the ontology's terms and each vocabulary."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from copgraph.graph import Entity
from copgraph.namespaces import BASE, SCHEMES
from webapp.links import link, links, reports
from webapp.provenance import parse_lines, plain
from webapp.state import state

bp = Blueprint("reference", __name__)

#: What each named graph holds and how it was made, for a reader who followed a source link.
GRAPHS = {
    "derived": (
        "Derived from the text",
        "Themes, methods and professions copgraph found by matching the labels of its vocabularies in the reports' "
        "own words: a community whose description says 'polypharmacy' works on the theme Polypharmacy; a job title "
        "with 'pharmacy' in it gives the profession Pharmacy. Each match is recorded with the words that matched "
        "and where, and a source link on a page says which. Nothing here is stated by a report in so many words.",
    ),
    "curation": (
        "Curators' classification",
        "What the reports imply but do not state: mostly an organisation's sector and place. Each statement here "
        "carries a curator's note saying why.",
    ),
    "vocabularies": (
        "copgraph's vocabularies",
        "The themes, methods, sectors, professions and value cycles copgraph classifies by, and the places, each "
        "with its definition and its broader and narrower concepts. They are copgraph's, written for this graph, "
        "not taken from the reports.",
    ),
    "entailed": (
        "Entailed",
        "What follows from the other graphs by the ontology's rules: supertypes, labels for every name, "
        "membership of organisations from posts, the broader themes of a theme, and the section each fact "
        "comes from. Pages do not show these as facts, since they repeat what is shown.",
    ),
    "inferred": (
        "The analytics' suggestions",
        "Suggested introductions: related communities and potential connections computed from the network by "
        "copgraph's analytics, each with its score, reasons and the run that produced it. They are suggestions, "
        "not facts from the reports, and pages show them as answers with their reasons rather than as facts.",
    ),
    "ontology": (
        "copgraph's ontology",
        "The classes and properties the graph is written in.",
    ),
}


def source_page(entity: Entity):
    """A report (its sections) or one report section: its text, the supporting lines highlighted."""
    found = reports()
    if entity.kind == "report":
        return render_template("report.html", entity=entity, sections=found.of_report(str(entity.iri)))
    section = found.sections.get(str(entity.iri))
    if section is None:
        abort(404, f"The report section '{entity.label}' has no line range in the graph.")
    highlighted, note = parse_lines(request.args.get("lines", ""), section)
    about = _about(str(entity.iri))
    lines = [(section.start + i, plain(text), text.lstrip().startswith("#")) for i, text in enumerate(section.lines)]
    return render_template(
        "section.html",
        entity=entity,
        section=section,
        lines=lines,
        highlighted=highlighted,
        note=note,
        about=about,
        report_url=link(section.report),
    )


def _about(section: str) -> list[tuple[str, str, str | None]]:
    """What a section states facts about, that has a page: ``(label, url, community status)``, by label."""
    s = state()

    def compute() -> list[tuple[str, str, str | None]]:
        rows = s.graph.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{section}> {{ ?s ?p ?o }} }}")
        found = {}
        for (subject,) in rows:
            entity = s.graph.entity(subject)
            if entity is not None and subject != section:
                found[subject] = (entity.label, link(subject), links().community_status.get(subject))
        return sorted(found.values(), key=lambda row: row[0].casefold())

    return s.once(f"about {section}", compute)


@bp.route("/graph/<path:name>")
def graph_page(name: str):
    if name not in links().graphs:
        abort(404, f"copgraph has no named graph called 'graph/{name}'.")
    s = state()
    iri = BASE + "graph/" + name
    title, text = GRAPHS.get(name, ("Imported from a spreadsheet", _import_text(name)))
    (count,) = s.graph.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")[0]
    others = [(other, GRAPHS[other][0]) for other in GRAPHS if other != name and other in links().graphs]
    return render_template(
        "graph.html", name=name, iri=iri, title=title, text=text, count=int(count or 0), others=others
    )


def _import_text(name: str) -> str:
    return (
        f"What 'copgraph import' read from a spreadsheet ({name.removeprefix('import/')}), one named graph per "
        "row, with the file, row and time of the import."
    )


@bp.route("/ontology")
def ontology():
    s = state()

    def compute() -> list[tuple[str, list[tuple[str, str, str]]]]:
        rows = s.graph.select(
            """SELECT ?term ?type ?label ?comment WHERE { GRAPH graph:ontology {
                 ?term rdfs:label ?label . OPTIONAL { ?term rdfs:comment ?comment } OPTIONAL { ?term a ?type } } }"""
        )
        kinds = {"Class": "Classes", "ObjectProperty": "Properties", "DatatypeProperty": "Properties"}
        grouped: dict[str, dict[str, tuple[str, str, str]]] = {}
        for term, kind, label, comment in rows:
            if "#" not in term:
                continue
            local = term.rsplit("#", 1)[1]
            heading = kinds.get((kind or "").rsplit("#", 1)[-1], "Values")
            if local in {v[0] for g in grouped.values() for v in g.values()} and heading == "Values":
                continue
            grouped.setdefault(heading, {})[local] = (local, label, comment or "")
        order = ["Classes", "Properties", "Values"]
        return [(h, sorted(grouped[h].values(), key=lambda t: t[0].casefold())) for h in order if h in grouped]

    return render_template("ontology.html", groups=s.once("ontology terms", compute))


@bp.route("/vocab/<scheme>")
def vocabulary(scheme: str):
    iri = BASE + "vocab/" + scheme
    names = {str(v): k for k, v in SCHEMES.items()}
    if iri not in names:
        abort(404, f"copgraph has no vocabulary called '{scheme}'; there are {', '.join(SCHEMES)}.")
    s = state()

    def compute() -> list[tuple[int, str, str, str | None]]:
        rows = s.graph.select(
            f"""SELECT ?c ?label ?broader WHERE {{ ?c skos:inScheme <{iri}> ; skos:prefLabel ?label .
                 OPTIONAL {{ ?c skos:broader ?broader }} }}"""
        )
        labels = {c: label for c, label, _ in rows}
        children: dict[str | None, set[str]] = {}
        for c, _, broader in rows:
            children.setdefault(broader if broader in labels else None, set()).add(c)
        tree: list[tuple[int, str, str, str | None]] = []

        def walk(parent: str | None, depth: int, seen: frozenset[str]) -> None:
            for c in sorted(children.get(parent, ()), key=lambda c: labels[c].casefold()):
                if c not in seen:
                    tree.append((depth, labels[c], link(c), c))
                    walk(c, depth + 1, seen | {c})

        walk(None, 0, frozenset())
        return tree

    return render_template("vocabulary.html", name=names[iri], iri=iri, concepts=s.once(f"vocab {scheme}", compute))
