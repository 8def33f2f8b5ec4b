"""How well each way of ranking introductions finds the ones a convenor would make.

Run: python bench/introductions.py

Reads the judged set ``bench/introductions/judged.csv`` (written from the two reports' text before any
ranking was tuned; see ``bench/introductions/README.md``) and first checks it: every IRI is in the network with
the right kind, and every evidence quote is in the report lines it cites. Then, for each source entity of each
kind (``community->person``, ``person->community``, ``community->community``), it ranks every candidate of the
target kind by

- each method of ``copgraph.analysis.suggest.METHODS`` (``suggest`` with its defaults, no limit), and
- ``tfidf``: cosine similarity of TF-IDF vectors of the texts that describe each entity. A person's text is
  their job titles (with teams), organisations, biography and the titles of sessions they gave, with their own
  names taken out; a community's is its label, description and its themes' labels. Words are lower-cased
  letters, less a short stop-word list; no stemming. Candidates are every entity of the target kind but the
  source and its existing ties (``tied_to``, as ``suggest`` excludes them); only those with some shared
  word are ranked.

For each source it measures precision@5, precision@10 and the reciprocal rank of the first judged target
(0 when none is ranked), and prints their means over the sources of each kind, with the number of sources.
``ideal`` is the ceiling: a ranking with every judged target first. Same data, same figures.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from copgraph.analysis.boundaries import tied_to
from copgraph.analysis.introductions import ranked
from copgraph.analysis.suggest import METHODS, suggest
from copgraph.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "bench" / "introductions" / "judged.csv"
SOURCES = ROOT / "data" / "sources"
REPORTS = ("2019-20", "2023-24")
KINDS = ("community->person", "person->community", "community->community")
STOP = set(
    "a about an and are as at be been by for from has have he her his in into is it its of on or our she that "
    "the their them they this to was were which who will with e g".split()
)

PERSON_TEXT = """SELECT DISTINCT ?node ?text WHERE { ?node a foaf:Person .
    { ?post org:member ?node ; cop:jobTitle ?text } UNION { ?post org:member ?node ; org:organization/rdfs:label ?text }
    UNION { ?node dcterms:description ?text } UNION { ?session a cop:Session ; cop:speaker|cop:facilitator ?node ;
    rdfs:label ?text } }"""
PERSON_NAMES = "SELECT DISTINCT ?node ?text WHERE { ?node a foaf:Person ; foaf:name|skos:altLabel ?text }"
COMMUNITY_TEXT = """SELECT DISTINCT ?node ?text WHERE { ?node a cop:CommunityOfPractice .
    { ?node rdfs:label ?text } UNION { ?node dcterms:description ?text } UNION { ?node cop:theme/rdfs:label ?text } }"""


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", re.sub(r"<[^>]+>", " ", text).lower()) if w not in STOP]


def flat(text: str) -> str:
    """Text without HTML tags, its whitespace made single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def read_judged(network) -> list[dict[str, str]]:
    """The judged rows, after checking their IRIs against the network and their quotes against the reports."""
    rows = list(csv.DictReader(JUDGED.open(encoding="utf-8")))
    reports = {
        r: (SOURCES / f"cop-leadership-programme-{r}-final-report.txt").read_text().splitlines() for r in REPORTS
    }
    for n, row in enumerate(rows, start=2):
        source_kind, target_kind = row["kind"].split("->")
        for iri, kind in ((row["source"], source_kind), (row["target"], target_kind)):
            if network.nodes.get(iri, {}).get("kind") != kind:
                raise SystemExit(f"{JUDGED.name} line {n}: {iri} is not a {kind} in the graph")
        # One report or quote may serve both line ranges (the source's and the target's).
        spans, cited, quotes = row["lines"].split(";"), row["report"].split(";"), row["evidence"].split(" | ")
        cited, quotes = (x * len(spans) if len(x) == 1 else x for x in (cited, quotes))
        for report, span, quote in zip(cited, spans, quotes, strict=True):
            first, _, last = span.partition("-")
            if flat(quote) not in flat(" ".join(reports[report][int(first) - 1 : int(last or first)])):
                raise SystemExit(f"{JUDGED.name} line {n}: {quote!r} is not in {report} lines {span}")
    return rows


def tfidf_vectors(graph, network) -> dict[str, dict[str, float]]:
    """Each person's and community's text as an L2-normalised TF-IDF vector (smoothed IDF, raw counts)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for node, text in graph.select(PERSON_TEXT) + graph.select(COMMUNITY_TEXT):
        texts[node] += words(text)
    names: dict[str, set[str]] = defaultdict(set)
    for node, name in graph.select(PERSON_NAMES):
        names[node] |= set(words(name))
    entities = sorted(n for n, kind in network.nodes(data="kind") if kind in {"person", "community"})
    counts = {n: Counter(w for w in texts[n] if w not in names[n]) for n in entities}
    df = Counter(w for c in counts.values() for w in c)
    idf = {w: math.log((1 + len(entities)) / (1 + f)) + 1 for w, f in df.items()}
    vectors = {}
    for n, c in counts.items():
        v = {w: tf * idf[w] for w, tf in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors[n] = {w: x / norm for w, x in v.items()}
    return vectors


def rank_tfidf(network, vectors, source: str, kind: str) -> list[str]:
    excluded = tied_to(network, source) | {source}
    mine = vectors[source]
    scores = {
        c: sum(x * mine.get(w, 0.0) for w, x in vectors[c].items())
        for c, k in network.nodes(data="kind")
        if k == kind and c not in excluded
    }
    return [c for c, s in sorted(scores.items(), key=lambda cs: (-cs[1], cs[0])) if s > 0]


def measure(ranked: list[str], judged: set[str]) -> tuple[float, float, float]:
    """Precision@5, precision@10 and reciprocal rank of the first judged target."""
    rr = next((1 / (i + 1) for i, t in enumerate(ranked) if t in judged), 0.0)
    return len(judged & set(ranked[:5])) / 5, len(judged & set(ranked[:10])) / 10, rr


def main() -> None:
    graph = KnowledgeGraph.open()
    network = graph.network()
    judged: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read_judged(network):
        judged[row["kind"], row["source"]].add(row["target"])
    vectors = tfidf_vectors(graph, network)
    target = lambda kind: kind.split("->")[1]  # noqa: E731
    rankers = {
        m: (lambda s, kind, m=m: [x.target for x in suggest(network, s, kinds=(target(kind),), method=m)])
        for m in METHODS
    }
    rankers["evidence"] = lambda s, kind: [c for _, c in ranked(network, s, target(kind))]
    rankers["tfidf"] = lambda s, kind: rank_tfidf(network, vectors, s, target(kind))
    rankers["ideal"] = lambda s, kind: sorted(judged[kind, s])

    print(f"Judged introductions: {sum(map(len, judged.values()))} in {JUDGED.relative_to(ROOT)}")
    print(f"{'kind':<22}{'method':<21}{'sources':>8}{'P@5':>8}{'P@10':>8}{'MRR':>8}")
    for kind in KINDS:
        sources = sorted(s for k, s in judged if k == kind)
        for method, rank in rankers.items():
            scores = [measure(rank(s, kind), judged[kind, s]) for s in sources]
            p5, p10, mrr = (sum(column) / len(scores) for column in zip(*scores, strict=True))
            print(f"{kind:<22}{method:<21}{len(sources):>8}{p5:8.3f}{p10:8.3f}{mrr:8.3f}")


if __name__ == "__main__":
    main()
