"""A real schema-1 collection (made by the release before profiles) migrates to profiles, on SQLite and PostgreSQL.

tests/data/db/schema-v1.db was written by that release: 5 cards of good_minimal.toml, 19 reviews
over 3 days, new_per_day = 7. On PostgreSQL the same tables (names, keys, indexes, column types as
that release's models created them there: timestamps with time zone, JSON, a serial review id) and
rows are laid out first; then both are opened with today's code.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, create_engine, func
from sqlmodel import select
from sqlalchemy.types import DATETIME

from trainer.clock import FixedClock
from trainer.store.db import SCHEMA_VERSION, open_store
from trainer.store.models import CardState, Profile, Review, Setting
from trainer.study.review import open_session

V1 = Path(__file__).resolve().parents[1] / "data" / "db" / "schema-v1.db"
NOW = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


def _v1_rows() -> dict[str, list[tuple]]:
    connection = sqlite3.connect(V1)
    try:
        return {
            "review": connection.execute("SELECT id, card_id, quality, study_day FROM review ORDER BY id").fetchall(),
            "cardstate": connection.execute("SELECT card_id, repetitions, interval, due_day, lapses FROM cardstate ORDER BY card_id").fetchall(),
        }
    finally:
        connection.close()


def _lay_out_v1(db_url: str, tmp_path: Path) -> None:
    """Put the schema-1 collection at `db_url`: a copy of the file, or its tables and rows on the server."""
    if db_url.startswith("sqlite"):
        shutil.copy(V1, tmp_path / "trainer.db")
        return
    source = create_engine(f"sqlite:///{V1}")
    metadata = MetaData()
    metadata.reflect(source)
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, DATETIME):
                column.type = DateTime(timezone=True)  # what the release's UTCDateTime made on PostgreSQL
    target = create_engine(db_url)
    try:
        with source.connect() as reading, target.begin() as writing:
            metadata.create_all(writing)
            for table in metadata.sorted_tables:
                rows = [dict(row._mapping) for row in reading.execute(table.select())]
                for row in rows:
                    for key, value in row.items():
                        if isinstance(value, datetime) and value.tzinfo is None:
                            row[key] = value.replace(tzinfo=UTC)
                if rows:
                    writing.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()


def test_a_schema_1_collection_becomes_the_default_profiles_with_nothing_lost(db_url: str, tmp_path: Path) -> None:
    """Every review, card state and setting is the default profile's; new reviews number on after the old ones."""
    _lay_out_v1(db_url, tmp_path)
    before = _v1_rows()
    store = open_store(db_url, now=lambda: NOW)
    try:
        with store.session() as session:
            reviews = session.exec(select(Review.id, Review.card_id, Review.quality, Review.study_day).order_by(Review.id)).all()
            states = session.exec(
                select(CardState.card_id, CardState.repetitions, CardState.interval, CardState.due_day, CardState.lapses)
                .order_by(CardState.card_id)
            ).all()
            profiles = session.exec(select(Profile.id, Profile.name)).all()
            owners = set(session.exec(select(Review.profile_id)).all())
            setting = session.get(Setting, (1, "new_per_day"))
        assert [(r[0], r[1], r[2], r[3].isoformat()) for r in reviews] == [tuple(r) for r in before["review"]]
        assert [(s[0], s[1], s[2], s[3].isoformat() if s[3] else None, s[4]) for s in states] == [
            tuple(s) for s in before["cardstate"]
        ]
        assert profiles == [(1, "default")] and owners == {1}
        assert setting is not None and setting.value == "7"

        # The schedule goes on: the next answer is review 20, and a new profile gets id 2.
        session_ = open_session(store, FixedClock(NOW))
        card = session_.next_card()
        assert card is not None
        session_.answer(card.card.id, 4, 1500)
        with store.session() as session:
            newest = session.exec(select(func.max(Review.id))).one()
            count = session.exec(select(func.count()).select_from(Review)).one()
        assert (newest, count) == (20, 20)
        from trainer.study.profiles import add_profile

        assert add_profile(store, "second", now=NOW) == 2
    finally:
        store.close()
    if db_url.startswith("sqlite"):
        assert [p.name for p in tmp_path.glob("*.bak")] == ["trainer.db.v1-20261106T090000.bak"]
    reopened = open_store(db_url)
    try:
        with reopened.session() as session:
            from trainer.store import repo

            assert repo.get_meta(session=session, key="schema_version") == str(SCHEMA_VERSION)
    finally:
        reopened.close()
