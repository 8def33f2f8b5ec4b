"""What the two programme reports say, checked against the graph.

The expected values here were read off the reports (data/sources/*.txt) independently of the curated data,
so a fact dropped or invented in curation fails a test.
"""

from collections import Counter

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import FOAF, PROV, XSD

from copgraph import files
from copgraph.build import section_graphs
from copgraph.graph.lookup import fold
from copgraph.namespaces import COP, GRAPH, ID
from copgraph.query.examples import example_text

# Appendix 2 of the 2019-20 report: each participant and (part of) the name of each organisation they work at.
PARTICIPANTS_2019_20 = {
    "Andrew Cupples": ["Meadowbridge Surgery"],
    "Catherine Heaney": ["Frimley Health"],
    "Ceri Feltbower": ["Sherwood Forest Hospitals"],
    "Esther Hall": ["East Riding of Yorkshire Council"],
    "Jacqueline Morton": ["Southern Health and Social Care Trust"],
    "Karla Rimaitis": ["Innovation Agency"],
    "Laura Hailes": ["East Midlands Patient Safety Collaborative"],
    "Lina Rihan": ["Virgin Care"],
    "Lisa Taylor": ["Simple Shared Healthcare"],
    "Neil Dunford": ["East London SEND Net"],
    "Paul Gimson": ["1000Lives"],
    "Phil Southworth": ["Buckinghamshire Healthcare NHS Trust"],
    "Philip Lusty": ["Health and Social Care Board", "Riverside Practice"],
    "Becky Dubben": ["UCLPartners"],
    "Sharon Mcandrew": ["Royal Bournemouth and Christchurch Hospitals"],
    "Simone Akuffo-Akoto": ["Health Innovation Network"],
    "Sophie Bulmer": ["UCLPartners"],
    "Thomas Rose": ["University of Birmingham"],
    "Eric Barratt": ["East Kent CCGs"],
    "Angela Reynolds": ["Cumbria Partnership"],
    "Helen Taylor": ["Health Innovation Network", "Whittington Hospital"],
    "Katie Edwards": ["NHS Education for Scotland"],
    "Ashley Bowcock": ["Health Innovation Network"],
}

# Appendix 1 of the 2019-20 report and the 2023-24 report's text: who spoke at which module.
SPEAKERS_BY_MODULE = {
    ("2019-20", 1): {"Myron Rogers"},
    ("2019-20", 2): {"Guillermo Rogel"},
    ("2019-20", 3): {"Zoe Lord", "Catherine Dale"},
    ("2019-20", 4): {"John Benington"},
    ("2019-20", 5): {"Chris Collison"},
    ("2023-24", 2): {"Mitzi Wyman"},
}

# Quotes per value cycle, counted in the reports (2019-20 "Strategic value" is a cycle of its own, not reframing).
TESTIMONIES = {
    "2019-20": {
        "immediate": 4,
        "potential": 3,
        "applied": 3,
        "realised": 4,
        "strategic": 2,
        "enabling": 2,
        "transformative": 3,
        None: 14,
    },
    "2023-24": {"immediate": 10, "potential": 4, "applied": 4, "realised": 4, "reframing": 3, None: 8},
}


def organisations_of(graph, person) -> list[str]:
    """The names of a person's organisations and of the organisations those are part of."""
    names = []
    answer = graph.query(f"SELECT DISTINCT ?o WHERE {{ <{person}> org:memberOf/org:subOrganizationOf* ?o }}")
    for (organisation,) in answer.rows:
        names += [
            str(label)
            for label in graph.dataset.objects(organisation, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        ]
        names += [
            str(a) for a in graph.dataset.objects(organisation, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        ]
    return names


class TestCohort2019:
    def test_the_23_named_participants_with_their_organisations(self, graph):
        participants = set(graph.dataset.objects(ID.cohort["2019-20"], COP.participant))
        names = {str(graph.dataset.value(p, FOAF.name)): p for p in participants}
        assert set(names) == set(PARTICIPANTS_2019_20)
        for name, organisations in PARTICIPANTS_2019_20.items():
            known = " / ".join(organisations_of(graph, names[name]))
            for organisation in organisations:
                assert fold(organisation) in fold(known), f"{name} should work at {organisation}; has {known}"

    def test_every_participant_post_keeps_the_job_title_as_printed(self, graph):
        answer = graph.query(
            """SELECT ?title WHERE { ?post org:member person:phil-southworth ; cop:jobTitle ?title }"""
        )
        assert [str(r[0]) for r in answer.rows] == ["Associate director of pharmacy-Medicines resource centre"]

    def test_nineteen_original_ideas_for_communities(self, graph):
        answer = graph.query(
            """SELECT ?name WHERE { ?c cop:cohort cohort:2019-20 ; cop:status cop:Idea ; rdfs:label ?name }"""
        )
        names = {str(r[0]) for r in answer.rows}
        assert len(names) == 19
        assert {
            "Medicines Optimisation",
            "E-Prescribing",
            "Healthy Ageing and Medicines Safety",
            "Open Source coding",
        } <= names

    def test_no_idea_is_linked_to_a_person(self, graph):
        assert not graph.query("""ASK { ?c cop:status cop:Idea ; cop:convenor|cop:member ?p }""").boolean

    def test_five_modules_and_the_programme_team(self, graph):
        modules = graph.query("SELECT ?n WHERE { ?m a cop:Module ; cop:cohort cohort:2019-20 ; cop:moduleNumber ?n }")
        assert sorted(r[0].toPython() for r in modules.rows) == [1, 2, 3, 4, 5]
        team = {
            str(graph.dataset.value(p, FOAF.name))
            for p in graph.dataset.objects(ID.cohort["2019-20"], COP.programmeTeam)
        }
        assert team == {"Cleo Butterworth", "Sam Hudson", "Jamie Hunt"}

    def test_methods_of_module_one(self, graph):
        methods = set(graph.dataset.objects(ID.session["2019-20-module-1"], COP.method))
        assert {ID.method["reciprocity-ring"], ID.method["fishbowl"], ID.method["compass-feedback"]} <= methods

    def test_appreciative_enquiry_is_appreciative_inquiry(self, graph):
        assert graph.lookup("Appreciative Enquiry").iri == ID.method["appreciative-inquiry"]
        assert (ID.session["2019-20-module-4"], COP.method, ID.method["appreciative-inquiry"]) in graph.dataset


class TestCohort2023:
    def test_the_figures(self, graph):
        cohort = ID.cohort["2023-24"]
        assert graph.dataset.value(cohort, COP.participantsOffered).toPython() == 28
        assert graph.dataset.value(cohort, COP.moduleCount).toPython() == 5
        assert graph.dataset.value(cohort, COP.edition).toPython() == 3
        team = {str(graph.dataset.value(p, FOAF.name)) for p in graph.dataset.objects(cohort, COP.programmeTeam)}
        assert team == {"Cleo Butterworth", "Sam Hudson", "Amy Jackson"}

    def test_thirteen_original_ideas_and_four_active_communities(self, graph):
        ideas = graph.query("SELECT ?c WHERE { ?c cop:cohort cohort:2023-24 ; cop:status cop:Idea }").rows
        active = graph.query("SELECT ?c WHERE { ?c cop:cohort cohort:2023-24 ; cop:status cop:Active }").rows
        assert len(ideas) == 13
        assert {r[0] for r in active} == {
            ID.community[s]
            for s in (
                "capacitar",
                "mental-health-implementation-network",
                "alcohol-assertive-outreach",
                "sel-polypharmacy",
            )
        }

    def test_the_polypharmacy_idea_is_not_asserted_to_be_the_sel_cop(self, graph):
        idea = graph.query(
            """SELECT ?c WHERE { ?c cop:cohort cohort:2023-24 ; cop:status cop:Idea ;
                                               dcterms:description ?d FILTER(CONTAINS(?d, "polypharmacy")) }""",
        ).rows
        assert len(idea) == 1
        assert not any(
            (idea[0][0], p, ID.community["sel-polypharmacy"]) in graph.dataset for p in set(graph.dataset.predicates())
        )


class TestSelPolypharmacy:
    COP_ = ID.community["sel-polypharmacy"]

    def test_members_theme_place_and_organisations(self, graph):
        assert graph.dataset.value(self.COP_, COP.memberCount) == Literal(25, datatype=XSD.integer)
        assert (self.COP_, COP.theme, ID.theme["polypharmacy"]) in graph.dataset
        assert (self.COP_, COP.place, ID.place["south-east-london"]) in graph.dataset
        assert graph.lookup("SEL ICB").iri in set(graph.dataset.objects(self.COP_, COP.organiser))
        assert ID.organisation["health-innovation-network"] in set(graph.dataset.objects(self.COP_, COP.partner))
        assert {ID.method["facilitating-breakthrough"], ID.method["liberating-structures"]} <= set(
            graph.dataset.objects(self.COP_, COP.method)
        )

    def test_its_four_sessions_and_their_dates(self, graph):
        answer = graph.query(example_text("sel-polypharmacy-meetings"))
        assert [(r[0].toPython(), str(r[1]), str(r[2])) for r in answer.rows] == [
            (1, "How do we see our situation?", "2023-10"),
            (2, "What does success look like?", "2023-11"),
            (3, "How do we get from here to there?", "2024-02"),
            (4, "How do we decide who does what and what is my role in this?", "March/April 2024"),
        ]

    def test_its_problem_statement_and_priorities(self, graph):
        statement = str(graph.dataset.value(self.COP_, COP.problemStatement))
        assert statement.startswith("a patient centred approach ensures better use of medicines")
        priorities = {str(p) for p in graph.dataset.objects(self.COP_, COP.priority)}
        assert priorities == {
            "better initiation of medicines",
            "continuity of care",
            "patient-centred empowerment",
            "improved communication between patients and clinicians",
        }
        assert len(set(graph.dataset.objects(self.COP_, COP.topTip))) == 6
        assert len(set(graph.dataset.objects(self.COP_, COP.idea))) == 6


class TestPeopleAndOrganisations:
    @pytest.mark.parametrize(
        "name",
        [
            "HIN",
            "Health Innovation Network",
            "HIN South London",
            "Health Innovation Network South London",
            "Academic Health Science Network for south London",
        ],
    )
    def test_the_health_innovation_network_is_one_organisation(self, graph, name):
        assert graph.lookup(name, kind="organisation").iri == ID.organisation["health-innovation-network"]

    def test_the_q_network_is_the_q_community(self, graph):
        assert graph.lookup("Q Network").iri == ID.organisation["q-community"]

    def test_no_two_people_share_a_name(self, graph):
        names = Counter(str(n) for n in graph.dataset.objects(None, FOAF.name))
        assert [n for n, count in names.items() if count > 1] == []

    def test_no_two_organisations_share_a_name(self, graph):
        answer = graph.query("SELECT ?o ?n WHERE { ?o a org:Organization ; rdfs:label|skos:altLabel ?n }")
        owners: dict[str, set] = {}
        for organisation, name in answer.rows:
            owners.setdefault(fold(str(name)), set()).add(organisation)
        assert {n: o for n, o in owners.items() if len(o) > 1} == {}

    @pytest.mark.parametrize(("cohort", "number"), sorted(SPEAKERS_BY_MODULE))
    def test_speakers_per_module(self, graph, cohort, number):
        answer = graph.query(
            f"""SELECT ?name WHERE {{ ?m cop:cohort cohort:{cohort} ; cop:moduleNumber {number} .
                                GRAPH ?g {{ ?m cop:speaker ?p }} FILTER(?g != graph:curation) ?p foaf:name ?name }}""",
        )
        assert {str(r[0]) for r in answer.rows} == SPEAKERS_BY_MODULE[(cohort, number)]

    def test_myron_rogers_spoke_in_both_cohorts(self, graph):
        for cohort in ("2019-20", "2023-24"):
            assert graph.query(
                f"""ASK {{ {{ cohort:{cohort} cop:speaker person:myron-rogers }}
                    UNION {{ ?s cop:cohort cohort:{cohort} ; cop:speaker person:myron-rogers }} }}""",
            ).boolean


class TestTestimonies:
    @pytest.mark.parametrize("cohort", sorted(TESTIMONIES))
    def test_quotes_per_value_cycle(self, graph, cohort):
        answer = graph.query(
            f"""SELECT ?t ?v WHERE {{ ?t a cop:Testimony ; cop:cohort cohort:{cohort} .
                                 OPTIONAL {{ ?t cop:valueCycle ?v }} }}""",
        )
        counts = Counter(str(v).rsplit("/", 1)[-1] if v is not None else None for _, v in answer.rows)
        assert dict(counts) == TESTIMONIES[cohort]

    def test_quotes_are_verbatim_from_the_report(self, graph):
        texts = {
            cohort: " ".join(
                (files.data_dir() / "sources" / f"cop-leadership-programme-{cohort}-final-report.txt")
                .read_text()
                .split()
            )
            for cohort in TESTIMONIES
        }
        for testimony in graph.dataset.subjects(RDF.type, COP.Testimony):
            cohort = str(graph.dataset.value(testimony, COP.cohort)).rsplit("/", 1)[-1]
            quote = " ".join(str(graph.dataset.value(testimony, URIRef("https://schema.org/text"))).split())
            # a quote broken by a page footnote is joined in the data: check each part
            for part in quote.replace("…", "...").split(" ... "):
                assert part[:60] in texts[cohort] or part[-60:] in texts[cohort], f"{testimony}: {part[:60]!r}"


class TestProvenance:
    def test_every_asserted_resource_comes_from_a_section(self, graph):
        sections = set(section_graphs(graph.backend))
        for name in sections - {GRAPH.curation}:
            for subject in set(graph.dataset.graph(name).subjects()):
                assert (subject, PROV.wasDerivedFrom, name) in graph.dataset or subject == name

    def test_each_section_starts_on_the_line_it_says(self, graph):
        answer = graph.query(
            """SELECT ?title ?line ?end ?file WHERE {
            ?s a cop:ReportSection ; dcterms:title ?title ; cop:startLine ?line ; cop:endLine ?end ;
               cop:report/cop:sourceFile ?file }""",
        )
        assert len(answer.rows) >= 20
        for title, line, end, file in answer.rows:
            lines = (files.data_dir() / str(file)).read_text(encoding="utf-8").splitlines()
            assert line.toPython() <= end.toPython() <= len(lines), title
            heading = lines[line.toPython() - 1]
            # a heading printed over two lines starts the title
            starts = fold(heading) and fold(str(title)).startswith(fold(heading))
            assert fold(str(title))[:25] in fold(heading) or starts, f"line {line} is {heading!r}, not {title!r}"

    def test_nothing_is_inferred_into_an_asserted_graph(self, graph):
        for name in section_graphs(graph.backend):
            assert not any(graph.dataset.graph(name).triples((None, RDF.type, COP.Suggestion)))
