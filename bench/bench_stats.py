"""Benchmark: statistics over 1,000,000 review rows (target: `trainer stats --json` <= 300 ms median).

Builds in memory a synthetic history of one profile (1,000,000 reviews over 400 study days,
100,000 card states) and measures, each as the median of several runs:

- pure, rows: `aggregate_reviews` folding 1,000,000 `ReviewRow`s in Python, then `compute_stats`
  (the path if the store handed every review row to the study layer);
- pure, totals: `compute_stats` + `stats_json` + `json.dumps` from per-day totals (the path if SQL
  pre-aggregates by day): the pure part's own cost;
- SQL: the proposed GROUP BY queries (below) on SQLite tables shaped like `review`, `card` and
  `cardstate` (schema v2 adds `profile`), over all history and over the last 112 days, then
  `compute_stats` on their rows: the whole `trainer stats --json` minus process start-up;
- SQL with a rollup: the same GROUP BY results kept for closed study days in two cache tables,
  with only today's answers read from the log (the proposal; see the note in `build_rollup`).

Run: `.venv/bin/python bench/bench_stats.py [--rows N] [--runs N]`. The database is a temporary
file (WAL, as the app opens it) with a warm page cache, as on a second `trainer stats`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from trainer.content.roots import LEVELS
from trainer.study.stats import (
    FORECAST_DAYS,
    HEATMAP_DAYS,
    MATURE_INTERVAL,
    MAX_ANSWER_MS,
    CardStateRow,
    CardTotals,
    ReviewDays,
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

# The proposed store queries. One scan groups by (day, expected root) with conditional sums, so the
# per-day answers, time, retention cells and per-root cells all come from it; confusions are a
# second, filtered scan. Both are plain SQL (CASE, not SQLite's scalar MIN), so PostgreSQL runs them
# too. `since` is date.min for all history, or the first day of the period.
DAY_ROOT_QUERY = f"""
SELECT study_day, expected_root,
       COUNT(*),
       SUM(CASE WHEN response_ms > {MAX_ANSWER_MS} THEN {MAX_ANSWER_MS} ELSE COALESCE(response_ms, 0) END),
       SUM(CASE WHEN quality >= 3 THEN 1 ELSE 0 END),
       SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before >= {MATURE_INTERVAL} THEN 1 ELSE 0 END),
       SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before >= {MATURE_INTERVAL} AND quality >= 3 THEN 1 ELSE 0 END),
       SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before < {MATURE_INTERVAL} THEN 1 ELSE 0 END),
       SUM(CASE WHEN queue = 'due' AND NOT is_drill AND interval_before < {MATURE_INTERVAL} AND quality >= 3 THEN 1 ELSE 0 END)
FROM review
WHERE profile = :profile AND study_day >= :since
GROUP BY study_day, expected_root
"""
CONFUSION_QUERY = """
SELECT study_day, expected_root, given_root, COUNT(*)
FROM review
WHERE profile = :profile AND study_day >= :since
  AND expected_root IS NOT NULL AND given_root IS NOT NULL AND given_root <> expected_root
  AND (verdict IN ('wrong', 'adjacent') OR (verdict IS NULL AND quality < 3))
GROUP BY study_day, expected_root, given_root
"""
# Days with any answer before the period, for the streak (only needed when a period is set; the
# streak walks back from today and stops at the first day without answers).
DAYS_QUERY = "SELECT DISTINCT study_day FROM review WHERE profile = :profile AND study_day < :since AND study_day >= :floor"


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


def add_day_root_rows(days: ReviewDays, result: Iterable[tuple]) -> None:
    """Rows of DAY_ROOT_QUERY (or of the proposed rollup table, same columns) into `days`."""
    for day_s, root, n, ms, passed, mature_n, mature_p, young_n, young_p in result:
        day = date.fromisoformat(day_s)
        days.answers[day] += n
        days.time_ms[day] += ms
        if root is not None:
            days.roots[(day, root)] = [passed, n]
        for mature, total, ok in ((True, mature_n, mature_p), (False, young_n, young_p)):
            if total:
                cell = days.retention.setdefault((day, mature), [0, 0])
                cell[0] += ok
                cell[1] += total


def days_from_sql(con: sqlite3.Connection, since: date) -> ReviewDays:
    """The proposed queries' rows -> `ReviewDays` (what a store reader would return)."""
    days = ReviewDays()
    params = {"profile": PROFILE, "since": since.isoformat()}
    add_day_root_rows(days, con.execute(DAY_ROOT_QUERY, params))
    for day_s, expected, given, n in con.execute(CONFUSION_QUERY, params):
        days.confusions[(date.fromisoformat(day_s), expected, given)] = n
    if since > date.min:
        floor = (since - timedelta(days=400)).isoformat()
        for (day_s,) in con.execute(DAYS_QUERY, {**params, "floor": floor}):
            # Presence is all the streak needs; these days are outside the period, so not counted.
            days.answers[date.fromisoformat(day_s)] += 1
    return days


def build_rollup(con: sqlite3.Connection) -> None:
    """The proposed cache: the two GROUP BY results for closed study days (before today), kept in tables.

    A closed day's answers never change (answers are only added, and undo only reaches today), so
    these rows are computed from the log once per day and never drift; today is read from the log.
    """
    params = {"profile": PROFILE, "since": date.min.isoformat()}
    con.execute(
        """CREATE TABLE review_day_root (profile TEXT, study_day DATE, expected_root TEXT, answers INTEGER,
            time_ms INTEGER, passed INTEGER, mature_n INTEGER, mature_p INTEGER, young_n INTEGER, young_p INTEGER)"""
    )
    con.execute("CREATE TABLE review_day_confusion (profile TEXT, study_day DATE, expected_root TEXT, given_root TEXT, n INTEGER)")
    con.executemany(
        "INSERT INTO review_day_root VALUES (?,?,?,?,?,?,?,?,?,?)",
        ((PROFILE, *r) for r in con.execute(DAY_ROOT_QUERY, params) if r[0] < TODAY.isoformat()),
    )
    con.executemany(
        "INSERT INTO review_day_confusion VALUES (?,?,?,?,?)",
        ((PROFILE, *r) for r in con.execute(CONFUSION_QUERY, params) if r[0] < TODAY.isoformat()),
    )
    con.execute("CREATE INDEX ix_rollup_root ON review_day_root (profile, study_day)")
    con.execute("CREATE INDEX ix_rollup_conf ON review_day_confusion (profile, study_day)")
    con.commit()


def days_from_rollup(con: sqlite3.Connection) -> ReviewDays:
    """Closed days from the rollup tables, today from the log."""
    days = ReviewDays()
    add_day_root_rows(
        days,
        con.execute(
            "SELECT study_day, expected_root, answers, time_ms, passed, mature_n, mature_p, young_n, young_p"
            " FROM review_day_root WHERE profile = :profile",
            {"profile": PROFILE},
        ),
    )
    for day_s, expected, given, n in con.execute(
        "SELECT study_day, expected_root, given_root, n FROM review_day_confusion WHERE profile = :profile", {"profile": PROFILE}
    ):
        days.confusions[(date.fromisoformat(day_s), expected, given)] = n
    today = {"profile": PROFILE, "since": TODAY.isoformat()}
    add_day_root_rows(days, con.execute(DAY_ROOT_QUERY, today))
    for day_s, expected, given, n in con.execute(CONFUSION_QUERY, today):
        days.confusions[(date.fromisoformat(day_s), expected, given)] = n
    return days


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

    days = aggregate_reviews(rows)
    cards = aggregate_cards(card_rows)
    print(f"per-day totals: {len(days.roots):,} (day, root) cells, {len(days.confusions):,} confusion cells")

    def to_json(d: ReviewDays, c: CardTotals, period: int | None = None) -> str:
        return json.dumps(stats_json(compute_stats(d, c, today=TODAY, period_days=period)))

    results: dict[str, tuple[float, float]] = {}
    results[f"pure: fold {len(rows):,} rows + {len(card_rows):,} states, compute, json"] = median_ms(
        lambda: to_json(aggregate_reviews(rows), aggregate_cards(card_rows)), max(1, args.runs // 2)
    )
    results["pure: compute + json from totals (the pure part)"] = median_ms(lambda: to_json(days, cards), args.runs * 4)

    t0 = time.perf_counter()
    con, path = build_db(rows, card_rows)
    print(f"built the SQLite file in {time.perf_counter() - t0:.1f} s ({os.path.getsize(path) / 1e6:.0f} MB)")
    results["SQL: card-state queries -> CardTotals"] = median_ms(lambda: cards_from_sql(con), args.runs)
    recent = TODAY - timedelta(days=HEATMAP_DAYS - 1)
    for label, since, period in (("all history", date.min, None), (f"last {HEATMAP_DAYS} days", recent, HEATMAP_DAYS)):
        results[f"SQL: review GROUP BY, {label} -> ReviewDays"] = median_ms(lambda s=since: days_from_sql(con, s), args.runs)
        results[f"SQL: review GROUP BY, {label}, cards, compute, json"] = median_ms(
            lambda s=since, p=period: to_json(days_from_sql(con, s), cards_from_sql(con), p), args.runs
        )
    reference = compute_stats(days, cards, today=TODAY)
    same_sql = compute_stats(days_from_sql(con, date.min), cards_from_sql(con), today=TODAY) == reference
    t0 = time.perf_counter()
    build_rollup(con)
    for statement in PROPOSED_CARD_INDEXES:
        con.execute(statement)
    con.commit()
    con.execute("ANALYZE")
    print(f"built the closed-day rollup and the proposed card indexes in {time.perf_counter() - t0:.1f} s")
    results["SQL: card-state queries, proposed indexes -> CardTotals"] = median_ms(
        lambda: cards_from_sql(con, proposed=True), args.runs * 2
    )
    results["SQL: rollup of closed days + today's rows -> ReviewDays"] = median_ms(lambda: days_from_rollup(con), args.runs * 2)
    results["SQL: rollup + today, proposed cards, compute, json"] = median_ms(
        lambda: to_json(days_from_rollup(con), cards_from_sql(con, proposed=True)), args.runs * 2
    )
    same_rollup = compute_stats(days_from_rollup(con), cards_from_sql(con, proposed=True), today=TODAY) == reference
    con.close()

    print(f"\n{'measurement':<62} {'median ms':>10} {'min ms':>8}")
    for label, (med, low) in results.items():
        print(f"{label:<62} {med:>10.1f} {low:>8.1f}")
    print(f"\nSQL totals give the same statistics as the pure fold: {same_sql}; the rollup too: {same_rollup}")


if __name__ == "__main__":
    main()
