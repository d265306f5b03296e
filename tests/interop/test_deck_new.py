"""`trainer deck new NAME`: a starter deck an instructor can validate and import at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.content.generate import load_compiled_deck


def test_a_new_deck_is_valid_and_shows_each_kind_of_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NAME.toml in the current directory: a source, a dermatome fact, a typed, a choice and a reveal card."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["deck", "new", "anatomy"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "anatomy.toml"
    assert CliRunner().invoke(main, ["deck", "validate", str(path)]).stdout == f"{path}: ok (5 cards from deck 'anatomy')\n"
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert document["sources"] and document["dermatome"][0]["root"] == "L4"
    assert sorted(card["kind"] for card in document["card"]) == ["choice", "reveal", "typed-root"]
    assert path.read_text(encoding="utf-8").count("\n# ") >= 10  # commented for a first-time author
    assert "trainer deck import anatomy.toml" in path.read_text(encoding="utf-8")


def test_a_new_deck_never_overwrites_a_file(tmp_path: Path) -> None:
    """An existing file is kept byte for byte; exit 1 with one clear line."""
    path = tmp_path / "mine.toml"
    path.write_text("precious", encoding="utf-8")
    result = CliRunner().invoke(main, ["deck", "new", "Spine week 1", "--output", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"trainer deck new: {path} already exists; choose another name or --output (nothing was written)\n"
    assert path.read_text(encoding="utf-8") == "precious"


def test_a_title_with_spaces_gets_a_valid_id(tmp_path: Path) -> None:
    """'Spine week 1' -> id spine-week-1, title kept; the deck imports."""
    path = tmp_path / "s.toml"
    assert CliRunner().invoke(main, ["deck", "new", "Spine week 1", "-o", str(path)]).exit_code == 0
    deck = load_compiled_deck(path)
    assert (deck.info.id, deck.info.title) == ("spine-week-1", "Spine week 1")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "t.db"), "deck", "import", str(path)])
    assert result.exit_code == 0 and "(5 new," in result.stdout
