"""Who may see whom: each audience's view of the graph, with the people it may not see taken out.

People in the graph are personal data. Each person has a visibility (``cop:visibility``): ``cop:Public``,
``cop:ProgrammeOnly`` or ``cop:Hidden``; a person with none is named in a published report, and so public.
An audience sees the people its visibilities allow:

=============  ==========================================================================================
``public``     the public web app, its SPARQL endpoint, ``export --public``: public people only
``programme``  the programme team (the app configured as internal): public and programme people
``curators``   the command line, by default: everyone, hidden people too, so that they can be looked after
=============  ==========================================================================================

A view is made *before* anything is derived or computed from the graph (:func:`copgraph.build.fill`), so a
person the audience may not see is nowhere in it: not in a page, a query's answer, an export, a count or an
analytic. :func:`restrict` removes every triple whose subject or object is such a person, or a node that exists
only for them (their posts, ``org:member``; the records of what was derived from their text,
``cop:matchSubject``), in every named graph; and every text that spells out their full name.

Example
-------
>>> from copgraph.graph import KnowledgeGraph
>>> restrict(KnowledgeGraph.open().backend, "public").people   # the reports name public people only
0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from copgraph.backends import Backend
from copgraph.errors import CopgraphError
from copgraph.namespaces import COP, ORG

__all__ = [
    "AUDIENCES",
    "OWNED_BY",
    "Restriction",
    "full_names",
    "mentions",
    "out_of_sight",
    "restrict",
    "words",
]

#: What each audience may see: the visibilities it is shown (a person with none is public).
AUDIENCES: dict[str, frozenset[URIRef]] = {
    "public": frozenset({COP.Public}),
    "programme": frozenset({COP.Public, COP.ProgrammeOnly}),
    "curators": frozenset({COP.Public, COP.ProgrammeOnly, COP.Hidden}),
}

#: Properties that tie a node to the one person it exists for (the node goes with the person).
OWNED_BY: tuple[URIRef, ...] = (ORG.member, COP.matchSubject)


@dataclass(frozen=True)
class Restriction:
    """What :func:`restrict` took out: how many people, and how many triples in all."""

    people: int
    triples: int


def _audience(audience: str) -> frozenset[URIRef]:
    if audience not in AUDIENCES:
        raise CopgraphError(f"Unknown audience '{audience}'; choose one of {', '.join(AUDIENCES)}.")
    return AUDIENCES[audience]


def out_of_sight(backend: Backend, audience: str) -> list[URIRef]:
    """The people ``audience`` may not see, sorted."""
    allowed = _audience(audience)
    if len(allowed) == len(AUDIENCES["curators"]):
        return []
    shown = ", ".join(f"<{value}>" for value in sorted(allowed))
    query = f"SELECT DISTINCT ?person WHERE {{ ?person cop:visibility ?seen FILTER(?seen NOT IN ({shown})) }}"
    return sorted(URIRef(person) for (person,) in backend.select(query))


def words(text: str) -> tuple[str, ...]:
    """Text as a tuple of lower-case words without accents: how names are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return tuple(re.findall(r"[a-z0-9]+", plain))


def full_names(backend: Backend, people: Iterable[URIRef]) -> set[tuple[str, ...]]:
    """The names of these people that are at least two words long (as :func:`words`): what spells them out in a
    text. One word alone (a first name) names nobody in particular and is not looked for."""
    names = set()
    for person in people:
        for (value,) in backend.select(f"SELECT ?name WHERE {{ <{person}> foaf:name|rdfs:label ?name }}"):
            name = words(value)
            if len(name) >= 2:
                names.add(name)
    return names


def mentions(text: str, names: Iterable[tuple[str, ...]], lengths: set[int] | None = None) -> bool:
    """Whether a text spells out one of these names (each as :func:`words`), whatever its case, accents or
    spacing. ``lengths``, the names' lengths in words, may be given when many texts are checked."""
    names = names if isinstance(names, (set, frozenset)) else set(names)
    lengths = lengths if lengths is not None else {len(name) for name in names}
    said = words(text)
    return any(said[i : i + n] in names for n in lengths for i in range(len(said) - n + 1))


def _owned(backend: Backend, people: list[URIRef]) -> set[URIRef]:
    nodes = set(people)
    owned_by = " ".join(f"<{predicate}>" for predicate in OWNED_BY)
    for person in people:
        query = f"SELECT ?node WHERE {{ VALUES ?owned {{ {owned_by} }} ?node ?owned <{person}> FILTER(isIRI(?node)) }}"
        nodes.update(URIRef(node) for (node,) in backend.select(query))
    return nodes


def restrict(backend: Backend, audience: str) -> Restriction:
    """Remove, in place, everything about the people ``audience`` may not see (see the module's description).

    Only for a store that can be written (one being built); :func:`out_of_sight` tells whether a read-only
    store may be shown to an audience as it is (it may when nobody is).
    """
    people = out_of_sight(backend, audience)
    if not people:
        return Restriction(0, 0)
    names = full_names(backend, people)
    lengths = {len(name) for name in names}
    says = (lambda text: mentions(text, names, lengths)) if names else None
    removed = backend.remove(_owned(backend, people), says)
    return Restriction(len(people), removed)
