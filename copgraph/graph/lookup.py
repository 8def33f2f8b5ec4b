"""Find entities by what people call them, and describe everything known about one.

A name matches an entity's label, any of its alternative labels, or its identifier, ignoring case, accents
and punctuation ("hin", "Health Innovation Network" and "health-innovation-network" all find the same
organisation). A small misspelling ("Cleo Buterworth") still finds the one entity it is close to. A vocabulary
concept's alternative labels are words for finding it in text, so an organisation called exactly that name wins
("Health Innovation Network" is the organisation, not the sector that also lists the words). When a name fits
several entities, or none, the error says which ones were meant, and what kind each is ("did you mean ...").

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> KnowledgeGraph.open().lookup("Q Network").label
'Q Community'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from rdflib import RDF, RDFS, SKOS, Dataset, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from copgraph.backends import Backend
from copgraph.errors import CopgraphError
from copgraph.namespaces import COP, GRAPH, PREFIXES, SDO
from copgraph.query.answer import compact

__all__ = [
    "KINDS",
    "WORDS",
    "Entity",
    "Fact",
    "Index",
    "build_index",
    "close_to",
    "describe",
    "display_label",
    "expand",
    "find",
    "fold",
    "matching",
    "words",
]

#: The kinds of entity users look up, most specific first, with the word users call them by.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (FOAF.Person, "person"),
    (ORG.Organization, "organisation"),
    (ORG.OrganizationalUnit, "team or group"),
    (COP.CommunityOfPractice, "community"),
    (COP.Programme, "programme"),
    (COP.Cohort, "cohort"),
    (COP.Module, "module"),
    (COP.Session, "session"),
    (COP.ImpactStory, "impact story"),
    (COP.Testimony, "testimony"),
    (COP.Theme, "theme"),
    (COP.Method, "method"),
    (COP.Sector, "sector"),
    (COP.Profession, "profession"),
    (COP.ValueCycle, "value cycle"),
    (COP.Nation, "nation"),
    (COP.Region, "region"),
    (COP.City, "city"),
    (COP.Place, "place"),
    (SDO.CreativeWork, "work"),
    (COP.Report, "report"),
    (COP.ReportSection, "report section"),
)


@dataclass(frozen=True)
class Entity:
    """Something users can look up: its IRI, the word for its kind, its label and its other names."""

    iri: URIRef
    kind: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def curie(self) -> str:
        return compact(self.iri)


@dataclass(frozen=True)
class Fact:
    """One statement about an entity, as a reader sees it, with where it comes from.

    ``direction`` is ``out`` for (entity, predicate, value) and ``in`` for (value, predicate, entity).
    """

    direction: str
    predicate: URIRef
    predicate_label: str
    value: object
    value_label: str
    source: URIRef
    source_label: str


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Text folded for comparing names: lower case, no accents, punctuation as spaces.

    >>> fold("Überology Ltd.")
    'uberology ltd'
    """
    text = text.replace("&", " and ")
    if text.isascii():  # most names: the same result, without Unicode normalisation
        return " ".join(_NOT_ALNUM.sub(" ", text.lower()).split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def display_label(dataset: Dataset, term: object) -> str:
    """How a reader should see a term: its label, a post as "title, organisation" (or "team, organisation" where
    the report gives no title), a quote's opening words."""
    if not isinstance(term, URIRef):
        return str(term)
    label = dataset.value(term, RDFS.label) or dataset.value(term, SKOS.prefLabel) or dataset.value(term, FOAF.name)
    if label is not None:
        return str(label)
    title = dataset.value(term, COP.jobTitle)
    organisation = dataset.value(term, ORG.organization)
    if title is not None:
        return f"{title}, {display_label(dataset, organisation)}" if organisation else str(title)
    if organisation is not None:  # a post the report gives no title for: its team, if named, and organisation
        team = dataset.value(term, COP.team)
        where = display_label(dataset, organisation)
        return f"{display_label(dataset, team)}, {where}" if team is not None else where
    text = dataset.value(term, SDO.text)
    if text is not None:
        text = str(text)
        return f"“{text[:70]}…”" if len(text) > 70 else f"“{text}”"
    title = dataset.value(term, URIRef("http://purl.org/dc/terms/title"))
    if title is not None:
        return str(title)
    return compact(term)


#: What :func:`find` looks names up in: every entity, sorted by kind and label, and every entity by each of its
#: folded names.
Index = tuple[tuple[Entity, ...], dict[str, tuple[Entity, ...]]]


def build_index(backend: Backend) -> Index:
    """Every entity users can look up, and each by its names: two queries for all of them, rather than a
    lookup per entity."""
    classes = " ".join(f"<{cls}>" for cls, _ in KINDS)
    rank = {str(cls): (position, word) for position, (cls, word) in enumerate(KINDS)}
    kinds: dict[str, tuple[int, str]] = {}
    typed = f"VALUES ?class {{ {classes} }} ?iri a ?class FILTER(isIRI(?iri))"
    for iri, cls in backend.select(f"SELECT ?iri ?class WHERE {{ {typed} }}"):
        kinds[iri] = min(kinds.get(iri, rank[cls]), rank[cls])
    names: dict[str, dict[str, set[str]]] = {}
    query = "SELECT ?iri ?p ?name WHERE { VALUES ?p { rdfs:label skos:altLabel skos:hiddenLabel } ?iri ?p ?name }"
    for iri, predicate, name in backend.select(query):
        if iri in kinds:
            names.setdefault(iri, {}).setdefault(predicate, set()).add(name)
    found: dict[URIRef, Entity] = {}
    for iri, (_, word) in kinds.items():
        held = names.get(iri, {})
        labels = sorted(held.get(str(RDFS.label), ()))
        label = labels[0] if labels else display_label(backend.dataset, URIRef(iri))  # named some other way
        aliases = sorted(held.get(str(SKOS.altLabel), set()) | held.get(str(SKOS.hiddenLabel), set()))
        found[URIRef(iri)] = Entity(URIRef(iri), word, label, tuple(aliases))
    by_name: dict[str, set[Entity]] = {}
    for entity in found.values():
        slug = str(entity.iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        for name in (entity.label, *entity.aliases, slug, entity.curie):
            by_name.setdefault(fold(name), set()).add(entity)
    ordered = tuple(sorted(found.values(), key=lambda e: (e.kind, fold(e.label), str(e.iri))))
    return ordered, {name: tuple(sorted(ents, key=lambda e: str(e.iri))) for name, ents in by_name.items()}


#: Records that share a name with what they are about (an impact story and its community, a report section
#: and the community it describes): a name that fits one main entity and such records means the entity.
SECONDARY_KINDS = {"impact story", "report section", "report", "work"}


def _prefer_main(candidates: list[Entity]) -> list[Entity]:
    main = [e for e in candidates if e.kind not in SECONDARY_KINDS]
    return main if len(main) == 1 else candidates


#: Vocabulary concepts: their alternative labels are words to find them by in text ("AHSN" for the sector
#: improvement network), weaker names than an organisation's own.
CONCEPT_KINDS = {"theme", "method", "sector", "profession", "value cycle"}


def _only_by_alias(entity: Entity, wanted: str) -> bool:
    return entity.kind in CONCEPT_KINDS and fold(entity.label) != wanted


def _prefer_organisations(candidates: list[Entity], wanted: str) -> list[Entity]:
    """An organisation that is called exactly this wins over concepts that have the name only as an alternative
    label: "Health Innovation Network" is the organisation, not the sector it also names."""
    organisations = [e for e in candidates if e.kind == "organisation"]
    if organisations and all(e.kind == "organisation" or _only_by_alias(e, wanted) for e in candidates):
        return organisations
    return candidates


def _listing(candidates: list[Entity]) -> str:
    return "; ".join(f"{e.label} ({e.kind}, {e.curie})" for e in candidates[:8])


def find(index: Index, name: str, *, kind: str | None = None) -> Entity:
    """The one entity a name refers to.

    Parameters
    ----------
    name : str
        A label, alternative label, identifier (``person:cleo-butterworth``) or full IRI.
    kind : str, optional
        Only consider entities of this kind (``person``, ``community`` ...).

    Raises
    ------
    CopgraphError
        When no entity, or more than one, fits; the message suggests what may have been meant.
    """
    _, by_name = index
    wanted = fold(name)
    if not wanted:
        raise CopgraphError("Give a name to look up, e.g. 'SEL Polypharmacy' or 'Cleo Butterworth'.")

    def keep(ents) -> list[Entity]:
        return [e for e in ents if kind is None or e.kind == kind]

    expanded = expand(name)
    if expanded is not None:
        exact = keep(e for ents in by_name.values() for e in ents if e.iri == expanded)
        if exact:
            return exact[0]
    exact = _prefer_organisations(_prefer_main(keep(by_name.get(wanted, ()))), wanted)
    if len(exact) == 1 and kind is None and _only_by_alias(exact[0], wanted):
        # A concept's alternative label does not settle a name that organisations are called by too ("AHSN" is
        # a sector's other name, and part of the AHSN Network's): the user is asked which they mean.
        called = {e for key, ents in by_name.items() if f" {wanted} " in f" {key} " for e in ents}
        exact += sorted((e for e in called if e.kind == "organisation"), key=lambda e: fold(e.label))
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise CopgraphError(
            f"'{name}' could mean {len(exact)} things: {_listing(exact)}. Give the identifier in brackets instead."
        )
    containing, similar = _near(by_name, wanted, keep)
    candidates = sorted(containing | similar, key=lambda e: (e not in containing, fold(e.label)))
    if containing:
        preferred = _prefer_main([e for e in candidates if e in containing])
        if len(preferred) == 1:
            return preferred[0]
    if len(candidates) == 1:
        return candidates[0]
    nothing = f"No {kind} is" if kind else "Nothing is"
    if candidates:
        raise CopgraphError(f"{nothing} called '{name}'. Did you mean: {_listing(candidates)}?")
    raise CopgraphError(
        f"{nothing} called '{name}', and nothing is close. Try part of the name, or list names with "
        "'copgraph query \"SELECT ?label WHERE { ?x rdfs:label ?label }\"'."
    )


def _near(by_name: dict[str, tuple[Entity, ...]], wanted: str, keep) -> tuple[set[Entity], set[Entity]]:
    """The entities whose names hold every word of ``wanted``, and those whose names are close to it."""
    words = wanted.split()
    containing, similar = set(), set()
    close = set(difflib.get_close_matches(wanted, list(by_name), n=8, cutoff=0.85))
    for key, ents in by_name.items():
        key_words = key.split()
        if key in close:
            similar.update(keep(ents))
        elif set(words) <= set(key_words):
            containing.update(keep(ents))
        elif all(difflib.get_close_matches(word, key_words, n=1, cutoff=0.8) for word in words):
            similar.update(keep(ents))
    return containing, similar


def matching(index: Index, text: str) -> list[Entity]:
    """Every entity one of whose names holds ``text`` (folded), best first: a name equal to it, then a name that
    starts with it, a word that starts with it, then anywhere; main entities before records of them.

    >>> from copgraph.graph import KnowledgeGraph
    >>> [e.label for e in matching(KnowledgeGraph.open().index(), "phil")][:2]
    ['Phil Southworth', 'Philip Lusty']
    """
    wanted = fold(text)
    if not wanted:
        return []
    best: dict[Entity, int] = {}
    for key, ents in index[1].items():
        if wanted not in key:
            continue
        rank = 0 if key == wanted else 1 if key.startswith(wanted) else 2 if f" {wanted}" in f" {key}" else 3
        for entity in ents:
            best[entity] = min(best.get(entity, rank), rank)
    return sorted(best, key=lambda e: (best[e], e.kind in SECONDARY_KINDS, fold(e.label), str(e.iri)))


def close_to(index: Index, name: str, *, limit: int = 8) -> list[Entity]:
    """What a name that fits nothing exactly may have meant ("did you mean"): entities whose names are close to
    it, or hold each of its words spelt nearly the same, main entities first.

    >>> from copgraph.graph import KnowledgeGraph
    >>> [e.label for e in close_to(KnowledgeGraph.open().index(), "Cleo Buterworth")]
    ['Cleo Butterworth']
    """
    wanted = fold(name)
    if not wanted:
        return []
    containing, similar = _near(index[1], wanted, lambda ents: list(ents))
    found = sorted(containing | similar, key=lambda e: (e.kind in SECONDARY_KINDS, e not in containing, fold(e.label)))
    return found[:limit]


def expand(name: str) -> URIRef | None:
    """An identifier (``person:priya-shah``) or IRI as an IRI; None for anything else."""
    name = name.strip().strip("<>")
    if name.startswith(("http://", "https://")):
        return URIRef(name)
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return None


def _source_label(dataset: Dataset, graph: URIRef, entity: URIRef, predicate: URIRef, value: object) -> str:
    if graph == GRAPH.derived:
        derived = dataset.graph(GRAPH.derived)
        for match in sorted(derived.subjects(COP.matchSubject, entity)):  # the same one, whatever the store
            if derived.value(match, COP.derivedLink) == predicate and derived.value(match, COP.matchConcept) == value:
                return (
                    f"derived: '{derived.value(match, COP.matchedText)}' in its "
                    f"{words(dataset, derived.value(match, COP.matchProperty))} "
                    f"matches the label '{derived.value(match, COP.matchedLabel)}'"
                )
        return "derived by label matching"
    if graph == GRAPH.curation:
        return "classified by copgraph's curators"
    if graph == GRAPH.vocabularies:
        return "copgraph vocabularies"
    if graph == GRAPH.entailed:
        return "entailed"
    title = dataset.value(graph, URIRef("http://purl.org/dc/terms/title"))
    report = dataset.value(graph, COP.report)
    if title is not None and report is not None:
        start, end = dataset.value(graph, COP.startLine), dataset.value(graph, COP.endLine)
        return f"{display_label(dataset, report)}, section '{title}' (lines {start}-{end})"
    return display_label(dataset, graph)


def _predicate_label(dataset: Dataset, predicate: object) -> str:
    label = dataset.graph(GRAPH.ontology).value(predicate, RDFS.label)
    return str(label) if label is not None else compact(predicate)


_HIDDEN = {
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    FOAF.name,
    FOAF.primaryTopic,  # an imported row's record of what it describes
    PROV.wasDerivedFrom,
}


#: What each property is called on a page, read from the entity the page is about: ``(out, in)``, where ``out``
#: names the values of (entity, property, value) and ``in`` those of (value, property, entity). "Phil Southworth
#: -- took part in: 2019-20 cohort" reads the cohort's ``cop:participant`` link backwards. Properties missing here
#: fall back to the ontology's ``rdfs:label`` (:func:`words`).
WORDS: dict[URIRef, tuple[str, str]] = {
    DCTERMS.description: ("description", "described by"),
    DCTERMS.title: ("title", "title of"),
    DCTERMS.relation: ("related to", "related to"),
    DCTERMS.publisher: ("published by", "published"),
    DCTERMS.references: ("refers to", "referred to by"),
    DCTERMS.source: ("from", "source of"),
    DCTERMS.temporal: ("period", "period of"),
    SKOS.broader: ("within the broader", "includes the narrower"),
    SKOS.narrower: ("includes the narrower", "within the broader"),
    SKOS.related: ("related to", "related to"),
    SKOS.relatedMatch: ("its work touches", "the work of these professions touches it"),
    SKOS.closeMatch: ("the same subject as", "the same subject as"),
    SKOS.note: ("note", "note on"),
    SKOS.scopeNote: ("why", "why, for"),
    SKOS.definition: ("definition", "definition of"),
    SKOS.editorialNote: ("curator's note", "curator's note on"),
    SKOS.notation: ("code", "code of"),
    SKOS.inScheme: ("in the vocabulary", "concepts"),
    ORG.member: ("held by", "works as"),
    ORG.organization: ("at", "posts held here"),
    ORG.subOrganizationOf: ("part of", "includes"),
    ORG.unitOf: ("part of", "its teams"),
    PROV.startedAtTime: ("started at", "started"),
    SDO.author: ("by", "author of"),
    SDO.about: ("about", "subject of"),
    SDO.funder: ("funded by", "funds"),
    SDO.founder: ("founded by", "founded"),
    SDO.containedInPlace: ("in", "contains"),
    SDO.startDate: ("started on", "started"),
    SDO.endDate: ("ended on", "ended"),
    SDO.datePublished: ("published on", "published"),
    SDO.text: ("text", "text of"),
    SDO.url: ("web address", "web address of"),
    COP.cohort: ("cohort", "in this cohort"),
    COP.collaboratingOrganisation: ("works with", "collaborates with"),
    COP.community: ("community", "its meetings and records"),
    COP.convenor: ("convened by", "convenes"),
    COP.member: ("members", "member of"),
    COP.expertise: ("expertise in", "people whose work is about it"),
    COP.facilitator: ("facilitated by", "facilitated"),
    COP.idea: ("ideas", "idea of"),
    COP.impactStory: ("impact story", "impact story of"),
    COP.intendedOutcome: ("intended outcomes", "intended outcome of"),
    COP.jobTitle: ("job title", "job title of"),
    COP.memberCount: ("number of members", "number of members of"),
    COP.mentions: ("mentions", "mentioned in"),
    COP.method: ("uses the method", "used by"),
    COP.organiser: ("organised by", "organises"),
    COP.participant: ("participants", "took part in"),
    COP.partner: ("partners", "partner of"),
    COP.place: ("place", "place of"),
    COP.priority: ("priorities", "priority of"),
    COP.problemStatement: ("problem it tackles", "problem of"),
    COP.profession: ("profession", "people in this profession"),
    COP.programme: ("programme", "cohorts"),
    COP.programmeTeam: ("programme team", "on the programme team of"),
    COP.prompt: ("prompt", "prompt of"),
    COP.recommendation: ("recommendations", "recommendation of"),
    COP.report: ("report", "sections"),
    COP.sector: ("sector", "organisations in this sector"),
    COP.speaker: ("speakers", "spoke at"),
    COP.speakerOrganisation: ("speaking organisation", "spoke at"),
    COP.startLine: ("first line", "first line of"),
    COP.endLine: ("last line", "last line of"),
    COP.status: ("status", "communities with this status"),
    COP.storyPart: ("parts", "part of"),
    COP.theme: ("works on", "worked on by"),
    COP.topTip: ("top tips", "top tip of"),
    COP.valueCycle: ("value cycle", "testimonies in this cycle"),
}


def words(dataset: Dataset | None, predicate: URIRef, direction: str = "out") -> str:
    """What a property is called on a page (:data:`WORDS`), read ``out`` from the entity to the value or ``in``
    from the value to the entity; otherwise the ontology's label, "of" added when read backwards.

    >>> words(None, COP.participant, "in")
    'took part in'
    """
    if predicate in WORDS:
        return WORDS[predicate][0 if direction == "out" else 1]
    label = _predicate_label(dataset, predicate) if dataset is not None else compact(predicate)
    return label if direction == "out" else f"{label} of"


def describe(dataset: Dataset, entity: Entity, *, inferred: bool = True) -> list[Fact]:
    """Everything the graph states or derives about an entity, each fact with its source.

    Facts the entailment step adds (supertypes, transitive links) are left out: they repeat what is shown.
    Labels are shown in the entity's header, not as facts. ``inferred=False`` leaves out the analytics'
    records too (``graph/inferred``): a page shows their suggestions as answers, not as facts.
    """
    skipped = {GRAPH.entailed} if inferred else {GRAPH.entailed, GRAPH.inferred}
    predicates: dict[URIRef, str] = {}
    sources: dict[URIRef, str] = {}  # a section's label is the same for every fact it holds

    def predicate_label(p: URIRef) -> str:
        if p not in predicates:
            predicates[p] = _predicate_label(dataset, p)
        return predicates[p]

    def source_label(g: URIRef, s: URIRef, p: URIRef, o: object) -> str:
        if g == GRAPH.derived:  # names the words that matched, fact by fact
            return _source_label(dataset, g, s, p, o)
        if g not in sources:
            sources[g] = _source_label(dataset, g, s, p, o)
        return sources[g]

    facts = []
    for _, p, o, g in dataset.quads((entity.iri, None, None, None)):
        if g in skipped or p in _HIDDEN:
            continue
        facts.append(
            Fact("out", p, predicate_label(p), o, display_label(dataset, o), g, source_label(g, entity.iri, p, o))
        )
    for s, p, o, g in dataset.quads((None, None, entity.iri, None)):
        if g in skipped or (g == GRAPH.derived and p not in {COP.theme, COP.method, COP.mentions, COP.profession}):
            continue
        if g == GRAPH.inferred:  # the analytics' suggestions: a page and a command show them on their own
            continue
        if p in {SKOS.inScheme, SKOS.topConceptOf, COP.matchConcept, COP.matchSubject} or p in _HIDDEN:
            continue
        facts.append(Fact("in", p, predicate_label(p), s, display_label(dataset, s), g, source_label(g, s, p, o)))
    order = {"out": 0, "in": 1}
    return sorted(set(facts), key=lambda f: (order[f.direction], f.predicate_label, f.value_label, str(f.source)))
