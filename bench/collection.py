"""Synthetic collections for the benchmarks, written through the project's own store API.

`build(url, cards=, reviews=, days=, profiles=)` makes, on any database URL (a SQLite file or a
PostgreSQL database), a deck of `cards` typed-root cards in sibling pairs (as real decks have),
`profiles` students (the default one and "student-2"...), 90 % of the default profile's cards
already studied with their card state set, and `reviews` review rows spread over the last `days`
study days (80 % the default profile's, the rest shared by the others). The deck goes in with
`repo.sync_deck`, the profiles with `trainer.study.profiles.add_profile`; card states and
reviews, too many for one answer at a time, in bulk statements over the same tables.

`cached(cards, reviews)` keeps one SQLite collection per size in the temp folder (rebuilt when the
tables change), so repeated runs skip the build.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel import SQLModel

from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.store import repo
from trainer.store.db import SCHEMA_VERSION, open_store
from trainer.store.models import CardState, Review
from trainer.study.profiles import add_profile

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)  # the study day of NOW in UTC with the 04:00 rollover
ROOTS = ("C5", "C6", "C7", "T4", "T10", "L3", "L4", "L5", "S1")
STUDIED = 0.9
"""Share of the default profile's cards already studied."""

_LAYOUT = hashlib.sha256(
    repr(
        sorted(
            (t.name, sorted(c.name for c in t.columns), sorted(str(i.name) for i in t.indexes))
            for t in SQLModel.metadata.tables.values()
        )
    ).encode()
).hexdigest()[:8]
"""A fingerprint of the tables, so that a schema change during development rebuilds the cache."""


def deck(cards: int, deck_id: str = "bench") -> CompiledDeck:
    """`cards` typed-root cards; pairs of cards share a fact (siblings)."""
    made = []
    for i in range(cards):
        fact = f"fact:{i // 2}"
        template = f"template-{i % 2}"
        root = ROOTS[i % len(ROOTS)]
        made.append(
            Card(
                id=card_id(deck_id, template, fact), deck_id=deck_id, template=template, fact_key=fact,
                kind=CardKind.TYPED_ROOT,
                prompt=f"Synthetic question {i}: which root supplies area {i // 2}?",
                answer=root, accepted=(root,), explanation=f"Area {i // 2} is supplied by {root}.",
                sources=("SRC",), tags=("synthetic",),
                siblings=(card_id(deck_id, f"template-{1 - i % 2}", fact),), answer_root=root,
            )
        )  # fmt: skip
    info = DeckInfo(id=deck_id, title="Synthetic", version="1", sources=(SourceRef(key="SRC", citation="None."),))
    return CompiledDeck(info=info, cards=tuple(made))


def build(url: str, *, cards: int, reviews: int, days: int = 730, profiles: int = 3, seed: int = 42) -> None:
    """Fill the empty database at `url` with a synthetic collection (see the module docstring)."""
    rng = random.Random(seed)
    store = open_store(url)
    try:
        made = deck(cards)
        with store.session() as session:
            repo.sync_deck(session=session, deck=made, now=NOW - timedelta(days=days))
            session.commit()
        profile_ids = [1] + [add_profile(store, f"student-{n}", now=NOW - timedelta(days=days)) for n in range(2, profiles + 1)]
        studied = [c.id for c in made.cards[: int(cards * STUDIED)]]
        states = []
        for cid in studied:
            states.append(
                {
                    "profile_id": 1,
                    "card_id": cid,
                    "repetitions": rng.randint(1, 8),
                    "easiness": round(rng.uniform(1.3, 2.9), 2),
                    "interval": rng.choice((1, 6, 15, 35, 90, 200)),
                    "due_day": TODAY + timedelta(days=rng.randint(-20, 180)),
                    "introduced_day": TODAY - timedelta(days=rng.randint(30, days)),
                    "last_day": TODAY - timedelta(days=rng.randint(1, 29)),
                    "lapses": rng.randint(0, 3),
                    "last_review_at": NOW - timedelta(days=rng.randint(1, 29)),
                }
            )
        with store.session() as session:
            session.execute(update(CardState), states)
            session.commit()
        batch: list[dict] = []
        with store.session() as session:
            for n in range(reviews):
                day = TODAY - timedelta(days=1 + (n * days) // max(1, reviews))
                quality = rng.choice((5, 5, 4, 4, 4, 3, 2, 1, 0))
                profile = 1 if rng.random() < 0.8 or len(profile_ids) == 1 else rng.choice(profile_ids[1:])
                batch.append(
                    {
                        "profile_id": profile, "card_id": studied[rng.randrange(len(studied))],
                        "reviewed_at": datetime(day.year, day.month, day.day, 18, tzinfo=UTC), "study_day": day,
                        "quality": quality, "response_ms": rng.randint(1500, 20000), "response": "L4",
                        "verdict": "correct" if quality >= 3 else "wrong", "given_root": "L4", "expected_root": "L5",
                        "is_drill": False, "queue": "due", "repetitions_before": 2, "easiness_before": 2.5,
                        "interval_before": 6, "drill_before": False, "repetitions_after": 3, "easiness_after": 2.5,
                        "interval_after": 15, "drill_after": False, "due_day_after": day + timedelta(days=15),
                    }
                )  # fmt: skip
                if len(batch) == 50_000:
                    session.execute(insert(Review), batch)
                    batch.clear()
            if batch:
                session.execute(insert(Review), batch)
            session.commit()
    finally:
        store.close()


def cached(cards: int, reviews: int, *, log=print) -> Path:
    """A SQLite collection of this size in the temp folder, built on first use."""
    path = Path(tempfile.gettempdir()) / "dermatome-trainer-bench" / f"run-s{SCHEMA_VERSION}-{_LAYOUT}-{cards}-{reviews}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for stale in path.parent.glob(partial.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        build(f"sqlite:///{partial}", cards=cards, reviews=reviews)
        partial.rename(path)
        log(f"built {path.name} ({cards:,} cards, {reviews:,} reviews) in {time.perf_counter() - started:.0f} s")
    return path
