"""The analytics on the real graph: what a convenor and the programme team should see."""

import pytest
from click.testing import CliRunner

from copgraph.analysis.boundaries import boundaries, collaboration_ties, crossed, existing_ties, tied_to, ties_between
from copgraph.analysis.related import related, synergies
from copgraph.analysis.suggest import suggest
from copgraph.cli import cli
from copgraph.graph.network import PROJECTIONS
from copgraph.namespaces import GRAPH, ID

SEL = str(ID.community["sel-polypharmacy"])


@pytest.fixture(scope="module")
def network(graph):
    return graph.network()


def test_every_projection_contributes_edges_except_membership_which_the_reports_never_name(network):
    relations = {r for _, _, rs in network.edges(data="relations") for r in rs}
    assert {p.relation for p in PROJECTIONS} - relations == {"convenes or belongs to"}


def test_projection_does_not_change_the_rdf_graph(graph):
    before = len(graph.backend)
    graph.network()
    assert len(graph.backend) == before


def test_sel_polypharmacy_is_related_to_both_cohorts_medicines_ideas(network):
    top = list(related(network, SEL, limit=5))
    names = {r.community: r for r in top}
    assert str(ID.community["2023-24-polypharmacy"]) in names
    assert "Both work on Polypharmacy." in names[str(ID.community["2023-24-polypharmacy"])].reasons
    medicines_2019 = {
        str(ID.community[s])
        for s in (
            "2019-20-medicines-optimisation",
            "2019-20-e-prescribing",
            "2019-20-healthy-ageing-and-medicines-safety",
        )
    }
    hits = [names[c] for c in medicines_2019 if c in names]
    assert hits, "no 2019-20 medicines idea in the top 5"
    assert any("Medicines optimisation" in reason for hit in hits for reason in hit.reasons)


def test_a_pharmacist_is_pointed_to_the_polypharmacy_community(network):
    first = next(suggest(network, str(ID.person["phil-southworth"]), kinds=("community",)))
    assert first.target == SEL
    assert first.reasons[0].startswith("Phil Southworth's ") and "Medicines" in first.reasons[0]
    assert first.paths[0] == (
        "Phil Southworth —has expertise in→ Medicines optimisation ←works on— SEL Polypharmacy Community of Practice"
    )


def test_local_government_public_health_and_an_nhs_trust_is_cross_sector(network):
    esther = str(ID.person["esther-hall"])
    trust = str(ID.person["phil-southworth"])  # Buckinghamshire Healthcare NHS Trust
    assert "sector" in crossed(network, esther, trust)
    assert "sector" in crossed(network, esther, str(ID.organisation["buckinghamshire-healthcare"]))


def test_suggestions_never_include_an_existing_tie_and_always_explain_themselves(network):
    tied = {(u, v) for u, v, _ in existing_ties(network)}
    for node, kind in network.nodes(data="kind"):
        if kind not in {"person", "community"}:
            continue
        for s in suggest(network, node, limit=10):
            assert (node, s.target) not in tied and (s.target, node) not in tied
            assert not network.has_edge(node, s.target)
            assert s.reasons and all(s.reasons)


def test_results_are_identical_across_runs(graph):
    first, second = graph.network(), graph.network()
    person = str(ID.person["andrew-cupples"])
    assert list(suggest(first, person)) == list(suggest(second, person))
    assert list(related(first, SEL)) == list(related(second, SEL))
    assert boundaries(first).clusters == boundaries(second).clusters


def test_boundaries_count_collaboration_not_the_shared_cohort(network):
    result = boundaries(network)
    assert not any("cohort" in t["how"] for t in result.ties)
    # the Health Innovation Network's people work together, and with the community it partners
    hin = {(t["source"], t["target"]) for t in result.ties if "Health Innovation Network" in t["how"]}
    assert (str(ID.person["ashley-bowcock"]), SEL) in hin or (SEL, str(ID.person["ashley-bowcock"])) in hin
    # 2019-20 ideas and 2023-24 communities on one theme are ties across the cohort boundary
    assert result.crossing_counts["cohort"] > 0 and result.tie_counts["theme"] > 0
    assert all(count > 0 for count in result.tie_counts.values())
    # the reports name no convenor or member of any community: every community is in that gap
    gaps = {gap.name: gap.nodes for gap in result.gaps}
    assert len(gaps["communities without people"]) == sum(1 for _, k in network.nodes(data="kind") if k == "community")


def test_suggestions_are_materialised_apart_from_asserted_facts_and_queryable(graph):
    count = graph.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH graph:inferred { ?s a cop:Suggestion } }").rows[0][0]
    assert count.toPython() > 100
    answer = graph.query(
        """SELECT ?suggested ?score WHERE { GRAPH graph:inferred {
        ?s cop:suggestionFor community:sel-polypharmacy ; cop:suggests ?suggested ; cop:score ?score ;
           cop:suggestionKind cop:RelatedCommunity ; prov:wasGeneratedBy ?run . ?run cop:algorithm ?algorithm }
        FILTER(?score > 0.5) } ORDER BY DESC(?score)""",
    )
    assert ID.community["2023-24-polypharmacy"] in [row[0] for row in answer.rows]
    for name in graph.dataset.graphs():
        if name.identifier != GRAPH.inferred:
            assert not graph.query(f"ASK {{ GRAPH <{name.identifier}> {{ ?s a cop:Suggestion }} }}").boolean


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_related_and_suggest_include_reasons_in_every_format(fmt):
    runner = CliRunner()
    result = runner.invoke(cli, ["related", "SEL Polypharmacy", "--format", fmt, "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "Both work on Polypharmacy." in result.output
    result = runner.invoke(cli, ["suggest", "Phil Southworth", "--format", fmt, "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "Phil Southworth's job title or biography is about Medicines optimisation" in result.output


def test_cli_unknown_name_gets_did_you_mean():
    result = CliRunner().invoke(cli, ["suggest", "Phil Southwerth"])
    assert result.exit_code == 0 and "Phil Southworth" in result.output  # one close match: taken
    result = CliRunner().invoke(cli, ["related", "Polypharmacy Zebra"])
    assert result.exit_code == 2 and "Nothing is called" in result.output


def test_cli_boundaries():
    result = CliRunner().invoke(cli, ["boundaries", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "Ties, sector by sector" in result.output and "a shared cohort is context, not a tie" in result.output
    assert "Gaps in the data" in result.output and "Convenors column of communities.csv" in result.output
    rows = CliRunner().invoke(cli, ["boundaries", "--format", "csv"]).output.splitlines()
    assert rows[0] == "source,target,how,crosses"
    assert any(row.startswith("Ashley Bowcock,") and "Health Innovation Network" in row for row in rows)


def test_one_entitys_ties_are_the_ties_the_whole_list_gives_it(graph):
    """suggest() finds an entity's ties from its neighbourhood (cheap at any size); they must be the same
    ties as boundaries() lists for the whole network."""
    network = graph.network()
    expected: dict[str, set[str]] = {}
    for u, v, _ in existing_ties(network):
        expected.setdefault(u, set()).add(v)
        expected.setdefault(v, set()).add(u)
    for node, kind in network.nodes(data="kind"):
        if kind in {"person", "community"}:
            assert tied_to(network, node) == expected.get(node, set()), node


def test_synergies_are_every_communitys_related_communities(network):
    """The synergies page computes every community's related communities in one batch; they must be what the
    community's own page shows."""
    found = synergies(network)
    communities = [n for n, kind in network.nodes(data="kind") if kind == "community"]
    assert sorted(found) == sorted(communities)
    for community in communities:
        assert found[community] == list(related(network, community, limit=10)), community


def test_counted_ties_are_the_listed_ties(network):
    result = boundaries(network)
    listed = collaboration_ties(network)
    assert len(result.ties) == len(listed)
    assert [(t["source"], t["target"], t["how"]) for t in result.ties] == listed
    for boundary, count in result.crossing_counts.items():
        assert count == sum(boundary in t["crosses"] for t in result.ties), boundary


def test_the_first_ties_are_listed_without_the_others_and_in_the_same_order(network):
    listed = [{**t} for t in boundaries(network).ties]
    assert ties_between(network, limit=25) == listed[:25]
    assert ties_between(network, limit=10_000) == listed


def test_every_heatmap_cell_lists_as_many_ties_as_it_counts(network):
    result = boundaries(network)
    for attribute, matrix in (("sectors", result.sector_matrix), ("nations", result.nation_matrix)):
        for (a, b), count in matrix.items():
            assert len(ties_between(network, attribute, a, b)) == count, (a, b)
