"""The statistics cache is kept right by the review log's writers, not by a check on every read.

Every change a student can make to the review log (an answer, an undo after the rollover hour, a
purged deck, a restore, an upgrade from schema 5) is followed by `load_stats`, whose figures must
equal a recompute: the pure fold (`trainer.study.stats.summarize`) of every row in the log. The
clock crosses midnight and the day-rollover hour (04:00) on the way, because that is when a
closed day can still change: an answer given at 03:59 is undone at 04:01.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests.conftest import import_deck, make_deck
from trainer.clock import FixedClock
from trainer.scheduling.sm2 import PASSING_QUALITY
from trainer.store import repo
from trainer.store.db import open_store
from trainer.study.stats import CardStateRow, ReviewRow, stats_json, summarize
from trainer.study.stats_store import load_stats

LONDON = ZoneInfo("Europe/London")
TRAINER = Path(__file__).resolve().parents[2] / "trainer"


def _recomputed(store, profile_id: int, today: date, period_days: int | None = None) -> dict:
    """The statistics folded in Python from every review row and card state: no cache involved."""
    with store.engine.connect() as connection:
        reviews = connection.execute(
            text("SELECT card_id, reviewed_at, study_day, quality, response_ms, queue, interval_before, interval_after, "
                 "given_root, expected_root, is_drill, verdict FROM review WHERE profile_id = :p"),
            {"p": profile_id},
        ).all()  # fmt: skip
        cards = connection.execute(
            text("SELECT cardstate.card_id, cardstate.due_day, cardstate.interval, cardstate.suspended, card.answer_root "
                 "FROM cardstate JOIN card ON card.id = cardstate.card_id "
                 "WHERE cardstate.profile_id = :p AND card.retired_at IS NULL"),
            {"p": profile_id},
        ).all()  # fmt: skip

    def day(value) -> date | None:
        return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))

    rows = [
        ReviewRow(card_id=r[0], reviewed_at=r[1] if isinstance(r[1], datetime) else datetime.fromisoformat(str(r[1])),
                  study_day=day(r[2]), quality=r[3], response_ms=r[4], queue=r[5], interval_before=r[6],
                  interval_after=r[7], given_root=r[8], expected_root=r[9], is_drill=bool(r[10]), verdict=r[11])
        for r in reviews
    ]  # fmt: skip
    states = [CardStateRow(c[0], day(c[1]), c[2], bool(c[3]), c[4]) for c in cards]
    return stats_json(summarize(rows, states, [], today=today, period_days=period_days, places={}))


def _check(store, clock: FixedClock, profile_id: int = 1):
    """load_stats (through the cache) equals the recompute; returns the figures."""
    stats = load_stats(store, clock, profile_id=profile_id)
    assert stats_json(stats) == _recomputed(store, profile_id, stats.today)
    two_days = load_stats(store, clock, profile_id=profile_id, days=2)
    assert stats_json(two_days) == _recomputed(store, profile_id, stats.today, period_days=2)
    return stats


def _until(store, profile_id: int = 1) -> date | None:
    with store.engine.connect() as connection:
        value = connection.execute(text("SELECT until_day FROM statscache WHERE profile_id = :p"), {"p": profile_id}).scalar()
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))


def _answer(session, count: int, *, wrong_root: str | None = None) -> None:
    """Answer the next `count` cards: wrong (naming `wrong_root`, grade 1) or right (grade 4)."""
    for _ in range(count):
        card = session.current.card
        if wrong_root is not None and wrong_root != card.answer_root:
            session.answer(card.id, 1, 6000, response=wrong_root, verdict="wrong", given_root=wrong_root)
        else:
            session.answer(card.id, 4, 3000, response=card.answer_root, verdict="correct", given_root=card.answer_root)


def _at(*when: int) -> datetime:
    return datetime(*when, tzinfo=LONDON)


def test_the_cache_equals_a_recompute_after_every_kind_of_change(store) -> None:
    """Answers, an undo of a closed day's answer, a purge, a reset and a clock set back: never a drift."""
    from trainer.study.collection import apply_action
    from trainer.study.deck_admin import remove_deck
    from trainer.study.session import open_session

    import_deck(store, make_deck(12, deck_id="lumbar"))
    import_deck(store, make_deck(4, deck_id="cervical", roots=("C6", "C7")))
    with store.session() as session:
        ben = repo.add_profile(session=session, name="ben", pseudonym="s-ben", now=datetime(2026, 1, 1, tzinfo=UTC))
        session.commit()
    clock = FixedClock(_at(2026, 1, 10, 12, 0), tz=LONDON)
    ana_session = open_session(store, clock, profile_id=1)
    _answer(ana_session, 3)
    _answer(ana_session, 3, wrong_root="S1")
    _answer(open_session(store, clock, profile_id=ben), 2, wrong_root="L5")
    first = _check(store, clock)
    assert first.reviews_total == 6 and _until(store) == date(2026, 1, 10)  # nothing closed yet
    _check(store, clock, ben)

    clock.set(_at(2026, 1, 11, 0, 30))  # past midnight, before 04:00: still the study day of 10 January
    _answer(ana_session, 2, wrong_root="S1")
    clock.set(_at(2026, 1, 11, 3, 59))
    _answer(ana_session, 1, wrong_root="S1")
    assert _check(store, clock).today == date(2026, 1, 10)

    clock.set(_at(2026, 1, 11, 4, 1))  # the rollover: 10 January is closed, and the cache folds it in
    closed = _check(store, clock)
    assert closed.today == date(2026, 1, 11) and _until(store) == date(2026, 1, 11)
    assert closed.reviews_by_day[-2].count == 9
    # The 03:59 answer is taken back two minutes after its day closed: the cache must let it go.
    assert ana_session.undo() is not None
    assert _until(store) == date(2026, 1, 10)
    undone = _check(store, clock)
    assert undone.reviews_by_day[-2].count == 8 and _until(store) == date(2026, 1, 11)
    _check(store, clock, ben)  # ben's cache is his own: untouched

    _answer(ana_session, 2)
    clock.set(_at(2026, 1, 12, 9, 0))
    _answer(ana_session, 2, wrong_root="C6")
    assert _check(store, clock).reviews_total == 12

    # Purging a deck deletes its reviews on every day and for every profile.
    remove_deck(store, "cervical", now=clock.now(), purge=True)
    purged = _check(store, clock)
    assert purged.reviews_total < 12
    _check(store, clock, ben)

    # A reset keeps the history: the log's figures stay, the card's state changes.
    apply_action(store, clock, make_deck(12, deck_id="lumbar").cards[0].id, "reset", profile_id=1)
    assert _check(store, clock).reviews_total == purged.reviews_total

    # The clock set back a day (a wrong system clock, a trip west): the cache now holds "today".
    clock.set(_at(2026, 1, 11, 12, 0))
    back = open_session(store, clock, profile_id=1)
    _answer(back, 1, wrong_root="S1")
    _check(store, clock)


def test_an_answer_on_a_day_the_cache_holds_moves_it_back(store) -> None:
    """A review row written for a closed day (another window's day) is in the very next figures."""
    from trainer.scheduling.policy import CardProgress, Grade, apply_answer

    import_deck(store, make_deck(3))
    clock = FixedClock(_at(2026, 1, 12, 12, 0), tz=LONDON)
    _check(store, clock)
    assert _until(store) == date(2026, 1, 12)
    card = make_deck(3).cards[0]
    effect = apply_answer(CardProgress(), Grade(2), today=date(2026, 1, 11), at=_at(2026, 1, 11, 20, 0), leech_threshold=8)
    with store.engine.begin() as connection:
        repo.add_review(
            connection, profile_id=1, card_id=card.id, log=effect.log, reviewed_at=_at(2026, 1, 11, 20, 0),
            study_day=date(2026, 1, 11), response_ms=5000, response="L5", verdict="wrong", given_root="L5",
            expected_root=card.answer_root,
        )  # fmt: skip
    assert _until(store) == date(2026, 1, 11)
    stats = _check(store, clock)
    assert stats.reviews_by_day[-2].count == 1 and effect.log.quality < PASSING_QUALITY


def test_a_restored_backup_and_an_upgraded_schema_5_file_give_the_recomputed_figures(tmp_path: Path) -> None:
    """A backup carries its own cache, true to its own log; a schema-5 cache is never trusted, only
    refolded; the upgrade also adds Browse's search indexes."""
    from trainer.store.backup import make_backup, restore_backup
    from trainer.study.session import open_session

    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(8))
    clock = FixedClock(_at(2026, 1, 10, 12, 0), tz=LONDON)
    session = open_session(store, clock)
    _answer(session, 4, wrong_root="S1")
    clock.set(_at(2026, 1, 11, 12, 0))
    older = _check(store, clock)
    backup = make_backup(path, now=clock.now())
    _answer(session, 3)
    clock.set(_at(2026, 1, 12, 12, 0))
    assert _check(store, clock).reviews_total == 7
    store.close()

    restore_backup(path, backup, now=clock.now())
    store = open_store(f"sqlite:///{path}")
    try:
        assert _check(store, clock).reviews_total == older.reviews_total == 4
    finally:
        store.close()

    # The same file as schema 5 left it: a cache that no longer adds up (a raw delete went unseen).
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE statscache")
        connection.execute("DROP INDEX ix_cardstate_marked")  # schema 7's search indexes, added by the next step
        connection.execute("DROP INDEX ix_card_root")
        connection.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        connection.execute("DELETE FROM review WHERE id = (SELECT min(id) FROM review)")
    connection.close()
    store = open_store(f"sqlite:///{path}", now=lambda: clock.now())
    try:
        assert _until(store) is None
        assert _check(store, clock).reviews_total == 3
        with store.engine.connect() as connection:
            indexes = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
        assert {"ix_cardstate_marked", "ix_card_root"} <= indexes
    finally:
        store.close()


_WRITES_REVIEW = re.compile(
    r"(insert|delete|update)\(\s*Review\b|\b(INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+review\b|\bReview\(", re.IGNORECASE
)
"""A statement that writes the review table, in SQLAlchemy or in SQL text (`Review(` builds a row)."""


def _review_writers() -> dict[str, bool]:
    """Every function in trainer/ that writes the review table -> whether it calls `forget_from`."""
    found: dict[str, bool] = {}
    for path in sorted(TRAINER.rglob("*.py")):
        source = path.read_text()
        if not _WRITES_REVIEW.search(source):
            continue
        lines = source.splitlines()
        tree = ast.parse(source)

        def text_of(node: ast.AST) -> str:
            return "\n".join(lines[node.lineno - 1 : node.end_lineno])

        # Statements built once at module level (`_INSERT_REVIEW = insert(Review)`) count where used.
        writing_names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign) and _WRITES_REVIEW.search(text_of(node.value))
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            statements = node.body[1:] if ast.get_docstring(node) is not None else node.body
            inner = "\n".join(text_of(n) for n in statements)
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if _WRITES_REVIEW.search(inner) or names & writing_names:
                found[f"{path.relative_to(TRAINER.parent)}:{node.name}"] = "forget_from(" in inner
    return found


def test_every_writer_of_the_review_table_tells_the_statistics_cache() -> None:
    """A new writer that forgot `forget_from` would let the cache drift: this test names it."""
    writers = _review_writers()
    assert set(writers) >= {
        "trainer/store/repo.py:add_review",
        "trainer/store/repo.py:delete_review",
        "trainer/store/decks_repo.py:purge_deck",
    }
    assert [name for name, tells in writers.items() if not tells] == []


def test_trainer_stats_json_after_the_rollover_hour_with_the_system_clock(tmp_path: Path) -> None:
    """The real command under freezegun: an answer at 03:59, the figures at 04:01, its undo, the figures again."""
    import json

    from click.testing import CliRunner
    from freezegun import freeze_time

    from trainer.cli import main
    from trainer.clock import SystemClock
    from trainer.study.session import open_session

    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(6))
    with store.session() as session:
        repo.put_setting(session=session, profile_id=1, name="timezone", value="Europe/London")
        session.commit()

    def figures() -> dict:
        result = CliRunner().invoke(main, ["--db", str(path), "stats", "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    try:
        with freeze_time("2026-01-10 23:50:00"):  # UTC = London time in January
            session = open_session(store, SystemClock("Europe/London"))
            _answer(session, 2, wrong_root="S1")
        with freeze_time("2026-01-11 03:59:00"):
            _answer(session, 1, wrong_root="S1")
            assert figures()["reviews_by_day"][-1] == {"day": "2026-01-10", "count": 3}
        with freeze_time("2026-01-11 04:01:00"):
            assert figures()["reviews_by_day"][-2:] == [{"day": "2026-01-10", "count": 3}, {"day": "2026-01-11", "count": 0}]
            assert session.undo() is not None
            after = figures()
            assert after["reviews_by_day"][-2]["count"] == 2
            assert after == json.loads(json.dumps(_recomputed(store, 1, date(2026, 1, 11))))
    finally:
        store.close()


def test_the_read_only_quick_path_gives_the_same_figures_or_steps_aside(tmp_path: Path) -> None:
    """`trainer stats` first reads through stdlib sqlite3: the same figures once the cache holds the
    closed days, and None (the full path folds them) while it does not."""
    from trainer.store.quick import open_quick
    from trainer.study.session import open_session
    from trainer.study.stats_store import quick_stats

    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(6))
    clock = FixedClock(_at(2026, 1, 10, 12, 0), tz=LONDON)

    def quick(days: int | None = None):
        executor = open_quick(str(path))
        assert executor is not None
        try:
            return quick_stats(executor, clock, profile_id=1, days=days)
        finally:
            executor.close()

    try:
        assert quick() is None  # nothing cached yet
        _answer(open_session(store, clock), 3, wrong_root="S1")
        load_stats(store, clock, profile_id=1)
        assert stats_json(quick()) == stats_json(load_stats(store, clock, profile_id=1))  # today's answers from the log
        clock.set(_at(2026, 1, 11, 4, 1))
        assert quick() is None  # 10 January closed with answers: the full path folds it first
        full = _check(store, clock)
        assert stats_json(quick()) == stats_json(full)
        assert stats_json(quick(days=1)) == stats_json(load_stats(store, clock, profile_id=1, days=1))
    finally:
        store.close()
