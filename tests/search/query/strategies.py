"""Hypothesis strategies for query node trees over the test field table, in the parser's canonical form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from hypothesis import strategies as st

from search.query.fields import FieldKind
from search.query.nodes import And, Exists, MatchAll, Node, Not, Or, Phrase, Prefix, Range, Term, Wildcard
from tests.search.query.tables import TABLE

K = FieldKind
TEXT_FIELDS = [name for name, kind in TABLE.kinds.items() if kind is K.TEXT]
ORDERED_FIELDS = [name for name, kind in TABLE.kinds.items() if kind.ordered]
PATTERN_FIELDS = [name for name, kind in TABLE.kinds.items() if kind in (K.TEXT, K.KEYWORD)]

# Words that share tokens, plural forms and accents, so generated queries and documents meet.
WORDS = ["data", "Data", "science", "sciences", "économie", "economie", "python", "Pythons", "study", "studies"]
KEYWORDS = ["edX", "edx", "MITx", "course-v1:edX+CS101+2T2024", "a b", "AND", "x*y", ""]
# A line break can be escaped in no Lucene word, only written inside a phrase.
# (and a null character in none at all).
characters = st.characters(exclude_characters="\n\x00")
text = st.text(characters, min_size=1, max_size=12)
words = st.sampled_from(WORDS) | text
keywords = st.sampled_from(KEYWORDS) | st.text(characters, max_size=12)
numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(str) | st.sampled_from(
    ["0", "10", "49.99"]
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
) | st.sampled_from([datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 6, 30, 12, tzinfo=UTC)])
dates = instants.map(lambda moment: moment.isoformat())
booleans = st.sampled_from(["true", "false"])


def value_of(kind: FieldKind) -> st.SearchStrategy[str]:
    return {K.TEXT: words, K.KEYWORD: keywords, K.NUMBER: numbers, K.DATE: dates, K.BOOLEAN: booleans}[kind]


def _pattern(pieces: Sequence[str]) -> str:
    out = []
    for piece in pieces:
        if piece in ("*", "?"):
            out.append(piece)
        else:
            out.append(piece.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?"))
    return "".join(out)


def _is_plain_wildcard(pieces: Sequence[str]) -> bool:
    """The parser reads a lone trailing ``*`` as a prefix and a bare ``*`` as "has a value"."""
    wild = [index for index, piece in enumerate(pieces) if piece in ("*", "?")]
    if not wild:
        return False
    return not (len(wild) == 1 and pieces[wild[0]] == "*" and wild[0] == len(pieces) - 1)


def wildcards(field: str | None) -> st.SearchStrategy[Node]:
    pieces = st.lists(st.sampled_from(["*", "?"]) | text.map(lambda value: value[:5]), min_size=1, max_size=4)
    return pieces.filter(_is_plain_wildcard).map(lambda found: Wildcard(field, _pattern(found)))


def _range(field: str) -> st.SearchStrategy[Node]:
    values = value_of(TABLE.kinds[field])
    ends = st.tuples(st.none() | values, st.none() | values).filter(lambda ends: ends != (None, None))
    return st.builds(
        lambda ends, low, high: Range(field, ends[0], ends[1], include_low=low, include_high=high),
        ends,
        st.booleans(),
        st.booleans(),
    )


def leaves_of(field: str | None) -> st.SearchStrategy[Node]:
    kind = K.TEXT if field is None else TABLE.kinds[field]
    options: list[st.SearchStrategy[Node]] = [st.builds(Term, st.just(field), value_of(kind))]
    if kind is K.TEXT:
        options.append(
            st.builds(
                Phrase,
                st.just(field),
                st.sampled_from(WORDS) | st.text(st.characters(exclude_characters="\x00"), max_size=12),
            )
        )
    if kind in (K.TEXT, K.KEYWORD):
        options += [st.builds(Prefix, st.just(field), text), wildcards(field)]
    if field is not None:
        options.append(st.just(Exists(field)))
        if kind.ordered:
            options.append(_range(field))
    if kind is K.KEYWORD:
        options[0] = st.builds(Term, st.just(field), keywords.filter(bool) if field is None else keywords)
    return st.one_of(options)


fields = st.none() | st.sampled_from(sorted(TABLE.kinds))
leaves: st.SearchStrategy[Node] = st.just(MatchAll()) | fields.flatmap(leaves_of)


def canonical(node: Node) -> Node:
    """The tree the parser builds for ``node``'s meaning: nested And/Or flattened, MatchAll absorbed."""
    match node:
        case And(children):
            flat: list[Node] = []
            for child in map(canonical, children):
                if isinstance(child, And):
                    flat.extend(child.children)
                elif not isinstance(child, MatchAll):
                    flat.append(child)
            return MatchAll() if not flat else flat[0] if len(flat) == 1 else And(tuple(flat))
        case Or(children):
            alternatives: list[Node] = []
            for child in map(canonical, children):
                if isinstance(child, MatchAll):
                    return MatchAll()
                alternatives.extend(child.children if isinstance(child, Or) else (child,))
            return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))
        case Not(child):
            return Not(canonical(child))
    return node


def _branches(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.builds(And, many) | st.builds(Or, many) | st.builds(Not, children)


nodes: st.SearchStrategy[Node] = st.recursive(leaves, _branches, max_leaves=8)


def _content_value(kind: FieldKind) -> st.SearchStrategy[object]:
    single = value_of(kind)
    if kind is K.TEXT:
        single = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join) | single
    return st.none() | single | st.lists(single, max_size=3)


documents: st.SearchStrategy[dict[str, object]] = st.fixed_dictionaries(
    {}, optional={name: _content_value(kind) for name, kind in TABLE.kinds.items()}
)
