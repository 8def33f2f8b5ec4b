"""The graph says what the two reports say: no fact they state is missing, none is stretched, and every quoted
or named value can be found on the lines its report section cites.

Each test is a sentence of issue 21's specification, checked on the real data. Queries go through SPARQL so
that they depend on the graph, not on where the code that builds it lives.
"""

import pytest

from copgraph.errors import CopgraphError
from copgraph.namespaces import ID


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
