"""Benchmark: statistics over 1,000,000 review rows (target: `trainer stats --json` <= 300 ms median).

Builds in memory a synthetic history of one profile (1,000,000 reviews over 400 study days,
100,000 card states) and measures, each as the median of several runs:

- pure, rows: `aggregate_reviews` + `aggregate_cards` folding every row in Python, then
  `compute_stats` (the path if the store handed every review row to the study layer);
- pure, totals: `compute_stats` + `stats_json` + `json.dumps` from the totals: the pure part's cost;
- SQL log: GROUP BY queries (LOG_QUERIES) on SQLite tables shaped like `review`, `card` and
  `cardstate` (schema v2 adds `profile`), then `compute_stats`: `trainer stats --json` today
  minus process start-up;
- SQL proposed: the same figures kept per closed study day in two cache tables (ROLLUP_FILL),
  read with ROLLUP_QUERIES plus today's answers from the log, and the card-state side with
  PROPOSED_CARD_INDEXES. Every path is checked to give the same statistics as the pure fold.

Run: `.venv/bin/python bench/bench_stats.py [--rows N] [--runs N]`. The database is a temporary
file (WAL, as the app opens it) with a warm page cache, as on a second `trainer stats`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from trainer.content.roots import LEVELS
from trainer.study.stats import (
    FORECAST_DAYS,
    MATURE_INTERVAL,
    MAX_ANSWER_MS,
    CardStateRow,
    CardTotals,
    ReviewTotals,
    ReviewRow,
    aggregate_cards,
    aggregate_reviews,
    compute_stats,
    stats_json,
)

TODAY = date(2026, 6, 15)
HISTORY_DAYS = 400
CARDS = 100_000
PROFILE = "default"

# The store queries, straight over the review log. Plain SQL (CASE, not SQLite's scalar MIN), so
# PostgreSQL runs them too. Per-day counts cover all history (calendar, streak); the others the
# period from :since (date.min for all history). Each returns one field of `ReviewTotals`.
CAPPED_MS = f"CASE WHEN response_ms > {MAX_ANSWER_MS} THEN {MAX_ANSWER_MS} ELSE COALESCE(response_ms, 0) END"
LOG_QUERIES = {
    "days": f"""SELECT study_day, COUNT(*), SUM({CAPPED_MS}) FROM review
        WHERE profile = :profile AND study_day >= :from_day GROUP BY study_day""",
    "retention": f"""SELECT interval_before >= {MATURE_INTERVAL}, SUM(CASE WHEN quality >= 3 THEN 1 ELSE 0 END), COUNT(*)
        FROM review WHERE profile = :profile AND study_day >= :since AND queue = 'due' AND NOT is_drill
        GROUP BY interval_before >= {MATURE_INTERVAL}""",
    "roots": """SELECT expected_root, SUM(CASE WHEN quality >= 3 THEN 1 ELSE 0 END), COUNT(*) FROM review
        WHERE profile = :profile AND study_day >= :since AND expected_root IS NOT NULL GROUP BY expected_root""",
    "confusions": """SELECT expected_root, given_root, COUNT(*), COUNT(DISTINCT study_day) FROM review
        WHERE profile = :profile AND study_day >= :since
          AND expected_root IS NOT NULL AND given_root IS NOT NULL AND given_root <> expected_root
          AND (verdict IN ('wrong', 'adjacent') OR (verdict IS NULL AND quality < 3))
        GROUP BY expected_root, given_root""",
}

# The proposal: the same figures per closed study day (before today) kept in two cache tables,
# filled from the log once per day (a closed day's answers never change: answers are only added,
# and undo reaches only today), so `trainer stats` reads a few thousand cache rows plus today's
# answers. Computed from the log, so it cannot drift; rebuildable at any time.
ROLLUP_FILL = {
    "review_day": f"""INSERT INTO review_day
        SELECT profile, study_day, expected_root, COUNT(*), SUM({CAPPED_MS}),
               SUM(CASE WHEN quality >= 3 THEN 1 ELSE 0 END),
               SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before >= {MATURE_INTERVAL} THEN 1 ELSE 0 END),
               SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before >= {MATURE_INTERVAL} AND quality >= 3 THEN 1 ELSE 0 END),
               SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before < {MATURE_INTERVAL} THEN 1 ELSE 0 END),
               SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before < {MATURE_INTERVAL} AND quality >= 3 THEN 1 ELSE 0 END)
        FROM review WHERE profile = :profile AND study_day >= :from_day AND study_day < :today
        GROUP BY profile, study_day, expected_root""",
    "review_day_confusion": """INSERT INTO review_day_confusion
        SELECT profile, study_day, expected_root, given_root, COUNT(*) FROM review
        WHERE profile = :profile AND study_day >= :from_day AND study_day < :today
          AND expected_root IS NOT NULL AND given_root IS NOT NULL AND given_root <> expected_root
          AND (verdict IN ('wrong', 'adjacent') OR (verdict IS NULL AND quality < 3))
        GROUP BY profile, study_day, expected_root, given_root""",
}
ROLLUP_QUERIES = {
    "days": "SELECT study_day, SUM(answers), SUM(time_ms) FROM review_day WHERE profile = :profile GROUP BY study_day",
    "retention": """SELECT SUM(mature_p), SUM(mature_n), SUM(young_p), SUM(young_n) FROM review_day
        WHERE profile = :profile AND study_day >= :since""",
    "roots": """SELECT expected_root, SUM(passed), SUM(answers) FROM review_day
        WHERE profile = :profile AND study_day >= :since AND expected_root IS NOT NULL GROUP BY expected_root""",
    "confusions": """SELECT expected_root, given_root, SUM(n), COUNT(DISTINCT study_day) FROM review_day_confusion
        WHERE profile = :profile AND study_day >= :since GROUP BY expected_root, given_root""",
}


def synthetic(rows: int, seed: int = 1) -> tuple[list[ReviewRow], list[CardStateRow]]:
    """A plausible history: most answers from the review queue, 1 in 8 wrong, wrong roots nearby."""
    rng = random.Random(seed)
    levels = list(LEVELS)
    start = TODAY - timedelta(days=HISTORY_DAYS - 1)
    base = datetime(start.year, start.month, start.day, 12, tzinfo=UTC)
    out = []
    for i in range(rows):
        offset = i * HISTORY_DAYS // rows
        day = start + timedelta(days=offset)
        k = rng.randrange(len(levels) + 2)
        expected = levels[k] if k < len(levels) else None
        r = rng.random()
        queue = "due" if r < 0.7 else ("new" if r < 0.85 else "repeat")
        wrong = rng.random() < 0.125
        quality = rng.choice((0, 1, 2)) if wrong else rng.choice((3, 4, 5))
        given = expected
        verdict = "correct" if expected else None
        if wrong and expected:
            j = max(0, min(len(levels) - 1, k + rng.choice((-2, -1, 1, 2))))
            given, verdict = levels[j], ("adjacent" if abs(j - k) == 1 else "wrong")
        interval = rng.choice((0, 1, 3, 6, 12, 20, 25, 40, 90)) if queue == "due" else 0
        out.append(
            ReviewRow(
                card_id=f"c{rng.randrange(CARDS)}",
                reviewed_at=base + timedelta(days=offset),
                study_day=day,
                quality=quality,
                response_ms=int(rng.lognormvariate(8.7, 0.6)),
                queue=queue,
                interval_before=interval,
                interval_after=interval * 2 + 1,
                given_root=given,
                expected_root=expected,
                is_drill=queue == "repeat" and wrong,
                verdict=verdict,
            )
        )
    cards = [
        CardStateRow(
            card_id=f"c{i}",
            due_day=TODAY + timedelta(days=rng.randrange(-5, 90)) if i < CARDS * 9 // 10 else None,
            interval=rng.choice((1, 3, 6, 12, 25, 40, 90)),
            suspended=rng.random() < 0.01,
            root=levels[i % len(levels)],
        )
        for i in range(CARDS)
    ]
    return out, cards


def build_db(rows: list[ReviewRow], cards: list[CardStateRow]) -> tuple[sqlite3.Connection, str]:
    """A SQLite file with `review`, `card` and `cardstate` shaped like the models (plus v2's profile)."""
    path = os.path.join(tempfile.mkdtemp(prefix="bench-stats-"), "stats.db")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        """CREATE TABLE review (
            id INTEGER PRIMARY KEY, profile TEXT NOT NULL, card_id TEXT NOT NULL, reviewed_at TEXT NOT NULL,
            study_day DATE NOT NULL, quality INTEGER NOT NULL, response_ms INTEGER, verdict TEXT,
            given_root TEXT, expected_root TEXT, is_drill BOOLEAN NOT NULL, queue TEXT NOT NULL,
            interval_before INTEGER NOT NULL, interval_after INTEGER NOT NULL)"""
    )
    con.executemany(
        "INSERT INTO review (profile, card_id, reviewed_at, study_day, quality, response_ms, verdict, given_root,"
        " expected_root, is_drill, queue, interval_before, interval_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (r.profile, r.card_id, r.reviewed_at.isoformat(), r.study_day.isoformat(), r.quality, r.response_ms,
             r.verdict, r.given_root, r.expected_root, r.is_drill, r.queue, r.interval_before, r.interval_after)
            for r in rows
        ),
    )  # fmt: skip
    con.execute("CREATE INDEX ix_review_day_queue ON review (study_day, queue)")
    con.execute("CREATE INDEX ix_review_profile_day ON review (profile, study_day)")
    con.execute("CREATE TABLE card (id TEXT PRIMARY KEY, answer_root TEXT, retired_at TEXT)")
    con.execute(
        """CREATE TABLE cardstate (profile TEXT NOT NULL, card_id TEXT NOT NULL, position INTEGER NOT NULL,
            interval INTEGER NOT NULL, due_day DATE, suspended BOOLEAN NOT NULL, PRIMARY KEY (profile, card_id))"""
    )
    con.executemany("INSERT INTO card VALUES (?, ?, NULL)", ((c.card_id, c.root) for c in cards))
    con.executemany(
        "INSERT INTO cardstate VALUES (?, ?, ?, ?, ?, ?)",
        ((c.profile, c.card_id, i, c.interval, c.due_day.isoformat() if c.due_day else None, c.suspended) for i, c in enumerate(cards)),
    )
    con.execute("CREATE INDEX ix_cardstate_due ON cardstate (due_day, position)")
    con.commit()
    con.execute("ANALYZE")
    return con, path


# The card-state side: cards due per day up to the forecast's end (overdue ones fold into today),
# and per root the cards, the seen and the mature ones.
DUE_QUERY = """
SELECT due_day, COUNT(*) FROM cardstate
WHERE profile = :profile AND due_day IS NOT NULL AND due_day < :horizon AND NOT suspended
GROUP BY due_day
"""
ROOT_CARDS_QUERY = f"""
SELECT card.answer_root, COUNT(*),
       SUM(CASE WHEN cardstate.due_day IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN cardstate.interval >= {MATURE_INTERVAL} THEN 1 ELSE 0 END)
FROM cardstate JOIN card ON card.id = cardstate.card_id
WHERE cardstate.profile = :profile AND card.retired_at IS NULL AND card.answer_root IS NOT NULL
GROUP BY card.answer_root
"""


# Proposed for the card side: a covering index for the forecast, and the card's answer_root copied
# into cardstate (as `position` already is) with a covering index, so the per-root counts need no
# join and no sort. (Retired cards must then leave these counts, e.g. by clearing the copy.)
PROPOSED_CARD_INDEXES = (
    "CREATE INDEX ix_cardstate_profile_due ON cardstate (profile, suspended, due_day)",
    "ALTER TABLE cardstate ADD COLUMN answer_root TEXT",
    "UPDATE cardstate SET answer_root = (SELECT answer_root FROM card WHERE card.id = cardstate.card_id)",
    "CREATE INDEX ix_cardstate_profile_root ON cardstate (profile, answer_root, due_day, interval)",
)
DUE_QUERY_PROPOSED = """
SELECT due_day, COUNT(*) FROM cardstate
WHERE profile = :profile AND suspended = 0 AND due_day IS NOT NULL AND due_day < :horizon
GROUP BY due_day
"""
ROOT_CARDS_QUERY_PROPOSED = f"""
SELECT answer_root, COUNT(*),
       SUM(CASE WHEN due_day IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN interval >= {MATURE_INTERVAL} THEN 1 ELSE 0 END)
FROM cardstate WHERE profile = :profile AND answer_root IS NOT NULL
GROUP BY answer_root
"""


def cards_from_sql(con: sqlite3.Connection, *, proposed: bool = False) -> CardTotals:
    """The card-state queries' rows -> `CardTotals`."""
    totals = CardTotals()
    horizon = (TODAY + timedelta(days=FORECAST_DAYS)).isoformat()
    due_query, root_query = (DUE_QUERY_PROPOSED, ROOT_CARDS_QUERY_PROPOSED) if proposed else (DUE_QUERY, ROOT_CARDS_QUERY)
    for day_s, n in con.execute(due_query, {"profile": PROFILE, "horizon": horizon}):
        totals.due[date.fromisoformat(day_s)] = n
    for root, n, seen, mature in con.execute(root_query, {"profile": PROFILE}):
        totals.roots[root] = [n, seen, mature]
    return totals


def _add(cell_map: dict, key: object, passed: int, total: int) -> None:
    cell = cell_map.setdefault(key, [0, 0])
    cell[0] += passed
    cell[1] += total


def _read_log(con: sqlite3.Connection, totals: ReviewTotals, since: date, from_day: date) -> None:
    """Add the log queries' rows (answers per day from `from_day`, the rest from `since`) to `totals`."""
    params = {"profile": PROFILE, "since": since.isoformat(), "from_day": from_day.isoformat()}
    for day_s, n, ms in con.execute(LOG_QUERIES["days"], params):
        day = date.fromisoformat(day_s)
        totals.answers[day] += n
        totals.time_ms[day] += ms
    for mature, passed, total in con.execute(LOG_QUERIES["retention"], params):
        _add(totals.retention, bool(mature), passed, total)
    for root, passed, total in con.execute(LOG_QUERIES["roots"], params):
        _add(totals.roots, root, passed, total)
    for expected, given, n, days in con.execute(LOG_QUERIES["confusions"], params):
        _add(totals.confusions, (expected, given), n, days)


def totals_from_log(con: sqlite3.Connection, since: date) -> ReviewTotals:
    """`ReviewTotals` straight from the review log."""
    totals = ReviewTotals(since=since)
    _read_log(con, totals, since, date.min)
    return totals


def build_rollup(con: sqlite3.Connection) -> None:
    """The cache tables, filled for every closed day (the app would add yesterday's on the first stats of a day)."""
    con.execute(
        """CREATE TABLE review_day (profile TEXT, study_day DATE, expected_root TEXT, answers INTEGER, time_ms INTEGER,
            passed INTEGER, mature_n INTEGER, mature_p INTEGER, young_n INTEGER, young_p INTEGER)"""
    )
    con.execute("CREATE TABLE review_day_confusion (profile TEXT, study_day DATE, expected_root TEXT, given_root TEXT, n INTEGER)")
    params = {"profile": PROFILE, "from_day": date.min.isoformat(), "today": TODAY.isoformat()}
    for statement in ROLLUP_FILL.values():
        con.execute(statement, params)
    # Covering indexes: every read is answered from the index alone (34 ms instead of 55 ms for the
    # cache of 400 days, measured at 300,000 rows); the confusion index is in GROUP BY order.
    con.execute(
        "CREATE INDEX ix_review_day ON review_day (profile, study_day, expected_root, answers, time_ms, passed,"
        " mature_n, mature_p, young_n, young_p)"
    )
    con.execute(
        "CREATE INDEX ix_review_day_confusion ON review_day_confusion (profile, expected_root, given_root, study_day, n)"
    )
    con.commit()


def totals_from_rollup(con: sqlite3.Connection, since: date) -> ReviewTotals:
    """`ReviewTotals` from the cache tables for closed days, plus today's answers from the log."""
    totals = ReviewTotals(since=since)
    params = {"profile": PROFILE, "since": since.isoformat()}
    for day_s, n, ms in con.execute(ROLLUP_QUERIES["days"], params):
        day = date.fromisoformat(day_s)
        totals.answers[day] += n
        totals.time_ms[day] += ms
    for mature_p, mature_n, young_p, young_n in con.execute(ROLLUP_QUERIES["retention"], params):
        if mature_n:
            _add(totals.retention, True, mature_p, mature_n)
        if young_n:
            _add(totals.retention, False, young_p, young_n)
    for root, passed, total in con.execute(ROLLUP_QUERIES["roots"], params):
        _add(totals.roots, root, passed, total)
    for expected, given, n, days in con.execute(ROLLUP_QUERIES["confusions"], params):
        _add(totals.confusions, (expected, given), n, days)
    _read_log(con, totals, max(since, TODAY), TODAY)
    return totals


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and minimum wall time of `fn` in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    """Build, measure, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    rows, card_rows = synthetic(args.rows)
    print(f"built {len(rows):,} review rows and {len(card_rows):,} card states in {time.perf_counter() - t0:.1f} s")

    everything = aggregate_reviews(rows)
    cards = aggregate_cards(card_rows)
    print(f"totals: {len(everything.answers)} days, {len(everything.confusions)} confusion pairs")

    def to_json(t: ReviewTotals, c: CardTotals) -> str:
        return json.dumps(stats_json(compute_stats(t, c, today=TODAY)))

    results: dict[str, tuple[float, float]] = {}
    results[f"pure: fold {len(rows):,} rows + {len(card_rows):,} states, compute, json"] = median_ms(
        lambda: to_json(aggregate_reviews(rows), aggregate_cards(card_rows)), max(1, args.runs // 2)
    )
    results["pure: compute + json from totals (the pure part)"] = median_ms(lambda: to_json(everything, cards), args.runs * 4)

    t0 = time.perf_counter()
    con, path = build_db(rows, card_rows)
    print(f"built the SQLite file in {time.perf_counter() - t0:.1f} s ({os.path.getsize(path) / 1e6:.0f} MB)")
    results["SQL log: card-state queries -> CardTotals"] = median_ms(lambda: cards_from_sql(con), args.runs)
    results["SQL log: review queries, all history -> ReviewTotals"] = median_ms(
        lambda: totals_from_log(con, date.min), args.runs
    )
    results["SQL log: all of it, compute, json"] = median_ms(
        lambda: to_json(totals_from_log(con, date.min), cards_from_sql(con)), args.runs
    )
    reference = compute_stats(everything, cards, today=TODAY)
    same_log = compute_stats(totals_from_log(con, date.min), cards_from_sql(con), today=TODAY) == reference

    t0 = time.perf_counter()
    build_rollup(con)
    for statement in PROPOSED_CARD_INDEXES:
        con.execute(statement)
    con.commit()
    con.execute("ANALYZE")
    print(f"built the closed-day cache and the proposed card indexes in {time.perf_counter() - t0:.1f} s")
    results["SQL proposed: card-state queries -> CardTotals"] = median_ms(
        lambda: cards_from_sql(con, proposed=True), args.runs * 2
    )
    results["SQL proposed: closed-day cache + today's rows -> ReviewTotals"] = median_ms(
        lambda: totals_from_rollup(con, date.min), args.runs * 2
    )
    results["SQL proposed: all of it, compute, json (trainer stats --json)"] = median_ms(
        lambda: to_json(totals_from_rollup(con, date.min), cards_from_sql(con, proposed=True)), args.runs * 2
    )
    same_rollup = compute_stats(totals_from_rollup(con, date.min), cards_from_sql(con, proposed=True), today=TODAY) == reference
    con.close()
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)  # 150 MB at 1,000,000 rows

    print(f"\n{'measurement':<66} {'median ms':>10} {'min ms':>8}")
    for label, (med, low) in results.items():
        print(f"{label:<66} {med:>10.1f} {low:>8.1f}")
    print(f"\nThe log queries give the same statistics as the pure fold: {same_log}; the cache too: {same_rollup}")


if __name__ == "__main__":
    main()
