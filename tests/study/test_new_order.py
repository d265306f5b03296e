"""New cards interleaved (issue 12, item 5): kinds and regions mixed, siblings apart, per profile.

In deck order, day 1 on the built-in decks was twenty cards of one template (key point -> root,
C2 to L1), all typed. The default `new_order = mixed` spreads templates, kinds and regions over
the order and keeps cards of one fact apart; it is the same for a profile every time and differs
between profiles. `new_order = deck` gives the authored order back.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from trainer.scheduling.new_order import REGIONS, SIBLING_GAP, NewCard, mixed_ranks
from trainer.store.db import SCHEMA_VERSION, open_store, resolve_db_url
from trainer.study.profiles import add_profile
from trainer.study.review import ensure_builtin_deck, open_session
from trainer.study.settings import SettingError, parse_setting, set_setting

FIRST_DAY = 20
"""The default new cards per day."""


def _day_one(store, clock, *, profile_id: int = 1) -> list:
    """The cards a student is shown on day 1, answering each new card right (grade 5) until none is left."""
    session = open_session(store, clock, profile_id=profile_id)
    shown = []
    while (study := session.next_card()) is not None and study.queue == "new":
        shown.append(study.card)
        session.answer(study.card.id, 5, 2000)
    return shown


def _region(card) -> str:
    return next((tag for tag in card.tags if tag in REGIONS), "")


@pytest.fixture
def builtin(store, clock):
    """A store holding the built-in decks."""
    ensure_builtin_deck(store, now=clock.now())
    return store


class TestDayOne:
    """The first day on the built-in decks, as a student sees it."""

    def test_the_first_twenty_mix_kinds_templates_and_regions_with_no_two_siblings(self, builtin, clock) -> None:
        """Several kinds (typed, choice, reveal...), true/false among them, several regions, and every fact once."""
        shown = _day_one(builtin, clock)
        assert len(shown) == FIRST_DAY
        kinds = Counter(card.kind.value for card in shown)
        templates = Counter(card.template for card in shown)
        regions = {_region(card) for card in shown} - {""}
        assert len(kinds) >= 3 and max(kinds.values()) <= 12, kinds
        assert len(templates) >= 8 and max(templates.values()) <= 4, templates
        assert len(regions) >= 3, regions
        facts = [(card.deck_id, card.fact_key) for card in shown]
        assert len(set(facts)) == len(facts)  # no two siblings on one day

    def test_deck_order_is_a_setting_away(self, builtin, clock) -> None:
        """`new_order = deck`: each deck's cards come as authored: the dermatomes deck is key point -> root, C2 on."""
        from trainer.content.generate import load_compiled_deck
        from trainer.paths import builtin_deck_paths

        with builtin.session() as session:
            set_setting(session, "new_order", "deck")
            session.commit()
        shown = [card for card in _day_one(builtin, clock) if card.deck_id == "dermatomes"]
        authored = next(d for d in map(load_compiled_deck, builtin_deck_paths()) if d.info.id == "dermatomes").cards
        place = {card.id: i for i, card in enumerate(authored)}
        assert [place[c.id] for c in shown] == sorted(place[c.id] for c in shown) and shown[0].id == authored[0].id
        assert {card.template for card in shown} == {authored[0].template}  # its siblings are buried

    def test_the_order_is_the_same_for_a_profile_every_time_and_differs_between_profiles(self, builtin, clock, tmp_path: Path) -> None:
        """Opened twice, the default profile gets the same cards; a second profile gets others; a fresh import, the same again."""
        first = [card.id for card in _order(builtin, clock, profile_id=1)]
        assert [card.id for card in _order(builtin, clock, profile_id=1)] == first
        other = add_profile(builtin, "ben", now=clock.now())
        assert [card.id for card in _order(builtin, clock, profile_id=other)] != first
        # Re-importing the decks (another start-up) leaves the order as it was.
        ensure_builtin_deck(builtin, now=clock.now())
        assert [card.id for card in _order(builtin, clock, profile_id=1)] == first


def _order(store, clock, *, profile_id: int) -> list:
    """The first day's new cards without answering them (each card answered, then the answers undone)."""
    session = open_session(store, clock, profile_id=profile_id)
    shown = []
    while (study := session.next_card()) is not None and study.queue == "new" and len(shown) < FIRST_DAY:
        shown.append(study.card)
        session.answer(study.card.id, 5, 2000)
    while session.undo() is not None:
        pass
    return shown


class TestTheOrder:
    """The pure order over any cards."""

    @staticmethod
    def _cards(facts: int = 30) -> list[NewCard]:
        """Three templates over the same facts, regions in blocks (as decks are written: C2, C3... then T1...)."""
        regions = ("cervical", "thoracic", "lumbar")
        return [
            NewCard(id=f"{template}:{i}", deck_id="d", template=template, kind=kind, fact_key=f"f{i}",
                    tags=(regions[i * len(regions) // facts],), position=t * facts + i)  # fmt: skip
            for t, (template, kind) in enumerate((("a", "typed-root"), ("b", "choice"), ("c", "reveal")))
            for i in range(facts)
        ]

    def test_every_card_gets_one_place(self) -> None:
        """A permutation: ranks 0..n-1, one per card."""
        cards = self._cards()
        ranks = mixed_ranks(cards, "s-1")
        assert sorted(ranks.values()) == list(range(len(cards))) and set(ranks) == {c.id for c in cards}

    def test_siblings_are_at_least_the_gap_apart_and_regions_take_turns(self) -> None:
        """Cards of one fact are SIBLING_GAP places apart; templates mix; no region runs three in a row in a template."""
        cards = self._cards()
        ranks = mixed_ranks(cards, "s-1")
        order = sorted(cards, key=lambda c: ranks[c.id])
        places: dict[str, list[int]] = {}
        for place, card in enumerate(order):
            places.setdefault(card.fact_key, []).append(place)
        # Until the last few cards (where only siblings of recent cards may be left), and in any day's twenty.
        assert all(b - a > SIBLING_GAP for spots in places.values() for a, b in zip(spots, spots[1:]) if b < 60)
        assert {c.template for c in order[:SIBLING_GAP]} == {"a", "b", "c"}
        typed = [c.tags[0] for c in order if c.template == "a"]
        assert all(len({*typed[i : i + 3]}) > 1 for i in range(len(typed) - 2))

    def test_the_order_depends_only_on_the_cards_and_the_seed(self) -> None:
        """The input's order does not matter; another seed gives another order."""
        cards = self._cards()
        ranks = mixed_ranks(cards, "s-1")
        assert mixed_ranks(list(reversed(cards)), "s-1") == ranks
        assert mixed_ranks(cards, "s-2") != ranks

    def test_one_template_with_one_region_keeps_deck_order(self) -> None:
        """Nothing to mix: the deck's own order stands."""
        cards = [NewCard(id=f"x{i}", deck_id="d", template="a", kind="typed-root", fact_key=f"f{i}", tags=(), position=i) for i in range(10)]
        ranks = mixed_ranks(cards, "s-1")
        assert sorted(ranks, key=ranks.get) == [c.id for c in cards]


def test_the_setting_accepts_mixed_or_deck_only() -> None:
    """A mistyped value is refused with the choices named."""
    assert parse_setting("new-order", " Deck ") == ("new_order", "deck")
    with pytest.raises(SettingError, match="mixed, deck"):
        parse_setting("new_order", "random")


def test_a_schema_2_database_migrates_to_the_mixed_order(tmp_path: Path, clock) -> None:
    """A schema-2 file (no rank column) opens, is backed up, and gets every profile's mixed order."""
    path = tmp_path / "trainer.db"
    store = open_store(resolve_db_url(str(path)))
    ensure_builtin_deck(store, now=clock.now())
    expected = [card.id for card in _order(store, clock, profile_id=1)]
    store.close()
    # Turn it into the schema-2 layout: no rank column, no index on it.
    connection = sqlite3.connect(path)
    connection.execute("DROP INDEX ix_cardstate_mixed")
    connection.execute("ALTER TABLE cardstate DROP COLUMN new_rank")
    connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()

    store = open_store(resolve_db_url(str(path)), now=clock.now)
    try:
        assert [card.id for card in _order(store, clock, profile_id=1)] == expected
        with store.session() as session:
            version = session.connection().exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'").scalar()
    finally:
        store.close()
    assert version == str(SCHEMA_VERSION)
    assert [p.name for p in tmp_path.glob("*.bak")] == [f"trainer.db.v2-{clock.now():%Y%m%dT%H%M%S}.bak"]
