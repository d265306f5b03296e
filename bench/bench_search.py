"""Benchmark: Browse's search over 100,000 cards, by text and by state (target: 100 ms median each).

Prints wall-clock medians and, because the machine is shared (2 cores, often loaded), the
process's CPU time too. Builds once (cached in the temp dir) a collection of 100,000 cards (bench_review's synthetic deck),
90,000 of them studied, 2% suspended, 1% flagged, then times `trainer.study.collection.search`
(parse, SQL, the first 500 rows and the total count) for each query below, over fresh
connections. Run: `.venv/bin/python bench/bench_search.py [--rebuild]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_review import CARDS, NOW, STUDIED, TODAY, _deck  # noqa: E402

from trainer.clock import FixedClock  # noqa: E402
from trainer.store import repo  # noqa: E402
from trainer.store.db import SCHEMA_VERSION, open_store  # noqa: E402
from trainer.store.models import CardState  # noqa: E402
from trainer.study.collection import search  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "dermatome-trainer-bench" / f"search-s{SCHEMA_VERSION}-{CARDS}-v2.db"

QUERIES = (
    ("text (rare)", "\"question 4242:\""),
    ("text (common)", "area 12"),
    ("word (rare)", "4242"),
    ("word (common)", "supplies"),
    ("state is:due", "is:due"),
    ("state is:suspended", "is:suspended"),
    ("state is:new", "is:new"),
    ("root + state", "root:L5 is:due"),
    ("tag + flag", "tag:synthetic flag:red"),
    ("sorted by due", "-is:new"),
)


def build(path: Path) -> None:
    """The synthetic collection at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    rng = random.Random(7)
    store = open_store(f"sqlite:///{path}")
    deck = _deck()
    with store.session() as session:
        repo.sync_deck(session=session, deck=deck, now=NOW - timedelta(days=400))
        session.commit()
    states = []
    for n, card in enumerate(deck.cards[:STUDIED]):
        states.append(
            {
                "profile_id": 1,
                "card_id": card.id,
                "repetitions": rng.randint(1, 8),
                "easiness": round(rng.uniform(1.3, 2.9), 2),
                "interval": rng.choice((1, 6, 15, 35, 90, 200)),
                "due_day": TODAY + timedelta(days=rng.randint(-20, 180)),
                "introduced_day": TODAY - timedelta(days=rng.randint(30, 400)),
                "last_day": TODAY - timedelta(days=rng.randint(1, 29)),
                "lapses": rng.randint(0, 3),
                "suspended": n % 50 == 0,
                "flag": "red" if n % 100 == 1 else "",
            }
        )
    with store.session() as session:
        session.execute(update(CardState), states)
        session.commit()
    store.close()


def main() -> None:
    """Build if needed, then print the median, p95 and hits of each query."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.rebuild or not CACHE.exists():
        print(f"building {CACHE} ...", flush=True)
        build(CACHE)
    store = open_store(f"sqlite:///{CACHE}")
    clock = FixedClock(NOW)
    print(f"{CARDS:,} cards; search -> first 500 rows + total; {args.runs} runs each")
    for label, query in QUERIES:
        sort = "due" if label == "sorted by due" else "deck"
        times = []
        cpu = []
        total = 0
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            total = search(store, clock, query, profile_id=1, sort=sort).total
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"  {label:20s} {query:26s} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"cpu {statistics.median(cpu):6.1f} ms  ({total:,} cards)"
        )
    store.close()


if __name__ == "__main__":
    main()
