"""Synthetic graphs for scale testing: shaped like the real data, valid against its shapes, and reproducible."""

import hashlib
import os
import random
import statistics
import subprocess
import sys
from collections import Counter

import pytest
from rdflib import RDF, SKOS, Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, FOAF, ORG, RDFS

import copgraph.synthetic.generate as generator
from copgraph import files
from copgraph.build.derive import LabelMatcher
from copgraph.curation.validate import validate
from copgraph.errors import CopgraphError
from copgraph.graph import KnowledgeGraph
from copgraph.namespaces import COP, GRAPH, ID, SCHEMES, SDO
from copgraph.synthetic.generate import GRAPH_NAME, generate, write

PEOPLE = 1000


def parse(lines) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(data="".join(lines), format="nquads")
    return dataset


@pytest.fixture(scope="module")
def world():
    """A synthetic graph of 1,000 people, parsed."""
    return parse(generate(PEOPLE, seed=7))


@pytest.fixture(scope="module")
def vocabulary(graph):
    """The project's vocabularies, as the build loads them."""
    return graph.dataset.graph(GRAPH.vocabularies)


def scheme(vocabulary, name):
    return set(vocabulary.subjects(SKOS.inScheme, SCHEMES[name]))


def labels(vocabulary, name):
    return sorted(
        (str(text), concept)
        for concept in scheme(vocabulary, name)
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        for text in vocabulary.objects(concept, prop)
    )


def count(dataset, kind):
    return len(set(dataset.subjects(RDF.type, kind)))


def region(vocabulary, place):
    """The widest region a place lies in, or its nation: what the generator means by "their region"."""
    chain = [place]
    while (parent := vocabulary.value(chain[-1], SDO.containedInPlace)) is not None:
        chain.append(parent)
    regions = [p for p in chain if (p, RDF.type, COP.Region) in vocabulary]
    return regions[-1] if regions else next(p for p in chain if (p, RDF.type, COP.Nation) in vocabulary)


def main_employer(world, person):
    return world.value(ID.post[person.rsplit("/", 1)[-1] + "-1"], ORG.organization)


# ---------------------------------------------------------------- reproducible, streamed N-Quads


def test_the_same_seed_gives_byte_identical_output_and_another_seed_another_graph():
    first = "".join(generate(200, seed=1))
    assert first == "".join(generate(200, seed=1))
    assert first != "".join(generate(200, seed=2))


def test_the_output_does_not_depend_on_the_python_process():
    # Set iteration order changes with PYTHONHASHSEED; nothing in the output may depend on it.
    code = (
        "import hashlib; from copgraph.synthetic.generate import generate; "
        "print(hashlib.sha256(''.join(generate(300, seed=5)).encode()).hexdigest())"
    )
    expected = hashlib.sha256("".join(generate(300, seed=5)).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        assert result.stdout.strip() == expected


def test_every_line_is_one_distinct_quad_in_the_synthetic_graph():
    lines = list(generate(300, seed=3))
    assert all(line.endswith(f" <{GRAPH_NAME}> .\n") and line.count("\n") == 1 for line in lines)
    dataset = parse(lines)
    assert len(dataset.graph(GRAPH_NAME)) == len(lines)
    assert {g for _, _, _, g in dataset.quads()} == {GRAPH_NAME}


def test_the_graph_says_that_it_is_invented(world):
    assert "no person, organisation or community in this graph is real" in str(
        world.value(GRAPH_NAME, DCTERMS.description)
    )


def test_literals_are_escaped_for_nquads():
    text = 'Siobhán "Shiv" O\'Brien \\ one\nline\rmore'
    line = f"<{ID.person['x']}> <{FOAF.name}> {generator._literal(text)} <{GRAPH_NAME}> .\n"
    assert str(parse([line]).value(ID.person["x"], FOAF.name)) == text


def test_progress_is_reported_at_the_start_every_thousand_people_and_at_the_end():
    calls = []
    for _ in generate(2500, seed=0, progress=lambda done, total: calls.append((done, total))):
        pass
    assert calls == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


def test_the_end_is_reported_once_the_last_line_is_written():
    calls = []
    lines = generate(30, seed=0, progress=lambda done, total: calls.append(done))
    for _ in lines:
        assert calls[-1] < 30
    assert calls[-1] == 30


def test_each_community_and_cohort_is_written_in_one_run_of_lines_its_links_before_what_it_is():
    # Oxigraph's in-memory store keeps each subject's quads in a list it reads newest first, in the order they
    # were added: a subject written in one run is read from one stretch of memory, and what it is (its type)
    # is found before its hundreds of members.
    lines = list(generate(PEOPLE, seed=7))
    subjects = [line.split(" ", 1)[0] for line in lines]
    for kind in (ID.community, ID.cohort):
        runs = [s for i, s in enumerate(subjects) if s.startswith(f"<{kind}") and subjects[i - 1] != s]
        assert runs and len(runs) == len(set(runs)), f"the quads of each {kind} come together"
    typed_at = {subjects[i]: i for i, line in enumerate(lines) if f" <{RDF.type}> " in line}
    links = [i for i, line in enumerate(lines) if f" <{COP.member}> " in line or f" <{COP.participant}> " in line]
    assert links and all(i < typed_at[subjects[i]] for i in links)


# ---------------------------------------------------------------- the shape of the data


@pytest.mark.parametrize("people", [1, 40, 260])
def test_organisations_and_communities_scale_with_people(people):
    dataset = parse(generate(people, seed=0))
    assert count(dataset, FOAF.Person) == people
    assert count(dataset, ORG.Organization) == max(1, round(people / 25))
    assert count(dataset, COP.CommunityOfPractice) == max(1, round(people / 10))


def test_ten_thousand_people_make_about_as_many_quads_as_measured():
    # MEASURED.md: 10k people -> about 138k triples; the generator stays within 0.7x-1.5x of that.
    quads = sum(1 for _ in generate(10_000, seed=0))
    assert 0.7 * 138_000 <= quads <= 1.5 * 138_000


def test_every_person_has_a_post_at_an_organisation_and_one_to_four_communities(world):
    people = set(world.subjects(RDF.type, FOAF.Person))
    organisations = set(world.subjects(RDF.type, ORG.Organization))
    assert len(people) == PEOPLE
    for person in people:
        posts = list(world.subjects(ORG.member, person))
        assert 1 <= len(posts) <= 2
        assert all((post, RDF.type, COP.Post) in world for post in posts)
        assert all(world.value(post, ORG.organization) in organisations for post in posts)
        assert all(world.value(post, COP.jobTitle) for post in posts)
        assert 1 <= len(list(world.subjects(COP.member, person))) <= 4


def test_each_community_is_convened_by_one_member_and_organised_by_their_organisation(world):
    communities = set(world.subjects(RDF.type, COP.CommunityOfPractice))
    assert len(communities) == PEOPLE // 10
    for community in communities:
        (convenor,) = world.objects(community, COP.convenor)
        assert (community, COP.member, convenor) in world
        employers = {world.value(post, ORG.organization) for post in world.subjects(ORG.member, convenor)}
        assert world.value(community, COP.organiser) in employers
        assert world.value(community, COP.status) == COP.Active
        assert 1 <= len(list(world.objects(community, COP.theme))) <= 3
        cohort = world.value(community, COP.cohort)
        assert (cohort, COP.participant, convenor) in world


def test_names_are_unique_and_look_like_names(world):
    people = [str(name) for name in world.objects(None, FOAF.name)]
    assert len(people) == len(set(people)) == PEOPLE
    assert all(len(name.split()) >= 2 and not any(c.isdigit() for c in name) for name in people)
    organisations = [str(world.value(o, RDFS.label)) for o in world.subjects(RDF.type, ORG.Organization)]
    communities = [str(world.value(c, RDFS.label)) for c in world.subjects(RDF.type, COP.CommunityOfPractice)]
    assert len(organisations) == len(set(organisations))
    assert len(communities) == len(set(communities))


def test_organisation_names_fit_their_sector(world):
    fits = {
        "acute-trust": "NHS",
        "local-government": "Council",
        "integrated-care-board": "Integrated Care Board",
        "health-and-social-care-trust": "Health and Social Care Trust",
    }
    seen = set()
    for organisation in world.subjects(RDF.type, ORG.Organization):
        sector = str(world.value(organisation, COP.sector)).rsplit("/", 1)[-1]
        if sector in fits:
            assert fits[sector] in str(world.value(organisation, RDFS.label))
            seen.add(sector)
    assert {"acute-trust", "local-government"} <= seen


def test_only_the_projects_own_vocabulary_concepts_are_used(world, vocabulary):
    themes, sectors = scheme(vocabulary, "theme"), scheme(vocabulary, "sector")
    places = {p for kind in (COP.Nation, COP.Region, COP.City) for p in vocabulary.subjects(RDF.type, kind)}
    used_themes = set(world.objects(None, COP.theme))
    assert used_themes and used_themes <= themes
    assert set(world.objects(None, COP.sector)) <= sectors
    assert set(world.objects(None, COP.place)) <= places
    assert not set(vocabulary.subjects()) & set(world.subjects()), "the generator must not describe concepts or places"


def test_job_titles_name_a_profession_for_every_person(world, vocabulary):
    professions = LabelMatcher(labels(vocabulary, "profession"))
    assert count(world, FOAF.Person) == PEOPLE
    for person in world.subjects(RDF.type, FOAF.Person):
        titles = [str(world.value(post, COP.jobTitle)) for post in world.subjects(ORG.member, person)]
        assert any(professions.find(title) for title in titles), f"{person}: {titles}"


def test_a_communitys_name_and_description_speak_of_its_themes_and_no_others(world, vocabulary):
    # Otherwise the build would derive themes the generator did not mean, and skew the Zipf law.
    themes = LabelMatcher(labels(vocabulary, "theme"))
    assert count(world, COP.CommunityOfPractice) == PEOPLE // 10
    for community in world.subjects(RDF.type, COP.CommunityOfPractice):
        asserted = set(world.objects(community, COP.theme))
        in_label = {c for c, _, _ in themes.find(str(world.value(community, RDFS.label)))}
        in_description = {c for c, _, _ in themes.find(str(world.value(community, DCTERMS.description)))}
        assert in_label <= asserted
        assert in_description == asserted


def test_a_few_themes_are_very_popular(world, vocabulary):
    counts = Counter(world.objects(None, COP.theme))
    per_theme = [counts[theme] for theme in scheme(vocabulary, "theme")]
    communities = len(set(world.subjects(RDF.type, COP.CommunityOfPractice)))
    assert max(per_theme) >= 5 * max(1, statistics.median(per_theme))
    assert max(per_theme) >= 0.1 * communities


def test_community_and_organisation_sizes_are_heavy_tailed():
    # The tail shows at a few thousand people; parsing that many with rdflib would be slow, so read the lines.
    members, staff = Counter(), Counter()
    for line in generate(5000, seed=7):
        subject, predicate, rest = line.split(" ", 2)
        if predicate == f"<{COP.member}>":
            members[subject] += 1
        elif predicate == f"<{ORG.organization}>":
            staff[rest.split(" ", 1)[0]] += 1
    sizes = sorted(members.values(), reverse=True)
    assert sizes[0] >= 8 * statistics.median(sizes)
    assert sum(sizes[: len(sizes) // 10]) >= 0.3 * sum(sizes), "the largest tenth of communities hold many members"
    assert max(staff.values()) >= 8 * statistics.median(staff.values())


def test_people_mostly_join_communities_of_their_own_region_but_not_only(world, vocabulary):
    pairs = [
        (
            region(vocabulary, world.value(main_employer(world, person), COP.place)),
            region(vocabulary, world.value(community, COP.place)),
        )
        for community, person in world.subject_objects(COP.member)
    ]
    own = sum(mine == theirs for mine, theirs in pairs) / len(pairs)
    theirs = [t for _, t in pairs]
    random.Random(0).shuffle(theirs)
    by_chance = sum(mine == t for (mine, _), t in zip(pairs, theirs, strict=True)) / len(pairs)
    assert own > 2 * by_chance
    assert 0.05 < 1 - own, "some memberships cross regional boundaries"


# ---------------------------------------------------------------- valid with the project's data


def test_the_synthetic_graph_is_valid_together_with_the_projects_data(tmp_path):
    path = tmp_path / "synthetic.nq"
    write(path, 300, seed=11)
    graph = KnowledgeGraph.open(include=[path])
    report = validate(graph)
    assert report.conforms, "\n".join(str(v) for v in report.violations[:20])

    dataset = graph.dataset
    people = set(dataset.graph(GRAPH_NAME).subjects(RDF.type, FOAF.Person))
    assert len(people) == 300
    assert all((person, COP.profession, None) in dataset for person in people)
    communities = set(dataset.graph(GRAPH_NAME).subjects(RDF.type, COP.CommunityOfPractice))
    derived = dataset.graph(GRAPH.derived)
    assert not [c for c in communities if (c, COP.theme, None) in derived], "texts name themes not asserted"


def test_a_vocabulary_missing_a_sector_the_generator_uses_is_named(tmp_path, monkeypatch):
    (tmp_path / "vocabularies").mkdir()
    for path in (files.data_dir() / "vocabularies").glob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        (tmp_path / "vocabularies" / path.name).write_text(text.replace("sector:consultancy", "sector:advice"))
    monkeypatch.setattr(files, "data_dir", lambda: tmp_path)
    with pytest.raises(CopgraphError, match=r"no sector:consultancy.*sectors\.ttl"):
        generate(10)


# ---------------------------------------------------------------- writing a file


def test_write_puts_every_quad_in_the_file_and_nothing_else_in_the_folder(tmp_path):
    path = tmp_path / "synthetic.nq"
    quads = write(path, 120, seed=4)
    assert path.read_text(encoding="utf-8") == "".join(generate(120, seed=4))
    assert quads == len(path.read_text(encoding="utf-8").splitlines())
    assert [p.name for p in tmp_path.iterdir()] == ["synthetic.nq"]


@pytest.mark.parametrize(
    ("name", "rdflib_format", "named"),
    [("x.nq", "nquads", True), ("x.trig", "trig", True), ("x.ttl", "turtle", False), ("x.NT", "nt", False)],
)
def test_the_file_is_written_in_the_format_its_extension_names(tmp_path, name, rdflib_format, named):
    path = tmp_path / name
    assert write(path, 60, seed=2) == len(list(generate(60, seed=2)))
    expected = parse(generate(60, seed=2)).graph(GRAPH_NAME)
    read = Dataset()
    read.parse(path, format=rdflib_format)
    # TriG and N-Quads keep the synthetic graph's name; Turtle and N-Triples hold its triples and no graph.
    graph = read.graph(GRAPH_NAME) if named else read.default_graph
    assert set(graph) == set(expected) and len(expected) > 500
    assert {g.identifier for g in read.graphs() if len(g)} == {GRAPH_NAME if named else DATASET_DEFAULT_GRAPH_ID}


@pytest.mark.parametrize("name", ["x.csv", "x.jsonld", "x", "x.nq.gz"])
def test_an_extension_it_cannot_write_is_refused_naming_those_it_can(tmp_path, name):
    with pytest.raises(CopgraphError) as refused:
        write(tmp_path / name, 10)
    assert str(refused.value) == (
        f"{tmp_path / name}: copgraph generate writes .nq (N-Quads), .trig (TriG), .ttl (Turtle), .nt (N-Triples), "
        "the format the file's extension names; give the file one of those extensions."
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, interruption):
    real = generator.generate

    def interrupted(people, **options):
        lines = real(people, **options)
        for _ in range(3):
            yield next(lines)
        raise interruption()

    monkeypatch.setattr(generator, "generate", interrupted)
    path = tmp_path / "synthetic.nq"
    path.write_text("old\n")
    with pytest.raises(interruption):
        write(path, 100)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["synthetic.nq"]

    path.unlink()
    with pytest.raises(interruption):
        write(path, 100)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_is_a_sentence_and_leaves_nothing_behind(tmp_path, monkeypatch):
    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CopgraphError, match=r"Cannot write .*synthetic\.nq: Permission denied"):
        write(tmp_path / "synthetic.nq", 10)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("people", [0, -5, 2.5, True, "10"])
def test_a_bad_number_of_people_is_a_sentence(tmp_path, people):
    with pytest.raises(CopgraphError, match="The number of people must be a whole number, 1 or more"):
        generate(people)
    with pytest.raises(CopgraphError, match="The number of people must be a whole number"):
        write(tmp_path / "synthetic.nq", people)
    assert list(tmp_path.iterdir()) == []


def test_a_seed_that_is_not_a_whole_number_is_a_sentence():
    with pytest.raises(CopgraphError, match=r"The seed must be a whole number, not 1\.5\."):
        generate(10, seed=1.5)


def test_a_missing_folder_or_a_folder_as_the_path_is_a_sentence(tmp_path):
    with pytest.raises(CopgraphError, match=r"the folder .*nowhere does not exist"):
        write(tmp_path / "nowhere" / "synthetic.nq", 10)
    (tmp_path / "folder.nq").mkdir()
    with pytest.raises(CopgraphError, match="it is a folder; give the name of a file"):
        write(tmp_path / "folder.nq", 10)


def test_shares_of_programme_only_and_hidden_people_change_nothing_else(tmp_path):
    plain = list(generate(2000, seed=5))
    mixed = list(generate(2000, seed=5, programme_only=0.3, hidden=0.05))
    marks = [line for line in mixed if str(COP.visibility) in line]
    assert [line for line in mixed if line not in marks] == plain
    programme = sum(str(COP.ProgrammeOnly) in line for line in marks)
    hidden = sum(str(COP.Hidden) in line for line in marks)
    assert 500 < programme < 700 and 60 < hidden < 140  # 600 and 100 expected


def test_the_public_sees_none_of_the_programme_only_or_hidden_people(tmp_path):
    path = tmp_path / "mixed.nq"
    write(path, 300, seed=2, programme_only=0.4, hidden=0.1)
    marked = Dataset(default_union=True)
    marked.parse(path, format="nquads")
    kept_back = set(marked.subjects(COP.visibility, None))
    public = KnowledgeGraph.open(include=[path], audience="public")
    people = set(public.dataset.graph(GRAPH_NAME).subjects(RDF.type, FOAF.Person))
    assert len(people) == 300 - len(kept_back) and not people & kept_back


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"programme_only": 1.5}, r"share of programme-only people must be a number from 0 to 1, not 1\.5"),
        ({"hidden": -0.1}, r"share of hidden people must be a number from 0 to 1"),
        ({"programme_only": 0.7, "hidden": 0.4}, r"add up to more than 1"),
    ],
)
def test_a_share_out_of_range_is_a_sentence(shares, message):
    with pytest.raises(CopgraphError, match=message):
        generate(10, **shares)
