"""Remove triples from a Turtle or TriG text and keep everything else as it was written.

The curated report files carry comments, section headings and a careful layout that rdflib would lose if it
wrote them again. :func:`remove_triples` edits the text instead: it reads the statements with a small tokenizer
and parser of its own, which record where each statement, each predicate with its objects, and each object
begins and ends, and cuts out only the pieces that state an unwanted triple.

- An object whose triple is unwanted is cut from its object list (``s p o1 , o2 .`` -> ``s p o1 .``).
- A predicate whose objects are all unwanted is cut from its predicate list, with its ``;``.
- A statement whose predicates are all unwanted goes, with the line it had to itself; a blank line that would
  then stand next to another blank line, or before a block's ``}``, goes too. A trailing comment on that line
  goes with it: it was about the statement.
- Everything else (directives, comments, blank lines, other statements) is kept byte for byte. Inside a
  statement that loses a piece, the kept pieces keep their text and the separators between them; a comment in
  the separator before or after a cut piece may go with it.
- A graph block whose statements all go stays, empty, so that its heading comment still has its block.

A ``[ ... ]`` property list or a ``( ... )`` collection is one object; when a triple inside one, or the triple
that has one as its object, is unwanted, the text is not edited: see the fallback below. A property list that
is a statement's subject stays, as ``[ ... ] .``, when everything said of it goes.

The result is checked: the original and the new text are parsed with rdflib, and the new graph must be the old
one minus the unwanted triples (named graph by named graph; isomorphism where blank nodes are involved). When
that check fails, or the text holds something this module's parser does not handle (N3 extensions rdflib
accepts, such as IRIs with spaces, ``^`` paths or blank-node graph names), the graph minus the unwanted triples
is written again by rdflib's serialiser instead, and ``kept_layout`` says so: comments, layout, ``@base`` and the
prefixes the file does not use are then lost (rdflib may add its usual prefix, such as ``foaf:``, for a
namespace the file wrote out in full), and the caller should tell the user. Blank nodes shared between
named graphs are compared graph by graph, so the check is weaker for them.

Example
-------
>>> from rdflib import URIRef
>>> text = '''@prefix ex: <http://example.org/> .
... # Two friends.
... ex:ann ex:knows ex:bob , ex:cy ;
...     ex:name "Ann" .
... '''
>>> edit = remove_triples(text, lambda s, p, o: o == URIRef("http://example.org/cy"), "turtle")
>>> print(edit.text, end="")
@prefix ex: <http://example.org/> .
# Two friends.
ex:ann ex:knows ex:bob ;
    ex:name "Ann" .
>>> edit.removed, edit.kept_layout
(1, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.parsers.notation3 import BadSyntax, join
from rdflib.term import Node

from copgraph.errors import CopgraphError

__all__ = ["Edit", "remove_triples"]

#: What the caller says to remove: true for each unwanted (subject, predicate, object).
Unwanted = Callable[[Node, Node, Node], bool]

_FORMATS = {"trig": "TriG", "turtle": "Turtle"}


class Edit(NamedTuple):
    """The edited text, how many triples (quads, for TriG) were removed, and whether the layout was kept.

    ``kept_layout`` is false when the text was written again by rdflib: its comments and layout are gone.
    """

    text: str
    removed: int
    kept_layout: bool


def remove_triples(
    text: str,
    unwanted: Unwanted,
    format: str = "trig",
    base: str | None = None,
    *,
    name: str | None = None,
) -> Edit:
    """The text without every triple for which ``unwanted(s, p, o)`` is true, and everything else kept.

    Parameters
    ----------
    text : str
        A Turtle or TriG document.
    unwanted : callable
        Called with rdflib terms (``URIRef``, ``Literal``, ``BNode``); true for a triple to remove. In TriG a
        triple is removed from every graph that holds it.
    format : {"trig", "turtle"}
    base : str, optional
        The base IRI relative IRIs are resolved against, as for ``rdflib.Graph.parse(publicID=...)``; usually
        the file's URI.
    name : str, optional
        What to call the text in error messages, such as its file's path.

    Returns
    -------
    Edit
        ``(text, removed, kept_layout)``. When nothing is unwanted the text comes back unchanged. Statements
        that lose a piece keep the text of their other pieces; a comment inside the cut piece is lost. When
        ``kept_layout`` is false the whole text was written again by rdflib (see the module's docstring).

    Raises
    ------
    CopgraphError
        When the text is not valid Turtle or TriG (the message gives the line and, mostly, what rdflib
        expected), or rdflib reads something it cannot write back and the text cannot be edited in place.
    ValueError
        When ``format`` is neither "trig" nor "turtle" (a programming error, not the user's).
    """
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(_FORMATS)}, not {format!r}")
    parsed = _parse(text, format, base, name)
    before = _graphs(parsed)
    expected = {g: {t for t in triples if not unwanted(*t)} for g, triples in before.items()}
    removed = sum(len(before[g]) - len(expected[g]) for g in before)
    if not removed:
        return Edit(text, 0, True)
    expected = {g: triples for g, triples in expected.items() if triples}
    try:
        edited = _edit(text, unwanted, format == "trig", _base(base))
        if _same(_graphs(_parse(edited, format, base, name)), expected):
            return Edit(edited, removed, True)
    except (_Unhandled, CopgraphError):
        pass
    for g, triples in before.items():
        graph = parsed if g is None else parsed.graph(g)
        for triple in triples - expected.get(g, set()):
            graph.remove(triple)
    try:
        written = parsed.serialize(format=format)
        faithful = _same(_graphs(_parse(written, format, base, name)), expected)
    except Exception:  # rdflib raises a bare Exception for an IRI it cannot write
        faithful = False
    if not faithful:
        raise CopgraphError(
            f"{name or 'The text'} cannot be edited safely: rdflib reads it but cannot write back what it read "
            "(an IRI with a space, a quote or another character RDF does not allow?); correct that by hand and "
            "try again."
        )
    return Edit(written, removed, False)


# -- reading with rdflib, and the safety check


def _parse(text: str, format: str, base: str | None, name: str | None) -> Graph | Dataset:
    parsed = Dataset() if format == "trig" else Graph()
    try:
        parsed.parse(data=text, format=format, publicID=base)
    except BadSyntax as error:
        raise CopgraphError(
            f"{_where(name, error.lines + 1)}: not valid {_FORMATS[format]} ({error._why}); fix the file and try again."
        ) from None
    except Exception:  # rdflib's parser stops with IndexError, ValueError and others on some bad input
        problem = _first_problem(text, format == "trig")
        line = None if problem is None else text.count("\n", 0, problem) + 1
        raise CopgraphError(
            f"{_where(name, line)}: not valid {_FORMATS[format]}; fix the file and try again."
        ) from None
    return parsed


def _where(name: str | None, line: int | None) -> str:
    if line is None:
        return name or "The text"
    return f"{name}, line {line}" if name else f"Line {line}"


def _first_problem(text: str, trig: bool) -> int | None:
    """Where this module's own parser first stumbles, to point at when rdflib's cannot say."""
    try:
        _Parser(text, trig, _base(None)).parse()
    except _Unhandled as problem:
        return problem.position
    return None


def _graphs(parsed: Graph | Dataset) -> dict[Node | None, set[tuple[Node, Node, Node]]]:
    """Each graph's triples, by the graph's name (``None`` for a Turtle graph)."""
    if not isinstance(parsed, Dataset):
        return {None: set(parsed)}
    graphs: dict[Node | None, set] = {}
    for s, p, o, g in parsed.quads((None, None, None, None)):
        graphs.setdefault(g, set()).add((s, p, o))
    return graphs


def _same(actual: dict, expected: dict) -> bool:
    actual = {g: triples for g, triples in actual.items() if triples}
    if actual.keys() != expected.keys():
        return False
    for g, triples in expected.items():
        if any(isinstance(term, BNode) for t in triples | actual[g] for term in t):
            if not isomorphic(_graph(triples), _graph(actual[g])):
                return False
        elif triples != actual[g]:
            return False
    return True


def _graph(triples: set) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _base(base: str | None) -> str:
    """The base IRI rdflib's Turtle and TriG parsers use: the given one made absolute, else the working folder."""
    return str(Graph().absolutize(base or ""))


# -- the tokenizer

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_STRING = (
    r'"""(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*(?:"|"")?"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*(?:'|'')?'''"
    r'|"(?:[^"\\\r\n]|\\[\s\S])*"'
    r"|'(?:[^'\\\r\n]|\\[\s\S])*'"
)
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+|#[^\r\n]*)"
    rf"|(?P<iri><(?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*>)"
    rf"|(?P<string>{_STRING})"
    r"|(?P<lang>@[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)"
    rf"|(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
    rf"|(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)"
    r"|(?P<number>[+-]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+))"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<punct>\^\^|[\[\](){};,.])"
)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)


class _Unhandled(Exception):
    """Something this module's parser does not handle, and where: the edit falls back to rdflib's serialiser.

    For text rdflib reads this is a construct the parser leaves to rdflib; for text rdflib cannot read, the
    position helps say where the text goes wrong.
    """

    def __init__(self, where: _Token | int | None = None) -> None:
        super().__init__(where)
        self.position = where.start if isinstance(where, _Token) else where


@dataclass(frozen=True)
class _Token:
    kind: str  # space is skipped; iri, string, lang, bnode, pname, number, word or punct
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _Unhandled(position)
        if match.lastgroup != "space":
            tokens.append(_Token(match.lastgroup, match.group(), match.start(), match.end()))
        position = match.end()
    return tokens


def _unescape(text: str, echar: bool) -> str:
    def one(match: re.Match) -> str:
        if match.group(3) is None:
            code = int(match.group(1) or match.group(2), 16)
            if code > 0x10FFFF:
                raise _Unhandled()
            return chr(code)
        if echar and match.group(3) in _ECHAR:
            return _ECHAR[match.group(3)]
        raise _Unhandled()

    return _ESCAPE.sub(one, text)


# -- the parser: statements and where their pieces are


@dataclass
class _Object:
    start: int
    end: int
    term: Node
    structured: bool  # a [ ... ] property list or a ( ... ) collection with something in it


@dataclass
class _Predicate:
    start: int
    end: int
    verb: URIRef
    objects: list[_Object]


@dataclass
class _Statement:
    start: int
    end: int
    subject: Node
    structured: bool
    predicates: list[_Predicate]
    inner: list[tuple[Node, Node, Node]] = field(default_factory=list)  # triples inside [ ... ] and ( ... )


class _Parser:
    """Reads Turtle or TriG into statements with their text spans; raises _Unhandled on anything else."""

    def __init__(self, text: str, trig: bool, base: str) -> None:
        self.tokens = _tokens(text)
        self.end = len(text)
        self.i = 0
        self.trig = trig
        self.base = base
        self.prefixes: dict[str, str] = {}
        self.labels: dict[str, BNode] = {}
        self.statements: list[_Statement] = []

    def parse(self) -> list[_Statement]:
        while self.peek() is not None:
            token = self.peek()
            if (token.kind == "lang" and token.text in ("@prefix", "@base")) or self.word(token, "prefix", "base"):
                self.directive()
            elif self.trig and self.word(token, "graph"):
                self.next()
                self.graph_name()
                self.block()
            elif self.trig and self.punct(token, "{"):
                self.block()
            elif self.trig and token.kind in ("iri", "pname", "bnode") and self.punct(self.peek(1), "{"):
                self.graph_name()
                self.block()
            else:
                statement = self.triples()
                statement.end = self.expect(".").end
                self.statements.append(statement)
        return self.statements

    # tokens

    def peek(self, ahead: int = 0) -> _Token | None:
        return self.tokens[self.i + ahead] if self.i + ahead < len(self.tokens) else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _Unhandled(self.end)
        self.i += 1
        return token

    def previous_end(self) -> int:
        return self.tokens[self.i - 1].end

    @staticmethod
    def punct(token: _Token | None, *marks: str) -> bool:
        return token is not None and token.kind == "punct" and token.text in marks

    @staticmethod
    def word(token: _Token | None, *words: str) -> bool:
        return token is not None and token.kind == "word" and token.text.lower() in words

    def expect(self, mark: str) -> _Token:
        token = self.next()
        if not self.punct(token, mark):
            raise _Unhandled(token)
        return token

    # directives and graph blocks

    def directive(self) -> None:
        keyword = self.next()
        if keyword.text.lstrip("@").lower() == "prefix":
            prefix = self.next()
            if prefix.kind != "pname" or not prefix.text.endswith(":"):
                raise _Unhandled(prefix)
            self.prefixes[prefix.text[:-1]] = str(self.iri(self.next()))
        else:
            self.base = str(self.iri(self.next()))
        if keyword.kind == "lang":
            self.expect(".")

    def graph_name(self) -> None:
        token = self.next()
        if token.kind not in ("iri", "pname"):
            raise _Unhandled(token)  # a blank node as a graph's name
        self.term(token)

    def block(self) -> None:
        self.expect("{")
        while not self.punct(self.peek(), "}"):
            statement = self.triples()
            if self.punct(self.peek(), "."):
                statement.end = self.next().end
            elif not self.punct(self.peek(), "}"):
                raise _Unhandled(self.peek() or self.end)
            self.statements.append(statement)
        self.next()

    # statements

    def triples(self) -> _Statement:
        first = self.peek()
        if first is None:
            raise _Unhandled(self.end)
        inner: list = []
        structured = False
        if self.punct(first, "[") and not self.punct(self.peek(1), "]"):
            subject, structured = self.property_list(inner), True
            predicates = self.predicate_object_list(inner) if self.verb_next() else []
        else:
            subject_object = self.object(inner)
            if isinstance(subject_object.term, Literal):
                raise _Unhandled(first)
            subject, structured = subject_object.term, subject_object.structured
            predicates = self.predicate_object_list(inner)
        return _Statement(first.start, self.previous_end(), subject, structured, predicates, inner)

    def verb_next(self) -> bool:
        token = self.peek()
        return token is not None and (token.kind in ("iri", "pname") or (token.kind == "word" and token.text == "a"))

    def predicate_object_list(self, inner: list) -> list[_Predicate]:
        predicates = []
        while True:
            if not self.verb_next():
                raise _Unhandled(self.peek() or self.end)
            verb_token = self.next()
            verb = RDF.type if verb_token.kind == "word" else self.term(verb_token)
            objects = [self.object(inner)]
            while self.punct(self.peek(), ","):
                self.next()
                objects.append(self.object(inner))
            predicates.append(_Predicate(verb_token.start, objects[-1].end, verb, objects))
            if not self.punct(self.peek(), ";"):
                return predicates
            while self.punct(self.peek(), ";"):
                self.next()
            if not self.verb_next():
                return predicates

    def object(self, inner: list) -> _Object:
        token = self.peek()
        if token is None:
            raise _Unhandled(self.end)
        structured = False
        if self.punct(token, "["):
            if self.punct(self.peek(1), "]"):
                self.i += 2
                term: Node = BNode()
            else:
                term, structured = self.property_list(inner), True
        elif self.punct(token, "("):
            term = self.collection(inner)
            structured = term != RDF.nil
        elif token.kind == "string":
            term = self.literal()
        else:
            term = self.term(self.next())
        return _Object(token.start, self.previous_end(), term, structured)

    def property_list(self, inner: list) -> BNode:
        self.expect("[")
        node = BNode()
        for predicate in self.predicate_object_list(inner):
            inner.extend((node, predicate.verb, o.term) for o in predicate.objects)
        self.expect("]")
        return node

    def collection(self, inner: list) -> Node:
        self.expect("(")
        items = []
        while not self.punct(self.peek(), ")"):
            items.append(self.object(inner).term)
        self.next()
        nodes = [BNode() for _ in items]
        for k, item in enumerate(items):
            inner.append((nodes[k], RDF.first, item))
            inner.append((nodes[k], RDF.rest, nodes[k + 1] if k + 1 < len(items) else RDF.nil))
        return nodes[0] if nodes else RDF.nil

    # terms, made as rdflib's parser makes them

    def literal(self) -> Literal:
        token = self.next()
        quote = 3 if token.text[:3] in ('"""', "'''") else 1
        value = _unescape(token.text[quote:-quote], echar=True)
        following = self.peek()
        if following is not None and following.start == token.end and following.kind == "lang":
            self.next()
            return Literal(value, lang=following.text[1:])
        if following is not None and following.start == token.end and self.punct(following, "^^"):
            self.next()
            datatype = self.next()
            if datatype.kind not in ("iri", "pname"):
                raise _Unhandled(datatype)
            return Literal(value, datatype=self.term(datatype))
        return Literal(value)

    def term(self, token: _Token) -> Node:
        if token.kind == "iri":
            return self.iri(token)
        if token.kind == "pname":
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes:
                raise _Unhandled(token)
            return URIRef(self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
        if token.kind == "bnode":
            return self.labels.setdefault(token.text[2:], BNode())
        if token.kind == "number":
            return _number(token.text)
        if self.word(token, "true", "false") and token.text in ("true", "false"):
            return Literal(token.text, datatype=XSD.boolean)
        raise _Unhandled(token)

    def iri(self, token: _Token) -> URIRef:
        if token.kind != "iri":
            raise _Unhandled(token)
        try:
            return URIRef(join(self.base, _unescape(token.text[1:-1], echar=False)))
        except ValueError:
            raise _Unhandled(token) from None


def _number(text: str) -> Literal:
    if "e" in text or "E" in text:
        return Literal(text, datatype=XSD.double)
    if "." in text:
        try:
            value = str(Decimal(text))
        except InvalidOperation:
            raise _Unhandled() from None
        return Literal("0" if value == "-0" else value, datatype=XSD.decimal)
    return Literal(str(int(text)), datatype=XSD.integer)


# -- the edit


def _edit(text: str, unwanted: Unwanted, trig: bool, base: str) -> str:
    """The text with the unwanted pieces cut out; _Unhandled when a cut would be inside [ ... ] or ( ... )."""
    cuts: list[tuple[int, int]] = []
    rewrites: list[tuple[int, int, str]] = []
    for statement in _Parser(text, trig, base).parse():
        if any(unwanted(*triple) for triple in statement.inner):
            raise _Unhandled(statement.start)
        kept: dict[int, list[bool]] = {}
        for k, predicate in enumerate(statement.predicates):
            kept[k] = [not unwanted(statement.subject, predicate.verb, o.term) for o in predicate.objects]
            if any(o.structured and not keep for o, keep in zip(predicate.objects, kept[k], strict=True)):
                raise _Unhandled(statement.start)
        if all(all(flags) for flags in kept.values()):
            continue
        if statement.structured and not any(any(flags) for flags in kept.values()):
            # "[ p o ] q r ." without "q r" is "[ p o ] .", which still states "p o".
            first, last = statement.predicates[0].start, statement.predicates[-1].end
            rewrites.append(
                (statement.start, statement.end, text[statement.start : first].rstrip() + text[last : statement.end])
            )
        elif not any(any(flags) for flags in kept.values()):
            cuts.append(_whole_lines(text, statement.start, statement.end))
        else:
            rewrites.append((statement.start, statement.end, _rewrite(text, statement, kept)))
    edits = [(start, end, "") for start, end in _tidy(text, cuts)] + rewrites
    pieces, position = [], 0
    for start, end, replacement in sorted(edits):
        if start < position:
            raise _Unhandled(start)
        pieces += [text[position:start], replacement]
        position = end
    return "".join([*pieces, text[position:]])


def _rewrite(text: str, statement: _Statement, kept: dict[int, list[bool]]) -> str:
    """The statement's text with only its kept predicates and objects, each with the separator it came after."""

    def predicate_text(k: int) -> str:
        predicate = statement.predicates[k]
        objects = _join(
            text, predicate.objects, kept[k], lambda j: text[predicate.objects[j].start : predicate.objects[j].end]
        )
        return text[predicate.start : predicate.objects[0].start] + objects

    predicates = statement.predicates
    body = _join(text, predicates, [any(kept[k]) for k in range(len(predicates))], predicate_text)
    return text[statement.start : predicates[0].start] + body + text[predicates[-1].end : statement.end]


def _join(text: str, items: list, keep: list[bool], render: Callable[[int], str]) -> str:
    """The kept items, rendered, each after the separator that stood before it (the first after none)."""
    chosen = [k for k, flag in enumerate(keep) if flag]
    parts = [render(chosen[0])]
    for k in chosen[1:]:
        parts += [text[items[k - 1].end : items[k].start], render(k)]
    return "".join(parts)


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """The span to delete for a statement: its own lines when it has them to itself, else just its text."""
    line_start = text.rfind("\n", 0, start) + 1
    alone = not text[line_start:start].strip(" \t")
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if alone and text.startswith("#", after):
        while after < len(text) and text[after] not in "\r\n":
            after += 1
    if after < len(text) and text[after] not in "\r\n":
        return start, after
    if alone:
        return line_start, after + (2 if text.startswith("\r\n", after) else 1 if after < len(text) else 0)
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    return start, after


def _tidy(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Take a blank line with a cut of whole lines when it would otherwise pile up, and merge touching cuts."""
    tidied = []
    for start, end in _merge(cuts):
        if (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end - 1] == "\n"):
            above = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start else 0
            below = len(text) if (newline := text.find("\n", end)) == -1 else newline + 1
            line_above, line_below = text[above:start], text[end:below]
            if start and not line_above.strip() and (end == len(text) or not line_below.strip() or _closes(line_below)):
                start = above
            elif end < len(text) and not line_below.strip() and (start == 0 or line_above.rstrip().endswith("{")):
                end = below
        tidied.append((start, end))
    return _merge(tidied)


def _merge(cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(cuts):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _closes(line: str) -> bool:
    return line.lstrip().startswith("}")
