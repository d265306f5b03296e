"""`trainer deck import`: an instructor's deck joins the student's collection, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.store.db import open_store
from trainer.study.review import open_session

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "decks" / "examples" / "upper-limb-quiz.toml"
BROKEN = REPO / "tests" / "data" / "decks" / "bad_unknown_root.toml"


def _import(db: str, *paths: Path):
    return CliRunner().invoke(main, ["--db", str(db), "deck", "import", *map(str, paths)])


def test_an_imported_deck_is_studied_with_the_others(db_url: str, tmp_path: Path, clock) -> None:
    """After import, today's queue serves the deck's cards."""
    db = db_url
    result = _import(db, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert f"{EXAMPLE}: imported (38 new, 0 updated, 0 retired, 0 unchanged cards)" in result.stdout
    store = open_store(db)
    try:
        card = open_session(store, clock).next_card()
        assert card is not None and card.card.deck_id == "upper-limb-quiz"
    finally:
        store.close()


def test_importing_the_same_deck_again_changes_nothing(db_url: str, tmp_path: Path) -> None:
    """Re-import is idempotent (ids come from the deck, not the wording)."""
    db = db_url
    _import(db, EXAMPLE)
    again = _import(db, EXAMPLE)
    assert again.exit_code == 0
    assert "(0 new, 0 updated, 0 retired, 38 unchanged cards)" in again.stdout


def test_a_broken_deck_is_not_imported_and_the_good_one_still_is(db_url: str, tmp_path: Path) -> None:
    """Each file is all or nothing; the errors are located; exit 1 because one failed."""
    db = db_url
    result = _import(db, BROKEN, EXAMPLE)
    assert result.exit_code == 1
    assert f"{BROKEN}:23:" in result.stderr and f"{BROKEN}: not imported" in result.stderr
    assert f"{EXAMPLE}: imported (38 new" in result.stdout
    assert "Traceback" not in result.output


def test_a_deck_cannot_take_over_the_built_in_decks_id(db_url: str, tmp_path: Path) -> None:
    """A copy with id "dermatomes" would replace the built-in cards: refused, with the field named."""
    clash = tmp_path / "clash.toml"
    clash.write_text(EXAMPLE.read_text(encoding="utf-8").replace('id = "upper-limb-quiz"', 'id = "dermatomes"'), encoding="utf-8")
    result = _import(db_url, clash)
    assert result.exit_code == 1
    assert f"{clash}: [deck], field 'id': deck id \"dermatomes\" is a built-in deck's" in result.stderr


def test_an_unusable_database_is_one_clear_line(tmp_path: Path) -> None:
    """A file that is not a database is refused before anything is imported."""
    not_db = tmp_path / "notes.txt"
    not_db.write_text("shopping list", encoding="utf-8")
    result = _import(not_db, EXAMPLE)
    assert result.exit_code == 1
    assert result.stderr.startswith("trainer deck import: ") and "Traceback" not in result.output
    assert not_db.read_text(encoding="utf-8") == "shopping list"


MINI = REPO / "tests" / "data" / "decks" / "good_minimal.toml"


def _reusing_the_example_id(tmp_path: Path) -> Path:
    """Another course's deck file that happens to reuse the example deck's id."""
    other = tmp_path / "other-course.toml"
    other.write_text(MINI.read_text(encoding="utf-8").replace('id = "mini"', 'id = "upper-limb-quiz"'), encoding="utf-8")
    return other


def _active_cards(db: str) -> tuple[int, str]:
    """(active cards, title) of the example deck, as a later session would read them."""
    from sqlalchemy import text

    store = open_store(db)
    try:
        with store.engine.connect() as connection:
            active = connection.execute(
                text("SELECT COUNT(*) FROM card WHERE deck_id = 'upper-limb-quiz' AND retired_at IS NULL")
            ).scalar_one()
            title = connection.execute(text("SELECT title FROM deck WHERE id = 'upper-limb-quiz'")).scalar_one()
    finally:
        store.close()
    return active, title


class TestReplacingADeck:
    """A file that reuses a deck's id and would retire its cards says how many, and asks first."""

    def test_a_script_without_yes_is_refused_with_one_clear_line(self, db_url: str, tmp_path: Path) -> None:
        """Stdin is not a terminal (CliRunner): nothing is asked, nothing retired, exit 1."""
        db = db_url
        assert _import(db, EXAMPLE).exit_code == 0
        other = _reusing_the_example_id(tmp_path)
        result = _import(db, other)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{other}: deck id 'upper-limb-quiz' is already in your collection (\"Upper limb roots: week 3 quiz\"); "
            "importing this file retires 38 of its cards (kept with their progress, no longer asked). "
            "Not imported: run again with --yes to import it anyway.\n"
        )
        assert result.stdout == ""
        assert _active_cards(db) == (38, "Upper limb roots: week 3 quiz")

    def test_yes_imports_it_and_reports_the_retired_cards(self, db_url: str, tmp_path: Path) -> None:
        """--yes (for scripts) imports without asking."""
        db = db_url
        _import(db, EXAMPLE)
        other = _reusing_the_example_id(tmp_path)
        result = CliRunner().invoke(main, ["--db", str(db), "deck", "import", "--yes", str(other)])
        assert result.exit_code == 0, result.output
        assert "38 retired" in result.stdout
        assert _active_cards(db)[1] == "Minimal test deck"

    @pytest.mark.parametrize(("answer", "imported"), [("y\n", True), ("n\n", False), ("\n", False)])
    def test_at_a_terminal_it_asks_first(
        self, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, imported: bool
    ) -> None:
        """The question names how many cards would be retired; no (the default) imports nothing."""
        import trainer.cli

        db = db_url
        _import(db, EXAMPLE)
        monkeypatch.setattr(trainer.cli, "_stdin_is_interactive", lambda: True)
        other = _reusing_the_example_id(tmp_path)
        result = CliRunner().invoke(main, ["--db", str(db), "deck", "import", str(other)], input=answer)
        assert "importing this file retires 38 of its cards" in result.stderr and "Import it? [y/N]" in result.stderr
        assert result.exit_code == (0 if imported else 1)
        assert (_active_cards(db)[1] == "Minimal test deck") is imported
        if not imported:
            assert f"{other}: not imported" in result.stderr
            assert _active_cards(db) == (38, "Upper limb roots: week 3 quiz")

    def test_an_import_that_retires_nothing_is_not_asked(self, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Re-importing the same deck, or a new edition that only adds cards, goes ahead at once."""
        import trainer.cli

        monkeypatch.setattr(trainer.cli, "_stdin_is_interactive", lambda: True)
        db = db_url
        _import(db, MINI)
        for path in (MINI, EXAMPLE):
            result = _import(db, path)
            assert result.exit_code == 0 and result.stderr == ""


class TestPreview:
    """`preview_deck_file` reports what an import would do, with the import's own arithmetic, writing nothing."""

    def test_the_preview_matches_the_import_and_writes_nothing(self, db_url: str, tmp_path: Path, clock) -> None:
        """The preview names the stored deck and its counts equal the real import's; the database is unchanged."""
        from trainer.study.decks import import_deck_file, preview_deck_file

        db = db_url
        _import(db, EXAMPLE)
        other = _reusing_the_example_id(tmp_path)
        store = open_store(db)
        try:
            before = _active_cards(db)
            preview = preview_deck_file(store, str(other), now=clock.now())
            assert (preview.deck_id, preview.title, preview.stored_title) == (
                "upper-limb-quiz",
                "Minimal test deck",
                "Upper limb roots: week 3 quiz",
            )
            assert preview.retires_cards
            assert _active_cards(db) == before
            report = import_deck_file(store, str(other), now=clock.now())
        finally:
            store.close()
        assert report == preview.report
        assert (report.retired, report.added) == (38, preview.report.added) and report.added > 0

    def test_a_new_deck_retires_nothing(self, db_url: str, tmp_path: Path, clock) -> None:
        """A deck id not yet in the collection: every card is new and nothing is asked."""
        from trainer.study.decks import preview_deck_file

        store = open_store(db_url)
        try:
            preview = preview_deck_file(store, str(EXAMPLE), now=clock.now())
        finally:
            store.close()
        assert preview.stored_title is None and not preview.retires_cards
        assert (preview.report.added, preview.report.retired) == (38, 0)


def test_deck_import_moved_to_study_decks_and_old_imports_still_work() -> None:
    """Issue 7: decks.py owns deck import; study.review re-exports it for old callers."""
    from trainer.study import decks, review

    assert review.import_deck_file is decks.import_deck_file
    assert review.ensure_builtin_deck is decks.ensure_builtin_deck


class TestBulkWork:
    """The collector pause around a big import (`bulk_work`) leaves Python's memory management as it found it."""

    def test_cycles_made_during_bulk_work_are_still_collected_afterwards(self) -> None:
        import gc
        import weakref

        from trainer.study.decks import bulk_work

        class Node:
            pass

        with bulk_work():
            assert not gc.isenabled()
            node = Node()
            node.self = node  # a cycle: only the collector frees it
            alive = weakref.ref(node)
            del node
        assert gc.isenabled()
        assert alive() is not None  # not collected yet: bulk_work's exit walks nothing
        gc.collect()
        assert alive() is None  # but not frozen away either: a full collection frees it

    def test_a_collector_paused_by_the_caller_stays_paused(self) -> None:
        import gc

        from trainer.study.decks import bulk_work

        gc.disable()
        try:
            with bulk_work():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_objects_frozen_by_the_process_stay_frozen(self) -> None:
        """bulk_work does not thaw what a program froze on purpose (gc.freeze before forking, say)."""
        import gc

        from trainer.study.decks import bulk_work

        gc.freeze()
        try:
            frozen = gc.get_freeze_count()
            with bulk_work():
                pass
            assert gc.get_freeze_count() == frozen > 0
        finally:
            gc.unfreeze()
