"""Link free text to vocabulary concepts by finding the concepts' labels in it.

The reports describe communities, sessions and jobs in words ("A community addressing polypharmacy",
"Lead Continence Specialist Nurse"). The build finds each concept's labels (``skos:prefLabel``,
``skos:altLabel``, ``skos:hiddenLabel``) in those words and writes the link (``cop:theme``,
``cop:profession`` ...) to the ``graph/derived`` named graph, with a ``cop:LabelMatch`` record of what
matched where. It is deterministic and explainable:

- a label matches as whole words, ignoring case, accents, hyphens and ``&``/``and``, and a plural ``s``;
- a label written in capitals of up to five letters ("OD", "SEND") is an acronym and matches only in capitals;
- where labels overlap, the longest wins ("Medicines Safety" is medicines safety, not also medicines);
- a label that a negation denies is no link ("used outside of Health and Social Care" is not about social care):
  see :func:`denied`;
- a phrase the vocabulary gives as a concept's ``cop:falseMatch`` contains one of its labels but links nothing
  ("digital habits" is not digital care): it is matched like a label, so it hides the shorter label inside it;
- names of organisations and programmes in the text are not read as themes ("South East London Integrated
  Care Board" does not make a community about integrated care);
- a link that a report already states is not derived again.

Example
-------
>>> find_labels("Healthy Ageing and Medicines Safety", [("medicines", "m"), ("medicines safety", "ms")])
[('ms', 'medicines safety', 'Medicines Safety')]
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import RDF, SKOS, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDFS

from copgraph.backends import Backend
from copgraph.namespaces import COP, GRAPH, ID, SCHEMES, SDO

__all__ = ["RULES", "LabelMatcher", "Rule", "denied", "derive", "find_labels", "normalise"]


@dataclass(frozen=True)
class Rule:
    """Which texts of which resources to search for which scheme's labels, and the link a match makes."""

    name: str
    subject_class: URIRef
    #: Each path is a sequence of predicates from the subject to a text; a leading ``~`` means inverse.
    text_paths: tuple[tuple[str, ...], ...]
    scheme: str
    link: URIRef


_COMMUNITY_TEXT = (
    ("rdfs:label",),
    ("skos:altLabel",),
    ("dcterms:description",),
    ("cop:problemStatement",),
    ("cop:intendedOutcome",),
    ("cop:outcome",),
    ("cop:idea",),
    ("cop:priority",),
    ("cop:impactStory", "cop:storyPart", "schema:text"),
)
_SESSION_TEXT = (("rdfs:label",), ("skos:altLabel",), ("dcterms:description",))

RULES: tuple[Rule, ...] = (
    Rule("professions from job titles", FOAF.Person, (("~org:member", "cop:jobTitle"),), "profession", COP.profession),
    Rule(
        "expertise of people",
        FOAF.Person,
        (("~org:member", "cop:jobTitle"), ("~org:member", "cop:team", "rdfs:label"), ("dcterms:description",)),
        "theme",
        COP.expertise,
    ),
    Rule("themes of communities", COP.CommunityOfPractice, _COMMUNITY_TEXT, "theme", COP.theme),
    Rule("methods of communities", COP.CommunityOfPractice, _COMMUNITY_TEXT, "method", COP.method),
    Rule("themes of sessions", COP.Session, _SESSION_TEXT, "theme", COP.theme),
    Rule("methods of sessions", COP.Session, _SESSION_TEXT, "method", COP.method),
    Rule(
        "themes of impact stories",
        COP.ImpactStory,
        (("rdfs:label",), ("cop:storyPart", "schema:text")),
        "theme",
        COP.theme,
    ),
    Rule("themes testimonies mention", COP.Testimony, (("schema:text",),), "theme", COP.mentions),
    Rule("methods testimonies mention", COP.Testimony, (("schema:text",),), "method", COP.mentions),
)

_PREDICATES = {
    "rdfs:label": RDFS.label,
    "skos:altLabel": SKOS.altLabel,
    "dcterms:description": DCTERMS.description,
    "schema:text": SDO.text,
    "org:member": ORG.member,
}


def _predicate(name: str) -> URIRef:
    if name in _PREDICATES:
        return _PREDICATES[name]
    prefix, local = name.split(":")
    assert prefix == "cop", name
    return COP[local]


#: A run of ASCII letters and digits (copied as it is), or any one other character (folded by :func:`_fold`).
_RUN = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]")


@functools.cache
def _fold(char: str) -> str:
    """One character as matching reads it: accents dropped, ``&`` as `` and ``, anything but a letter or digit
    as a space."""
    if char == "&":
        return " and "
    pieces = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in pieces)


@functools.lru_cache(maxsize=65_536)
def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """Text folded for matching, and for each folded character the index of the character it came from.

    Accents are dropped, ``&`` reads as ``and``, and anything that is not a letter or digit becomes a space
    (one space for several), so "Experience-Based Co-Design" and "experience based co design" fold alike. Case
    is kept; matching decides per label whether case matters.

    >>> normalise("Café & Co-Design")
    ('Cafe and Co Design', (0, 1, 2, 3, 4, 5, 5, 5, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15))
    """
    out: list[str] = []
    where: list[int] = []
    space = False  # whether the folded text so far ends in a space
    # Runs of plain letters and digits are copied whole: folding character by character is slow on long texts.
    for run in _RUN.finditer(text):
        chars, start = run.group(), run.start()
        if len(chars) > 1 or ("0" <= chars <= "9" or "A" <= chars <= "Z" or "a" <= chars <= "z"):
            out.append(chars)
            where.extend(range(start, run.end()))
            space = False
            continue
        for piece in _fold(chars):
            if piece == " " and space:
                continue
            space = piece == " "
            out.append(piece)
            where.append(start)
    return "".join(out), tuple(where)


def _is_acronym(label: str) -> bool:
    letters = label.replace(" ", "")
    return letters.isupper() and len(letters) <= 5


def _pattern(labels: Iterable[str]) -> re.Pattern[str]:
    alternatives = []
    for label in sorted(set(labels), key=lambda s: (-len(s), s)):
        folded = re.escape(normalise(label)[0].strip())
        alternatives.append(f"(?:{folded})" if _is_acronym(label) else f"(?i:{folded})")
    body = "|".join(alternatives)
    return re.compile(rf"(?<![^\W_])({body})(?:(?i:e?s))?(?![^\W_])")


#: Words that deny what follows them in their clause. "not only", "not just", "no matter" and "no doubt" deny
#: nothing.
_NEGATION = re.compile(
    r"\b(?:not(?!\s+(?:only|just)\b)|no(?!\s+(?:matter|doubt)\b)|never|without|nor|outside(?:\s+of)?"
    r"|other\s+than|except(?:\s+for)?|rather\s+than)\b|n[’']t\b",
    re.IGNORECASE,
)
#: "non-" denies only the word it is joined to: "non-clinical" is not clinical, a "Non-Executive Director" is a
#: director.
_NON = re.compile(r"\bnon[-‐‑\s]$", re.IGNORECASE)
#: Whether a text has a word that may deny anything: most texts (job titles, descriptions) have none and need no
#: closer look at each of their matches, and a text that matches nothing is not searched for one.
_MAY_DENY = re.compile(r"\b(?:not|no|never|without|nor|outside|other|except|rather|non)\b|n[’']t\b", re.IGNORECASE)
#: Where a clause ends: punctuation, a dash between words, or "but".
_CLAUSE_END = re.compile(r"[.,;:!?()\[\]\n–—]|\s-\s|\bbut\b", re.IGNORECASE)
#: How many words may come between a negation and the label it denies.
_NEGATION_REACH = 5


def denied(text: str, start: int) -> bool:
    """Whether a negation earlier in its clause denies the words of ``text`` that begin at ``start``: "not",
    "no", "never", "without", "nor", "outside (of)", "other than", "except (for)", "rather than" or "n't", at most
    five words before them, or "non-" joined to them.

    >>> text = "It is used outside of Health and Social Care, and in social care."
    >>> denied(text, text.index("Social")), denied(text, text.rindex("social"))
    (True, False)
    >>> denied("not only social care", 9)
    False
    """
    before = text[max(0, start - 200) : start]
    if _NON.search(before):
        return True
    clause = _CLAUSE_END.split(before)[-1]
    cues = list(_NEGATION.finditer(clause))
    return bool(cues) and len(clause[cues[-1].end() :].split()) <= _NEGATION_REACH


class LabelMatcher:
    """Finds a fixed set of labels in texts; build it once, use it for many texts.

    With ``negation`` (the default), a label that a negation in its clause denies is not found (:func:`denied`).
    """

    def __init__(self, labels: Sequence[tuple[str, object]], *, negation: bool = True) -> None:
        labels = [
            (label, key) for label, key in labels if normalise(label)[0].strip()
        ]  # a label of no words matches nothing
        self._by_folded: dict[str, list[tuple[str, object]]] = {}
        for label, key in labels:
            self._by_folded.setdefault(normalise(label)[0].strip().casefold(), []).append((label, key))
        self._pattern = _pattern(label for label, _ in labels) if labels else None
        self._negation = negation

    def find(self, text: str) -> list[tuple[object, str, str]]:
        """``(key, label, words as the text spells them)`` for each match, in text order."""
        if self._pattern is None:
            return []
        folded, where = normalise(text)
        found = []
        may_deny = None  # whether the text has a word that may deny: looked for only once something matches
        for match in self._pattern.finditer(folded):
            if self._negation:
                if may_deny is None:
                    may_deny = _MAY_DENY.search(text) is not None
                if may_deny and denied(text, where[match.start()]):
                    continue
            words = text[where[match.start()] : where[match.end() - 1] + 1]
            for label, key in self._by_folded[match.group(1).casefold()]:
                if not _is_acronym(label) or normalise(label)[0].strip() == match.group(1):
                    found.append((key, label, words))
        return found


def find_labels(text: str, labels: Sequence[tuple[str, object]]) -> list[tuple[object, str, str]]:
    """Find labels in text: ``(key, label, words as the text spells them)`` for each match, in text order, but
    not where a negation denies them.

    ``labels`` pairs each label with the key to return for it (a concept, usually).
    """
    return LabelMatcher(labels).find(text)


def _names_to_skip(backend: Backend) -> list[tuple[str, None]]:
    """Names of organisations and programmes, which are masked before matching."""
    query = """SELECT DISTINCT ?name WHERE {
        VALUES ?kind { org:Organization cop:Programme } ?resource a ?kind ; rdfs:label|skos:altLabel ?name }"""
    names = {name for (name,) in backend.select(query)}
    return [(name, None) for name in sorted(names) if len(name.split()) > 1]


def _mask(text: str, names: LabelMatcher) -> str:
    """The text with every name ``names`` finds blanked out (same length, so positions still line up)."""
    for _, _, words in names.find(text):
        text = text.replace(words, " " * len(words))
    return text


@dataclass(frozen=True)
class _FalseMatch:
    """What a concept's ``cop:falseMatch`` phrase matches as: found as the longest label where it occurs, it hides
    the concept's label inside it, and derivation makes no link of it."""

    concept: URIRef


def _scheme_labels(backend: Backend, scheme: str) -> list[tuple[str, URIRef | _FalseMatch]]:
    query = f"""SELECT ?label ?concept ?p WHERE {{ GRAPH <{GRAPH.vocabularies}> {{
        VALUES ?p {{ skos:prefLabel skos:altLabel skos:hiddenLabel cop:falseMatch }}
        ?concept skos:inScheme <{SCHEMES[scheme]}> ; ?p ?label }} }}"""
    labels = [
        (label, _FalseMatch(URIRef(concept)) if p == str(COP.falseMatch) else URIRef(concept))
        for label, concept, p in backend.select(query)
    ]
    return sorted(labels, key=lambda pair: (pair[0], str(pair[1])))


def _texts(backend: Backend, rule: Rule, path: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Follow a path from every subject of the rule, in one query: (subject, resource holding the text, the
    text), sorted."""
    steps = "/".join(f"^{step[1:]}" if step.startswith("~") else step for step in path[:-1])
    if steps:
        # A text held by a blank node (a post written as [ ... ] in a report) is credited to the subject itself:
        # a blank node has no name for a match record to point at.
        pattern = f"?subject {steps} ?on . ?on {path[-1]} ?text . BIND(IF(isIRI(?on), ?on, ?subject) AS ?holder)"
    else:
        pattern = f"?subject {path[-1]} ?text . BIND(?subject AS ?holder)"
    query = f"""SELECT DISTINCT ?subject ?holder ?text WHERE {{
        ?subject a/rdfs:subClassOf* <{rule.subject_class}> . {pattern} FILTER(isIRI(?subject)) }}"""
    return sorted(backend.select(query))


def _match_iri(*parts: object) -> str:
    digest = hashlib.sha1("\n".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return str(ID.match[digest])


def _literal(text: str) -> str:
    r"""A plain literal written as N-Triples.

    >>> print(_literal('Say "hi"\n'))
    "Say \"hi\"\n"
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def derive(backend: Backend) -> None:
    """Write the links that :data:`RULES` derive, and their match records, to ``graph/derived``."""
    backend.clear(GRAPH.derived)
    links = " ".join(f"<{link}>" for link in sorted({rule.link for rule in RULES}))
    asserted = set(backend.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {links} }} ?s ?p ?o }}"))
    matchers = {scheme: LabelMatcher(_scheme_labels(backend, scheme)) for scheme in {r.scheme for r in RULES}}
    skip = LabelMatcher(_names_to_skip(backend), negation=False)  # a name is masked even where it is denied
    # Written as N-Triples, which the store parses in one go, rather than as a term object for each part.
    a, label_match, subject_of, derived_link, concept_of, property_of, label_of, text_of, generated_by, from_ = (
        f"<{term}>"
        for term in (
            RDF.type,
            COP.LabelMatch,
            COP.matchSubject,
            COP.derivedLink,
            COP.matchConcept,
            COP.matchProperty,
            COP.matchedLabel,
            COP.matchedText,
            PROV.wasGeneratedBy,
            PROV.wasDerivedFrom,
        )
    )
    activity = f"<{ID.match['build']}>"
    written = [
        f"{activity} {a} <{PROV.Activity}> .\n",
        f"{activity} <{RDFS.label}> {_literal('copgraph build: label matching')} .\n",
    ]
    # Many people share a job title and many texts repeat: each text is masked and matched once per scheme.
    found: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    masked: dict[str, str] = {}  # each text's names blanked out, once for all schemes
    for rule in RULES:
        matcher = matchers[rule.scheme]
        link = str(rule.link)
        for path in rule.text_paths:
            predicate = str(_predicate(path[-1]))
            for subject, holder, words in _texts(backend, rule, path):
                key = (rule.scheme, words)
                if key not in found:
                    if words not in masked:
                        masked[words] = _mask(words, skip)
                    found[key] = [
                        (str(concept), label, _literal(label), _literal(spelt))
                        for concept, label, spelt in matcher.find(masked[words])
                        if not isinstance(concept, _FalseMatch)
                    ]
                for concept, label, label_text, spelt in found[key]:
                    if (subject, link, concept) in asserted:
                        continue
                    record = f"<{_match_iri(subject, link, concept, holder, predicate, label)}>"
                    written.append(
                        f"<{subject}> <{link}> <{concept}> .\n"
                        f"{record} {a} {label_match} .\n"
                        f"{record} {subject_of} <{subject}> .\n"
                        f"{record} {derived_link} <{link}> .\n"
                        f"{record} {concept_of} <{concept}> .\n"
                        f"{record} {property_of} <{predicate}> .\n"
                        f"{record} {label_of} {label_text} .\n"
                        f"{record} {text_of} {spelt} .\n"
                        f"{record} {generated_by} {activity} .\n"
                    )
                    if holder != subject:
                        written.append(f"{record} {from_} <{holder}> .\n")
    backend.add(GRAPH.derived, "".join(written))  # a triple written twice is kept once
