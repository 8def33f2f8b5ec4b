"""What an entity page shows, answers first: a summary card, the introductions (or, for a theme, who works on
it), then every fact in words, each with its source.

The page never shows the analytics' suggestion records as facts (their suggestions are the answers, with
reasons), folds a person's posts into the person (job and employer) and an organisation's posts into its
people, and says in one sentence why any section it would show is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS

from copgraph.graph import Entity, Fact
from copgraph.graph.lookup import describe, words
from copgraph.namespaces import COP, GRAPH, SDO
from webapp.provenance import Reports, line_ranges

#: Facts about contacting a person (from an import's Email and Phone columns): never on a page.
CONTACT_DETAILS = {URIRef("http://xmlns.com/foaf/0.1/mbox"), SDO.telephone}

#: Properties whose values are long text, shown as paragraphs rather than in a list.
TEXT = {DCTERMS.description, COP.problemStatement, SDO.text, SKOS.definition, COP.format}

#: The order of the fact groups on a page: what a reader asks first. Others follow, alphabetically.
ORDER = [
    DCTERMS.description,
    SKOS.definition,
    SDO.text,
    COP.status,
    COP.cohort,
    COP.participant,
    COP.organiser,
    COP.partner,
    COP.collaboratingOrganisation,
    COP.place,
    COP.theme,
    COP.method,
    COP.problemStatement,
]

#: Where a fact comes from when it is not a report section, in a word a reader understands.
SOURCES = {
    str(GRAPH.derived): "derived from the text",
    str(GRAPH.curation): "curators' classification",
    str(GRAPH.vocabularies): "copgraph's vocabularies",
    str(GRAPH.ontology): "copgraph's ontology",
    str(GRAPH.entailed): "entailed",
    str(GRAPH.inferred): "the analytics",
}


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a short label, the page that shows it, and an excerpt of its words."""

    label: str
    url: str | None
    excerpt: str


@dataclass(frozen=True)
class Value:
    """One value of a fact group: what it reads, where it links, a community's status, and its source."""

    label: str
    url: str | None
    status: str | None
    source: Source
    text: bool = False  # long text, shown as a paragraph


@dataclass
class Group:
    words: str
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    """A linked entity in a list: its label, page, community status and a note (a role, a job title)."""

    label: str
    url: str | None
    status: str | None = None
    note: str = ""
    before: str = ""  # words that lead to the link: a job title before "at" its employer


@dataclass(frozen=True)
class Answer:
    """One introduction (or one who works on a theme): where it leads, its band and evidence, its reasons."""

    label: str
    url: str | None
    status: str | None
    band: str | None
    evidence: int
    reasons: tuple[str, ...]
    paths: tuple[str, ...] = ()


@dataclass
class Answers:
    title: str
    items: list[Answer]
    empty: str  # why there is none, in one sentence


@dataclass
class Card:
    """The summary at the top of the page: rows of label and items, theme chips, the status and its evidence."""

    rows: list[tuple[str, list[Item]]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # label and a sentence
    chips: list[Item] = field(default_factory=list)
    status: str | None = None
    evidence: str = ""
    evidence_source: Source | None = None
    description: str = ""


class EntityPage:
    """Builds what one entity's page shows from the graph, the network, the introductions and the reports."""

    def __init__(self, state, link: Callable[[object], str | None], status: dict[str, str], reports: Reports):
        self.state = state
        self.graph = state.graph
        self.link = link
        self.status = status
        self.reports = reports

    # ------------------------------------------------------------------ sources

    def source(self, fact: Fact, subject: URIRef, texts: list[str]) -> Source:
        """The source of a fact: a report section's supporting lines (highlighted on its page), or a named
        graph that explains itself."""
        graph = str(fact.source)
        section = self.reports.sections.get(graph)
        if section is not None:
            lines = section.supporting(texts) if section.lines else []
            short = f"{section.report_label.replace(' final report', ' report')}, "
            if lines:
                url = f"{self.link(graph)}?lines={line_ranges(lines)}#L{lines[0]}"
                short += f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
                excerpt = section.excerpt(lines)
            else:
                url = f"{self.link(graph)}#text"
                short += f"lines {section.start}-{section.end}"
                excerpt = f"Section '{section.title}': " + section.excerpt(list(range(section.start, section.end + 1)))
            return Source(short, url, excerpt)
        return Source(SOURCES.get(graph, fact.source_label), self.link(graph), fact.source_label)

    def _texts(self, fact: Fact) -> list[str]:
        """What a fact's supporting lines would spell: its value's names, or the text itself."""
        if isinstance(fact.value, Literal):
            return [str(fact.value)]
        found = self.graph.entity(fact.value)
        names = [fact.value_label, *(found.aliases if found else ())]
        return sorted(set(names), key=lambda n: (-len(n), n))

    # ------------------------------------------------------------------ facts

    def facts(self, entity: Entity) -> list[Fact]:
        """What the graph says about the entity, less contact details and the analytics' records."""
        return [f for f in describe(self.graph.dataset, entity, inferred=False) if f.predicate not in CONTACT_DETAILS]

    def groups(self, entity: Entity, facts: list[Fact]) -> tuple[list[Group], list[Group]]:
        """The facts in words, grouped by property: those about the entity, then those that point at it."""
        dataset = self.graph.dataset
        out: dict[tuple[int, str], Group] = {}
        into: dict[tuple[int, str], Group] = {}
        seen: set[tuple] = set()
        for fact in facts:
            label, url = fact.value_label, self.link(fact.value)
            phrase = words(dataset, fact.predicate, fact.direction)
            if fact.predicate == ORG.member and fact.direction == "in":  # a person's post: job and employer
                phrase, label, url = "works as", fact.value_label, self._employer(fact.value)
            elif fact.predicate == ORG.organization and fact.direction == "in":  # an organisation's post
                holder = dataset.value(fact.value, ORG.member)
                phrase = "people who work here"
                label = f"{self.graph.label(holder)}, {dataset.value(fact.value, COP.jobTitle) or 'post'}"
                url = self.link(holder)
            key = (fact.direction, phrase, label, str(fact.source))
            if key in seen:
                continue
            seen.add(key)
            subject = entity.iri if fact.direction == "out" else fact.value
            source = self.source(fact, subject, self._texts(fact))
            status = self.status.get(str(fact.value)) if isinstance(fact.value, URIRef) else None
            target = out if fact.direction == "out" else into
            rank = ORDER.index(fact.predicate) if fact.predicate in ORDER else len(ORDER)
            group = target.setdefault((rank, phrase), Group(phrase))
            text = fact.predicate in TEXT and fact.direction == "out"
            group.values.append(Value(label, url, status, source, text))
        return [out[k] for k in sorted(out)], [into[k] for k in sorted(into)]

    def _employer(self, post: object) -> str | None:
        return self.link(self.graph.dataset.value(post, ORG.organization))

    # ------------------------------------------------------------------ the card

    def item(self, iri: object, note: str = "", before: str = "") -> Item:
        term = URIRef(iri) if isinstance(iri, str) else iri  # the network's nodes are plain strings
        return Item(self.graph.label(term), self.link(term), self.status.get(str(term)), note, before)

    def card(self, entity: Entity, facts: list[Fact]) -> Card:
        card = Card()
        by: dict[tuple[str, URIRef], list[Fact]] = {}
        for fact in facts:
            by.setdefault((fact.direction, fact.predicate), []).append(fact)

        def values(direction: str, *predicates: URIRef) -> list[object]:
            found: list[object] = []
            for predicate in predicates:
                found += [f.value for f in by.get((direction, predicate), []) if f.value not in found]
            return found

        definitions = [str(f.value) for f in by.get(("out", SKOS.definition), [])]
        card.description = (definitions or [""])[0] if entity.kind not in {"community", "person"} else ""
        card.chips = [self.item(t) for t in values("out", COP.theme)]
        node = self.state.network.nodes.get(str(entity.iri), {})
        if entity.kind == "community":
            self._community(entity, card, by, values)
        elif entity.kind == "person":
            dataset = self.graph.dataset
            jobs = [
                self.item(employer, before=f"{dataset.value(post, COP.jobTitle) or 'a post'} at")
                for post in values("in", ORG.member)
                if (employer := dataset.value(post, ORG.organization)) is not None
            ]
            card.rows.append(("works as", jobs))
            if not jobs:
                card.notes.append(("works as", "The reports give no job or employer for this person."))
            roles = [
                *(self.item(c, "participant") for c in values("in", COP.participant)),
                *(self.item(c, "programme team") for c in values("in", COP.programmeTeam)),
                *(self.item(c, "facilitator") for c in values("in", COP.facilitator)),
                *(self.item(s, "speaker") for s in values("in", COP.speaker)),
            ]
            card.rows.append(("in the programme", roles))
            card.rows.append(("profession", [self.item(p) for p in values("out", COP.profession)]))
            card.rows.append(("sector", [self.item(s) for s in node.get("sectors", ())]))
            card.rows.append(("nation", [self.item(n) for n in node.get("nations", ())]))
        elif entity.kind == "organisation":
            card.rows.append(("sector", [self.item(s) for s in values("out", COP.sector)]))
            card.rows.append(("place", [self.item(p) for p in values("out", COP.place)]))
            card.rows.append(("part of", [self.item(p) for p in values("out", ORG.subOrganizationOf)]))
            card.rows.append(
                (
                    "takes part in",
                    [
                        *(self.item(c, "organiser") for c in values("in", COP.organiser)),
                        *(self.item(c, "partner") for c in values("in", COP.partner)),
                        *(self.item(c, "collaborator") for c in values("in", COP.collaboratingOrganisation)),
                    ],
                )
            )
        elif entity.kind in {"theme", "method", "sector", "profession", "value cycle"}:
            card.rows.append(("vocabulary", [self.item(s) for s in values("out", SKOS.inScheme)]))
            card.rows.append(("within", [self.item(b) for b in values("out", SKOS.broader)]))
            card.rows.append(("includes", [self.item(n) for n in values("in", SKOS.broader)]))
            card.rows.append(("related", [self.item(r) for r in values("out", SKOS.related, SKOS.relatedMatch)]))
        else:
            card.rows.append(("cohort", [self.item(c) for c in values("out", COP.cohort)]))
            card.rows.append(("community", [self.item(c) for c in values("out", COP.community)]))
            card.rows.append(("date", [Item(str(d), None) for d in values("out", SDO.startDate, SDO.datePublished)]))
            card.rows.append(("speakers", [self.item(p) for p in values("out", COP.speaker)]))
        card.rows = [(label, _merged(items)) for label, items in card.rows if items]
        return card

    def _community(self, entity: Entity, card: Card, by: dict, values: Callable[..., list[object]]) -> None:
        status = self.status.get(str(entity.iri))
        card.status = status
        cohorts = values("out", COP.cohort)
        cohort_names = " and ".join(self.graph.label(c) for c in cohorts) or "no cohort"
        counts = [str(f.value) for f in by.get(("out", COP.memberCount), [])]
        meetings = values("in", COP.community)
        meetings = [m for m in meetings if self.graph.entity(m) and self.graph.entity(m).kind != "impact story"]
        stories = values("out", COP.impactStory)
        status_facts = by.get(("out", COP.status), [])
        if status == "active":
            shown = [
                *(["the report tells its impact story"] if stories else []),
                *([f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''} recorded"] if meetings else []),
                *([f"{counts[0]} members counted"] if counts else []),
            ]
            card.evidence = "Active: it has met" + (f" ({'; '.join(shown)})." if shown else ".")
        elif status == "idea":
            card.evidence = (
                f"An idea for a community, brought to the {cohort_names}; the reports do not say whether it started."
            )
        else:
            card.evidence = "The reports do not say whether this community has started."
        if status_facts:
            fact = status_facts[0]
            card.evidence_source = self.source(fact, entity.iri, [entity.label])
        card.rows.append(("cohort", [self.item(c) for c in cohorts]))
        card.rows.append(
            (
                "organisations",
                [
                    *(self.item(o, "organiser") for o in values("out", COP.organiser)),
                    *(self.item(o, "partner") for o in values("out", COP.partner)),
                    *(self.item(o, "works with") for o in values("out", COP.collaboratingOrganisation)),
                ],
            )
        )
        card.rows.append(("places", [self.item(p) for p in values("out", COP.place)]))
        named = [self.item(p, "convenor") for p in values("out", COP.convenor)]
        named += [self.item(p) for p in values("out", COP.member)]
        card.rows.append(("members", named))
        if not named:
            if counts:
                card.notes.append(("members", f"The report counts {counts[0]} members but names none of them."))
            elif status == "idea":
                card.notes.append(("members", "None named: the reports list it as an idea, with no members."))
            else:
                card.notes.append(("members", "The reports name no members of this community."))

    # ------------------------------------------------------------------ answers

    def answers(self, entity: Entity) -> list[Answers]:
        node = str(entity.iri)
        network = self.state.network
        if node not in network and entity.kind not in {"theme"}:
            return []
        if entity.kind in {"community", "person"}:
            found = self.state.introductions(node)
            return [
                Answers(
                    title,
                    [
                        Answer(
                            i.label,
                            self.link(i.target),
                            self.status.get(i.target),
                            i.band,
                            i.evidence,
                            i.reasons,
                            i.paths,
                        )
                        for i in items
                    ],
                    self._why_empty(entity, title),
                )
                for title, items in found.items()
            ]
        if entity.kind == "theme" and node in network:
            return self._working_on(entity)
        return []

    def _why_empty(self, entity: Entity, title: str) -> str:
        network = self.state.network
        node = str(entity.iri)
        kinds = {network.nodes[n]["kind"] for n in network.adj[node]}
        has = ", ".join(sorted(kinds)) or "nothing"
        if title == "communities to talk to":
            themes = [network.nodes[n]["label"] for n in network.adj[node] if network.nodes[n]["kind"] == "theme"]
            named = f" (its themes: {', '.join(sorted(themes))})" if themes else " (the reports give it no theme)"
            return f"No other community shares a theme, method, organisation or place with this one{named}."
        if title == "speakers who fit":
            return "No programme speaker is linked to this community through a theme, organisation or place."
        if title == "people to invite":
            return "Nobody in the reports is linked to this community through a theme, organisation or place."
        if title == "communities to join":
            return (
                f"No community is linked to {entity.label} through a profession, organisation or place "
                f"(linked to: {has})."
            )
        return f"Nobody else is linked to {entity.label} within four steps (linked to: {has})."

    def _working_on(self, entity: Entity) -> list[Answers]:
        """The communities that work on a theme (or on a narrower one), and the people whose profession relates
        to it (or to a broader one) or who spoke at a session on it."""
        from copgraph.analysis.themes import broader_themes, narrower_themes

        network = self.state.network
        theme = str(entity.iri)
        label = network.nodes[theme]["label"]
        communities: dict[str, list[str]] = {}
        people: dict[str, list[str]] = {}
        for t in (theme, *sorted(narrower_themes(network, theme))):
            via = "" if t == theme else f", which is part of {label}"
            for n in network.adj[t]:
                kind = network.nodes[n]["kind"]
                if kind == "community":
                    communities.setdefault(n, []).append(f"works on {network.nodes[t]['label']}{via}")
                elif kind == "session":
                    for p in network.adj[n]:
                        if network.nodes[p]["kind"] == "person" and "spoke at" in network.edges[p, n]["relations"]:
                            people.setdefault(p, []).append(
                                f"spoke at {network.nodes[n]['label']}, on {network.nodes[t]['label']}{via}"
                            )
        for t in (theme, *sorted(broader_themes(network, theme))):
            via = "" if t == theme else f", which includes {label}"
            for profession in network.adj[t]:
                if network.nodes[profession]["kind"] != "profession":
                    continue
                for p in network.adj[profession]:
                    if network.nodes[p]["kind"] == "person":
                        people.setdefault(p, []).append(
                            f"their profession, {network.nodes[profession]['label']}, relates to "
                            f"{network.nodes[t]['label']}{via}"
                        )

        def answers(found: dict[str, list[str]]) -> list[Answer]:
            ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), network.nodes[kv[0]]["label"]))
            return [
                Answer(network.nodes[n]["label"], self.link(n), self.status.get(n), None, len(r), tuple(r))
                for n, r in ranked
            ]

        return [
            Answers(
                "communities working on it",
                answers(communities),
                f"No community in the reports works on {label} or a narrower theme.",
            ),
            Answers(
                "people working on it",
                answers(people),
                f"Nobody in the reports has a profession that relates to {label}, or spoke at a session on it.",
            ),
        ]


def _merged(items: list[Item]) -> list[Item]:
    """One item for each thing, its notes joined: "Health Innovation Network (partner, works with)"."""
    notes: dict[tuple[str, str | None], list[str]] = {}
    first: dict[tuple[str, str | None], Item] = {}
    for item in items:
        key = (item.label, item.url)
        first.setdefault(key, item)
        if item.note and item.note not in notes.setdefault(key, []):
            notes[key].append(item.note)
    return [Item(i.label, i.url, i.status, ", ".join(notes.get(k, [])), i.before) for k, i in first.items()]
