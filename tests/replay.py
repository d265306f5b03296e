"""Replaying a review log through the pure policy: what every card's stored state must equal.

The proof suites (class simulation, crash, concurrency) check that no answer is lost and no card
state is torn by rebuilding each (profile, card) state from its review rows alone, with
`trainer.scheduling.policy` (the same rules the study layer applies), and comparing it with the
stored `cardstate` row, field by field.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from sqlmodel import select

from trainer.scheduling.policy import CardProgress, Grade, answered_elsewhere, apply_answer, extra_answer
from trainer.store.db import Store, open_store
from trainer.store.models import CardState, Review
from trainer.study.settings import Settings

FULL_PROOF = os.environ.get("TRAINER_FULL_PROOF") == "1"
"""`TRAINER_FULL_PROOF=1 pytest ...` runs the full-size proof suites (see README, "Proof")."""


def proof_count(small: int, full: int) -> int:
    """`full` under TRAINER_FULL_PROOF=1, else the CI size `small`."""
    return full if FULL_PROOF else small


def logged_answers(url: str) -> list[tuple[str, int]]:
    """(card id, quality) of every review row in the database at `url`, oldest first."""
    store = open_store(url)
    try:
        with store.session() as session:
            return [(r.card_id, r.quality) for r in session.exec(select(Review).order_by(Review.id)).all()]
    finally:
        store.close()


def integrity(path: Path) -> str:
    """SQLite's own verdict on a database file: "ok", or the first problem it finds."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def replay_mismatches(store: Store, *, leech_threshold: int = Settings().leech_threshold) -> list[str]:
    """Every difference between the stored card states and a replay of the review log (empty: none).

    Also checks each review row's logged before/after state against the replay's.
    """
    with store.session() as session:
        reviews = session.exec(select(Review).order_by(Review.id)).all()
        states = {(s.profile_id, s.card_id): s for s in session.exec(select(CardState)).all()}
    replayed: dict[tuple[int, str], CardProgress] = defaultdict(CardProgress)
    problems: list[str] = []
    for review in reviews:
        key = (review.profile_id, review.card_id)
        before = replayed[key]
        if answered_elsewhere(before, review.study_day):
            effect = extra_answer(before, Grade(review.quality), today=review.study_day)
        else:
            effect = apply_answer(before, Grade(review.quality), today=review.study_day, at=review.reviewed_at, leech_threshold=leech_threshold)
        logged = (review.queue, review.repetitions_before, review.interval_before, review.repetitions_after, review.interval_after, review.due_day_after)
        expected = (effect.log.queue, effect.log.before.repetitions, effect.log.before.interval, effect.log.after.repetitions, effect.log.after.interval, effect.log.due_day_after)
        if logged != expected:
            problems.append(f"review {review.id} {key}: logged {logged}, replay {expected}")
        replayed[key] = replace(effect.progress, revision=before.revision + 1)
    for key, progress in replayed.items():
        state = states.get(key)
        if state is None:
            problems.append(f"{key}: reviewed but has no card state")
            continue
        stored = (
            state.repetitions, round(state.easiness, 6), state.interval, bool(state.drill), state.due_day,
            state.introduced_day, state.last_day, state.lapses, bool(state.leech), bool(state.suspended), state.last_review_at,
        )  # fmt: skip
        wanted = (
            progress.sm2.repetitions, round(progress.sm2.easiness, 6), progress.sm2.interval, progress.sm2.drill,
            progress.due_day, progress.introduced_day, progress.last_day, progress.lapses, progress.leech,
            progress.suspended, progress.last_review_at,
        )  # fmt: skip
        if stored != wanted:
            problems.append(f"{key}: stored {stored}, replay {wanted}")
    for key, state in states.items():
        if key not in replayed and (state.introduced_day is not None or state.repetitions != 0):
            problems.append(f"{key}: a studied state with no review in the log")
    return problems
