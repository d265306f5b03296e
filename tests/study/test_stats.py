"""Statistics against a hand-computed history.

The history (profile "ana", Europe/London, study days start at 04:00) spans the spring DST change
of 29 March 2026, has a day with no answer (25 March), a lapse of a mature card (30 March) and a
second profile ("ben") whose rows must never show in ana's figures. Every expected number below was
worked out by hand from the table in `ANA`; the comments show the sums.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trainer.clock import study_day
from trainer.content.generate import load_compiled_deck
from trainer.content.places import dermatome_places
from trainer.paths import builtin_deck_path
from trainer.study.stats import (
    CardStateRow,
    ExamAnswerRow,
    ReviewRow,
    aggregate_cards,
    aggregate_reviews,
    compute_stats,
    period_start,
    stats_json,
    summarize,
)

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 4, 2)


def review(
    when: tuple[int, ...], card: str, queue: str, interval_before: int, interval_after: int, quality: int,
    response_ms: int | None, expected: str | None, given: str | None, verdict: str | None,
    *, drill: bool = False, profile: str = "ana",
) -> ReviewRow:  # fmt: skip
    """A review at a London wall time, with its study day computed as the app computes it."""
    at = datetime(*when, tzinfo=LONDON)
    return ReviewRow(
        card_id=card, reviewed_at=at, study_day=study_day(at, LONDON, 4), quality=quality, response_ms=response_ms,
        queue=queue, interval_before=interval_before, interval_after=interval_after, given_root=given,
        expected_root=expected, is_drill=drill, verdict=verdict, profile=profile,
    )  # fmt: skip


ANA = [
    #       local wall time           card  queue   ib  ia  q  ms      exp   given verdict
    review((2026, 3, 24, 9, 0),       "c1", "due",  25, 60, 4, 8000,   "L4", "L4", "correct"),   # R1 mature pass
    review((2026, 3, 24, 9, 1),       "c2", "new",  0,  1,  5, 4000,   "L5", "L5", "correct"),   # R2
    # 25 March: no answer at all
    review((2026, 3, 26, 20, 0),      "c2", "due",  1,  6,  3, 90000,  "L5", "L5", "correct"),   # R3 young pass; 90 s counts 60
    review((2026, 3, 27, 23, 30),     "c3", "new",  0,  0,  1, 5000,   "S1", "L5", "wrong"),     # R4 confusion S1<-L5
    review((2026, 3, 28, 2, 0),       "c3", "repeat", 0, 1, 4, 3000,   "S1", "S1", "correct"),   # R5 02:00 GMT: study day 27th
    review((2026, 3, 29, 3, 30),      "c4", "new",  0,  1,  4, 6000,   "C6", None, None),        # R6 03:30 BST (02:30 UTC): 28th
    review((2026, 3, 29, 4, 30),      "c5", "new",  0,  0,  2, 7000,   "L4", "L5", "adjacent"),  # R7 04:30 BST (03:30 UTC): 29th
    review((2026, 3, 30, 18, 0),      "c6", "due",  30, 1,  1, 10000,  "L5", "L4", "adjacent"),  # R8 the lapse: mature fail
    review((2026, 3, 30, 18, 1),      "c6", "repeat", 1, 1, 4, 5000,   "L5", "L5", "correct", drill=True),  # R9 drill
    review((2026, 3, 31, 8, 0),       "c6", "due",  1,  6,  4, 4000,   "L5", "L5", "correct"),   # R10 young pass
    review((2026, 4, 1, 7, 0),        "c2", "due",  6,  1,  2, 6000,   "L5", "L4", "adjacent"),  # R11 young fail, L5<-L4 again
    review((2026, 4, 2, 9, 0),        "c5", "due",  1,  6,  4, 5000,   "L4", "L4", "correct"),   # R12 young pass
    review((2026, 3, 31, 9, 0),       "c7", "new",  0,  1,  0, None,   "L4", "L3", "wrong", profile="ben"),
]
BEN = [
    review((2026, 3, 25, 9, 0), "b1", "due", 30, 70, 1, 30000, "L4", "L3", "wrong", profile="ben"),
    review((2026, 4, 2, 10, 0), "b1", "due", 1, 6, 5, 1000, "L4", "L4", "correct", profile="ben"),
]
CARDS = [
    CardStateRow("c1", date(2026, 5, 23), 60, False, "L4", "ana"),
    CardStateRow("c2", date(2026, 4, 2), 1, False, "L5", "ana"),     # due today
    CardStateRow("c3", date(2026, 3, 28), 1, False, "S1", "ana"),    # overdue: counted today
    CardStateRow("c4", date(2026, 3, 29), 1, True, "C6", "ana"),     # overdue but suspended
    CardStateRow("c5", date(2026, 4, 8), 6, False, "L4", "ana"),
    CardStateRow("c6", date(2026, 4, 6), 6, False, "L5", "ana"),
    CardStateRow("c7", None, 0, False, "L4", "ana"),                 # new
    CardStateRow("c8", date(2026, 4, 20), 25, False, "L5", "ana"),   # mature
    CardStateRow("c9", date(2026, 5, 20), 40, False, "C6", "ana"),   # mature, beyond 30 days
    CardStateRow("b1", date(2026, 4, 2), 6, False, "L4", "ben"),
    CardStateRow("b2", date(2026, 4, 3), 6, False, "L4", "ben"),
]
EXAMS = [
    ExamAnswerRow(date(2026, 4, 1), "L5", "L4", False, 30000, "ana"),
    ExamAnswerRow(date(2026, 4, 1), "L4", "L4", True, 20000, "ana"),
    ExamAnswerRow(date(2026, 4, 1), "L4", "L3", False, 99000, "ben"),
]


@pytest.fixture(scope="module")
def places():
    return dermatome_places(load_compiled_deck(builtin_deck_path()).cards)


@pytest.fixture(scope="module")
def ana(places):
    return summarize(ANA + BEN, CARDS, EXAMS, today=TODAY, places=places, profile="ana")


def test_the_fixture_puts_the_dst_night_answers_on_the_right_study_days() -> None:
    """02:00 GMT and 03:30 BST belong to the day before; 04:30 BST, one real hour later, to the new day."""
    assert [r.study_day.day for r in ANA[3:7]] == [27, 27, 28, 29]


class TestAnaAllHistory:
    def test_due_forecast(self, ana) -> None:
        """Today: c2 due + c3 overdue (c4 suspended, c7 new); then c6 in 4 days, c5 in 6, c8 in 18; c1, c9 beyond 30."""
        assert ana.due_today == 2
        assert len(ana.forecast) == 30 and ana.forecast[0].day == TODAY and ana.forecast[-1].day == date(2026, 5, 1)
        assert {i: d.count for i, d in enumerate(ana.forecast) if d.count} == {0: 2, 4: 1, 6: 1, 18: 1}

    def test_reviews_per_day_include_the_zero_day_and_the_dst_night(self, ana) -> None:
        """112 days, oldest first; 24th: 2, 25th: 0, 26th: 1, 27th: 2, 28th: 1, 29th: 1, 30th: 2, 31st, 1st, 2nd: 1."""
        heat = ana.reviews_by_day
        assert len(heat) == 112 and heat[-1].day == TODAY and heat[0].day == date(2025, 12, 12)
        counts = {d.day: d.count for d in heat if d.count}
        assert counts == {
            date(2026, 3, 24): 2, date(2026, 3, 26): 1, date(2026, 3, 27): 2, date(2026, 3, 28): 1,
            date(2026, 3, 29): 1, date(2026, 3, 30): 2, date(2026, 3, 31): 1, date(2026, 4, 1): 1, date(2026, 4, 2): 1,
        }  # fmt: skip
        assert sum(d.count for d in heat) == ana.reviews_total == 12

    def test_the_streak_stops_at_the_day_without_answers(self, ana) -> None:
        """26 March to 2 April: 8 days (the 25th had none; ben's answer that day is not ana's)."""
        assert ana.streak_days == 8

    def test_retention_counts_review_queue_answers_only(self, ana) -> None:
        """Mature: R1 pass, R8 lapse = 1/2. Young: R3, R10, R12 pass, R11 fail = 3/4. New, repeat and drill left out."""
        assert ana.retention_mature_counts == (1, 2) and ana.retention_mature == 0.5
        assert ana.retention_young_counts == (3, 4) and ana.retention_young == 0.75

    def test_per_root_mastery(self, ana) -> None:
        """Cards, seen and mature from the states; answers from reviews plus exam questions."""
        rows = [(r.root, r.cards, r.seen, r.mature, r.reviews, r.passed) for r in ana.per_root]
        assert rows == [
            ("C6", 2, 2, 1, 1, 1),   # c4, c9; R6
            ("L4", 3, 2, 1, 4, 3),   # c1, c5, c7; R1, R7, R12 + one exam question right
            ("L5", 3, 3, 1, 7, 4),   # c2, c6, c8; R2, R3, R8, R9, R10, R11 + one exam question wrong
            ("S1", 1, 1, 0, 2, 1),   # c3; R4, R5
        ]
        assert ana.per_root[1].accuracy == 0.75 and ana.per_root[1].mastery == pytest.approx(1 / 3)

    def test_confusions_from_reviews_and_exams_with_the_days_they_recur(self, ana) -> None:
        """L5<-L4 three times (R8, R11, the exam) on two days; then L4<-L5 (R7) and S1<-L5 (R4) once."""
        assert [(c.expected, c.given, c.count) for c in ana.confusions] == [("L5", "L4", 3), ("L4", "L5", 1), ("S1", "L5", 1)]
        assert ana.confusion_days == {("L5", "L4"): 2, ("L4", "L5"): 1, ("S1", "L5"): 1}  # days from reviews
        assert ana.confusions[0].explanation == (
            "you answered L4 where the answer was L5 (3 times): L4 is the medial shin and calf down to the "
            "medial malleolus, L5 the lateral calf and the dorsum of the foot"
        )

    def test_time_studied_caps_each_answer_at_a_minute_and_adds_exams(self, ana) -> None:
        """8+4+60+5+3+6+7+10+5+4+6+5 = 123 s of reviews, + 50 s of exam questions."""
        assert ana.time_studied_s == 173


def test_a_period_counts_only_its_last_days(places) -> None:
    """Last 7 days (27 March to 2 April): mature 0/1 (the lapse), young 2/3, 51 + 50 s, the streak unchanged."""
    week = summarize(ANA + BEN, CARDS, EXAMS, today=TODAY, period_days=7, places=places, profile="ana")
    assert week.retention_mature_counts == (0, 1) and week.retention_young_counts == (2, 3)
    assert week.time_studied_s == 101
    assert week.reviews_total == 9
    assert [(c.expected, c.given, c.count) for c in week.confusions] == [("L5", "L4", 3), ("L4", "L5", 1), ("S1", "L5", 1)]
    assert week.streak_days == 8 and week.due_today == 2
    with pytest.raises(ValueError, match="at least one day"):
        summarize(ANA, CARDS, today=TODAY, period_days=0)


def test_ben_sees_only_his_own_rows(places) -> None:
    """The other profile: two reviews (25 March, today), one due today, one confusion L4<-L3 (review + exam)."""
    ben = summarize(ANA + BEN, CARDS, EXAMS, today=TODAY, places=places, profile="ben")
    assert ben.reviews_total == 3  # his two, and the row tagged ben inside ANA
    assert ben.streak_days == 1
    assert ben.due_today == 1 and ben.forecast[1].count == 1
    assert ben.retention_mature_counts == (0, 1) and ben.retention_young_counts == (1, 1)
    assert [(c.expected, c.given, c.count) for c in ben.confusions] == [("L4", "L3", 3)]
    assert ben.time_studied_s == 30 + 1 + 99


def test_nothing_studied_yet_gives_empty_figures_not_errors() -> None:
    """A new profile: zeros, no retention (null), an all-zero calendar."""
    empty = summarize([], [], today=TODAY)
    assert (empty.due_today, empty.streak_days, empty.time_studied_s, empty.reviews_total) == (0, 0, 0, 0)
    assert empty.retention_mature is None and empty.retention_young is None
    assert empty.per_root == () and empty.confusions == ()
    assert len(empty.reviews_by_day) == 112 and not any(d.count for d in empty.reviews_by_day)


def test_the_totals_are_what_the_sql_queries_would_return(places) -> None:
    """The intermediate totals, by hand: per day all history, the rest over the period; then the same figures."""
    week = aggregate_reviews(ANA + BEN, since=period_start(TODAY, 7), profile="ana")
    assert week.since == date(2026, 3, 27)
    assert week.answers[date(2026, 3, 24)] == 2 and week.time_ms[date(2026, 3, 26)] == 60_000
    assert week.retention == {True: [0, 1], False: [2, 3]}
    assert week.roots == {"S1": [1, 2], "C6": [1, 1], "L4": [1, 2], "L5": [2, 4]}  # L5: R8 R9 R10 R11
    assert week.confusions == {("S1", "L5"): [1, 1], ("L4", "L5"): [1, 1], ("L5", "L4"): [2, 2]}
    cards = aggregate_cards(CARDS, profile="ana")
    assert cards.roots == {"L4": [3, 2, 1], "L5": [3, 3, 1], "S1": [1, 1, 0], "C6": [2, 2, 1]}
    assert sum(cards.due.values()) == 7  # c4 suspended, c7 new
    assert compute_stats(week, cards, EXAMS, today=TODAY, places=places, profile="ana") == summarize(
        ANA + BEN, CARDS, EXAMS, today=TODAY, period_days=7, places=places, profile="ana"
    )


def test_stats_json_has_the_promised_keys_and_values(ana) -> None:
    """`trainer stats --json`: the keys the issue names, ISO days, fractions, and JSON-serialisable."""
    data = json.loads(json.dumps(stats_json(ana)))
    assert {"due_today", "forecast", "streak_days", "retention_mature", "retention_young", "reviews_by_day",
            "per_root", "confusions", "time_studied_s"} <= set(data)  # fmt: skip
    assert data["due_today"] == 2 and data["streak_days"] == 8 and data["time_studied_s"] == 173
    assert data["forecast"][0] == {"day": "2026-04-02", "count": 2} and len(data["forecast"]) == 30
    assert data["retention_mature"] == 0.5 and data["retention_young"] == 0.75
    assert data["retention_young_counts"] == {"passed": 3, "total": 4}
    assert data["reviews_by_day"][-10] == {"day": "2026-03-24", "count": 2}
    assert data["per_root"][1] == {
        "root": "L4", "cards": 3, "seen": 2, "mature": 1, "mastery": 0.3333, "reviews": 4, "passed": 3, "accuracy": 0.75,
    }  # fmt: skip
    assert data["confusions"][0]["count"] == 3 and data["confusions"][0]["days"] == 2
    assert data["confusions"][0]["text"].startswith("you answered L4 where the answer was L5 (3 times): L4 is")


def test_a_card_is_mature_from_an_interval_of_21_days() -> None:
    """Anki's boundary: 20 days before the answer is young, 21 is mature."""
    rows = [
        review((2026, 4, 2, 9, 0), "x", "due", 20, 50, 2, 1000, "L4", "L4", "wrong"),
        review((2026, 4, 2, 9, 1), "y", "due", 21, 50, 5, 1000, "L4", "L4", "correct"),
    ]
    stats = summarize(rows, [CardStateRow("y", date(2026, 5, 22), 21, False, "L4", "ana")], today=TODAY, profile="ana")
    assert stats.retention_young_counts == (0, 1) and stats.retention_mature_counts == (1, 1)
    assert stats.per_root[0].mature == 1


# --- the same history through the store: SQL, the closed-day cache and the exam tables -------------


def _store_with_fixture(tmp_path):
    """The fixture's rows in a real database: ana is the default profile (id 1), ben is added."""
    from datetime import UTC

    from sqlalchemy import text

    from tests.conftest import make_card
    from trainer.content.cards import CompiledDeck, DeckInfo, SourceRef
    from trainer.store import exams_repo, repo
    from trainer.store.db import open_store

    store = open_store(f"sqlite:///{tmp_path / 'stats.db'}")
    roots = {c.card_id: c.root for c in CARDS}
    cards = {name: make_card("fx", name, root=root) for name, root in roots.items()}
    deck = CompiledDeck(DeckInfo(id="fx", title="Fixture", version="1", sources=(SourceRef("SRC", "A source."),)), tuple(cards.values()))
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    with store.session() as session:
        repo.sync_deck(session=session, deck=deck, now=t0)
        ben = repo.add_profile(session=session, name="ben", pseudonym="s-ben", now=t0)
        session.commit()
    ids = {"ana": 1, "ben": ben}
    with store.engine.begin() as connection:
        for c in CARDS:
            connection.execute(
                text("UPDATE cardstate SET due_day = :due, interval = :iv, suspended = :s, introduced_day = :intro "
                     "WHERE profile_id = :p AND card_id = :card"),
                {"due": c.due_day.isoformat() if c.due_day else None, "iv": c.interval, "s": c.suspended,
                 "intro": "2026-03-01" if c.due_day else None, "p": ids[c.profile], "card": cards[c.card_id].id},
            )  # fmt: skip
        for r in ANA + BEN:
            connection.execute(
                text("INSERT INTO review (profile_id, card_id, reviewed_at, study_day, quality, response_ms, verdict, "
                     "given_root, expected_root, is_drill, queue, repetitions_before, easiness_before, interval_before, "
                     "drill_before, repetitions_after, easiness_after, interval_after, drill_after, due_day_after) "
                     "VALUES (:p, :card, :at, :day, :q, :ms, :v, :g, :e, :drill, :queue, 0, 2.5, :ib, 0, 1, 2.5, :ia, 0, :day)"),
                {"p": ids[r.profile], "card": cards.get(r.card_id, cards["c1"]).id,
                 "at": r.reviewed_at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" "),
                 "day": r.study_day.isoformat(), "q": r.quality, "ms": r.response_ms, "v": r.verdict, "g": r.given_root,
                 "e": r.expected_root, "drill": r.is_drill, "queue": r.queue, "ib": r.interval_before, "ia": r.interval_after},
            )  # fmt: skip
        for n, profile in enumerate(("ana", "ben")):
            rows = [e for e in EXAMS if e.profile == profile]
            attempt = f"a{n}"
            exams_repo.insert_attempt(
                connection,
                attempt={"id": attempt, "profile_id": ids[profile], "seed": 1, "scope": "all", "time_limit_s": 600,
                         "started_at": datetime(2026, 4, 1, 9, tzinfo=UTC), "study_day": rows[0].study_day, "total": len(rows)},
                answers=[{"attempt_id": attempt, "n": i, "card_id": cards["c1"].id, "expected_root": e.expected_root,
                          "given_root": e.given_root, "given": e.given_root, "correct": e.correct, "time_ms": e.time_ms}
                         for i, e in enumerate(rows)],
            )  # fmt: skip
            exams_repo.finish_attempt(
                connection, attempt_id=attempt, submitted_at=datetime(2026, 4, 1, 9, 5, tzinfo=UTC),
                submitted_by="student", correct=sum(e.correct for e in rows),
            )  # fmt: skip
    return store, ids


def test_the_store_gives_the_hand_computed_figures_through_its_cache(tmp_path) -> None:
    """SQL over the fixture (DST night, empty day, lapse, two profiles) = the pure fold, and the hand figures."""
    from trainer.clock import FixedClock
    from trainer.study.stats_store import habits, load_stats

    store, ids = _store_with_fixture(tmp_path)
    clock = FixedClock(datetime(2026, 4, 2, 10, 0, tzinfo=LONDON), tz=LONDON)
    ben_rows = [r for r in ANA + BEN if r.profile == "ben"]
    try:
        first = load_stats(store, clock, profile_id=ids["ana"])
        again = load_stats(store, clock, profile_id=ids["ana"])  # from the cache filled by the first call
        week = load_stats(store, clock, profile_id=ids["ana"], days=7)
        ben = load_stats(store, clock, profile_id=ids["ben"])
    finally:
        store.close()
    # In a database every profile has a state for every card: ben's two cards are new cards of ana's.
    cards = CARDS + [CardStateRow(c, None, 0, False, "L4", "ana") for c in ("b1", "b2")]
    expected = summarize(ANA + BEN, cards, EXAMS, today=TODAY, places={}, profile="ana")
    assert stats_json(first) == stats_json(expected) == stats_json(again)
    assert stats_json(week) == stats_json(summarize(ANA + BEN, cards, EXAMS, today=TODAY, period_days=7, places={}, profile="ana"))
    # The hand figures (see the table above): due 2, streak 8, retention 1/2 mature and 3/4 young, 173 s.
    assert (first.due_today, first.streak_days, first.time_studied_s) == (2, 8, 173)
    assert first.retention_mature_counts == (1, 2) and first.retention_young_counts == (3, 4)
    assert [d.count for d in first.reviews_by_day[-10:]] == [2, 0, 1, 2, 1, 1, 2, 1, 1, 1]
    assert habits(first) == ["you keep answering L4 for L5 (3 times on 2 days)"]
    assert ben.reviews_total == len(ben_rows) and ben.streak_days == 1


def test_the_cache_never_drifts_from_the_log(tmp_path) -> None:
    """Reviews removed from a closed day (by the store's writer) are gone from the figures at the next read."""
    from sqlalchemy import text

    from trainer.clock import FixedClock
    from trainer.store import repo
    from trainer.study.stats_store import load_stats

    store, ids = _store_with_fixture(tmp_path)
    clock = FixedClock(datetime(2026, 4, 2, 10, 0, tzinfo=LONDON), tz=LONDON)
    try:
        before = load_stats(store, clock, profile_id=ids["ana"])
        with store.engine.begin() as connection:
            ids_24 = connection.execute(text("SELECT id FROM review WHERE study_day = '2026-03-24' AND profile_id = 1")).scalars()
            for review_id in list(ids_24):
                assert repo.delete_review(connection, review_id=review_id)
        after = load_stats(store, clock, profile_id=ids["ana"])
        clock.advance(timedelta(days=1))  # a new day closes 2 April: the cache adds it, nothing else
        tomorrow = load_stats(store, clock, profile_id=ids["ana"])
    finally:
        store.close()
    assert before.reviews_by_day[-10].count == 2 and after.reviews_by_day[-10].count == 0
    assert after.reviews_total == before.reviews_total - 2
    assert tomorrow.reviews_by_day[-2].count == 1 and tomorrow.reviews_total == after.reviews_total
