"""The first screen without the database layer: today's first card, or Home's figures, in a few ms.

`trainer` must paint its first card about as fast as a bare Textual app paints a label, and
importing SQLAlchemy, SQLModel and pydantic alone takes longer than that. So the TUI first asks
`quick_first_screen`, which reads the database through the read-only stdlib reader of
`trainer.store.quick` and decides with the same queue rules as `ReviewSession`
(`trainer.study.queue`), and opens the real store behind the first paint for recording answers.

When a quick look is not safe it returns None and the caller takes the full path: a first run (no
file: the full path creates it and imports the built-in deck), a built-in deck that changed since
it was imported (the import may change or retire cards), a database that is not a SQLite file,
has another schema version or cannot be read.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from trainer.clock import Clock, SystemClock, study_day
from trainer.content.cards import SourceRef
from trainer.study.queue import HomeOverview, QueueCounts, StudyCard, TodayQueue, home_overview_from
from trainer.study.settings import Settings, settings_from_rows, study_zone

__all__ = ["BUILTIN_DECK_META", "FirstScreen", "builtin_deck_key", "quick_first_screen"]

BUILTIN_DECK_META = "builtin_deck_hash"
"""Meta key holding the hash of the built-in deck file (and app version) last imported."""


def builtin_deck_key() -> str:
    """The hash `ensure_builtin_deck` stores once the built-in decks are imported.

    It covers every built-in deck file, the app version and the content layer's source (generated cards
    change when the generator does, even between releases).
    """
    from trainer import __version__
    from trainer.paths import builtin_deck_paths

    digest = hashlib.sha256()
    for path in builtin_deck_paths():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(str(__version__).encode())
    content_dir = Path(__file__).resolve().parent.parent / "content"
    for source in sorted(content_dir.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class FirstScreen:
    """What the first screen shows, read without the database layer."""

    settings: Settings
    clock: Clock
    """The clock used: the caller's, else the system clock in the student's zone from settings."""
    today: date
    card: StudyCard | None = None
    """start="review": today's first card (None if nothing is left)."""
    counts: QueueCounts | None = None
    """start="review": cards left today in the review's decks."""
    citations: tuple[SourceRef, ...] = ()
    """start="review": the first card's sources in full, in the card's order."""
    home: HomeOverview | None = None
    """start="home": Home's figures."""


def quick_first_screen(
    db: str | None,
    *,
    clock: Clock | None = None,
    start: Literal["home", "review"] = "home",
    deck_ids: Sequence[str] | None = None,
    import_builtin: bool = True,
) -> FirstScreen | None:
    """Read the first screen through `trainer.store.quick`; None when the full path must be taken.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default.
        clock: The clock (tests inject one); None for the system clock in the settings' zone.
        start: "review" for the first card and the counts, "home" for Home's figures.
        deck_ids: The decks the review draws from (None: all).
        import_builtin: The app will import the built-in deck if it changed: then the quick look
            is taken only if the stored built-in deck is current.
    """
    from trainer.store.quick import open_quick

    reader = open_quick(db)
    if reader is None:
        return None
    try:
        if import_builtin and reader.meta(BUILTIN_DECK_META) != builtin_deck_key():
            return None
        settings = settings_from_rows(reader.stored_settings())
        if clock is None:
            clock = SystemClock(settings.timezone)
        today = study_day(clock.now(), study_zone(settings, clock), settings.rollover_hour)
        if start == "home":
            home = home_overview_from(reader, TodayQueue(settings), today)
            return FirstScreen(settings=settings, clock=clock, today=today, home=home)
        queue = TodayQueue(settings, deck_ids)
        card = queue.next_card(reader, today)
        citations: tuple[SourceRef, ...] = ()
        if card is not None:
            found = reader.sources_of(deck_id=card.card.deck_id, keys=card.card.sources)
            citations = tuple(found.get(key) or SourceRef(key=key, citation=key) for key in card.card.sources)
        return FirstScreen(
            settings=settings, clock=clock, today=today, card=card, counts=queue.counts(reader, today), citations=citations
        )
    except (sqlite3.Error, ValueError, TypeError, KeyError, OSError):
        # Damaged or unexpected content: the full path opens it properly and says what is wrong.
        return None
    finally:
        reader.close()
