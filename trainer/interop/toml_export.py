"""A validated deck back to TOML: the deck's own structure (facts and hand-written cards), so that
importing the file again gives the same cards with the same ids.

Card ids come from the deck id, the template and each fact's key, so only the structure (never the
generated cards) can round-trip: a generated card written out as a hand-written one would get a new
id and lose every student's progress.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import tomli_w

from trainer.content.schema import FACT_TABLES, FORMAT_VERSION, Deck, HandCard


def deck_document(deck: Deck) -> dict[str, Any]:
    """The deck as a TOML-ready document: format, [deck], [sources.KEY], then each fact table.

    Fields left at their default (an empty note, no tags) are left out, as an author would.
    """
    document: dict[str, Any] = {"format": FORMAT_VERSION, "deck": _fields(deck.meta)}
    document["sources"] = {key: _fields(source) for key, source in deck.sources.items()}
    for table in FACT_TABLES:
        items = deck.items(table)
        if items:
            document[table] = [_fields(item) for item in items]
    return document


def deck_to_toml(deck: Deck, *, header: str = "") -> str:
    """The deck as TOML text that `trainer deck import` reads back to the same cards.

    Args:
        deck: A validated deck.
        header: Comment lines to put first (each line gets "# "); empty for none.
    """
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    body = _dumps(deck_document(deck))
    return comment + ("\n" if comment else "") + body


def _dumps(document: dict[str, Any]) -> str:
    """`tomli_w.dumps(document, multiline_strings=True)`, with the fact tables written faster.

    tomli_w formats strings a character at a time in Python: 1.4 s of CPU for the 35,000 cards
    of a big sheet. A fact table whose every field is a string or a list of strings is written
    here with tomli_w's own layout, and each string that needs an escape or spans lines is still
    formatted by tomli_w, so the text is the same (tests/interop/test_toml_export.py compares
    them). Anything else goes to tomli_w as it is.
    """
    tables: dict[str, list[str]] = {}
    for name in reversed(document):  # the trailing run of arrays of tables this writer takes
        blocks = _array_of_tables(name, document[name])
        if blocks is None:
            break
        tables[name] = blocks
    if not tables:
        return tomli_w.dumps(document, multiline_strings=True)
    head = tomli_w.dumps({k: v for k, v in document.items() if k not in tables}, multiline_strings=True)
    chunks = [head]
    for name in reversed(tables):
        chunks.extend(tables[name])
    text = "".join(chunks)
    return text if head else text.removeprefix("\n")


def _array_of_tables(name: str, value: Any) -> list[str] | None:
    """`[[name]]` blocks of `key = string or list` as tomli_w writes them, each with a blank line
    before it; None if tomli_w writes `value` otherwise, or might: not a list of such tables, a
    name that needs quotes, or tables it may put inline (unless one has a non-empty list or a
    multi-line string, tomli_w weighs each table's length; left to it).

    One pass writes and checks (a separate check of 35,000 cards cost a quarter of the writing).
    """
    if not isinstance(value, list) or not value or not _BARE_KEY.fullmatch(name):
        return None
    header = f"\n[[{name}]]\n"
    plain = _NEEDS_TOMLI_W.isdisjoint
    bare: set[str] = set()
    spread = False
    chunks: list[str] = []
    for item in value:
        if type(item) is not dict:
            return None
        chunks.append(header)
        for key, field in item.items():
            if key not in bare:
                if not _BARE_KEY.fullmatch(key):
                    return None
                bare.add(key)
            if type(field) is str:
                if plain(field):  # the common field, inline: a call per field is a third of the time
                    chunks.append(f'{key} = "{field}"\n')
                    continue
                spread = spread or "\n" in field
                chunks.append(f"{key} = {_string(field)}\n")
            elif type(field) is list:
                written = _list(tuple(field)) if all(type(part) is str for part in field) else None
                if written is None:
                    return None
                spread = spread or bool(field)
                chunks.append(f"{key} = {written}\n")
            else:
                return None
    return chunks if spread else None


@lru_cache(maxsize=4096)
def _list(parts: tuple[str, ...]) -> str:
    """A list of strings as tomli_w writes it; cached: cards repeat their tags and sources."""
    if not parts:
        return "[]"
    return "[\n" + ",\n".join(f"    {_string(part)}" for part in parts) + ",\n]"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NEEDS_TOMLI_W = frozenset('"\\\x7f') | frozenset(chr(i) for i in range(32) if chr(i) != "\t")
"""Characters a TOML basic string escapes (or, for a line break, writes as a multi-line string)."""


def _string(text: str) -> str:
    if _NEEDS_TOMLI_W.isdisjoint(text):
        return f'"{text}"'
    return tomli_w.dumps({"v": text}, multiline_strings=True)[len("v = ") : -1]


def _fields(item: Any) -> dict[str, Any]:
    """An item's fields without defaults or None values, its sources last (as authors write them)."""
    if type(item) is HandCard and _HAND_CARD_DIRECT:
        return _hand_card_fields(item)
    fields = item.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    if "sources" in fields:
        fields["sources"] = fields.pop("sources")
    return fields


_HAND_CARD_FIELDS = ("sources", "key", "kind", "prompt", "answer", "accepted", "distractors", "explanation", "tags")
"""`HandCard`'s fields in order, as `_hand_card_fields` writes them."""
_HAND_CARD_DIRECT = tuple(HandCard.model_fields) == _HAND_CARD_FIELDS
"""False if HandCard's fields change: `_fields` then dumps it like any other item."""


def _hand_card_fields(card: HandCard) -> dict[str, Any]:
    """`_fields(card)` of a hand-written card, read from its attributes.

    A sheet of 35,000 rows is 35,000 cards: pydantic's dump of each one (defaults compared, then
    excluded) cost 0.5 s of CPU against about 0.1 s here. The required fields are strings and
    lists of strings; the three lists that default to empty are left out when empty.
    """
    fields: dict[str, Any] = {"key": card.key, "kind": card.kind, "prompt": card.prompt, "answer": card.answer}
    if card.accepted:
        fields["accepted"] = list(card.accepted)
    if card.distractors:
        fields["distractors"] = list(card.distractors)
    fields["explanation"] = card.explanation
    if card.tags:
        fields["tags"] = list(card.tags)
    fields["sources"] = list(card.sources)
    return fields
