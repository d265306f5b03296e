"""Benchmark: answer -> next card, and the cold queue build, on a large synthetic collection.

Builds once (cached in the temp dir) a collection of 100,000 cards, 90,000 of them already
studied, with 1,000,000 review rows spread over 400 days, then measures on a fresh copy:

- answer -> next card: `ReviewSession.answer()` (commit included, so the fsync of the WAL is
  counted) followed by `next_card()`, over 250 answers; median and p95.
- the cold queue build: open the store on a fresh connection, create a `ReviewSession` and ask
  for the first card; in this process (several runs) and in fresh processes (several runs).
- `home_overview()`, the Home screen's figures, for information.

Both are run with SQLite `synchronous=FULL` and `synchronous=NORMAL` so the durability choice
in `trainer/store/db.py` rests on a measurement. Targets: answer -> next < 5 ms median, cold
queue build < 60 ms. Run: `.venv/bin/python bench/bench_review.py [--rebuild]`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel import SQLModel

import trainer.store.db as db_module
from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.store import repo
from trainer.store.db import SCHEMA_VERSION, open_store
from trainer.store.models import CardState, Review
from trainer.study.review import open_session, home_overview
from trainer.study.settings import set_setting

CARDS = 100_000
STUDIED = 90_000
REVIEWS = 1_000_000
HISTORY_DAYS = 400
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)  # the study day of NOW in UTC with the 04:00 rollover
_LAYOUT = hashlib.sha256(
    repr(
        sorted(
            (t.name, sorted(c.name for c in t.columns), sorted(str(i.name) for i in t.indexes))
            for t in SQLModel.metadata.tables.values()
        )
    ).encode()
).hexdigest()[:8]
"""A fingerprint of the tables, so that a schema change during development rebuilds the cache."""
CACHE = (
    Path(tempfile.gettempdir())
    / "dermatome-trainer-bench"
    / f"collection-s{SCHEMA_VERSION}-{_LAYOUT}-{CARDS}-{REVIEWS}.db"
)
ROOTS = ("C5", "C6", "C7", "T4", "T10", "L3", "L4", "L5", "S1")


def _deck() -> CompiledDeck:
    """100,000 typed-root cards; pairs of cards share a fact (siblings), as real decks do."""
    cards = []
    for i in range(CARDS):
        fact = f"fact:{i // 2}"
        template = f"template-{i % 2}"
        sibling = card_id("bench", f"template-{1 - i % 2}", fact)
        root = ROOTS[i % len(ROOTS)]
        cards.append(
            Card(
                id=card_id("bench", template, fact),
                deck_id="bench",
                template=template,
                fact_key=fact,
                kind=CardKind.TYPED_ROOT,
                prompt=f"Synthetic question {i}: which root supplies area {i // 2}?",
                answer=root,
                accepted=(root,),
                explanation=f"Area {i // 2} is supplied by {root}.",
                sources=("SRC",),
                tags=("synthetic",),
                siblings=(sibling,),
                answer_root=root,
            )
        )
    info = DeckInfo(id="bench", title="Synthetic", version="1", sources=(SourceRef(key="SRC", citation="None."),))
    return CompiledDeck(info=info, cards=tuple(cards))


def build(path: Path) -> None:
    """Create the synthetic collection at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    rng = random.Random(42)
    started = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    deck = _deck()
    with store.session() as session:
        repo.sync_deck(session=session, deck=deck, now=NOW - timedelta(days=HISTORY_DAYS))
        session.commit()
    print(f"  cards synced in {time.perf_counter() - started:.1f} s", flush=True)
    states = []
    for card in deck.cards[:STUDIED]:
        reps = rng.randint(1, 8)
        interval = rng.choice((1, 6, 15, 35, 90, 200))
        states.append(
            {
                "profile_id": 1,
                "card_id": card.id,
                "repetitions": reps,
                "easiness": round(rng.uniform(1.3, 2.9), 2),
                "interval": interval,
                "due_day": TODAY + timedelta(days=rng.randint(-20, 180)),
                "introduced_day": TODAY - timedelta(days=rng.randint(30, HISTORY_DAYS)),
                "last_day": TODAY - timedelta(days=rng.randint(1, 29)),
                "lapses": rng.randint(0, 3),
                "last_review_at": NOW - timedelta(days=rng.randint(1, 29)),
            }
        )
    with store.session() as session:
        session.execute(update(CardState), states)
        session.commit()
    print(f"  states written in {time.perf_counter() - started:.1f} s", flush=True)
    studied = [c.id for c in deck.cards[:STUDIED]]
    batch = []
    with store.session() as session:
        for n in range(REVIEWS):
            day = TODAY - timedelta(days=1 + (n * HISTORY_DAYS) // REVIEWS)
            quality = rng.choice((5, 5, 4, 4, 4, 3, 2, 1, 0))
            batch.append(
                {
                    "profile_id": 1,
                    "card_id": studied[rng.randrange(STUDIED)],
                    "reviewed_at": datetime(day.year, day.month, day.day, 18, tzinfo=UTC),
                    "study_day": day,
                    "quality": quality,
                    "response_ms": rng.randint(1500, 20000),
                    "response": "L4",
                    "verdict": "correct" if quality >= 3 else "wrong",
                    "given_root": "L4",
                    "expected_root": "L5",
                    "is_drill": False,
                    "queue": "due",
                    "repetitions_before": 2,
                    "easiness_before": 2.5,
                    "interval_before": 6,
                    "drill_before": False,
                    "repetitions_after": 3,
                    "easiness_after": 2.5,
                    "interval_after": 15,
                    "drill_after": False,
                    "due_day_after": day + timedelta(days=15),
                }
            )
            if len(batch) == 50_000:
                session.execute(insert(Review), batch)
                batch.clear()
        session.commit()
    store.close()
    print(f"  {REVIEWS:,} reviews written in {time.perf_counter() - started:.1f} s", flush=True)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _work_copy(tmp: Path, name: str) -> Path:
    """A fresh copy of the cached collection (the bench writes answers into it)."""
    target = tmp / f"{name}.db"
    shutil.copy(CACHE, target)
    return target


def bench_answers(url: str, answers: int) -> list[float]:
    """Milliseconds from answer() (commit included) to next_card() returning, `answers` times (also bench/run.py's)."""
    store = open_store(url)
    with store.session() as session:
        set_setting(session, "reviews_per_day", "5000")  # the bench wants more than 200 due cards
        session.commit()
    clock = FixedClock(NOW)
    session = open_session(store, clock)
    rng = random.Random(7)
    card = session.next_card()
    timings = []
    for _ in range(answers):
        assert card is not None
        started = time.perf_counter()
        session.answer(card.card.id, rng.choice((5, 4, 4, 3, 1)), 4000, response="L4", verdict="correct", given_root="L4")
        card = session.next_card()
        timings.append((time.perf_counter() - started) * 1000)
        clock.advance(timedelta(seconds=5))
    store.close()
    return timings


def bench_cold_in_process(url: str, runs: int) -> tuple[list[float], list[float]]:
    """(open_store ms, session + first next_card ms) on a fresh engine each run (also bench/run.py's)."""
    opens, builds = [], []
    for _ in range(runs):
        started = time.perf_counter()
        store = open_store(url)
        opened = time.perf_counter()
        open_session(store, FixedClock(NOW)).next_card()
        done = time.perf_counter()
        store.close()
        opens.append((opened - started) * 1000)
        builds.append((done - opened) * 1000)
    return opens, builds


def bench_home(path: Path, runs: int) -> list[float]:
    """Milliseconds for the Home screen's figures (counts, streak, estimate, decks)."""
    store = open_store(f"sqlite:///{path}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        home_overview(store, FixedClock(NOW), profile_id=1)
        timings.append((time.perf_counter() - started) * 1000)
    store.close()
    return timings


CHILD = """
import sys, time
from datetime import UTC, datetime
started = time.perf_counter()
from trainer.clock import FixedClock
from trainer.store.db import open_store
from trainer.study.review import open_session
imported = time.perf_counter()
store = open_store("sqlite:///" + sys.argv[1])
opened = time.perf_counter()
open_session(store, FixedClock(datetime(2026, 6, 15, 12, tzinfo=UTC))).next_card()
done = time.perf_counter()
print((imported - started) * 1000, (opened - imported) * 1000, (done - opened) * 1000)
"""


def bench_cold_processes(path: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """(imports ms, open_store ms, session + first card ms), each run in a fresh interpreter."""
    imports, opens, builds = [], [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        a, b, c = (float(x) for x in out.stdout.split())
        imports.append(a)
        opens.append(b)
        builds.append(c)
    return imports, opens, builds


def _fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} ms  p95 {_percentile(values, 0.95):6.2f} ms  (n={len(values)})"


def main() -> None:
    """Build (or reuse) the collection and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached collection")
    parser.add_argument("--answers", type=int, default=250)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if args.rebuild or not CACHE.exists():
        print(f"building {CACHE} ({CARDS:,} cards, {REVIEWS:,} reviews) ...", flush=True)
        build(CACHE)
    print(f"collection: {CACHE} ({CACHE.stat().st_size / 1e6:.0f} MB)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for mode in ("FULL", "NORMAL"):
            db_module.SYNCHRONOUS = mode
            print(f"\nsynchronous={mode}")
            timings = bench_answers(f"sqlite:///{_work_copy(tmp, f'answers-{mode}')}", args.answers)
            print(f"  answer -> next card (commit included): {_fmt(timings)}")
        db_module.SYNCHRONOUS = "FULL"
        print("\ncold queue build (synchronous=FULL)")
        path = _work_copy(tmp, "cold")
        opens, builds = bench_cold_in_process(f"sqlite:///{path}", args.runs)
        print(f"  fresh connection, open_store:           {_fmt(opens)}")
        print(f"  fresh connection, session + first card: {_fmt(builds)}")
        homes = bench_home(path, args.runs)
        print(f"  home_overview (Home screen figures):    {_fmt(homes)}")
        imports, opens, builds = bench_cold_processes(path, max(3, args.runs // 2))
        print(f"  fresh process, imports:                 {_fmt(imports)}")
        print(f"  fresh process, open_store:              {_fmt(opens)}")
        print(f"  fresh process, session + first card:    {_fmt(builds)}")


if __name__ == "__main__":
    main()
