"""The analytics on tiny graphs whose answers can be checked by hand, and their properties on random graphs."""

import math
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copgraph.analysis import boundaries as boundaries_module
from copgraph.analysis.boundaries import (
    boundaries,
    broker_words,
    collaboration_ties,
    crossed,
    diverse,
    existing_ties,
    ties_between,
)
from copgraph.analysis.evaluate import evaluate, fresh_copy
from copgraph.analysis.related import profile, related, score_pair, synergies
from copgraph.analysis.suggest import _shortest_paths, suggest


def network(themes: dict[str, list[str]], broader: dict[str, tuple[str, ...]] | None = None, **attributes) -> nx.Graph:
    """Communities with themes; every theme named in ``broader`` or ``themes`` becomes a node."""
    broader = broader or {}
    g = nx.Graph(broader=broader)
    names = set(broader) | {p for ps in broader.values() for p in ps} | {t for ts in themes.values() for t in ts}
    for theme in sorted(names):
        g.add_node(theme, kind="theme", label=theme.title())
    for child, parents in broader.items():
        for parent in parents:
            g.add_edge(child, parent, relations=("broader",))
    for community, ts in themes.items():
        g.add_node(community, kind="community", label=community.upper(), **attributes.get(community, {}))
        for theme in ts:
            g.add_edge(community, theme, relations=("works on",))
    return g


class TestRelated:
    def test_a_shared_specific_theme_scores_its_specificity(self):
        g = network({"a": ["polypharmacy"], "b": ["polypharmacy"], "c": ["falls"], "d": ["falls"]})
        (result,) = related(g, "a")
        assert result.community == "b"
        assert result.score == pytest.approx(math.log(1 + 4 / 2))
        assert result.reasons == ("Both work on Polypharmacy.",)

    def test_a_theme_every_community_has_says_less(self):
        g = network({"a": ["qi", "polypharmacy"], "b": ["qi", "polypharmacy"], "c": ["qi"]})
        scores = {r.community: r.score for r in related(g, "a")}
        assert scores["c"] == pytest.approx(math.log(1 + 3 / 3))
        assert scores["b"] == pytest.approx(math.log(2) + math.log(1 + 3 / 2))

    def test_the_hierarchy_gives_partial_credit_and_says_why(self):
        g = network(
            {"a": ["medicines"], "b": ["polypharmacy"], "c": ["deprescribing"], "x": ["falls"]},
            broader={"polypharmacy": ("medicines",), "deprescribing": ("medicines",)},
        )
        results = {r.community: r for r in related(g, "a")}
        # df(medicines) = 3 of 4 communities reach it
        assert results["b"].score == pytest.approx(0.5 * math.log(1 + 4 / 3))
        assert results["b"].reasons == ("A works on Medicines; B works on Polypharmacy, part of it.",)
        siblings = {r.community: r for r in related(g, "b")}
        assert siblings["c"].score == pytest.approx(0.25 * math.log(1 + 4 / 3))
        assert siblings["c"].reasons == ("Both are part of Medicines.",)
        assert "x" not in siblings

    def test_another_cohort_is_a_boundary_bonus(self):
        g = network({"a": ["falls"], "b": ["falls"]}, a={"cohorts": ("2019",)}, b={"cohorts": ("2023",)})
        (result,) = related(g, "a")
        assert result.score == pytest.approx(1.1 * math.log(2))
        assert "from another cohort" in result.reasons[-1]

    def test_a_theme_finds_the_communities_that_work_on_it(self):
        g = network({"a": ["polypharmacy"], "b": ["falls"]})
        assert [r.community for r in related(g, "polypharmacy")] == ["a"]

    def test_an_unknown_node_is_named(self):
        with pytest.raises(nx.NodeNotFound, match="zzz"):
            list(related(network({"a": ["x"]}), "zzz"))


def people_network() -> nx.Graph:
    g = network({"cop": ["medicines"]})
    g.add_node(
        "phil",
        kind="person",
        label="Phil",
        sectors=("nhs",),
        nations=("england",),
        organisations=("trust",),
        professions=("pharmacy",),
        cohorts=("2019",),
    )
    g.add_node(
        "esther",
        kind="person",
        label="Esther",
        sectors=("local-government",),
        nations=("england",),
        organisations=("council",),
        professions=("public-health",),
        cohorts=("2019",),
    )
    g.add_node("pharmacy", kind="profession", label="Pharmacy")
    g.add_node("2019", kind="cohort", label="2019")
    g.add_edge("phil", "pharmacy", relations=("has profession",))
    g.add_edge("pharmacy", "medicines", relations=("relates to",))
    g.add_edge("phil", "2019", relations=("took part in",))
    g.add_edge("esther", "2019", relations=("took part in",))
    return g


class TestSuggest:
    def test_a_person_is_pointed_to_a_community_through_their_profession(self):
        (s,) = suggest(people_network(), "phil", kinds=("community",))
        assert s.target == "cop"
        assert s.paths == ("Phil —has profession→ Pharmacy —relates to→ Medicines ←works on— COP",)
        assert s.reasons[0] == "Phil's profession, Pharmacy, relates to Medicines; COP works on it too."

    def test_existing_ties_are_never_suggested(self):
        g = people_network()
        assert "esther" not in [s.target for s in suggest(g, "phil")]  # same cohort: they have met

    @pytest.mark.parametrize("method", ["ppr", "adamic_adar", "resource_allocation", "jaccard"])
    def test_every_method_gives_the_same_answer_twice(self, method):
        g = people_network()
        assert list(suggest(g, "phil", method=method)) == list(suggest(g, "phil", method=method))

    def test_an_unknown_method_is_refused(self):
        with pytest.raises(ValueError, match="Unknown method 'magic'"):
            list(suggest(people_network(), "phil", method="magic"))

    def test_a_theme_two_levels_down_is_still_a_candidate(self):
        # "a" works on the top theme, "b" on a grandchild of it: "b" is related, though no theme "a" reaches
        # touches "b"'s theme directly.
        g = network(
            {"a": ["health"], "b": ["joy-in-work"], "x": ["falls"]},
            broader={"joy-in-work": ("workforce",), "workforce": ("health",)},
        )
        assert [r.community for r in related(g, "a")] == ["b"]


class TestAtScale:
    """The shortcuts that keep the analytics fast at national size give what the plain computations give."""

    @settings(max_examples=80, deadline=None)
    @given(st.integers(0, 10_000))
    def test_paths_are_networkx_shortest_paths_in_networkx_order(self, seed):
        g = nx.gnm_random_graph(30, 60, seed=seed)
        rng = random.Random(seed)
        source, target = rng.sample(list(g), 2)
        blocked = set(rng.sample(list(g), 3)) - {source, target}
        try:
            expected = list(nx.all_shortest_paths(g.subgraph(set(g) - blocked), source, target))
        except nx.NetworkXNoPath:
            expected = []
        assert list(_shortest_paths(g, source, target, blocked)) == expected

    @settings(max_examples=40, deadline=None)
    @given(st.integers(0, 10_000), st.integers(1, 6))
    def test_a_limited_list_is_the_head_of_the_whole_list(self, seed, limit):
        # Boundaries are worked out only until no candidate left could enter the top: the answer must not change.
        rng = random.Random(seed)
        g = nx.gnm_random_graph(40, 80, seed=seed)
        for n in g:
            g.nodes[n].update(
                kind=rng.choice(["person", "community", "theme"]),
                label=f"n{n}",
                sectors=(rng.choice("abc"),),
                nations=(rng.choice("xy"),),
            )
        node = next(n for n in g if g.degree(n))
        assert list(suggest(g, node, limit=limit)) == list(suggest(g, node))[:limit]

    def test_betweenness_constraint_and_effective_size_are_networkx_s(self):
        g = nx.les_miserables_graph()
        nx.set_node_attributes(g, "person", "kind")
        result = boundaries(g)
        assert result.betweenness_samples is None
        exact, constraint, effective = nx.betweenness_centrality(g), nx.constraint(g), nx.effective_size(g)
        for row in result.brokers:
            assert row["betweenness"] == pytest.approx(exact[row["node"]], abs=1e-12)
            assert row["constraint"] == pytest.approx(constraint[row["node"]])
            assert row["effective_size"] == pytest.approx(effective[row["node"]])

    def test_above_the_exact_size_betweenness_is_networkx_s_sample_and_says_so(self, monkeypatch):
        g = nx.les_miserables_graph()
        nx.set_node_attributes(g, "person", "kind")
        monkeypatch.setattr(boundaries_module, "EXACT_BETWEENNESS", 10)
        result = boundaries(g, samples=20, seed=3)
        assert result.betweenness_samples == 20
        sampled = nx.betweenness_centrality(g, k=20, seed=3)
        assert {r["node"]: r["betweenness"] for r in result.brokers} == pytest.approx(
            {r["node"]: sampled[r["node"]] for r in result.brokers}, abs=1e-12
        )


class TestBoundaries:
    def test_local_government_public_health_and_an_nhs_trust_cross_the_sector_boundary(self):
        g = people_network()
        assert crossed(g, "esther", "phil") == ("organisation", "sector", "profession")

    def test_unknown_sides_cross_nothing(self):
        g = nx.Graph()
        g.add_node("a", sectors=("nhs",))
        g.add_node("b")
        assert crossed(g, "a", "b") == ()

    def test_one_cohort_is_context_not_a_tie(self):
        g = people_network()
        assert existing_ties(g) == [("esther", "phil", "same cohort: 2019")]  # acquaintances, for suggestions
        result = boundaries(g)
        assert len(result.ties) == 0 and result.sector_matrix == {}
        gaps = {gap.name: gap for gap in result.gaps}
        assert gaps["communities without people"].nodes == ["cop"]
        assert "Convenors column of communities.csv" in gaps["communities without people"].fill

    def collaborating(self) -> nx.Graph:
        """Phil convenes cop; Esther's council runs it; cop and cop2 both work on medicines; cop2 is in Hull,
        where Phil's trust is."""
        g = people_network()
        g.nodes["cop"].update(sectors=("nhs",), nations=("england",))
        g.add_node("cop2", kind="community", label="COP2", cohorts=("2023",))
        g.add_edge("cop2", "medicines", relations=("works on",))
        g.add_node("council", kind="organisation", label="Council", sectors=("local-government",))
        g.add_node("trust", kind="organisation", label="Trust", sectors=("nhs",))
        g.add_node("hull", kind="place", label="Hull")
        g.add_edges_from([("phil", "cop"), ("esther", "council"), ("council", "cop"), ("phil", "trust")])
        g.add_edges_from([("trust", "hull"), ("cop2", "hull")])
        return g

    def test_ties_come_from_shared_work_organisations_themes_and_places(self):
        g = self.collaborating()
        assert collaboration_ties(g) == [
            ("cop", "cop2", "theme: both work on Medicines"),
            ("cop", "esther", "organisation Council"),
            ("cop", "phil", "work: same community COP"),
            ("cop2", "phil", "place Hull"),
        ]
        result = boundaries(g)
        assert result.tie_counts == {"work": 1, "organisation": 1, "theme": 1, "place": 1}
        assert len(result.ties) == 4
        assert [t["crosses"] for t in result.ties] == [[], ["sector"], [], ["cohort"]]
        assert result.crossing_counts["sector"] == 1
        # each tie counted once in a cell; sides with no known sector are left out
        assert result.sector_matrix == {("local-government", "nhs"): 1, ("nhs", "nhs"): 1}

    def test_a_heatmap_cell_lists_the_ties_behind_it(self):
        g = self.collaborating()
        result = boundaries(g)
        for (a, b), count in result.sector_matrix.items():
            behind = ties_between(g, "sectors", a, b)
            assert len(behind) == count
        (tie,) = ties_between(g, "sectors", "nhs", "local-government")
        assert (tie["source"], tie["target"], tie["how"]) == ("cop", "esther", "organisation Council")

    def test_two_people_in_one_town_are_not_tied_by_it(self):
        g = self.collaborating()
        g.add_node("ann", kind="person", label="Ann")
        g.add_node("pharmacy-shop", kind="organisation", label="Shop")
        g.add_edges_from([("ann", "pharmacy-shop"), ("pharmacy-shop", "hull")])
        pairs = {(u, v) for u, v, _ in collaboration_ties(g)}
        assert ("ann", "phil") not in pairs and ("ann", "cop2") in pairs

    def test_ties_are_counted_and_listed_alike(self):
        g = self.collaborating()
        result = boundaries(g)
        listed = collaboration_ties(g)
        assert [(t["source"], t["target"], t["how"]) for t in result.ties] == listed
        for boundary, count in result.crossing_counts.items():
            assert count == sum(boundary in t["crosses"] for t in result.ties), boundary

    def test_clusters_are_named_by_their_dominant_themes(self):
        g = network({"a1": ["falls", "frailty"], "a2": ["falls"], "a3": ["falls"], "b1": ["meds"], "b2": ["meds"]})
        g.add_edge("a1", "b1", relations=("related",))
        result = boundaries(g)
        themes_of = {n: t for c, t in zip(result.clusters, result.cluster_themes, strict=True) for n in c}
        assert themes_of["a2"][0] == "falls" and themes_of["b2"] == ["meds"]

    def test_brokers_are_told_in_words(self):
        row = {"betweenness": 0.01, "constraint": 0.9, "effective_size": 1.2}
        assert (
            broker_words(row, top=0.2)
            == "a minor bridge; contacts in one close group (about 1 not linked to one another)"
        )

    def test_suggestions_are_diverse(self):
        assert diverse([("p", "x"), ("q", "x"), ("r", "x"), ("s", "y")], key=lambda pair: pair[1]) == [
            ("p", "x"),
            ("q", "x"),
            ("s", "y"),
        ]


class TestEvaluate:
    def test_scores_are_between_zero_and_one_and_deterministic(self):
        g = network(
            {f"c{i}": ["medicines", "polypharmacy"] if i % 2 else ["falls", "frailty"] for i in range(8)},
            broader={"polypharmacy": ("medicines",), "frailty": ("falls",)},
        )
        first, second = evaluate(g, seeds=(0, 1)), evaluate(g, seeds=(0, 1))
        assert first == second
        for score in first:
            assert 0 <= score.mrr <= 1 and 0 <= score.hits_at_k <= 1 and 0 <= score.precision_at_k <= 1
        assert max(s.mrr for s in first) > 0

    def test_the_analysis_does_not_change_the_network(self):
        g = network({"a": ["x"], "b": ["x"]}, broader={"x": ("y",)})
        before = (nx.to_dict_of_dicts(g), dict(g.nodes(data=True)), dict(g.graph))
        evaluate(g, seeds=(0,))
        list(related(g, "a"))
        list(suggest(g, "a"))
        boundaries(g)
        assert (nx.to_dict_of_dicts(g), dict(g.nodes(data=True)), dict(g.graph)) == before


THEMES = [f"t{i}" for i in range(6)]


@st.composite
def random_networks(draw):
    communities = {
        f"c{i}": draw(st.lists(st.sampled_from(THEMES), min_size=1, max_size=4, unique=True))
        for i in range(draw(st.integers(2, 6)))
    }
    broader = {"t1": ("t0",), "t2": ("t0",), "t4": ("t3",)}
    return network(communities, broader=broader)


@settings(max_examples=60, deadline=None)
@given(random_networks())
def test_relatedness_is_symmetric(g):
    for a in [n for n, k in g.nodes(data="kind") if k == "community"]:
        for b in [n for n, k in g.nodes(data="kind") if k == "community" and n != a]:
            ab, _ = score_pair(g, profile(g, a), profile(g, b))
            ba, _ = score_pair(g, profile(g, b), profile(g, a))
            assert ab == pytest.approx(ba)


@settings(max_examples=60, deadline=None)
@given(random_networks(), st.sampled_from(THEMES))
def test_adding_a_shared_theme_never_lowers_a_pair_score(g, theme):
    a, b = "c0", "c1"
    before, _ = score_pair(g, profile(g, a), profile(g, b))
    h = fresh_copy(g)
    h.add_edge(a, theme, relations=("works on",))
    h.add_edge(b, theme, relations=("works on",))
    after, _ = score_pair(h, profile(h, a), profile(h, b))
    assert after >= before - 1e-12


@settings(max_examples=40, deadline=None)
@given(random_networks())
def test_removing_an_entity_removes_it_from_every_result(g):
    h = fresh_copy(g)
    h.remove_node("c1")
    for node in [n for n, k in h.nodes(data="kind") if k in {"community", "theme"}]:
        assert "c1" not in [r.community for r in related(h, node)]
        assert "c1" not in [s.target for s in suggest(h, node, kinds=("community",))]


@settings(max_examples=40, deadline=None)
@given(random_networks(), st.integers(0, 4))
def test_synergies_are_related_for_every_community(g, limit):
    found = synergies(g, limit=limit, block=2)
    for community, kind in g.nodes(data="kind"):
        if kind == "community":
            assert found[community] == list(related(g, community, limit=limit))
