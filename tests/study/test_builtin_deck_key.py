"""The built-in decks' key is remembered between launches, and never outlives a change to a deck."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer import paths
from trainer.study import startup


@pytest.fixture
def deck_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built-in decks are one copied file the test may edit."""
    deck = tmp_path / "decks" / "dermatomes.toml"
    deck.parent.mkdir()
    shutil.copy(paths.builtin_deck_path(), deck)
    monkeypatch.setattr(paths, "builtin_deck_paths", lambda: [deck])
    return deck


def fresh_key() -> str:
    """The key computed from the files, with nothing remembered."""
    startup._key_cache().unlink(missing_ok=True)
    return startup.builtin_deck_key()


def test_an_unchanged_installation_reads_the_key_back(deck_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second launch does not read the deck files: the remembered key is the computed one."""
    key = fresh_key()
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read again"))
    assert startup.builtin_deck_key() == key


def test_an_edited_deck_gets_a_new_key(deck_copy: Path) -> None:
    """An edit (a new size and modification time) is noticed, so an updated deck is imported again."""
    before = fresh_key()
    deck_copy.write_text(deck_copy.read_text() + "\n# edited\n")
    after = startup.builtin_deck_key()
    assert after != before
    assert after == fresh_key()


def test_a_damaged_or_unwritable_cache_only_costs_the_hashing(deck_copy: Path) -> None:
    """Garbage in the cache file is ignored; a cache directory that is a file cannot be written, and the key is still right."""
    key = fresh_key()
    startup._key_cache().write_text("{not json")
    assert startup.builtin_deck_key() == key
    cache_dir = startup._key_cache().parent
    shutil.rmtree(cache_dir)
    cache_dir.write_text("a file where the directory should be")
    assert startup.builtin_deck_key() == key
