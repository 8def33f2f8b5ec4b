"""Which of copgraph's IRIs have a page in the app, and where: a link is made only to a page that exists.

Entities users look up have their own page (``/id/...``, ``/vocab/<scheme>/<slug>``, ``/source/...``). Records
that only make sense inside another entity are folded into its page: a post into its holder's (``#work``), a
part of an impact story into the story's. Named graphs are explained on ``/graph/<name>``, the ontology's terms
on ``/ontology#Term`` and each vocabulary on ``/vocab/<scheme>``. The analytics' suggestion records and the
build's label-match records have no page: the suggestions are shown, with their reasons, on the pages of
what they are for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from copgraph import files
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import BASE, COP, SCHEMES
from webapp.provenance import Reports
from webapp.state import state

ONTOLOGY = BASE + "ontology"


@dataclass(frozen=True)
class Links:
    """What has a page: every entity's IRI, posts by holder, story parts by story, the ontology's terms, the
    vocabularies and the named graphs."""

    folded: dict[str, str]  # a record -> the page (and place in it) that shows it
    terms: frozenset[str]  # the ontology's terms, by local name
    graphs: frozenset[str]  # named graphs, by what follows graph/
    community_status: dict[str, str]  # a community -> "idea" or "active"

    @classmethod
    def of(cls, graph: KnowledgeGraph) -> Links:
        folded: dict[str, str] = {}
        for post, person in graph.select("SELECT ?post ?person WHERE { ?post a cop:Post ; org:member ?person }"):
            folded[post] = _path(person) + "#work"
        for story, part in graph.select("SELECT ?story ?part WHERE { ?story cop:storyPart ?part }"):
            folded[part] = _path(story)
        terms = {
            term[len(ONTOLOGY) + 1 :]
            for (term,) in graph.select("SELECT DISTINCT ?t WHERE { GRAPH graph:ontology { ?t rdfs:label ?l } }")
            if term.startswith(ONTOLOGY + "#")
        }
        graphs = {
            g[len(BASE + "graph/") :]
            for (g,) in graph.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            if g.startswith(BASE + "graph/")
        }
        status = {
            community: "active" if value == str(COP.Active) else "idea"
            for community, value in graph.select("SELECT ?c ?s WHERE { ?c cop:status ?s }")
        }
        return cls(folded, frozenset(terms), frozenset(graphs), status)

    def page(self, graph: KnowledgeGraph, iri: object) -> str | None:
        """The app's page for an IRI, or None where it has none (an outside IRI, a suggestion record)."""
        text = str(iri)
        if not text.startswith(BASE):
            return None
        if graph.entity(text) is not None:
            return _path(text)
        if text in self.folded:
            return self.folded[text]
        if text == ONTOLOGY:
            return "/ontology"
        if text.startswith(ONTOLOGY + "#"):
            return "/ontology#" + text[len(ONTOLOGY) + 1 :] if text[len(ONTOLOGY) + 1 :] in self.terms else None
        if text.startswith(BASE + "graph/"):
            return _path(text) if text[len(BASE + "graph/") :] in self.graphs else None
        if text in {str(scheme) for scheme in SCHEMES.values()}:
            return _path(text)
        return None


def _path(iri: str) -> str:
    return "/" + iri[len(BASE) :]


def links() -> Links:
    """The app's :class:`Links`, worked out on first use."""
    s = state()
    return s.once("links", lambda: Links.of(s.graph))


def reports() -> Reports:
    """The reports' sections and text, from the data folder the app was started with, read on first use."""
    s = state()
    data = current_app.config.get("DATA")
    return s.once("reports", lambda: Reports(s.graph, Path(data) if data else files.data_dir()))


def link(iri: object) -> str | None:
    """The app's page for an IRI, or None where there is none: nothing links to a page that does not exist."""
    return links().page(state().graph, iri)
