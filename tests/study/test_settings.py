"""Settings: defaults, validation with clear messages, storage, and `trainer config`."""

from __future__ import annotations

import sys

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.scheduling.grading import FAST_MS, SLOW_MS
from trainer.store import repo
from trainer.store.db import open_store
from trainer.study.settings import Settings, SettingError, load_settings, set_setting


class TestSettings:
    """Typed settings over text rows."""

    def test_defaults_match_the_issue_and_the_grading_constants(self, store) -> None:
        """20 new, 200 reviews, 04:00 rollover, 8 lapses, grading thresholds from grading.py."""
        with store.session() as session:
            assert load_settings(session) == Settings(20, 200, 4, 8, FAST_MS, SLOW_MS, None)

    def test_a_valid_value_is_stored_and_read_back(self, store) -> None:
        """Dashes or underscores; the value is typed."""
        with store.session() as session:
            assert set_setting(session, "new-per-day", " 7 ").new_per_day == 7
            set_setting(session, "timezone", "America/New_York")
            session.commit()
        with store.session() as session:
            settings = load_settings(session)
        assert (settings.new_per_day, settings.timezone) == (7, "America/New_York")

    def test_system_clears_the_time_zone(self, store) -> None:
        """"system" means follow the computer's zone."""
        with store.session() as session:
            set_setting(session, "timezone", "Europe/London")
            assert set_setting(session, "timezone", "system").timezone is None

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("new_per_dya", "3", "Unknown setting 'new_per_dya'. Did you mean new_per_day?"),
            ("colour", "red", "Unknown setting 'colour'. Known settings: new_per_day,"),
            ("new_per_day", "many", "new_per_day must be a whole number, not 'many'."),
            ("new_per_day", "2.5", "new_per_day must be a whole number, not '2.5'."),
            ("rollover_hour", "24", "rollover_hour must be from 0 to 23, not 24."),
            ("leech_threshold", "0", "leech_threshold must be from 1 to 999, not 0."),
            ("timezone", "Mars/Olympus", "timezone must be an IANA time zone such as Europe/London, not 'Mars/Olympus'."),
            ("fast_ms", "20000", "fast_ms (20000) must be less than slow_ms (15000)"),
        ],
    )
    def test_a_bad_setting_is_refused_with_one_clear_sentence(self, store, name, value, message) -> None:
        """Unknown name (with a suggestion), wrong type, out of range: nothing is stored."""
        with store.session() as session:
            with pytest.raises(SettingError) as caught:
                set_setting(session, name, value)
            assert str(caught.value).startswith(message)
            assert repo.stored_settings(session=session, profile_id=1) == {}

    def test_a_stored_value_that_no_longer_validates_falls_back_to_its_default(self, store) -> None:
        """A hand-edited row does not stop the app from starting."""
        with store.session() as session:
            repo.put_setting(session=session, profile_id=1, name="new_per_day", value="lots")
            repo.put_setting(session=session, profile_id=1, name="retired_setting", value="1")
            assert load_settings(session).new_per_day == 20


class TestConfigCommand:
    """`trainer config`, `config get NAME`, `config set NAME VALUE`."""

    def _run(self, db: str, *args: str):
        return CliRunner().invoke(main, ["--db", db, "config", *args])

    def test_bare_config_lists_every_setting(self, db_url: str) -> None:
        """One line per setting, with its value and what it means."""
        open_store(db_url).close()
        result = self._run(db_url)
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert [line.split()[0] for line in lines] == list(Settings.__dataclass_fields__)
        assert lines[0].split()[:2] == ["new_per_day", "20"]

    def test_set_then_get_round_trips(self, db_url: str) -> None:
        """The new value is saved in the --db database."""
        assert self._run(db_url, "set", "new-per-day", "12").output == "new_per_day = 12\n"
        result = self._run(db_url, "get", "new_per_day")
        assert (result.exit_code, result.output) == (0, "12\n")

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("set", "new_per_day", "-1"), "trainer config: new_per_day must be from 0 to 9999, not -1.\n"),
            (("get", "new_per_dya"), "trainer config: Unknown setting 'new_per_dya'. Did you mean new_per_day?\n"),
        ],
    )
    def test_an_error_is_one_line_on_stderr_and_exit_status_1(self, db_url: str, args, message) -> None:
        """No traceback, nothing on stdout."""
        open_store(db_url).close()
        result = self._run(db_url, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)

    def test_a_file_that_is_not_a_database_is_reported_not_overwritten(self, tmp_path: Path) -> None:
        """The store's refusal reaches the user as one line."""
        (tmp_path / "cli.db").write_text("notes")
        result = self._run(str(tmp_path / "cli.db"), "set", "new_per_day", "3")
        assert result.exit_code == 1
        assert "not a Dermatome Trainer database" in result.stderr
        assert (tmp_path / "cli.db").read_text() == "notes"

    def test_trainer_db_is_used_without_the_option(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """$TRAINER_DB names the database when --db is absent."""
        monkeypatch.setenv("TRAINER_DB", str(tmp_path / "env.db"))
        assert CliRunner().invoke(main, ["config", "set", "rollover_hour", "5"]).exit_code == 0
        assert (tmp_path / "env.db").is_file()


class TestConfigOtherDatabases:
    """`trainer config` on a database URL it cannot use: one line, non-zero exit, no traceback."""

    @pytest.mark.parametrize(
        ("url", "words"),
        [
            ("postgresql://nohost/x", "psycopg"),
            ("mysql://nohost/x", "mysqlclient"),
            ("foo://bar", "'foo' is not a database type"),
        ],
    )
    def test_an_unusable_url_is_one_clear_line(self, url: str, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """Through $TRAINER_DB, as a student on a class server would set it."""
        monkeypatch.setenv("TRAINER_DB", url)
        for module in ("psycopg", "psycopg2"):  # as without the [postgres] extra (the test extra has it)
            monkeypatch.setitem(sys.modules, module, None)
        result = CliRunner().invoke(main, ["config"])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, (ImportError,)) and result.exception.__class__ is SystemExit
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and words in lines[0]


class TestConfigDbOption:
    """`--db` may follow `config` or its command, as it may follow `review`."""

    def test_config_takes_its_own_db_option(self, tmp_path: Path) -> None:
        """`trainer config --db X set ...` writes X; `trainer config get ... --db X` reads it back."""
        path = tmp_path / "own.db"
        result = CliRunner().invoke(main, ["config", "--db", str(path), "set", "new_per_day", "9"])
        assert result.exit_code == 0, result.output
        result = CliRunner().invoke(main, ["config", "get", "new_per_day", "--db", str(path)])
        assert (result.exit_code, result.output.strip()) == (0, "9")

    def test_the_nearest_db_option_wins(self, tmp_path: Path) -> None:
        """A --db after `config` overrides the one before it; the outer database is not even created."""
        outer, inner = tmp_path / "outer.db", tmp_path / "inner.db"
        result = CliRunner().invoke(main, ["--db", str(outer), "config", "--db", str(inner), "set", "leech_threshold", "5"])
        assert result.exit_code == 0, result.output
        assert inner.exists() and not outer.exists()
        result = CliRunner().invoke(main, ["--db", str(inner), "config", "get", "leech_threshold"])
        assert result.output.strip() == "5"

    def test_a_locked_database_is_one_clear_line(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Another program writing: `config set` says the database is busy, without a traceback."""
        import sqlite3

        import trainer.store.db as db

        path = tmp_path / "busy.db"
        assert CliRunner().invoke(main, ["config", "--db", str(path), "set", "new_per_day", "4"]).exit_code == 0
        real_open = db.open_store
        monkeypatch.setattr(db, "open_store", lambda url, **kw: real_open(url, busy_timeout_ms=100, **kw))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            result = CliRunner().invoke(main, ["config", "--db", str(path), "set", "new_per_day", "3"])
        finally:
            other.rollback()
            other.close()
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "busy" in result.output and len(result.output.strip().splitlines()) == 1


def test_settings_of_a_store_reads_what_config_set_wrote(db_url: str) -> None:
    """The faces read settings through the study layer, and see what `trainer config set` stored."""
    from click.testing import CliRunner

    from trainer.cli import main
    from trainer.store.db import open_store
    from trainer.study.settings import settings_of

    assert CliRunner().invoke(main, ["--db", db_url, "config", "set", "new_per_day", "7"]).exit_code == 0
    store = open_store(db_url)
    try:
        assert settings_of(store).new_per_day == 7
        assert settings_of(store).rollover_hour == 4
    finally:
        store.close()
