"""The graph says what the two reports say: no fact they state is missing, none is stretched, and every quoted
or named value can be found on the lines its report section cites.

Each test is a sentence of issue 21's specification, checked on the real data. Queries go through SPARQL so
that they depend on the graph, not on where the code that builds it lives.
"""

import re

import pytest

from copgraph.errors import CopgraphError
from copgraph.namespaces import ID
from copgraph.query.answer import compact


class TestLookup:
    def test_a_name_that_is_exactly_an_organisations_wins_over_a_concepts_alternative_label(self, graph):
        # "Health innovation network" is also an alternative label of the sector "Improvement network".
        assert graph.lookup("Health Innovation Network").iri == ID.organisation["health-innovation-network"]

    def test_a_concepts_alternative_label_that_organisations_are_also_called_by_lists_them_all_with_their_kinds(
        self, graph
    ):
        with pytest.raises(CopgraphError) as error:
            graph.lookup("AHSN")
        message = str(error.value)
        assert "Improvement network (sector, sector:improvement-network)" in message
        assert "AHSN Network (organisation, organisation:ahsn-network)" in message
        assert "Health Innovation Network South London (organisation, " in message

    def test_asking_for_a_kind_still_settles_it(self, graph):
        assert graph.lookup("AHSN", kind="sector").iri == ID.sector["improvement-network"]
        assert graph.lookup("Health Innovation Network", kind="sector").iri == ID.sector["improvement-network"]


class TestPostsAndTeams:
    def test_a_team_is_a_team_of_its_organisation_and_never_a_job_title(self, graph):
        answer = graph.query(
            """SELECT ?title ?team ?of WHERE { ?post org:member person:jamie-hunt ;
                   org:organization organisation:health-innovation-network .
                   OPTIONAL { ?post cop:jobTitle ?title }
                   OPTIONAL { ?post cop:team ?t .
                              ?t a org:OrganizationalUnit ; rdfs:label ?team ; org:unitOf ?of } }""",
        )
        assert [(r[0], str(r[1]), compact(r[2])) for r in answer.rows] == [
            (None, "Patient Safety and Experience Team", "organisation:health-innovation-network")
        ]

    def test_jamie_hunt_gets_no_profession_from_his_team(self, graph):
        # The team's name made him a patient safety professional; the report says only that he supports the team.
        assert not graph.query("ASK { person:jamie-hunt cop:profession ?profession }").boolean

    def test_no_job_title_is_a_team_or_a_role_in_the_programme(self, graph):
        titles = [str(r[0]) for r in graph.query("SELECT DISTINCT ?title WHERE { ?post cop:jobTitle ?title }").rows]
        assert len(titles) > 25
        assert [t for t in titles if re.search(r"\bteam$|facilitat|^founder$", t, re.IGNORECASE)] == []

    def test_sam_hudson_co_facilitated_the_sessions_and_founded_uberology(self, graph):
        # Appendix 1 (line 296): "Sam Hudson, Überology Ltd, co-facilitated the sessions"; Appendix 3 (line 378):
        # "Sam formed Überology Ltd in 2013".
        assert graph.query(
            """ASK { cohort:2019-20 cop:facilitator person:sam-hudson .
                     person:sam-hudson org:memberOf organisation:uberology .
                     organisation:uberology schema:founder person:sam-hudson ;
                                            schema:foundingDate "2013"^^xsd:gYear }""",
        ).boolean
