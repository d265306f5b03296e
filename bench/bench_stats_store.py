"""Benchmark: `trainer stats --json` on the app's own schema with 1,000,000 review rows (target <= 300 ms median).

Builds a database with the app's tables (the current schema): one profile, 10,000 cards of one deck and
their states, and 1,000,000 reviews over 400 study days (bench_stats.synthetic's history). Then
measures, as medians:

- first call of the day: `load_stats` when the closed-day cache must be filled from the log;
- `load_stats` + `stats_json` + `json.dumps` on a warm cache (what every later call costs);
- the whole command, `trainer stats --json` in a fresh process (start-up included). Its first run
  folds the closed days up to the real today through the full store; the later ones (the median)
  take the read-only stdlib path, which imports no SQLAlchemy.

Run: `.venv/bin/python bench/bench_stats_store.py [--rows N] [--runs N] [--keep FILE]` (`--keep`
builds the database once at FILE and reuses it, for profiling; delete it after a schema change).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from bench_stats import TODAY, synthetic

from trainer.clock import FixedClock
from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef
from trainer.store import repo
from trainer.store.db import open_store
from trainer.study.stats import stats_json
from trainer.study.stats_store import load_stats

CARDS = 10_000


def build(path: str, rows: int) -> None:
    """The database: a deck of CARDS typed cards, their states, and `rows` reviews."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from conftest import make_card  # noqa: PLC0415

    store = open_store(f"sqlite:///{path}")
    reviews, states = synthetic(rows)
    cards = tuple(make_card("bench", f"f{i}", root=states[i].root) for i in range(CARDS))
    deck = CompiledDeck(DeckInfo(id="bench", title="Bench", version="1", sources=(SourceRef("SRC", "x"),)), cards)
    with store.session() as session:
        repo.sync_deck(session=session, deck=deck, now=datetime(2025, 1, 1, tzinfo=UTC))
        session.commit()
    store.close()
    con = sqlite3.connect(path)
    con.executemany(
        "UPDATE cardstate SET due_day = ?, interval = ?, suspended = ? WHERE profile_id = 1 AND card_id = ?",
        ((s.due_day.isoformat() if s.due_day else None, s.interval, s.suspended, cards[i].id) for i, s in enumerate(states[:CARDS])),
    )
    con.executemany(
        "INSERT INTO review (profile_id, card_id, reviewed_at, study_day, quality, response_ms, verdict, given_root,"
        " expected_root, is_drill, queue, repetitions_before, easiness_before, interval_before, drill_before,"
        " repetitions_after, easiness_after, interval_after, drill_after, due_day_after)"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 2.5, ?, 0, 1, 2.5, ?, 0, ?)",
        ((cards[int(r.card_id[1:]) % CARDS].id, r.reviewed_at.replace(tzinfo=None).isoformat(sep=" "), r.study_day.isoformat(),
          r.quality, r.response_ms, r.verdict, r.given_root, r.expected_root, r.is_drill, r.queue, r.interval_before,
          r.interval_after, r.study_day.isoformat()) for r in reviews),
    )  # fmt: skip
    con.commit()
    con.execute("ANALYZE")
    con.close()


def median_ms(fn, runs: int) -> float:  # noqa: ANN001
    """Median wall time of `fn` in ms."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(path: str, rows: int, runs: int) -> tuple[float, float, float]:
    """(first call of the day, warm in-process, fresh `trainer stats --json` process), ms; builds `path` if absent."""
    if not os.path.exists(path):
        t0 = time.perf_counter()
        build(path, rows)
        print(f"built {rows:,} reviews and {CARDS:,} cards in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    clock = FixedClock(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC))
    store = open_store(f"sqlite:///{path}")
    try:
        t0 = time.perf_counter()
        load_stats(store, clock, profile_id=1)
        fill = (time.perf_counter() - t0) * 1000
        warm = median_ms(lambda: json.dumps(stats_json(load_stats(store, clock, profile_id=1))), runs)
    finally:
        store.close()
    env = {**os.environ, "TZ": "UTC"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a student's Python caches bytecode (see bench_launch.py)
    command = [sys.executable, "-m", "trainer", "--db", path, "stats", "--json"]
    whole = median_ms(lambda: subprocess.run(command, check=True, capture_output=True, env=env), runs)
    return fill, warm, whole


def main() -> None:
    """Build, measure, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", metavar="FILE", default=None,
                        help="Build the database at FILE once and keep it (later runs reuse it; for profiling).")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-stats-store-")
    path = args.keep or os.path.join(folder, "trainer.db")
    try:
        fill, warm, whole = measure(path, args.rows, args.runs)
        print(f"first call of the day (fills the closed-day cache): {fill:8.1f} ms")
        print(f"load_stats + stats_json + dumps, warm cache (median): {warm:8.1f} ms")
        print(f"trainer stats --json, fresh process (median):          {whole:8.1f} ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

if __name__ == "__main__":
    main()
