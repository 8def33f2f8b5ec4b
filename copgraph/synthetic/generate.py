"""Generate realistic synthetic graphs in copgraph's own ontology, at national size, for scale testing.

The Q Community has thousands of members and the NHS hundreds of communities of practice; the two reports name
a few hundred people. This module invents data shaped like the real thing, in the same ontology and with the
project's real vocabulary concepts (themes, sectors, professions, places), so that loading, queries, analytics
and the web app can be tried at any size. For ``people`` people it writes:

- about ``people / 25`` organisations, each with a name that fits its sector (an NHS foundation trust, a primary
  care network, a council, a university ...) and a place in a nation where such organisations exist; their
  numbers of staff are heavy-tailed;
- every person with a name (given and family names, a middle initial only where needed to keep names unique)
  and a post at an organisation, a quarter of them a second post; every job title contains a profession's label,
  so the build derives ``cop:profession`` from it exactly as it does for the reports' people;
- about ``people / 10`` active communities of practice, each convened by one person, organised by the
  convenor's organisation and brought to one of three synthetic cohorts; their themes follow a Zipf law over the
  real themes (a few themes are very popular), with second and third themes from the first one's SKOS family;
- memberships: each person joins 1-4 communities, mostly of their own region or sector, some across the
  boundaries; community sizes follow a power law (preferential attachment: a community with more members draws
  more, on top of a heavy-tailed appeal of its own).

Everything is in one named graph, :data:`GRAPH_NAME`, which says that its contents are invented; the build
treats it like a report section, so ``copgraph validate`` checks it like the real data. Ten thousand people make
about 107,000 quads; a hundred thousand, 1.07 million in about two seconds.

The output is N-Quads, streamed line by line (:func:`write` also writes TriG, Turtle or N-Triples), and the
same ``(people, seed)`` always gives byte-identical output, in any process: nothing depends on set order, and the
only source of randomness is :meth:`random.Random.random` of a generator seeded with ``seed``, the one method
whose sequence Python promises to keep across versions (``choices``, ``sample`` and ``shuffle`` may change).

Each community's quads, and each cohort's, are written in one run of lines: first its members (participants),
then what it is (type, name, themes, ...). The order changes no fact, but it changes speed. Oxigraph's in-memory
store keeps every subject's quads in one list, newest first, in the order they were added, and a lookup walks
that list. Written in one run, a community's quads sit together in memory, so one walk reads one stretch of it;
written last, its type is found before its hundreds of members (the figures are in ``bench/README.md``).

Example
-------
>>> lines = list(generate(50, seed=1))
>>> all(line.endswith(f" <{GRAPH_NAME}> .\\n") for line in lines)
True
>>> sum(" <http://xmlns.com/foaf/0.1/name> " in line for line in lines)
50
>>> lines == list(generate(50, seed=1))
True
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from rdflib import RDF, RDFS, SKOS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV
from rdflib.plugins.parsers.notation3 import BadSyntax

from copgraph import files
from copgraph.build.derive import LabelMatcher
from copgraph.errors import CopgraphError
from copgraph.files import write_atomically
from copgraph.namespaces import BASE, COP, ID, SCHEMES, SDO

__all__ = ["FORMATS", "GRAPH_NAME", "generate", "output_format", "write"]

#: The named graph that holds everything :func:`generate` invents.
GRAPH_NAME = URIRef(BASE + "graph/synthetic")

#: How many people share one organisation, and one community, on average.
_PEOPLE_PER_ORGANISATION = 25
_PEOPLE_PER_COMMUNITY = 10

_PROGRESS_EVERY = 1000
_COHORTS = 3
_FIRST_COHORT_YEAR = 2021

# ---------------------------------------------------------------- the shape of the data (tuned by hand)

#: How many communities a person joins, 1 to 4: weights. Mean 2.5.
_MEMBERSHIPS = (0.2, 0.3, 0.28, 0.22)
#: Where a person looks for their next community: their own region, their own sector, or anywhere.
_OWN_REGION, _OWN_SECTOR = 0.5, 0.25
#: Share of people with a second post, and of those the share whose second post is in their own region.
_SECOND_POST, _SECOND_POST_NEARBY = 0.25, 0.6
#: Pareto shapes: lower is more unequal. Organisation staff and community appeal are heavy-tailed but capped, or a
#: rare huge draw gives one trust most of the staff, or one community most of the members (seen: 62% of 10,000
#: people). The cap on appeal grows with the square root of the number of communities, so that the largest
#: community still grows with the graph.
_ORGANISATION_SIZE_SHAPE, _ORGANISATION_SIZE_CAP = 1.5, 10.0
_COMMUNITY_APPEAL_SHAPE = 1.2
#: Zipf exponent of theme popularity, and the chances of a community having 1, 2 or 3 themes.
_THEME_ZIPF = 1.1
_THEME_COUNTS = (0.5, 0.35, 0.15)
#: Chance that a second or third theme comes from the first theme's family in the SKOS hierarchy.
_THEME_FROM_FAMILY = 0.6
#: Where a community works: its organiser's place, the organiser's region, or the organiser's whole nation.
_COMMUNITY_PLACE = (0.6, 0.3, 0.1)


@dataclass(frozen=True)
class _Kind:
    """A kind of organisation: its sector (a slug of the sector scheme), the nations it exists in (slugs; empty
    for all), how common it is, how many staff it has relative to others, its name patterns and which list of
    job titles its staff have."""

    sector: str
    nations: tuple[str, ...]
    share: float
    size: float
    names: tuple[str, ...]
    titles: str


_ENGLAND = ("england",)
_UK_NATIONS = ("england", "scotland", "wales", "northern-ireland")

_KINDS: tuple[_Kind, ...] = (
    _Kind(
        "primary-care",
        (),
        30,
        0.5,
        (
            "{stem} Primary Care Network",
            "{stem} Medical Practice",
            "{stem} Surgery",
            "{stem} Health Centre",
            "The {stem} Practice",
        ),
        "primary care",
    ),
    _Kind(
        "acute-trust",
        _ENGLAND,
        6,
        10,
        (
            "{stem} Hospitals NHS Foundation Trust",
            "{stem} University Hospitals NHS Trust",
            "{stem} and {stem2} NHS Foundation Trust",
        ),
        "provider",
    ),
    _Kind(
        "community-and-mental-health-trust",
        _ENGLAND,
        5,
        7,
        (
            "{stem} Community Health NHS Trust",
            "{stem} Mental Health NHS Foundation Trust",
            "{stem} Partnership NHS Foundation Trust",
        ),
        "provider",
    ),
    _Kind(
        "health-and-social-care-trust",
        ("northern-ireland",),
        8,
        10,
        ("{stem} Health and Social Care Trust",),
        "provider",
    ),
    _Kind("nhs", ("scotland",), 8, 10, ("NHS {stem}",), "provider"),
    _Kind("nhs", ("wales",), 8, 10, ("{stem} University Health Board",), "provider"),
    _Kind("integrated-care-board", _ENGLAND, 1.5, 4, ("NHS {stem} Integrated Care Board",), "system"),
    _Kind(
        "integrated-care-system",
        _ENGLAND,
        1,
        2,
        ("{stem} Integrated Care System", "{stem} Health and Care Partnership"),
        "system",
    ),
    _Kind("commissioning", _ENGLAND, 1, 2, ("NHS {stem} Clinical Commissioning Group",), "system"),
    _Kind("health-education", _ENGLAND, 0.5, 2, ("Health Education {stem}",), "system"),
    _Kind(
        "local-government",
        (),
        10,
        3,
        ("{stem} Borough Council", "{stem} City Council", "{stem} County Council", "{stem} District Council"),
        "local government",
    ),
    _Kind(
        "public-health",
        (),
        2,
        1.5,
        ("{stem} Public Health Partnership", "{stem} Health Protection Unit"),
        "public health",
    ),
    _Kind(
        "social-care",
        (),
        10,
        0.8,
        ("{stem} Care Homes", "{stem} Home Care Services", "{stem} Care Group", "{stem} House Care Home"),
        "social care",
    ),
    _Kind(
        "higher-education",
        (),
        3,
        4,
        ("University of {stem}", "{stem} University", "{stem} Business School"),
        "university",
    ),
    _Kind(
        "voluntary-sector",
        (),
        12,
        0.6,
        (
            "{stem} Carers Centre",
            "{stem} Community Trust",
            "Friends of {stem} Hospital",
            "{stem} Volunteer Network",
            "{stem} Community Foundation",
        ),
        "voluntary",
    ),
    _Kind(
        "improvement-network",
        _UK_NATIONS,
        2,
        1.5,
        ("{stem} Health Innovation Network", "{stem} Patient Safety Collaborative", "{stem} Improvement Academy"),
        "improvement",
    ),
    _Kind(
        "private-provider",
        (),
        4,
        1.5,
        ("{stem} Healthcare Ltd", "{stem} Care Partners Ltd", "{stem} Clinics Ltd"),
        "provider",
    ),
    _Kind(
        "consultancy",
        (),
        4,
        0.3,
        ("{stem} Consulting Ltd", "{stem} Coaching and Development", "{stem} Associates"),
        "consultancy",
    ),
)

#: Job titles by kind of organisation, with weights. Each must contain a label of the profession scheme:
#: generate() checks that, so that the build derives a profession for every synthetic person.
_JOB_TITLES: dict[str, tuple[tuple[str, float], ...]] = {
    "provider": (
        ("Specialist Nurse", 6),
        ("Clinical Nurse Specialist", 5),
        ("Staff Nurse", 6),
        ("Head of Nursing", 2),
        ("Lead Pharmacist", 3),
        ("Clinical Pharmacist", 3),
        ("Advanced Clinical Practitioner", 3),
        ("Clinical Director", 2),
        ("Clinical Lead", 2),
        ("Quality Improvement Lead", 3),
        ("Patient Safety Manager", 2),
        ("Service Improvement Manager", 2),
        ("Transformation Programme Manager", 2),
        ("OD Business Partner", 1),
        ("Research Nurse", 2),
        ("Knowledge Manager", 1),
        ("Service Manager", 3),
    ),
    "primary care": (
        ("GP Partner", 6),
        ("Salaried GP", 4),
        ("GP Principal", 2),
        ("Practice Nurse", 5),
        ("Advanced Nurse Practitioner", 3),
        ("Clinical Pharmacist", 4),
        ("Practice Manager", 4),
        ("Clinical Director", 2),
        ("Advanced Clinical Practitioner", 2),
    ),
    "system": (
        ("Programme Manager", 4),
        ("Programme Director", 2),
        ("Head of Transformation", 2),
        ("Medicines Optimisation Pharmacist", 2),
        ("Quality Improvement Manager", 3),
        ("Director of Nursing", 1),
        ("Clinical Lead", 2),
        ("Network Lead", 1),
        ("Project Manager", 3),
        ("Head of Quality", 2),
        ("Patient Safety Specialist", 2),
        ("Knowledge Manager", 1),
        ("Organisational Development Lead", 1),
    ),
    "local government": (
        ("Service Manager", 3),
        ("Commissioning Manager", 3),
        ("Head of Adult Social Care", 1),
        ("Community Development Worker", 2),
        ("Project Manager", 2),
        ("Programme Lead", 2),
        ("Public Health Specialist", 2),
    ),
    "public health": (
        ("Public Health Specialist", 4),
        ("Public Health Practitioner", 4),
        ("Director of Public Health", 1),
        ("Programme Manager", 2),
        ("Health Protection Nurse", 2),
    ),
    "social care": (
        ("Registered Manager", 4),
        ("Care Home Manager", 3),
        ("Deputy Manager", 2),
        ("Nurse", 2),
        ("Home Care Manager", 2),
        ("Head of Care", 1),
        ("Quality Lead", 1),
    ),
    "university": (
        ("Professor of Nursing", 2),
        ("Senior Lecturer in Nursing", 3),
        ("Research Fellow", 4),
        ("Senior Researcher", 2),
        ("Professor of Primary Care", 1),
        ("Research Associate", 2),
        ("Head of School", 1),
    ),
    "voluntary": (
        ("Community Organiser", 3),
        ("Community Development Worker", 3),
        ("Programme Manager", 3),
        ("Project Manager", 3),
        ("Director of Services", 1),
        ("Volunteer Manager", 2),
        ("Peer Support Coach", 1),
        ("Chair of Trustees", 1),
    ),
    "improvement": (
        ("Improvement Advisor", 3),
        ("Quality Improvement Lead", 3),
        ("Patient Safety Lead", 2),
        ("Programme Manager", 3),
        ("Network Development Lead", 1),
        ("Senior Improvement Manager", 2),
        ("Knowledge Manager", 1),
        ("Clinical Lead", 1),
        ("Programme Director", 1),
    ),
    "consultancy": (
        ("Consultant", 3),
        ("Leadership Coach", 3),
        ("Organisational Development Consultant", 2),
        ("Associate Consultant", 2),
        ("Managing Director", 1),
        ("Executive Coach", 2),
    ),
}

_GIVEN_NAMES = (
    "Olivia Amelia Isla Ava Mia Grace Sophie Emily Lily Freya Ella Chloe Hannah Sarah Rachel Rebecca Laura Emma "
    "Claire Helen Joanne Nicola Karen Susan Julie Catherine Fiona Aisha Fatima Zainab Priya Anjali Deepa Sunita "
    "Amara Chiamaka Ngozi Adaeze Mei Yasmin Leila Maryam Noor Siobhán Niamh Aoife Ciara Sinéad Eilidh Morag "
    "Catriona Rhiannon Cerys Seren Ffion Megan Zoë Agnieszka Kasia Oliver George Harry Jack Noah Leo Arthur Thomas "
    "James William Daniel Matthew David Michael Paul Mark Andrew Richard Stephen Peter Christopher Simon Gareth "
    "Rhys Dylan Owen Callum Hamish Euan Ruaridh Seán Ciarán Declan Eoin Mohammed Ahmed Omar Yusuf Ibrahim Hassan "
    "Raj Arjun Sanjay Vikram Rohan Kwame Kofi Chidi Tunde Emeka Wei Jun Tomasz Piotr Marek Alex Sam Jordan Charlie "
    "Robin Jamie"
).split()

_FAMILY_NAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young "
    "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali "
    "Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher "
    "Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart "
    "Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill "
    "Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson "
    "Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland "
    "Hawkins Harding Porter Robertson Newton Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates "
    "Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls "
    "Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Neill Nowak Okafor Adeyemi Mensah Chen "
    "Wang Nguyen MacLeod Kowalski Mahmood Chowdhury Iqbal Ferreira Costa"
).split()

#: Invented place-like names for organisations, such as "Northbrook" or "Ashvale".
_STEM_STARTS = (
    "Ash Oak Elm Thorn Hazel Birch Rowan Alder Willow Holly North South East West Kings Brook Mill Stone Fair "
    "Wood Marsh Moor Hart Fox Haw Lark Wren Swan Bram Ald Bel Cal Dun Gran Hol Lang Pen Red Rock Sand Wel Whit"
).split()
_STEM_ENDS = (
    "vale field bridge ford ton bury ley dale hurst mere stead well combe ham worth brook wood gate haven side".split()
)

_COMMUNITY_NAMES = (
    "{where} {Theme} Community of Practice",
    "{where} {Theme} Network",
    "{where} {Theme} Learning Network",
    "{Theme} Practitioners' Forum, {where}",
    "{where} {Theme} Collaborative",
)
_COMMUNITY_DESCRIPTIONS = (
    "A community of practice for people across {place} working on {themes}.",
    "Colleagues from health, care and the voluntary sector in {place} sharing what works in {themes}.",
    "A network in {place} to learn together about {themes}, meeting every month.",
    "People in {place} who meet to improve {themes} together.",
)

# ---------------------------------------------------------------- N-Quads terms

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_A = RDF.type.n3()
_NAME = FOAF.name.n3()
_VISIBILITY, _PROGRAMME_ONLY, _HIDDEN = COP.visibility.n3(), COP.ProgrammeOnly.n3(), COP.Hidden.n3()
_VISIBILITY_SEED = 7_919
_LABEL = RDFS.label.n3()
_DESCRIPTION = DCTERMS.description.n3()
_MEMBER_OF_POST = ORG.member.n3()
_AT = ORG.organization.n3()
_JOB_TITLE = COP.jobTitle.n3()
_SECTOR = COP.sector.n3()
_PLACE = COP.place.n3()
_MEMBER = COP.member.n3()
_CONVENOR = COP.convenor.n3()
_THEME = COP.theme.n3()
_PERSON = FOAF.Person.n3()
_POST = COP.Post.n3()
_ORGANISATION = ORG.Organization.n3()
_COMMUNITY = COP.CommunityOfPractice.n3()


def _literal(text: str) -> str:
    """An N-Quads string literal. Not ``Literal.n3()``: that writes Turtle's long strings for text with newlines."""
    return '"' + text.translate(_ESCAPES) + '"'


def _person(number: int) -> str:
    """The N-Quads IRI of the synthetic person numbered ``number`` (from 0)."""
    return f"<{ID.person}synthetic-{number + 1:06d}>"


def _typed(value: object, datatype: URIRef) -> str:
    return f'"{value}"^^<{datatype}>'


# ---------------------------------------------------------------- randomness from Random.random() alone


class _Draw:
    """Random choices built on :meth:`random.Random.random` only, whose sequence Python promises to keep.

    ``Random.choices``, ``sample`` and ``shuffle`` may change between Python versions; these do not.
    """

    def __init__(self, seed: int) -> None:
        self.random = Random(seed).random

    def index(self, n: int) -> int:
        return min(int(self.random() * n), n - 1)

    def item(self, items: Sequence):
        return items[self.index(len(items))]

    def weighted(self, cumulative: Sequence[float]) -> int:
        """An index, drawn in proportion to the weights whose running totals are ``cumulative``."""
        return min(bisect.bisect_right(cumulative, self.random() * cumulative[-1]), len(cumulative) - 1)

    def pareto(self, shape: float) -> float:
        return (1.0 - self.random()) ** (-1.0 / shape)

    def shuffled(self, items: Sequence) -> list:
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.index(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, n: int, k: int) -> list[int]:
        """``k`` distinct numbers from ``range(n)``, in the order drawn."""
        pool = list(range(n))
        for i in range(k):
            j = i + self.index(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def _running_totals(weights: Sequence[float]) -> list[float]:
    totals, total = [], 0.0
    for weight in weights:
        total += weight
        totals.append(total)
    return totals


# ---------------------------------------------------------------- the project's vocabulary


@dataclass(frozen=True)
class _Place:
    iri: URIRef
    label: str
    nation: URIRef
    #: The widest region the place lies in, or its nation where there is no region: what "their region" means.
    region: URIRef


@dataclass(frozen=True)
class _Vocabulary:
    themes: list[URIRef]
    theme_label: dict[URIRef, str]
    #: For each theme, the themes that share a top concept with it in the SKOS hierarchy, or are skos:related.
    theme_family: dict[URIRef, list[URIRef]]
    sectors: set[URIRef]
    nations: set[URIRef]
    place_label: dict[URIRef, str]
    #: Where organisations can be: cities, regions, and nations that the gazetteer does not divide.
    org_places: list[_Place]
    profession_labels: list[tuple[str, URIRef]]


def _read_vocabulary() -> _Vocabulary:
    folder = files.data_dir() / "vocabularies"
    paths = sorted(folder.glob("*.ttl"))
    if not paths:
        raise CopgraphError(f"No vocabularies (*.ttl) in {folder}; the generator needs the project's concepts.")
    graph = Graph()
    for path in paths:
        try:
            graph.parse(data=path.read_text(encoding="utf-8-sig"), format="turtle", publicID=path.as_uri())
        except (BadSyntax, OSError, UnicodeDecodeError, ValueError) as error:
            raise CopgraphError(f"{path}: cannot be read as Turtle ({error}); fix the file and try again.") from None

    def concepts(scheme: str) -> list[URIRef]:
        return sorted(c for c in graph.subjects(SKOS.inScheme, SCHEMES[scheme]) if isinstance(c, URIRef))

    def label(resource: URIRef, prop: URIRef) -> str:
        labels = sorted(
            graph.objects(resource, prop), key=lambda lit: (getattr(lit, "language", None) != "en", str(lit))
        )
        return str(labels[0]) if labels else str(resource).rsplit("/", 1)[-1]

    themes = concepts("theme")
    theme_set = set(themes)
    broader = {t: sorted(b for b in graph.objects(t, SKOS.broader) if b in theme_set) for t in themes}

    def tops(theme: URIRef, seen: frozenset = frozenset()) -> set[URIRef]:
        parents = [b for b in broader[theme] if b not in seen]
        return {theme} if not parents else set().union(*(tops(b, seen | {theme}) for b in parents))

    top_of = {t: tops(t) for t in themes}
    family = {}
    for theme in themes:
        related = set(graph.objects(theme, SKOS.related)) | set(graph.subjects(SKOS.related, theme))
        family[theme] = sorted(u for u in themes if u != theme and (top_of[u] & top_of[theme] or u in related))

    nations = {n for n in graph.subjects(RDF.type, COP.Nation) if isinstance(n, URIRef)}
    place_kind = {}
    for kind in (COP.Nation, COP.Region, COP.City, COP.Place):
        for place in graph.subjects(RDF.type, kind):
            place_kind.setdefault(place, kind)
    within = {p: graph.value(p, SDO.containedInPlace) for p in place_kind}
    place_label = {p: label(p, RDFS.label) for p in place_kind}

    def ancestry(place: URIRef) -> list[URIRef]:
        chain = [place]
        while within.get(chain[-1]) is not None and within[chain[-1]] not in chain:
            chain.append(within[chain[-1]])
        return chain

    divided = {within[p] for p in place_kind if within[p] is not None}
    org_places = []
    for place in sorted(place_kind):
        chain = ancestry(place)
        nation = next((p for p in chain if p in nations), None)
        kind = place_kind[place]
        if nation is None or kind == COP.Place or (kind == COP.Nation and place in divided):
            continue
        regions = [p for p in chain if place_kind[p] == COP.Region]
        org_places.append(_Place(place, place_label[place], nation, regions[-1] if regions else nation))

    profession_labels = [
        (str(text), concept)
        for concept in concepts("profession")
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        for text in graph.objects(concept, prop)
    ]
    return _Vocabulary(
        themes=themes,
        theme_label={t: label(t, SKOS.prefLabel) for t in themes},
        theme_family=family,
        sectors=set(concepts("sector")),
        nations=nations,
        place_label=place_label,
        org_places=org_places,
        profession_labels=sorted(profession_labels),
    )


def _check(vocabulary: _Vocabulary) -> None:
    """Fail with a sentence if the vocabulary lacks a concept or label the generator relies on."""
    if not vocabulary.themes or not vocabulary.org_places:
        raise CopgraphError("The vocabularies have no themes or no places; the generator needs both.")
    for kind in _KINDS:
        if ID.sector[kind.sector] not in vocabulary.sectors:
            raise CopgraphError(
                f"The sector scheme has no sector:{kind.sector}, which the generator gives to organisations named "
                f"like '{kind.names[0]}'; add it to data/vocabularies/sectors.ttl or change copgraph/generate.py."
            )
        for nation in kind.nations:
            if ID.place[nation] not in vocabulary.nations:
                raise CopgraphError(
                    f"The gazetteer has no nation place:{nation}; add it to data/vocabularies/places.ttl."
                )
    matcher = LabelMatcher(vocabulary.profession_labels)
    for titles in _JOB_TITLES.values():
        for title, _ in titles:
            if not matcher.find(title):
                raise CopgraphError(
                    f"The job title '{title}' contains no label of the profession scheme, so no profession would "
                    "be derived from it; add a label to data/vocabularies/professions.ttl or change the title."
                )


# ---------------------------------------------------------------- the invented world


@dataclass
class _Organisation:
    iri: str
    name: str
    sector: URIRef
    place: _Place
    stem: str
    size: float
    titles: list[str]
    title_totals: list[float]


@dataclass
class _Community:
    iri: str
    region: URIRef
    sector: URIRef
    appeal: float
    #: Its own N-Quads lines bar its members: what it is (type, name, themes, ...), written after its members.
    quads: tuple[str, ...] = ()
    #: Its members' numbers, in the order they joined.
    members: array = field(default_factory=lambda: array("L"))


class _Pool:
    """Communities a person may join, drawn in proportion to appeal plus members: preferential attachment.

    Drawing a number below the total appeal picks by appeal (running totals, bisection); above it, it picks one
    past membership uniformly, which is a community in proportion to its members. Both are O(log n).
    """

    __slots__ = ("appeal_totals", "communities", "joins")

    def __init__(self) -> None:
        self.communities: list[int] = []
        self.appeal_totals: list[float] = []
        self.joins: list[int] = []

    def add(self, community: int, appeal: float) -> None:
        self.communities.append(community)
        self.appeal_totals.append((self.appeal_totals[-1] if self.appeal_totals else 0.0) + appeal)

    def draw(self, draw: _Draw) -> int:
        appeal = self.appeal_totals[-1]
        u = draw.random() * (appeal + len(self.joins))
        if u < appeal:
            return self.communities[min(bisect.bisect_right(self.appeal_totals, u), len(self.communities) - 1)]
        return self.joins[min(int(u - appeal), len(self.joins) - 1)]


def _stems(vocabulary: _Vocabulary) -> list[str]:
    # An invented name that happens to be a real place of the gazetteer ("White" + "head") would be confusing.
    real = {label.casefold() for label in vocabulary.place_label.values()}
    return [s + e for s in _STEM_STARTS for e in _STEM_ENDS if (s + e).casefold() not in real]


def _organisations(count: int, draw: _Draw, vocabulary: _Vocabulary) -> list[_Organisation]:
    stems = _stems(vocabulary)
    place_totals = _running_totals([1.0] * len(vocabulary.org_places))
    kinds_in: dict[URIRef, tuple[list[_Kind], list[float]]] = {}
    for nation in sorted(vocabulary.nations, key=str):
        kinds = [k for k in _KINDS if not k.nations or nation in {ID.place[n] for n in k.nations}]
        kinds_in[nation] = (kinds, _running_totals([k.share for k in kinds]))
    used: set[str] = set()
    organisations = []
    for number in range(1, count + 1):
        place = vocabulary.org_places[draw.weighted(place_totals)]
        kinds, totals = kinds_in[place.nation]
        kind = kinds[draw.weighted(totals)]
        for _ in range(10):
            stem, stem2 = draw.item(stems), draw.item(stems)
            name = draw.item(kind.names).format(stem=stem, stem2=stem2)
            if name not in used:
                break
        # Only at a million people or so do the invented names run out; then a number tells them apart.
        suffix, base = 2, name
        while name in used:
            name = f"{base} {suffix}"
            suffix += 1
        used.add(name)
        titles = _JOB_TITLES[kind.titles]
        organisations.append(
            _Organisation(
                iri=f"<{ID.organisation}synthetic-{number:04d}>",
                name=name,
                sector=ID.sector[kind.sector],
                place=place,
                stem=stem,
                size=kind.size * min(draw.pareto(_ORGANISATION_SIZE_SHAPE), _ORGANISATION_SIZE_CAP),
                titles=[title for title, _ in titles],
                title_totals=_running_totals([weight for _, weight in titles]),
            )
        )
    return organisations


def _sentence_case(label: str) -> str:
    """A label as it reads mid-sentence: "Quality improvement" -> "quality improvement", "Joy in Work" kept."""
    return label[0].lower() + label[1:] if label[1:] == label[1:].lower() else label


def _title_case(label: str) -> str:
    small = {"and", "of", "in", "for", "from", "the", "to"}
    return " ".join(w if w in small or not w[0].islower() else w[0].upper() + w[1:] for w in label.split())


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _themes(draw: _Draw, vocabulary: _Vocabulary, popularity: list[URIRef], totals: list[float]) -> list[URIRef]:
    count = 1 + draw.weighted(_running_totals(_THEME_COUNTS))
    themes = [popularity[draw.weighted(totals)]]
    for _ in range(count - 1):
        family = [t for t in vocabulary.theme_family[themes[0]] if t not in themes]
        if family and draw.random() < _THEME_FROM_FAMILY:
            themes.append(draw.item(family))
        else:
            theme = popularity[draw.weighted(totals)]
            if theme not in themes:
                themes.append(theme)
    return themes


def _name(draw: _Draw, used: set[str]) -> str:
    given, family = draw.item(_GIVEN_NAMES), draw.item(_FAMILY_NAMES)
    name = f"{given} {family}"
    for _ in range(10):
        if name not in used:
            return name
        name = f"{given} {chr(ord('A') + draw.index(26))}. {family}"
    number = 2
    while f"{given} {family} {number}" in used:
        number += 1
    return f"{given} {family} {number}"


def generate(
    people: int,
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    programme_only: float = 0.0,
    hidden: float = 0.0,
) -> Iterator[str]:
    """Yield a synthetic graph of ``people`` people as N-Quads lines, all in the named graph :data:`GRAPH_NAME`.

    Parameters
    ----------
    people : int
        How many people to invent, at least 1. Organisations number ``round(people / 25)`` and communities
        ``round(people / 10)``, each at least 1.
    seed : int
        The same ``(people, seed)`` gives byte-identical output; another seed gives another world.
    progress : callable, optional
        Called as ``progress(done, total)`` with the number of people written so far: at the start, every
        1,000 people, and at the end.
    programme_only, hidden : float
        The shares of people, each between 0 and 1, given the visibility ``cop:ProgrammeOnly`` or ``cop:Hidden``
        (:mod:`copgraph.build.privacy`), as people imported from the programme's spreadsheets would have. The rest
        have none, which makes them public. Drawn apart from everything else, so the rest of the graph is the
        same whatever the shares.

    Returns
    -------
    Iterator[str]
        Lines, each one quad ending in ``"\\n"``. The input is checked, and the vocabulary read, before this
        returns; the lines are made as they are consumed.

    Raises
    ------
    CopgraphError
        When ``people`` is not a whole number of at least 1, or the vocabularies lack what the generator needs.
    """
    if isinstance(people, bool) or not isinstance(people, int) or people < 1:
        raise CopgraphError(f"The number of people must be a whole number, 1 or more, not {people!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise CopgraphError(f"The seed must be a whole number, not {seed!r}.")
    for name, share in (("programme-only", programme_only), ("hidden", hidden)):
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise CopgraphError(f"The share of {name} people must be a number from 0 to 1, not {share!r}.")
    if programme_only + hidden > 1:
        raise CopgraphError(
            f"The shares of programme-only ({programme_only}) and hidden ({hidden}) people add up to more than 1."
        )
    vocabulary = _read_vocabulary()
    _check(vocabulary)
    return _lines(people, seed, progress, vocabulary, (programme_only, hidden))


def _lines(
    people: int,
    seed: int,
    progress: Callable[[int, int], None] | None,
    vocabulary: _Vocabulary,
    shares: tuple[float, float] = (0.0, 0.0),
) -> Iterator[str]:
    draw = _Draw(seed)
    seen = _Draw(seed + _VISIBILITY_SEED)  # visibility: its own sequence, so the rest does not depend on it
    graph = f"<{GRAPH_NAME}>"

    def quad(subject: str, predicate: str, obj: str) -> str:
        return f"{subject} {predicate} {obj} {graph} .\n"

    if progress:
        progress(0, people)

    # The graph says what it is, so that nobody mistakes an invented person for a real one.
    yield quad(graph, _A, PROV.Entity.n3())
    yield quad(graph, _LABEL, _literal(f"Synthetic data: {people:,} people, seed {seed}"))
    yield quad(
        graph,
        _DESCRIPTION,
        _literal(
            "Invented by copgraph's generator for scale testing, using the project's real vocabularies: no person, "
            "organisation or community in this graph is real."
        ),
    )

    # Communities need a cohort (shapes.ttl); invented ones go to invented cohorts of an invented programme.
    programme = f"<{ID.programme}synthetic>"
    yield quad(programme, _A, COP.Programme.n3())
    yield quad(programme, _LABEL, _literal("Synthetic Communities of Practice Programme"))
    cohorts = [f"<{ID.cohort}synthetic-{n}>" for n in range(1, _COHORTS + 1)]
    participants: dict[str, list[str]] = {cohort: [] for cohort in cohorts}

    organisations = _organisations(max(1, round(people / _PEOPLE_PER_ORGANISATION)), draw, vocabulary)
    for org in organisations:
        yield quad(org.iri, _A, _ORGANISATION)
        yield quad(org.iri, _LABEL, _literal(org.name))
        yield quad(org.iri, _SECTOR, org.sector.n3())
        yield quad(org.iri, _PLACE, org.place.iri.n3())

    # Where everyone works comes first: a community is organised by its convenor's organisation.
    org_totals = _running_totals([org.size for org in organisations])
    employer = [draw.weighted(org_totals) for _ in range(people)]
    by_region: dict[URIRef, list[int]] = {}
    for index, org in enumerate(organisations):
        by_region.setdefault(org.place.region, []).append(index)
    region_totals = {
        region: _running_totals([organisations[i].size for i in members]) for region, members in by_region.items()
    }

    popularity = draw.shuffled(vocabulary.themes)
    theme_totals = _running_totals([1.0 / rank**_THEME_ZIPF for rank in range(1, len(popularity) + 1)])
    place_of = {p.iri: p for p in vocabulary.org_places}

    community_count = max(1, round(people / _PEOPLE_PER_COMMUNITY))
    convenors = draw.sample(people, community_count)
    appeal_cap = max(20.0, 2.0 * math.sqrt(community_count))
    communities: list[_Community] = []
    convened: dict[int, int] = {}
    everywhere, in_region, in_sector = _Pool(), {}, {}
    used_names: set[str] = set()
    for number, convenor in enumerate(convenors, start=1):
        org = organisations[employer[convenor]]
        choice = draw.weighted(_running_totals(_COMMUNITY_PLACE))
        place = (org.place.iri, org.place.region, org.place.nation)[choice]
        region = place_of[place].region if place in place_of else place
        themes = _themes(draw, vocabulary, popularity, theme_totals)
        where = vocabulary.place_label[place]
        first_theme = _title_case(vocabulary.theme_label[themes[0]])
        # Two communities on the same theme in the same place are told apart by the organiser's name, as in
        # life; a number is the last resort.
        for attempt in range(6):
            qualifier = where if attempt < 2 else org.stem
            label = draw.item(_COMMUNITY_NAMES).format(where=qualifier, Theme=first_theme)
            if label not in used_names:
                break
        suffix = 2
        while label in used_names:
            label = f"{_COMMUNITY_NAMES[0].format(where=where, Theme=first_theme)} {suffix}"
            suffix += 1
        used_names.add(label)
        description = draw.item(_COMMUNITY_DESCRIPTIONS).format(
            place=where, themes=_listed([_sentence_case(vocabulary.theme_label[t]) for t in themes])
        )
        iri = f"<{ID.community}synthetic-{number:04d}>"
        cohort = draw.item(cohorts)
        person = _person(convenor)
        lines = [
            quad(iri, _A, _COMMUNITY),
            quad(iri, _LABEL, _literal(label)),
            quad(iri, _DESCRIPTION, _literal(description)),
            quad(iri, COP.status.n3(), COP.Active.n3()),
            quad(iri, COP.cohort.n3(), cohort),
            *(quad(iri, _THEME, theme.n3()) for theme in themes),
            quad(iri, COP.organiser.n3(), org.iri),
            quad(iri, _PLACE, place.n3()),
            quad(iri, _CONVENOR, person),
        ]
        participants[cohort].append(person)

        appeal = min(draw.pareto(_COMMUNITY_APPEAL_SHAPE), appeal_cap)
        community = _Community(iri, region, org.sector, appeal, quads=tuple(lines))
        index = len(communities)
        communities.append(community)
        convened[convenor] = index
        for pool in (everywhere, in_region.setdefault(region, _Pool()), in_sector.setdefault(org.sector, _Pool())):
            pool.add(index, community.appeal)

    for edition, cohort in enumerate(cohorts, start=1):
        for person in participants[cohort]:
            yield quad(cohort, COP.participant.n3(), person)
        yield quad(cohort, _A, COP.Cohort.n3())
        yield quad(cohort, _LABEL, _literal(f"Synthetic cohort {edition}"))
        yield quad(cohort, COP.programme.n3(), programme)
        yield quad(cohort, COP.edition.n3(), _typed(edition, XSD.integer))
        yield quad(cohort, SDO.startDate.n3(), _typed(_FIRST_COHORT_YEAR + edition - 1, XSD.gYear))

    def join(index: int) -> None:
        community = communities[index]
        everywhere.joins.append(index)
        in_region[community.region].joins.append(index)
        in_sector[community.sector].joins.append(index)

    for index in convened.values():
        join(index)

    membership_totals = _running_totals(_MEMBERSHIPS)
    used_names.clear()
    for number in range(people):
        person = _person(number)
        name = _name(draw, used_names)
        used_names.add(name)
        yield quad(person, _A, _PERSON)
        yield quad(person, _NAME, _literal(name))
        if any(shares):
            u = seen.random()
            if u < shares[0]:
                yield quad(person, _VISIBILITY, _PROGRAMME_ONLY)
            elif u < shares[0] + shares[1]:
                yield quad(person, _VISIBILITY, _HIDDEN)

        org = organisations[employer[number]]
        posts = [org]
        if draw.random() < _SECOND_POST and len(organisations) > 1:
            nearby = by_region[org.place.region]
            for _ in range(5):
                if len(nearby) > 1 and draw.random() < _SECOND_POST_NEARBY:
                    other = organisations[nearby[draw.weighted(region_totals[org.place.region])]]
                else:
                    other = organisations[draw.weighted(org_totals)]
                if other is not org:
                    posts.append(other)
                    break
        for n, at in enumerate(posts, start=1):
            post = f"<{ID.post}synthetic-{number + 1:06d}-{n}>"
            yield quad(post, _A, _POST)
            yield quad(post, _MEMBER_OF_POST, person)
            yield quad(post, _AT, at.iri)
            yield quad(post, _JOB_TITLE, _literal(at.titles[draw.weighted(at.title_totals)]))

        joined = [convened[number]] if number in convened else []
        wanted = 1 + draw.weighted(membership_totals)
        for _ in range(wanted - len(joined)):
            for _ in range(8):
                u = draw.random()
                if u < _OWN_REGION and org.place.region in in_region:
                    pool = in_region[org.place.region]
                elif _OWN_REGION <= u < _OWN_REGION + _OWN_SECTOR and org.sector in in_sector:
                    pool = in_sector[org.sector]
                else:
                    pool = everywhere
                index = pool.draw(draw)
                if index not in joined:
                    joined.append(index)
                    join(index)
                    break
        for index in joined:
            communities[index].members.append(number)

        if progress and (number + 1) % _PROGRESS_EVERY == 0 and number + 1 < people:
            progress(number + 1, people)

    for community in communities:
        for number in community.members:
            yield quad(community.iri, _MEMBER, _person(number))
        yield from community.quads
    if progress:
        progress(people, people)


#: What :func:`write` writes, by the file's extension.
FORMATS = {
    ".nq": "N-Quads",
    ".trig": "TriG",
    ".ttl": "Turtle",
    ".nt": "N-Triples",
}


def output_format(path: Path | str) -> str:
    """The extension of :data:`FORMATS` that ``path`` has, or a :class:`CopgraphError` naming those it could have."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(f"{extension} ({name})" for extension, name in FORMATS.items())
        raise CopgraphError(
            f"{path}: copgraph generate writes {known}, the format the file's extension names; "
            "give the file one of those extensions."
        )
    return suffix


def write(
    path: Path | str,
    people: int,
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    programme_only: float = 0.0,
    hidden: float = 0.0,
) -> int:
    """Write :func:`generate`'s output to ``path`` atomically, in the format its extension names
    (:data:`FORMATS`); return the number of quads written.

    N-Quads is what :func:`generate` yields; TriG is the same quads as one block of the graph
    :data:`GRAPH_NAME`; Turtle and N-Triples are the triples without the graph's name (a build reads them into
    a graph named after the file). The Turtle is written one triple a line, as N-Triples, which Turtle is a
    superset of. The file is written whole or not at all (:func:`copgraph.files.write_atomically`).

    Raises
    ------
    CopgraphError
        For an extension that names none of :data:`FORMATS`, bad input (see :func:`generate`), a folder that
        does not exist, or a path that cannot be written.
    """
    path = Path(path)
    suffix = output_format(path)
    lines = generate(people, seed=seed, progress=progress, programme_only=programme_only, hidden=hidden)
    in_graph = f" <{GRAPH_NAME}> .\n"
    count = 0

    def write_lines(out) -> None:
        nonlocal count
        if suffix == ".trig":
            out.write(f"<{GRAPH_NAME}> {{\n")
        for line in lines:
            out.write(line if suffix == ".nq" else line[: -len(in_graph)] + " .\n")
            count += 1
        if suffix == ".trig":
            out.write("}\n")

    write_atomically(path, write_lines)
    return count
