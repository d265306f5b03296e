"""The first screen's data, read by a second process while this one starts Textual.

Importing the database layer (SQLAlchemy, SQLModel, pydantic) takes longer than importing and
starting Textual, and Python threads cannot do both at once. So `trainer` starts this module as
a child process the moment it launches: the child opens the store (creating it and importing the
built-in deck on a first run), reads the first card or Home's figures, sends them back as plain
values on its stdout and exits, while the parent paints its screen on the other core. The parent
opens its own store afterwards, in a worker, for recording answers.

Everything sent back is built from light modules (content cards, plain numbers), so that the
parent can unpickle it without importing the database layer on the path to the first paint.
This module itself imports next to nothing, so the child starts as early as possible.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.content.cards import Card


@dataclass(frozen=True)
class Counts:
    """Today's queue sizes."""

    due: int
    new: int
    repeat: int

    @property
    def total(self) -> int:
        """All cards left today."""
        return self.due + self.new + self.repeat


@dataclass(frozen=True)
class DeckLine:
    """One deck on Home."""

    title: str
    cards: int


@dataclass(frozen=True)
class HomeFigures:
    """What Home shows, as plain values."""

    counts: Counts
    streak: int
    minutes: int
    decks: tuple[DeckLine, ...]


@dataclass(frozen=True)
class FirstCard:
    """The first card of today's review and the queue it comes from."""

    card: Card
    queue: str


@dataclass(frozen=True)
class FirstScreen:
    """Everything the first screen needs, or why the store could not be opened."""

    error: str | None = None
    """The `StoreError` message: the app exits with code 2 and prints it."""
    timezone: str | None = None
    """The student's zone from settings (None: the system's)."""
    fast_ms: int | None = None
    """Settings thresholds for suggested grades."""
    slow_ms: int | None = None
    card: FirstCard | None = None
    """start="review": today's first card (None if nothing is left)."""
    counts: Counts | None = None
    """start="review": today's queue sizes for the progress bar."""
    home: HomeFigures | None = None
    """start="home": Home's figures."""


def home_figures(overview: object) -> HomeFigures:
    """Plain figures from a `trainer.study.review.HomeOverview`."""
    counts = overview.counts  # type: ignore[attr-defined]
    return HomeFigures(
        counts=Counts(counts.due, counts.new, counts.repeat),
        streak=overview.streak,  # type: ignore[attr-defined]
        minutes=overview.minutes,  # type: ignore[attr-defined]
        decks=tuple(DeckLine(d.title, d.cards) for d in overview.decks),  # type: ignore[attr-defined]
    )


def read_first_screen(
    db: str | None, *, start: str, deck_ids: Sequence[str] | None, import_builtin: bool
) -> FirstScreen:
    """Open the store and read what the first screen shows (this runs in the child).

    Args:
        db: `--db` value, or None for $TRAINER_DB / the default.
        start: "home" or "review".
        deck_ids: Decks the review draws from (None: all).
        import_builtin: Whether to import the built-in deck if absent or changed.
    """
    from trainer.clock import SystemClock
    from trainer.store.db import StoreError, open_store, resolve_db_url
    from trainer.study.review import ReviewSession, ensure_builtin_deck, home_overview
    from trainer.study.settings import load_settings

    try:
        store = open_store(resolve_db_url(db))
    except StoreError as error:
        return FirstScreen(error=error.message)
    try:
        if import_builtin:
            ensure_builtin_deck(store)
        with store.session() as session:
            settings = load_settings(session)
        clock = SystemClock(settings.timezone)
        common = {"timezone": settings.timezone, "fast_ms": settings.fast_ms, "slow_ms": settings.slow_ms}
        if start == "review":
            review = ReviewSession(store, clock, deck_ids=deck_ids)
            first = review.next_card()
            counts = review.counts()
            return FirstScreen(
                card=FirstCard(first.card, first.queue) if first is not None else None,
                counts=Counts(counts.due, counts.new, counts.repeat),
                **common,
            )
        return FirstScreen(home=home_figures(home_overview(store, clock)), **common)
    except StoreError as error:
        return FirstScreen(error=error.message)
    finally:
        store.close()


class Prefetch:
    """A running child process that will deliver a `FirstScreen`."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    @classmethod
    def spawn(
        cls,
        db: str | None,
        *,
        start: str,
        deck_ids: Sequence[str] | None = None,
        import_builtin: bool = True,
    ) -> Prefetch:
        """Start the child; returns at once."""
        args = [sys.executable, "-m", "trainer.tui.prefetch", "--start", start]
        if db is not None:
            args += ["--db", db]
        for deck_id in deck_ids or ():
            args += ["--deck", deck_id]
        if not import_builtin:
            args.append("--no-builtin")
        # stderr is captured too: the parent's terminal belongs to Textual.
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return cls(process)

    def wait(self) -> FirstScreen | None:
        """Block until the child is done (call from a thread).

        Returns:
            The first screen's data, or None if the child failed in an unexpected way (the
            caller then opens the store itself, which reports any problem properly).
        """
        import pickle

        out, _err = self._process.communicate()
        if self._process.returncode != 0 or not out:
            return None
        try:
            result = pickle.loads(out)  # our own child, over a private pipe
        except Exception:  # noqa: BLE001 - any garbled reply just means "no prefetch"
            return None
        return result if isinstance(result, FirstScreen) else None

    def cancel(self) -> None:
        """Stop the child if it is still running (the app quit first)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """The child's entry point: `python -m trainer.tui.prefetch --start review [--db X]`."""
    import argparse
    import pickle

    parser = argparse.ArgumentParser(prog="trainer.tui.prefetch")
    parser.add_argument("--start", choices=("home", "review"), required=True)
    parser.add_argument("--db", default=None)
    parser.add_argument("--deck", action="append", default=None)
    parser.add_argument("--no-builtin", action="store_true")
    args = parser.parse_args(argv)
    result = read_first_screen(args.db, start=args.start, deck_ids=args.deck, import_builtin=not args.no_builtin)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    # Run the importable module's `main`, so that what is pickled names `trainer.tui.prefetch`
    # classes (which the parent can load), not `__main__` ones.
    from trainer.tui import prefetch as _prefetch

    raise SystemExit(_prefetch.main())
