"""The summary counts the whole study day: misses made before leaving for Home are not forgotten (issue 12, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.clock import FixedClock
from trainer.store import repo
from trainer.store.db import open_store, resolve_db_url
from trainer.tui.app import make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.review import ReviewScreen
from trainer.tui.screens.summary import SummaryScreen

from .conftest import NOW
from .helpers import settle, store_deck, text_of

SIZE = (100, 30)
ROOTS = ("C5", "C6", "C7", "C8", "T1", "L4")
"""Six cards, each with its own root; "S3" is far from every one of them (a plain miss)."""


@pytest.fixture
def six_cards(tmp_path: Path, make_deck):
    """A database holding six typed-root cards, and the deck."""
    deck = make_deck(len(ROOTS), deck_id="six", roots=ROOTS)
    path = tmp_path / "six.db"
    store_deck(path, deck, NOW)
    return path, deck


async def test_six_misses_then_home_then_review_again_are_all_in_the_summary(six_cards, clock: FixedClock) -> None:
    """Six misses, Escape to Home, Enter, the six repeats answered right: the summary says 6 of 12 passed, 6 roots missed."""
    path, deck = six_cards
    root_of = {card.prompt: card.answer for card in deck.cards}
    app = make_app(str(path), clock=clock, cursor_blink=False, deck_ids=["six"], import_builtin=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for _ in ROOTS:
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("S", "3", "enter", "enter")  # wrong: grade 1 suggested and recorded
            await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        for _ in ROOTS:
            assert isinstance(app.screen, ReviewScreen)
            root = root_of[text_of(app, "#card-prompt")]
            await pilot.press(*root, "enter", "5", "enter")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        figures = text_of(app, "#summary-figures")
        missed = text_of(app, "#summary-missed")
    assert "Cards done  12" in figures
    assert "Passed      6 of 12 (50%)" in figures
    assert "No roots missed" not in missed
    assert all(root in missed for root in ROOTS), missed


@pytest.fixture
def two_l5_cards(tmp_path: Path, make_deck) -> Path:
    """A database holding two typed cards whose answer is L5 (the built-in deck comes with the app)."""
    path = tmp_path / "mini.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        with store.session() as session:
            repo.sync_deck(session=session, deck=make_deck(2, deck_id="mini", roots=("L5",)), now=NOW)
            session.commit()
    finally:
        store.close()
    return path


async def _l4_for_l5_twice(pilot) -> None:  # noqa: ANN001
    """Answer both L5 cards with L4 (the suggested grade recorded), then their same-day repeats right."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    for _ in range(2):
        assert isinstance(pilot.app.screen, ReviewScreen)
        await pilot.press("L", "4", "enter", "enter")
        await settle(pilot)
    while isinstance(pilot.app.screen, ReviewScreen):
        await pilot.press("L", "5", "enter", "5", "enter")
        await settle(pilot)


async def test_the_same_confusion_twice_today_is_spelt_out_with_where_each_root_lies(
    two_l5_cards: Path, clock: FixedClock
) -> None:
    """L4 typed for two L5 cards: the summary says "twice today", with both places in the built-in deck's words."""
    from trainer.content.generate import load_compiled_deck
    from trainer.content.places import dermatome_places
    from trainer.paths import builtin_deck_path

    places = dermatome_places(load_compiled_deck(builtin_deck_path()).cards)
    # Review only the two L5 cards; the built-in deck is imported too, and says where each root lies.
    app = make_app(str(two_l5_cards), clock=clock, cursor_blink=False, deck_ids=["mini"])
    async with app.run_test(size=SIZE) as pilot:
        await _l4_for_l5_twice(pilot)
        assert isinstance(app.screen, SummaryScreen)
        missed = text_of(app, "#summary-missed")
        repeated = text_of(app, "#summary-repeated")
    assert "L4 for L5 ×2" in missed
    assert repeated == f"You answered L4 where the answer was L5 twice today: L4 is {places['L4']}, L5 {places['L5']}."


def test_summary_snapshot_with_a_repeated_confusion(snap_compare, two_l5_cards: Path, clock: FixedClock) -> None:
    """The summary at 80x24 after L4 was given twice for L5: the sentence with both places fits."""
    app = make_app(str(two_l5_cards), clock=clock, cursor_blink=False, deck_ids=["mini"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=_l4_for_l5_twice)
