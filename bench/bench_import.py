"""Time importing a 35,000-card compiled deck into the store (`import_35k_s`, target ≤ 3 s).

Run: `.venv/bin/python bench/bench_import.py [--runs N] [--cards N] [--profiles N]`. Prints the
median and the spread of N runs of three imports through `trainer.study.decks.import_compiled_deck`
(the store's whole unit of work: the built-in id check, `repo.sync_deck`, the commit):
- fresh: the deck into a new database (every card, and a card state per profile and card);
- changed: a new edition into a database already holding the deck, with 1 card in 100 reworded,
  the last 100 cards removed (retired) and 100 new cards added;
- unchanged: the same deck again (its content hash matches: no write).
The deck is the synthetic one of bench_interop.py (typed, choice and reveal cards). Reading a
sheet or a TOML file is not timed here: bench_interop.py times the whole CSV import.
"""

from __future__ import annotations

import argparse
import os
import dataclasses
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_interop import _load, big_deck
from reference import cpu_reference_ms

from trainer.content.cards import CompiledDeck
from trainer.store import repo
from trainer.store.db import open_store
from trainer.study.decks import import_compiled_deck

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def next_edition(deck: CompiledDeck) -> CompiledDeck:
    """The deck with 1 card in 100 reworded, the last 100 dropped and 100 new ones added."""
    cards = [
        dataclasses.replace(card, prompt=card.prompt + " (reworded)") if i % 100 == 0 else card
        for i, card in enumerate(deck.cards[:-100])
    ]
    extra = big_deck(len(deck.cards) + 100).cards[len(deck.cards) :]
    return dataclasses.replace(deck, cards=(*cards, *extra))


def _open(path: Path, profiles: int):  # noqa: ANN202 - a Store
    store = open_store(f"sqlite:///{path}")
    with store.session() as session:
        for n in range(2, profiles + 1):
            if repo.profile_id(session=session, name=f"student{n}") is None:
                repo.add_profile(session=session, name=f"student{n}", pseudonym=f"s{n}", now=NOW)
        session.commit()
    return store


def _timed_import(path: Path, deck: CompiledDeck, profiles: int) -> tuple[float, float, repo.SyncReport]:
    """Wall seconds, CPU seconds of this process, and what the import did."""
    store = _open(path, profiles)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = import_compiled_deck(store, deck, now=NOW + timedelta(days=1))
        return time.perf_counter() - start, time.process_time() - cpu, report
    finally:
        store.close()


def _median(label: str, samples: list[tuple[float, float]], target: float | None = None) -> None:
    wall = [w for w, _ in samples]
    goal = f"; target ≤ {target:g} s" if target is not None else ""
    print(
        f"{label:<30} median {statistics.median(wall):5.2f} s  (min {min(wall):.2f}, max {max(wall):.2f}{goal}); "
        f"CPU median {statistics.median(c for _, c in samples):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=35_000)
    parser.add_argument("--profiles", type=int, default=1, help="profiles in the database (a card state per profile and card)")
    args = parser.parse_args()
    load_before, reference_before = os.getloadavg(), cpu_reference_ms()
    deck = big_deck(args.cards)
    edition = next_edition(deck)
    fresh: list[tuple[float, float]] = []
    changed: list[tuple[float, float]] = []
    unchanged: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        holding = tmp / "holding.db"
        _timed_import(holding, deck, args.profiles)
        for run in range(args.runs):
            wall, cpu, report = _timed_import(tmp / f"fresh{run}.db", deck, args.profiles)
            assert report.added == args.cards, report
            fresh.append((wall, cpu))
            copy = tmp / f"changed{run}.db"
            shutil.copyfile(holding, copy)
            wall, cpu, report = _timed_import(copy, edition, args.profiles)
            assert (report.added, report.updated, report.retired) == (100, -(-(args.cards - 100) // 100), 100), report
            changed.append((wall, cpu))
            wall, cpu, report = _timed_import(holding, deck, args.profiles)
            assert report.unchanged == args.cards and not report.changed, report
            unchanged.append((wall, cpu))
    print(f"{args.cards} cards, {args.profiles} profile(s), {args.runs} runs each; {_load(load_before, reference_before)}")
    _median("import into a fresh database", fresh, 3)
    _median("import a changed edition", changed)
    _median("import the same deck again", unchanged)


if __name__ == "__main__":
    main()
