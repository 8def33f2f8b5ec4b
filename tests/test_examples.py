"""Every example query runs, has a title, and gives the answer the reports support."""

import re
from collections import Counter

import pytest

from copgraph.query.answer import compact
from copgraph.query.examples import example_text, load_examples


def rows(graph, name):
    answer = graph.query(example_text(name))
    return [
        tuple(compact(v) if hasattr(v, "n3") and not hasattr(v, "language") else str(v) for v in row)
        for row in answer.rows
    ]


def column(graph, name, index):
    return [row[index] for row in rows(graph, name)]


def test_there_are_at_least_twelve_examples_each_with_a_title_and_description():
    examples = load_examples()
    assert len(examples) >= 12
    for example in examples:
        assert example.title and example.title != example.name, example.name
        assert example.description, example.name


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.name)
def test_every_example_runs_and_answers(graph, example):
    answer = graph.query(example.text)
    assert answer.rows, f"{example.name} returned nothing"


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.name)
def test_no_example_repeats_a_row_unless_its_description_says_why(graph, example):
    counts = Counter(graph.query(example.text).rows)
    repeated = [row for row, count in counts.items() if count > 1]
    if repeated:
        assert re.search(r"\b(repeat|repeats|repeated|duplicate|duplicates)\b", example.description), (
            f"{example.name} repeats {repeated[:3]}; use SELECT DISTINCT, or say in its description why rows repeat"
        )


def test_communities_working_on_medicines(graph):
    assert sorted(set(column(graph, "communities-working-on-medicines", 1))) == [
        "A community addressing polypharmacy",
        "E-Prescribing",
        "Healthy Ageing and Medicines Safety",
        "Medicines Optimisation",
        "SEL Polypharmacy Community of Practice",
    ]


def test_speakers_by_module(graph):
    found = {(r[0], r[1], r[3]) for r in rows(graph, "speakers-by-module")}
    assert ("2019-20 cohort", "1", "Myron Rogers") in found
    assert ("2019-20 cohort", "3", "Zoe Lord") in found and ("2019-20 cohort", "3", "Catherine Dale") in found
    assert ("2019-20 cohort", "4", "John Benington") in found
    assert ("2019-20 cohort", "5", "Chris Collison") in found
    assert ("2023-24 cohort", "2", "Mitzi Wyman") in found
    # the report names only the organisation that gave part of 2019-20 Module 2: the speaker is unbound (None)
    assert ("2019-20 cohort", "2", "None", "Citizens UK") in {
        (r[0], r[1], r[3], r[4]) for r in rows(graph, "speakers-by-module")
    }
    assert {r[3] for r in rows(graph, "speakers-by-module")}.isdisjoint({"Froi Legaspi", "Carina Crawford-Rolt"})


def test_participants_per_nation(graph):
    # Appendix 2: Northern Ireland (Cupples, Morton, Lusty), Wales (Gimson), Scotland (Edwards), the rest England.
    assert rows(graph, "participants-per-nation") == [
        ("2019-20 cohort", "England", "18"),
        ("2019-20 cohort", "Northern Ireland", "3"),
        ("2019-20 cohort", "Scotland", "1"),
        ("2019-20 cohort", "Wales", "1"),
    ]


def test_organisations_in_both_cohorts(graph):
    names = column(graph, "organisations-in-both-cohorts", 1)
    assert "Health Innovation Network South London" in names  # the programme team's organisation, both years
    assert "Phillips Kay Partnership Ltd" in names  # Myron Rogers spoke to both cohorts


def test_communities_spanning_regions(graph):
    assert rows(graph, "communities-spanning-regions")[0][1] == "Alcohol Assertive Outreach Community of Practice"


def test_testimonies_per_value_cycle(graph):
    counts = {(r[0], r[2]): int(r[3]) for r in rows(graph, "testimonies-per-value-cycle")}
    assert counts[("2019-20 cohort", "Strategic value")] == 2
    assert ("2019-20 cohort", "Reframing value") not in counts  # the 2019-20 report has no reframing cycle
    assert counts[("2023-24 cohort", "Immediate value")] == 10
    assert sum(counts.values()) == 21 + 25


def test_methods_by_community(graph):
    found = {(r[1], r[2], r[3]) for r in rows(graph, "methods-by-community")}
    assert ("SEL Polypharmacy Community of Practice", "Facilitating Breakthrough", "stated in the report") in found
    assert (
        "Patient experience and experience-based co-design",
        "Experience-Based Co-Design",
        "named in its description",
    ) in found


def test_communities_by_theme_counts_narrower_themes(graph):
    counts = {r[1]: int(r[2]) for r in rows(graph, "communities-by-theme")}
    assert counts["Polypharmacy"] == 2
    assert counts["Medicines optimisation"] >= 5
    assert counts["Quality improvement"] == max(counts.values())


def test_participants_by_sector(graph):
    counts = {r[1]: int(r[2]) for r in rows(graph, "participants-by-sector")}
    assert counts["Local government"] == 1  # Esther Hall, East Riding of Yorkshire Council
    assert counts["Higher education"] == 1  # Thomas Rose, University of Birmingham


def test_professions_of_participants(graph):
    counts = {r[1]: int(r[2]) for r in rows(graph, "professions-of-participants")}
    assert counts["General practitioner"] == 2  # Andrew Cupples, Philip Lusty
    assert counts["Pharmacy"] == 1  # Phil Southworth
    assert counts["Public health"] == 1  # Esther Hall


def test_sel_polypharmacy_meetings(graph):
    assert column(graph, "sel-polypharmacy-meetings", 2) == ["2023-10", "2023-11", "2024-02", "March/April 2024"]


def test_methods_taught_per_cohort(graph):
    found = {(r[0], r[1]) for r in rows(graph, "methods-taught-per-cohort")}
    assert ("2019-20 cohort", "Reciprocity Ring") in found
    assert ("2023-24 cohort", "Thinking Environment") in found
    assert ("2019-20 cohort", "Thinking Environment") not in found


def test_where_a_fact_comes_from(graph):
    found = {(r[0], r[1], r[2], r[3]) for r in rows(graph, "where-a-fact-comes-from")}
    assert ("number of members", "25", "SEL Polypharmacy Community of Practice", "282-340") in found


def test_people_in_both_cohorts(graph):
    assert column(graph, "people-who-spoke-in-both-cohorts", 1) == ["Cleo Butterworth", "Myron Rogers", "Sam Hudson"]
