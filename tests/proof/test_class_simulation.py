"""A class on one PostgreSQL server: 30 students answer at once through the study layer.

Each simulated student is a profile with their own store (their own app, connection pool and
clock) on one shared database, answering in a thread of their own: typed answers graded at
random, a new study day whenever today's queue is done. Afterwards: no error reached any
student, every answer acknowledged is in the log (none lost, none doubled), and every card state
equals a replay of its review log through the pure policy (tests/replay.py).

CI runs 30 students x 20 answers; TRAINER_FULL_PROOF=1 runs 30 x 200.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from tests.replay import proof_count, replay_mismatches
from trainer.clock import FixedClock
from trainer.store.db import open_store
from trainer.store.models import Review
from trainer.study.profiles import add_profile
from trainer.study.session import open_session

STUDENTS = 30
ANSWERS = proof_count(20, 200)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _student(url: str, profile_id: int, seed: int, acknowledged: list[int], errors: list[str]) -> None:
    """One student's app: answer ANSWERS cards, moving to the next day when today's are done."""
    rng = random.Random(seed)
    clock = FixedClock(START + timedelta(minutes=seed))
    store = open_store(url)
    try:
        session = open_session(store, clock, profile_id=profile_id)
        while len(acknowledged) < ANSWERS:
            card = session.next_card()
            if card is None:
                clock.advance(timedelta(days=1))
                session = open_session(store, clock, profile_id=profile_id)
                continue
            quality = rng.choice((5, 4, 4, 3, 2, 1))
            session.answer(card.card.id, quality, rng.randint(800, 9000), response=card.card.answer, verdict="correct")
            acknowledged.append(quality)
            clock.advance(timedelta(seconds=rng.randint(3, 40)))
    except Exception as error:  # noqa: BLE001 - any error at all is what the test counts
        errors.append(f"student {profile_id}: {type(error).__name__}: {error}")
    finally:
        store.close()


def test_thirty_students_answer_at_once_and_nothing_is_lost_or_torn(pg_url: str, make_deck, import_deck) -> None:
    """0 errors, 0 answers lost, every card state = the replay of its log."""
    store = open_store(pg_url)
    try:
        import_deck(store, make_deck(40))
        profiles = [1] + [add_profile(store, f"student-{n:02d}", now=START) for n in range(2, STUDENTS + 1)]
    finally:
        store.close()
    acknowledged: dict[int, list[int]] = {pid: [] for pid in profiles}
    errors: list[str] = []
    threads = [
        threading.Thread(target=_student, args=(pg_url, pid, n, acknowledged[pid], errors), name=f"student-{pid}")
        for n, pid in enumerate(profiles)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    store = open_store(pg_url)
    try:
        with store.session() as session:
            logged = dict(session.exec(select(Review.profile_id, func.count()).group_by(Review.profile_id)).all())
            grades = {
                pid: session.exec(select(Review.quality).where(Review.profile_id == pid).order_by(Review.id)).all()
                for pid in profiles
            }
        assert logged == {pid: ANSWERS for pid in profiles}
        assert all(list(grades[pid]) == acknowledged[pid] for pid in profiles)
        assert replay_mismatches(store) == []
    finally:
        store.close()
