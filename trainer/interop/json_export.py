"""Cards as plain data (JSON), for `trainer deck preview --json` and other tools (jq, scripts)."""

from __future__ import annotations

import json
from typing import Any

from trainer.content.cards import Card, CompiledDeck


def card_as_dict(card: Card, compiled: CompiledDeck) -> dict[str, Any]:
    """One card as a JSON-ready dict; each source key comes with its full citation."""
    sources = []
    for key in card.sources:
        ref = compiled.info.source(key)
        sources.append(
            {"key": key, "citation": ref.citation if ref else None, "url": ref.url if ref else None}
        )
    return {
        "id": card.id,
        "template": card.template,
        "fact": card.fact_key,
        "kind": card.kind.value,
        "prompt": card.prompt,
        "answer": card.answer,
        "answer_root": card.answer_root,
        "accepted": list(card.accepted),
        "choices": list(card.choices),
        "explanation": card.explanation,
        "siblings": list(card.siblings),
        "sources": sources,
        "tags": list(card.tags),
    }


def cards_as_json(compiled: CompiledDeck) -> str:
    """Every card of a compiled deck as a JSON list (UTF-8, not ASCII-escaped)."""
    return json.dumps([card_as_dict(c, compiled) for c in compiled.cards], ensure_ascii=False, indent=2)
