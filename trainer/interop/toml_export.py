"""A validated deck back to TOML: the deck's own structure (facts and hand-written cards), so that
importing the file again gives the same cards with the same ids.

Card ids come from the deck id, the template and each fact's key, so only the structure (never the
generated cards) can round-trip: a generated card written out as a hand-written one would get a new
id and lose every student's progress.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from trainer.content.schema import FACT_TABLES, FORMAT_VERSION, Deck


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
    body = tomli_w.dumps(deck_document(deck), multiline_strings=True)
    return comment + ("\n" if comment else "") + body


def _fields(item: Any) -> dict[str, Any]:
    """An item's fields without defaults or None values, its sources last (as authors write them)."""
    fields = item.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    if "sources" in fields:
        fields["sources"] = fields.pop("sources")
    return fields
