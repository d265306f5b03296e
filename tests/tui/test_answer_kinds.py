"""Typed nerve, site and AIS-grade cards work in the review screen like typed roots (issue 11)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.content.cards import CardKind, CompiledDeck, DeckInfo, SourceRef
from trainer.tui.app import make_app

from .conftest import NOW
from .helpers import settle, store_deck, text_of

CASES = [
    # kind, accepted, what the student types, preview shown, verdict recorded
    (CardKind.TYPED_NERVE, ("common fibular",), "common peroneal", "common fibular (peroneal) nerve", "correct"),
    (CardKind.TYPED_NERVE, ("ulnar",), "C8", "C8: a spinal root, not a peripheral nerve", "adjacent"),
    (CardKind.TYPED_SITE, ("cauda equina",), "CES", "cauda equina", "correct"),
    (CardKind.TYPED_SITE, ("cauda equina",), "conus", "conus medullaris", "adjacent"),
    (CardKind.TYPED_AIS, ("D",), "ais d", "AIS D", "correct"),
    (CardKind.TYPED_AIS, ("D",), "B", "AIS B", "wrong"),
]


@pytest.mark.parametrize(("kind", "accepted", "typed", "preview", "verdict"), CASES)
async def test_a_typed_card_of_each_new_kind_is_answered_previewed_and_recorded(
    db_path, clock, db, conftest_cards, kind, accepted, typed, preview, verdict
) -> None:
    """The answer box shows for every typed kind, the preview reads the kind's vocabulary, and the
    verdict reaches the database."""
    card = replace(
        conftest_cards["TYPED"], id="kinds:1", deck_id="kinds", kind=kind, answer=accepted[0], accepted=accepted,
        answer_root=None, prompt="Which one?",
    )
    deck = CompiledDeck(info=DeckInfo(id="kinds", title="Kinds", version="1", sources=(SourceRef("ISNCSCI19", "ASIA 2019."),)), cards=(card,))
    store_deck(db_path, deck, NOW)
    app = make_app(str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=["kinds"], import_builtin=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#typed-input").display
        await pilot.press(*typed)
        assert preview in text_of(app, "#typed-preview")
        await pilot.press("enter")
        await settle(pilot)
        assert "Not recorded yet" in app.screen.query_one("#grade-panel").status_line
        await pilot.press("enter")
        await settle(pilot)
    (review,) = db.reviews()
    assert (review.card_id, review.verdict, review.response) == ("kinds:1", verdict, typed)


async def test_enter_on_half_a_nerve_is_not_an_answer(db_path, clock, db, conftest_cards) -> None:
    """'uln' is a nerve still being typed: Enter keeps it in the box with a hint, records nothing."""
    card = replace(conftest_cards["TYPED"], id="kinds:2", deck_id="kinds", kind=CardKind.TYPED_NERVE, answer="ulnar", accepted=("ulnar",), answer_root=None)
    deck = CompiledDeck(info=DeckInfo(id="kinds", title="Kinds", version="1", sources=(SourceRef("ISNCSCI19", "ASIA 2019."),)), cards=(card,))
    store_deck(db_path, deck, NOW)
    app = make_app(str(db_path), clock=clock, start="review", cursor_blink=False, deck_ids=["kinds"], import_builtin=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u", "l", "n", "enter")
        await settle(pilot)
        assert "not finished yet" in text_of(app, "#typed-preview")
    assert db.reviews() == []
