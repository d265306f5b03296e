"""`trainer deck import`: an instructor's deck joins the student's collection, whole or not at all."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from trainer.cli import main
from trainer.store.db import open_store
from trainer.study.review import open_session

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "decks" / "examples" / "upper-limb-quiz.toml"
BROKEN = REPO / "tests" / "data" / "decks" / "bad_unknown_root.toml"


def _import(db: Path, *paths: Path):
    return CliRunner().invoke(main, ["--db", str(db), "deck", "import", *map(str, paths)])


def test_an_imported_deck_is_studied_with_the_others(tmp_path: Path, clock) -> None:
    """After import, today's queue serves the deck's cards."""
    db = tmp_path / "t.db"
    result = _import(db, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert f"{EXAMPLE}: imported (38 new, 0 updated, 0 retired, 0 unchanged cards)" in result.stdout
    store = open_store(f"sqlite:///{db}")
    try:
        card = open_session(store, clock).next_card()
        assert card is not None and card.card.deck_id == "upper-limb-quiz"
    finally:
        store.close()


def test_importing_the_same_deck_again_changes_nothing(tmp_path: Path) -> None:
    """Re-import is idempotent (ids come from the deck, not the wording)."""
    db = tmp_path / "t.db"
    _import(db, EXAMPLE)
    again = _import(db, EXAMPLE)
    assert again.exit_code == 0
    assert "(0 new, 0 updated, 0 retired, 38 unchanged cards)" in again.stdout


def test_a_broken_deck_is_not_imported_and_the_good_one_still_is(tmp_path: Path) -> None:
    """Each file is all or nothing; the errors are located; exit 1 because one failed."""
    db = tmp_path / "t.db"
    result = _import(db, BROKEN, EXAMPLE)
    assert result.exit_code == 1
    assert f"{BROKEN}:22:" in result.stderr and f"{BROKEN}: not imported" in result.stderr
    assert f"{EXAMPLE}: imported (38 new" in result.stdout
    assert "Traceback" not in result.output


def test_a_deck_cannot_take_over_the_built_in_decks_id(tmp_path: Path) -> None:
    """A copy with id "dermatomes" would replace the built-in cards: refused, with the field named."""
    clash = tmp_path / "clash.toml"
    clash.write_text(EXAMPLE.read_text(encoding="utf-8").replace('id = "upper-limb-quiz"', 'id = "dermatomes"'), encoding="utf-8")
    result = _import(tmp_path / "t.db", clash)
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
