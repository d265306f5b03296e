"""The card search syntax (Browse and `trainer cards search`): parsed here, pure, no SQL.

A query is a list of terms separated by spaces; a card matches when it matches every term.

    root:L5            the card's answer is this root (any spelling `parse_root` knows: l5, L 5)
    region:lumbosacral the card's answer root lies in a spine region (cervical, thoracic, lumbar,
                       sacral, lumbosacral, coccygeal)
    tag:myotome        the card carries this tag
    deck:ID            the card belongs to this deck
    is:STATE           new, learning, drilling, due, notdue, suspended, leech, buried, flagged
    flag:COLOUR        red, orange, green, blue, purple (or none)
    word, "two words"  free text in the prompt, the answer or the explanation (any case)
    -term              a term's opposite (-is:suspended, -tag:reflex)

`parse_query` returns a `Query` of `Term`s, or raises `QueryError` naming the column where the
query went wrong; `trainer.store.search` turns a `Query` into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.content.roots import ALL_ROOTS, parse_root, region_of

__all__ = [
    "FIELDS", "FLAGS", "QUERY_HELP", "REGIONS", "STATES", "Query", "QueryError", "Scope", "Term", "parse_query",
    "region_roots", "scope_of",
]  # fmt: skip

FIELDS = ("root", "region", "tag", "deck", "is", "flag")
"""The `field:` prefixes a term may have (a term without one is free text)."""

STATES = ("new", "learning", "drilling", "due", "notdue", "suspended", "leech", "buried", "flagged")
"""What `is:` accepts."""

FLAGS = ("red", "orange", "green", "blue", "purple")
"""The colours a card can be flagged with (as in Anki)."""

REGIONS = ("cervical", "thoracic", "lumbar", "sacral", "lumbosacral", "coccygeal")
"""What `region:` accepts; "lumbosacral" is lumbar and sacral together."""

QUERY_HELP = (
    "All terms must match; -term negates. root:L5 region:lumbosacral tag:myotome deck:ID "
    "is:new|learning|drilling|due|notdue|suspended|leech|buried|flagged "
    "flag:red|orange|green|blue|purple|none, or text (\"two words\") in prompt, answer, explanation."
)
"""One paragraph of help, shown by `trainer cards search --help` and on the Browse screen."""


_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
"""A term that starts with letters and a colon names a field (`root:`), right or wrong."""


class QueryError(ValueError):
    """A query that cannot be understood; `message` says why, `column` (0-based) where."""

    def __init__(self, query: str, column: int, message: str) -> None:
        """Keep where and why.

        Args:
            query: The whole query as typed.
            column: The 0-based position of the offending term.
            message: What is wrong, as one sentence.
        """
        super().__init__(f"Column {column + 1}: {message}")
        self.query = query
        self.column = column
        self.message = message

    def pointer(self) -> str:
        """The query with a caret under the place it went wrong (two lines)."""
        return f"{self.query}\n{' ' * self.column}^"


@dataclass(frozen=True)
class Term:
    """One search term."""

    field: str
    """"text" for free text, else one of FIELDS."""
    value: str
    """Normalised: a canonical root, a lower-case state, flag or region, free text in lower case."""
    negated: bool = False
    column: int = 0
    """Where the term starts in the query (0-based)."""


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match (an empty query matches every card)."""

    terms: tuple[Term, ...] = ()


def region_roots(region: str) -> tuple[str, ...]:
    """The canonical roots of a spine region, cranio-caudal ("lumbosacral": lumbar and sacral).

    Raises:
        ValueError: For a region not in REGIONS.
    """
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    wanted = {"lumbar", "sacral"} if region == "lumbosacral" else {region}
    return tuple(root for root in ALL_ROOTS if region_of(root) in wanted)


def _tokens(text: str) -> list[tuple[int, str, bool]]:
    """(column, raw token, was quoted) for each space-separated token; quotes group words."""
    tokens: list[tuple[int, str, bool]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start = i
        raw: list[str] = []
        quoted = False
        while i < len(text) and not text[i].isspace():
            if text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise QueryError(text, i, 'this quote is never closed; add a closing " or remove it.')
                raw.append(text[i + 1 : end])
                quoted = True
                i = end + 1
            else:
                raw.append(text[i])
                i += 1
        tokens.append((start, "".join(raw), quoted))
    return tokens


def _choose(query: str, column: int, field: str, value: str, allowed: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
    low = value.lower().replace("-", "").replace("_", "")
    for option in (*allowed, *extra):
        if low == option.replace("-", ""):
            return option
    raise QueryError(query, column, f"{field}:{value} is not known; use {field}:{'|'.join((*allowed, *extra))}.")


def parse_query(text: str) -> Query:
    """Parse a search query (syntax in the module docstring).

    Args:
        text: The query as typed.

    Returns:
        The terms, in order.

    Raises:
        QueryError: An unknown field, state, flag or region, a value that is not a root, an
            empty value or an unclosed quote; with the column of the offending term.
    """
    terms: list[Term] = []
    for column, raw, _quoted in _tokens(text):
        negated = text.startswith("-", column) and len(raw) > 1
        body = raw[1:] if negated else raw
        body_column = column + 1 if negated else column
        prefix = _FIELD_PREFIX.match(text, body_column)
        if prefix is None:
            if not body.strip():
                raise QueryError(text, column, "this term is empty; remove the quotes or put words between them.")
            terms.append(Term("text", body.lower(), negated, column))
            continue
        name = prefix.group(1)
        field = name.lower()
        value = body[len(name) + 1 :].strip()
        value_column = body_column + len(name) + 1
        if field not in FIELDS:
            raise QueryError(
                text, body_column, f"{name}: is not a search field; use {', '.join(f + ':' for f in FIELDS)} or plain text."
            )
        if not value:
            raise QueryError(text, value_column, f"{field}: needs a value, e.g. {_EXAMPLES[field]}.")
        terms.append(Term(field, _value(text, value_column, field, value), negated, column))
    return Query(tuple(terms))


_EXAMPLES = {
    "root": "root:L5",
    "region": "region:lumbosacral",
    "tag": "tag:myotome",
    "deck": "deck:dermatomes-core",
    "is": "is:due",
    "flag": "flag:red",
}


def _value(text: str, column: int, field: str, value: str) -> str:
    """A term's value, normalised and checked."""
    if field == "root":
        parsed = parse_root(value)
        if parsed.kind != "root":
            raise QueryError(text, column, f"{value!r} is not a single spinal root; write one root such as L5 or C6.")
        return parsed.roots[0]
    if field == "is":
        return _choose(text, column, "is", value, STATES)
    if field == "flag":
        return _choose(text, column, "flag", value, FLAGS, ("none",))
    if field == "region":
        return _choose(text, column, "region", value, REGIONS)
    if field == "tag":
        return value.lower()
    return value


@dataclass(frozen=True)
class Scope:
    """What a study session is limited to (None: no limit of that kind); all given limits apply."""

    deck_ids: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    roots: tuple[str, ...] | None = None

    @property
    def limited(self) -> bool:
        """True when anything is limited."""
        return any(part is not None for part in (self.deck_ids, self.tags, self.roots))


def scope_of(text: str) -> Scope:
    """A study scope from `deck:`, `tag:`, `region:` and `root:` terms (several of one kind: any of them).

    Raises:
        QueryError: Not a query, or a term of another kind, or a negated one (a scope says what
            to study, not what to leave out).
    """
    query = parse_query(text)
    decks: list[str] = []
    tags: list[str] = []
    roots: list[str] = []
    for term in query.terms:
        if term.negated or term.field not in ("deck", "tag", "region", "root"):
            raise QueryError(text, term.column, "a study filter takes only deck:, tag:, region: and root: terms.")
        if term.field == "deck":
            decks.append(term.value)
        elif term.field == "tag":
            tags.append(term.value)
        elif term.field == "region":
            roots.extend(region_roots(term.value))
        else:
            roots.append(term.value)
    return Scope(
        deck_ids=tuple(decks) or None,
        tags=tuple(tags) or None,
        roots=tuple(dict.fromkeys(roots)) or None,
    )
