"""Fixtures for the TUI tests: a seeded temporary database, a fixed clock and an app factory.

Every app is built by `trainer.tui.app.make_app`, the factory the CLI uses, with the clock
injected (never a bare `freeze_time` around Pilot: it hangs, house-style section 9) and the
cursor blink off so snapshots are stable. The tests read the database back through the store
(`Store.session()` and its models), never through widget internals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.store import models, repo
from trainer.store.db import Store, open_store, resolve_db_url
from trainer.study.settings import set_setting
from trainer.tui.app import TrainerApp, make_app

DECK_ID = "tui-test"
"""The test deck's id; every app in these tests reviews only this deck."""

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
"""The fixed instant of every test (a Tuesday morning in London)."""

EVIL_PROMPT = (
    "[bold]Not bold[/] [link=x]no link[/link] \x1b[31mRED\x1b[0m [/] "
    "averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword 🦴 脊神经 which root?"
)
"""Markup, a closing tag, a link, ANSI colour codes, a long word, an emoji and CJK, all to show literally."""


def _card(template: str, key: str, kind: CardKind, prompt: str, answer: str, **extra: Any) -> Card:
    accepted = extra.pop("accepted", (answer,))
    return Card(
        id=card_id(DECK_ID, template, key),
        deck_id=DECK_ID,
        template=template,
        fact_key=key,
        kind=kind,
        prompt=prompt,
        answer=answer,
        accepted=accepted,
        explanation=extra.pop("explanation", f"The answer is {answer}."),
        sources=extra.pop("sources", ("ISNCSCI19",)),
        **extra,
    )


TYPED = _card(
    "keypoint-to-root",
    "dermatome:L4",
    CardKind.TYPED_ROOT,
    "Which dermatome has its key sensory point over the medial malleolus?",
    "L4",
    explanation="The L4 key sensory point lies over the medial malleolus.",
    sources=("ISNCSCI19", "HPIM19"),
    tags=("lumbar", "dermatome"),
    answer_root="L4",
)
CHOICE = _card(
    "root-to-region",
    "dermatome:C6",
    CardKind.CHOICE,
    "Which root supplies the skin over the thumb?",
    "C6",
    choices=("C5", "C6", "C7", "C8"),
    choice_roots=("C5", "C6", "C7", "C8"),
    explanation="C6 covers the thumb and the radial side of the hand.",
    tags=("cervical", "dermatome"),
    answer_root="C6",
)
REVEAL = _card(
    "recall",
    "reflex:patellar",
    CardKind.REVEAL,
    "Which roots carry the patellar (knee-jerk) reflex?",
    "L3 and L4, mainly L4",
    explanation="The patellar reflex is mediated mainly by L4, with L3.",
    tags=("lumbar", "reflex"),
)
EVIL = _card("card", "card:evil", CardKind.TYPED_ROOT, EVIL_PROMPT, "S1", answer_root="S1", tags=("sacral",))
CARDS: tuple[Card, ...] = (TYPED, CHOICE, REVEAL, EVIL)
"""The test deck, in queue order (the database is set to introduce new cards in deck order)."""

TEST_DECK = CompiledDeck(
    info=DeckInfo(
        id=DECK_ID,
        title="TUI test deck",
        version="1.0",
        sources=(
            SourceRef("ISNCSCI19", "ASIA. International Standards for Neurological Classification of SCI, 2019."),
            SourceRef("HPIM19", "Harrison's Principles of Internal Medicine, 19th ed."),
        ),
    ),
    cards=CARDS,
)


@pytest.fixture
def clock() -> FixedClock:
    """The injected clock: time stands still unless a test advances it."""
    return FixedClock(NOW, tz=ZoneInfo("Europe/London"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A temporary database holding only the test deck."""
    path = tmp_path / "trainer.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        with store.session() as session:
            repo.sync_deck(session=session, deck=TEST_DECK, now=NOW)
            set_setting(session, "new_order", "deck")  # the tests take the cards in CARDS order
            session.commit()
    finally:
        store.close()
    return path


@pytest.fixture
def app_factory(db_path: Path, clock: FixedClock) -> Callable[..., TrainerApp]:
    """Build the app as the CLI does, on the test database and clock, reviewing only the test deck."""

    def build(start: str = "home") -> TrainerApp:
        """A fresh app opening on `start`."""
        return make_app(
            str(db_path), clock=clock, start=start, cursor_blink=False, deck_ids=[DECK_ID], import_builtin=False
        )

    return build


@dataclass
class Db:
    """Reads the test database back through the store, the way a later session would see it."""

    path: Path

    def _store(self) -> Store:
        return open_store(resolve_db_url(str(self.path)))

    def reviews(self) -> list[models.Review]:
        """Every review row, oldest first."""
        store = self._store()
        try:
            with store.session() as session:
                return list(session.exec(select(models.Review).order_by(models.Review.id)).all())
        finally:
            store.close()

    def state(self, card: Card) -> models.CardState:
        """The scheduling state of a card."""
        store = self._store()
        try:
            with store.session() as session:
                state = session.get(models.CardState, (1, card.id))
                assert state is not None
                return state
        finally:
            store.close()


@pytest.fixture
def db(db_path: Path) -> Iterator[Db]:
    """The database reader for assertions."""
    yield Db(db_path)


@pytest.fixture
def conftest_cards() -> dict[str, Card]:
    """The test deck's cards by name: TYPED (L4), CHOICE (C6 is option 2), REVEAL, EVIL (S1)."""
    return {"TYPED": TYPED, "CHOICE": CHOICE, "REVEAL": REVEAL, "EVIL": EVIL}


@pytest.fixture(autouse=True)
def _keys_wait_for_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """After each `pilot.press`, let the workers it started (answers, undo, suspend) finish.

    The review screen calls the store in workers, and a key that starts one returns before it is
    done; on a loaded machine the next assertion could run first. A test that wants to act while a
    worker is still under way (the slow-store tests) sets `app.press_without_waiting = True`;
    the quick-start tests, which hold the store worker itself, set `Pilot.waits_for_workers = False`.
    """
    from textual.pilot import Pilot

    real_press = Pilot.press

    async def press(self: Pilot, *keys: str) -> None:
        await real_press(self, *keys)
        if getattr(self.app, "press_without_waiting", False) or not getattr(Pilot, "waits_for_workers", True):
            return
        from textual.worker import WorkerCancelled

        for _ in range(3):
            with contextlib.suppress(WorkerCancelled):  # a worker replaced by a newer one
                await self.app.workers.wait_for_complete()
            await self.pause()

    monkeypatch.setattr(Pilot, "press", press)
