"""Anki's own library on a 100,000-card collection: answer -> next card, and the cold queue build.

The yardstick for `bench/run.py`'s `answer_next_ms_median_100k` and `queue_build_ms_100k`, taken
in the same sitting on the same machine. Uses the `anki` package (the test extra has it): its Rust
core does the scheduling and the SQLite writes, as in the desktop app.

The collection: 100,000 Basic notes in one deck, 90 % of their cards made review cards with
intervals and due days spread like bench/collection.py's (20 days overdue to 180 ahead), the
deck's review limit raised to 5,000 (as run.py does for ours). No review log is written (Anki's
queue build does not read it beyond today's counts).

- queue build: open the collection afresh, ask the v3 scheduler for the first queued card;
- answer -> next: `answer_card` (Good), which Anki commits at once, then the next card.

Run: `.venv/bin/python bench/anki_compare.py [--cards N] [--answers N] [--runs N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def build(path: Path, cards: int) -> None:
    """A collection of `cards` Basic notes, 90 % of them review cards."""
    from anki.collection import AddNoteRequest, Collection

    col = Collection(str(path))
    try:
        model = col.models.by_name("Basic")
        deck_id = col.decks.id("Bench")
        requests = []
        for i in range(cards):
            note = col.new_note(model)
            note["Front"] = f"Synthetic question {i}: which root supplies area {i // 2}?"
            note["Back"] = ("C5", "C6", "C7", "T4", "T10", "L3", "L4", "L5", "S1")[i % 9]
            requests.append(AddNoteRequest(note=note, deck_id=deck_id))
            if len(requests) == 10_000:
                col.add_notes(requests)
                requests = []
        if requests:
            col.add_notes(requests)
        today = col.sched.today
        col.db.execute(
            "UPDATE cards SET type = 2, queue = 2, reps = 3, factor = 2500, "
            "ivl = 1 + abs(random()) % 200, due = ? - 20 + abs(random()) % 200 WHERE id % 10 != 0",
            today,
        )
        config = col.decks.config_dict_for_deck_id(deck_id)
        config["rev"]["perDay"] = 5000
        config["new"]["perDay"] = 20
        col.decks.update_config(config)
        col.decks.select(deck_id)
    finally:
        col.close()


def queue_build(path: Path, runs: int) -> list[float]:
    """Milliseconds from a freshly opened collection to its first queued card."""
    from anki.collection import Collection

    timings = []
    for _ in range(runs):
        col = Collection(str(path))
        try:
            started = time.perf_counter()
            queued = col.sched.get_queued_cards(fetch_limit=1)
            timings.append((time.perf_counter() - started) * 1000)
            assert queued.cards
        finally:
            col.close()
    return timings


def answers(path: Path, count: int) -> list[float]:
    """Milliseconds from answering a card (Good) to having the next one, `count` times."""
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    col = Collection(str(path))
    timings = []
    try:
        card = col.sched.getCard()
        for _ in range(count):
            assert card is not None
            started = time.perf_counter()
            states = col._backend.get_scheduling_states(card.id)
            col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))
            card = col.sched.getCard()
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        col.close()
    return timings


def measure(cards: int = 100_000, answer_count: int = 200, runs: int = 7, *, log=print) -> dict[str, float]:
    """Build a collection in a temp folder and return the medians."""
    import anki

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.anki2"
        started = time.perf_counter()
        build(path, cards)
        log(f"anki: built {cards:,} cards in {time.perf_counter() - started:.0f} s")
        builds = queue_build(path, runs)
        answered = answers(path, answer_count)
    return {
        "anki_version": getattr(anki, "version", None) or _version(),
        "anki_cards": cards,
        "anki_queue_build_ms": statistics.median(builds),
        "anki_answer_next_ms_median": statistics.median(answered),
    }


def _version() -> str:
    from importlib.metadata import version

    return version("anki")


def main() -> None:
    """Print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.cards, args.answers, args.runs, log=(lambda *_: None) if args.json else print)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:<30} {value:.2f}" if isinstance(value, float) else f"{key:<30} {value}")


if __name__ == "__main__":
    main()
