"""The namespaces copgraph uses: its own vocabulary, its resources and its named graphs.

``COP`` is closed: ``COP.Comunity`` raises ``AttributeError`` instead of minting a wrong IRI. A test keeps its
terms identical to those defined in ``ontology/copgraph.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "BASE",
    "COP",
    "GRAPH",
    "ID",
    "PREFIXES",
    "SCHEMES",
    "SDO",
    "bind_prefixes",
]

BASE = "https://w3id.org/copgraph/"


class COP(DefinedNamespace):
    """The copgraph ontology (``ontology/copgraph.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    Active: URIRef
    CelebrationEvent: URIRef
    City: URIRef
    CoConsultingSession: URIRef
    Cohort: URIRef
    CommunityMeeting: URIRef
    CommunityOfPractice: URIRef
    CommunityStatus: URIRef
    CommunityToJoin: URIRef
    Hidden: URIRef
    Idea: URIRef
    ImpactStory: URIRef
    LabelMatch: URIRef
    Method: URIRef
    Module: URIRef
    Nation: URIRef
    Place: URIRef
    Post: URIRef
    PersonToInvite: URIRef
    PersonToMeet: URIRef
    Profession: URIRef
    Programme: URIRef
    ProgrammeOnly: URIRef
    Public: URIRef
    Region: URIRef
    RelatedCommunity: URIRef
    SpeakerWhoFits: URIRef
    Report: URIRef
    ReportSection: URIRef
    Sector: URIRef
    Session: URIRef
    Spreadsheet: URIRef
    SpreadsheetRow: URIRef
    StoryPart: URIRef
    Suggestion: URIRef
    SuggestionKind: URIRef
    Testimony: URIRef
    Theme: URIRef
    ValueCycle: URIRef
    Visibility: URIRef
    Webinar: URIRef
    WelcomeSession: URIRef
    accreditation: URIRef
    algorithm: URIRef
    band: URIRef
    coConsultingSessionCount: URIRef
    cohort: URIRef
    collaboratingOrganisation: URIRef
    community: URIRef
    convenor: URIRef
    coordinator: URIRef
    crosses: URIRef
    derivedLink: URIRef
    durationMonths: URIRef
    edition: URIRef
    endLine: URIRef
    evidenceCount: URIRef
    expertise: URIRef
    facilitator: URIRef
    falseMatch: URIRef
    fileName: URIRef
    format: URIRef
    idea: URIRef
    impactStory: URIRef
    intendedOutcome: URIRef
    jobTitle: URIRef
    matchConcept: URIRef
    matchedLabel: URIRef
    matchedText: URIRef
    matchProperty: URIRef
    matchSubject: URIRef
    member: URIRef
    memberCount: URIRef
    mentions: URIRef
    method: URIRef
    moduleCount: URIRef
    moduleNumber: URIRef
    order: URIRef
    organiser: URIRef
    outcome: URIRef
    parameters: URIRef
    participant: URIRef
    participantCommitment: URIRef
    participantsOffered: URIRef
    partner: URIRef
    path: URIRef
    place: URIRef
    priority: URIRef
    problemStatement: URIRef
    profession: URIRef
    programme: URIRef
    programmeLead: URIRef
    programmeTeam: URIRef
    prompt: URIRef
    rank: URIRef
    reason: URIRef
    recommendation: URIRef
    report: URIRef
    rowNumber: URIRef
    score: URIRef
    sector: URIRef
    sheet: URIRef
    sourceFile: URIRef
    speaker: URIRef
    speakerOrganisation: URIRef
    startLine: URIRef
    status: URIRef
    storyPart: URIRef
    suggestionFor: URIRef
    suggestionKind: URIRef
    suggests: URIRef
    team: URIRef
    theme: URIRef
    topTip: URIRef
    valueCycle: URIRef
    visibility: URIRef
    webinarCount: URIRef
    weeksBetweenModules: URIRef


class ID:
    """Namespaces of the resources copgraph describes, one a kind."""

    person = Namespace(BASE + "id/person/")
    organisation = Namespace(BASE + "id/organisation/")
    post = Namespace(BASE + "id/post/")
    community = Namespace(BASE + "id/community/")
    programme = Namespace(BASE + "id/programme/")
    cohort = Namespace(BASE + "id/cohort/")
    session = Namespace(BASE + "id/session/")
    story = Namespace(BASE + "id/story/")
    testimony = Namespace(BASE + "id/testimony/")
    work = Namespace(BASE + "id/work/")
    match = Namespace(BASE + "id/match/")
    theme = Namespace(BASE + "vocab/theme/")
    method = Namespace(BASE + "vocab/method/")
    sector = Namespace(BASE + "vocab/sector/")
    profession = Namespace(BASE + "vocab/profession/")
    value = Namespace(BASE + "vocab/value-cycle/")
    place = Namespace(BASE + "vocab/place/")
    source = Namespace(BASE + "source/")


class GRAPH:
    """Named graphs that are not report sections (each report section is a named graph of its own)."""

    ontology = URIRef(BASE + "graph/ontology")
    vocabularies = URIRef(BASE + "graph/vocabularies")
    curation = URIRef(BASE + "graph/curation")
    derived = URIRef(BASE + "graph/derived")
    entailed = URIRef(BASE + "graph/entailed")
    inferred = URIRef(BASE + "graph/inferred")


#: The concept schemes, by the name users know them by.
SCHEMES = {
    "theme": URIRef(BASE + "vocab/theme"),
    "method": URIRef(BASE + "vocab/method"),
    "sector": URIRef(BASE + "vocab/sector"),
    "profession": URIRef(BASE + "vocab/profession"),
    "value cycle": URIRef(BASE + "vocab/value-cycle"),
}

#: Prefixes declared for every SPARQL query and every serialisation.
PREFIXES: dict[str, str] = {
    "cop": str(COP._NS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SDO),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "person": str(ID.person),
    "organisation": str(ID.organisation),
    "post": str(ID.post),
    "community": str(ID.community),
    "programme": str(ID.programme),
    "cohort": str(ID.cohort),
    "session": str(ID.session),
    "story": str(ID.story),
    "testimony": str(ID.testimony),
    "work": str(ID.work),
    "match": str(ID.match),
    "theme": str(ID.theme),
    "method": str(ID.method),
    "sector": str(ID.sector),
    "profession": str(ID.profession),
    "value": str(ID.value),
    "place": str(ID.place),
    "source": str(ID.source),
    "r2019": str(ID.source) + "report-2019-20/",
    "r2023": str(ID.source) + "report-2023-24/",
    "graph": BASE + "graph/",
}


def bind_prefixes(graph):
    """Bind copgraph's prefixes on an rdflib graph or dataset (so it serialises with them); return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
