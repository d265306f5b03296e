"""Profiles: several students in one database, each with their own schedule, limits, streak and settings."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.store.db import open_store
from trainer.store.location import SCHEMA_VERSION
from trainer.study.overview import home_overview
from trainer.study.profiles import ProfileError, add_profile, list_profiles, rename_profile, resolve_profile
from trainer.study.session import open_session
from trainer.study.settings import load_settings, set_setting

V1_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "db" / "schema-v1.db"
"""A real schema-1 database made by the first release (commit 2b9fbd6): the 5 cards of
tests/data/decks/good_minimal.toml, 19 answers over three study days (2026-11-02..04, London),
and new_per_day = 7."""


def _rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


class TestTwoStudentsInOneDatabase:
    """A second profile starts fresh and never moves the first one's schedule."""

    def test_schedules_limits_streaks_and_settings_are_independent(self, store, clock, make_deck, import_deck) -> None:
        """Ana answers and lowers her limit; Ben still has every card new, the default limit and no streak."""
        import_deck(store, make_deck(30))
        ben = add_profile(store, "Ben", now=clock.now())
        with store.session() as session:
            set_setting(session, "new_per_day", "3", profile_id=1)
            session.commit()
        ana_session = open_session(store, clock, profile_id=1)
        assert ana_session.counts().new == 3
        while (card := ana_session.next_card()) is not None:
            ana_session.answer(card.card.id, 5, 1000)
        ben_session = open_session(store, clock, profile_id=ben)
        assert ben_session.counts().new == 20  # the default limit: Ana's setting is hers
        assert ben_session.next_card().queue == "new"
        ana_home = home_overview(store, clock, profile_id=1)
        ben_home = home_overview(store, clock, profile_id=ben)
        assert (ana_home.streak, ana_home.reviewed_today, ana_home.counts.new) == (1, 3, 0)
        assert (ben_home.streak, ben_home.reviewed_today, ben_home.counts.new) == (0, 0, 20)
        with store.session() as session:
            assert load_settings(session, profile_id=1).new_per_day == 3
            assert load_settings(session, profile_id=ben).new_per_day == 20

    def test_the_same_card_answered_by_both_keeps_two_schedules(self, store, clock, make_deck, import_deck) -> None:
        """Ana passes the first card, Ben fails it: due tomorrow for her, again today for him."""
        import_deck(store, make_deck(2))
        ben = add_profile(store, "Ben", now=clock.now())
        ana_session, ben_session = open_session(store, clock, profile_id=1), open_session(store, clock, profile_id=ben)
        card = ana_session.next_card().card
        assert ben_session.next_card().card.id == card.id
        assert ana_session.answer(card.id, 5, 1000).days_until_due == 1
        outcome = ben_session.answer(card.id, 1, 1000)
        assert outcome.days_until_due == 0 and not outcome.elsewhere  # not "answered in another window"
        clock.advance(timedelta(days=1))
        assert open_session(store, clock, profile_id=1).counts().due == 1
        assert open_session(store, clock, profile_id=ben).counts().due == 1  # his lapse is due from today too

    def test_a_new_profile_gets_every_card_of_later_imports(self, store, clock, make_deck, import_deck) -> None:
        """Cards imported after a profile was added are new for that profile too."""
        ben = add_profile(store, "Ben", now=clock.now())
        import_deck(store, make_deck(4))
        assert open_session(store, clock, profile_id=ben).counts().new == 4

    def test_names_are_checked_and_renaming_keeps_the_schedule(self, store, clock, make_deck, import_deck) -> None:
        """Empty or taken names are refused; a renamed profile keeps its answers."""
        import_deck(store, make_deck(2))
        with pytest.raises(ProfileError, match="empty"):
            add_profile(store, "  ", now=clock.now())
        with pytest.raises(ProfileError, match="already"):
            add_profile(store, "default", now=clock.now())
        session = open_session(store, clock)
        session.answer(session.next_card().card.id, 4, 1000)
        rename_profile(store, "default", "Ana")
        assert [(p.name, p.reviews) for p in list_profiles(store)] == [("Ana", 1)]
        assert resolve_profile(store, "Ana") == 1
        with pytest.raises(ProfileError, match="trainer profile add default"):
            resolve_profile(store, "default")


class TestMigrationFromSchema1:
    """A database of the first release becomes the default profile's, after a backup."""

    def test_the_committed_schema_1_file_migrates_with_a_backup_and_keeps_everything(self, tmp_path: Path, clock) -> None:
        """Backup first (a byte copy of the old file), then every card state, answer and setting is the default profile's."""
        path = tmp_path / "trainer.db"
        shutil.copy(V1_FIXTURE, path)
        states_v1 = _rows(path, "SELECT card_id, repetitions, easiness, interval, due_day, lapses, revision FROM cardstate ORDER BY card_id")
        reviews_v1 = _rows(path, "SELECT id, card_id, quality, study_day FROM review ORDER BY id")
        assert len(reviews_v1) == 19 and _rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]

        store = open_store(f"sqlite:///{path}", now=lambda: datetime(2026, 11, 26, 9, tzinfo=UTC))
        store.close()
        (backup,) = tmp_path.glob("trainer.db.v1-*.bak")
        assert backup.name == "trainer.db.v1-20261126T090000.bak"
        assert _rows(backup, "SELECT count(*) FROM review") == [(19,)]
        assert _rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert _rows(path, "SELECT id, name FROM profile") == [(1, "default")]
        assert _rows(
            path, "SELECT card_id, repetitions, easiness, interval, due_day, lapses, revision FROM cardstate "
            "WHERE profile_id = 1 ORDER BY card_id"
        ) == states_v1
        assert _rows(path, "SELECT id, card_id, quality, study_day FROM review WHERE profile_id = 1 ORDER BY id") == reviews_v1
        assert _rows(path, "SELECT profile_id, name, value FROM setting") == [(1, "new_per_day", "7")]

    def test_after_migrating_the_student_carries_on_and_a_new_profile_starts_fresh(self, tmp_path: Path, clock) -> None:
        """The old schedule still drives the queue; a second profile sees every card as new."""
        path = tmp_path / "trainer.db"
        shutil.copy(V1_FIXTURE, path)
        store = open_store(f"sqlite:///{path}", now=lambda: datetime(2026, 11, 26, 9, tzinfo=UTC))
        try:
            later = type(clock)(datetime(2026, 11, 20, 12, tzinfo=UTC), tz=clock.tz)
            carried = open_session(store, later)
            assert carried.settings.new_per_day == 7
            assert carried.counts().due > 0 and carried.counts().new == 0
            fresh = add_profile(store, "Ben", now=later.now())
            assert open_session(store, later, profile_id=fresh).counts().new == 5
            # New answers get new ids after the migrated ones.
            outcome = carried.answer(carried.next_card().card.id, 5, 1000)
            assert outcome.days_until_due > 0
        finally:
            store.close()
        assert _rows(path, "SELECT max(id) FROM review") == [(20,)]


class TestProfileCommands:
    """`trainer profile list|add|rename` and `--profile` on the other commands."""

    def test_add_list_rename_and_use_a_profile(self, tmp_path: Path) -> None:
        """Each command says what it did; config reads and writes the named profile's settings."""
        db = str(tmp_path / "class.db")
        runner = CliRunner()
        assert runner.invoke(main, ["--db", db, "config", "set", "new_per_day", "5"]).exit_code == 0
        added = runner.invoke(main, ["--db", db, "profile", "add", "ana"])
        assert added.exit_code == 0 and "Added profile 'ana'" in added.output
        assert runner.invoke(main, ["--db", db, "--profile", "ana", "config", "get", "new_per_day"]).output.strip() == "20"
        assert runner.invoke(main, ["--db", db, "config", "get", "new_per_day"]).output.strip() == "5"
        assert runner.invoke(main, ["--db", db, "profile", "rename", "ana", "Ana B"]).exit_code == 0
        listed = runner.invoke(main, ["--db", db, "profile", "list"]).output
        assert "Ana B" in listed and "default" in listed and "student id s-" in listed

    def test_an_unknown_profile_is_one_clear_line(self, tmp_path: Path) -> None:
        """A mistyped --profile names the profiles that exist and how to add one; exit 1, no traceback."""
        db = str(tmp_path / "class.db")
        runner = CliRunner()
        runner.invoke(main, ["--db", db, "config", "set", "new_per_day", "5"])
        result = runner.invoke(main, ["--db", db, "--profile", "zed", "config", "get", "new_per_day"])
        assert result.exit_code == 1
        assert "no profile 'zed'" in result.output and "trainer profile add zed" in result.output
        assert "Traceback" not in result.output
