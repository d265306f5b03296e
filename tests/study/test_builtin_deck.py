"""The built-in deck is imported on first run, re-imported when it changes, and otherwise left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import event

import trainer.content.generate
import trainer.paths
from trainer.content.generate import load_compiled_deck
from tests.conftest import reader_of
from trainer.store.models import Deck
from trainer.study.review import open_session, ensure_builtin_deck


@pytest.fixture
def deck_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built-in deck, standing in for it."""
    copy = tmp_path / "dermatomes.toml"
    shutil.copy(trainer.paths.builtin_deck_path(), copy)
    monkeypatch.setattr(trainer.paths, "builtin_deck_path", lambda: copy)
    monkeypatch.setattr(trainer.paths, "builtin_deck_paths", lambda: [copy])
    monkeypatch.setattr(trainer.paths, "builtin_map_paths", lambda: [])
    return copy


def test_the_first_run_imports_the_built_in_deck(store, clock, deck_file: Path) -> None:
    """Every generated card is stored, and the first card shown is the first of the mixed new-card order."""
    ensure_builtin_deck(store, now=clock.now())
    compiled = load_compiled_deck(deck_file)
    with store.session() as session:
        assert session.get(Deck, compiled.info.id).title == compiled.info.title
        assert reader_of(session).new_card_ids(limit=len(compiled.cards) + 1) == [c.id for c in compiled.cards]
        mixed = reader_of(session).new_card_ids(limit=len(compiled.cards) + 1, order="mixed")
    assert sorted(mixed) == sorted(c.id for c in compiled.cards)
    first = open_session(store, clock).next_card()
    assert first.card == next(c for c in compiled.cards if c.id == mixed[0])


def test_an_unchanged_deck_is_neither_compiled_nor_written_again(store, clock, deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second start-up only compares a hash."""
    ensure_builtin_deck(store, now=clock.now())

    def refuse(path: object) -> None:
        raise AssertionError("the deck was compiled again")

    monkeypatch.setattr(trainer.content.generate, "load_compiled_deck", refuse)
    writes: list[str] = []
    spy = lambda conn, cursor, statement, *rest: writes.append(statement) if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")) else None  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", spy)
    try:
        ensure_builtin_deck(store, now=clock.now())
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
    assert writes == []


def test_a_changed_deck_file_is_synced_again(store, clock, deck_file: Path) -> None:
    """Editing the file (here, the deck's title) updates the store on the next start."""
    ensure_builtin_deck(store, now=clock.now())
    text = deck_file.read_text(encoding="utf-8")
    title = load_compiled_deck(deck_file).info.title
    deck_file.write_text(text.replace(f'title = "{title}"', 'title = "Renamed"', 1), encoding="utf-8")
    ensure_builtin_deck(store, now=clock.now())
    with store.session() as session:
        assert session.get(Deck, "dermatomes").title == "Renamed"


def test_every_built_in_deck_is_imported_under_its_own_id(store, clock) -> None:
    """Issue 11: the built-in content is split into decks a student chooses between; all are imported."""
    ensure_builtin_deck(store, now=clock.now())
    paths = trainer.paths.builtin_deck_paths()
    assert [p.name for p in paths][0] == "dermatomes.toml" and len(paths) >= 3
    with store.session() as session:
        for path in paths:
            compiled = load_compiled_deck(path)
            assert session.get(Deck, compiled.info.id).title == compiled.info.title
    assert {load_compiled_deck(p).info.id for p in paths} >= {"dermatomes", "localisation", "isncsci"}


def test_the_body_maps_cards_are_a_built_in_deck_scheduled_like_any_other(store, clock) -> None:
    """Issue 13: every map card is stored under the map's id, new and due like the decks' cards; it cannot be removed."""
    from trainer.content.bodymap import load_bodymap
    from trainer.content.map_cards import compile_map_deck
    from trainer.study.deck_admin import DeckAdminError, remove_deck
    from trainer.study.decks import builtin_deck_files

    ensure_builtin_deck(store, now=clock.now())
    (map_file,) = trainer.paths.builtin_map_paths()
    compiled = compile_map_deck(load_bodymap(map_file))
    kinds = {c.kind.value for c in compiled.cards}
    assert kinds == {"map-zone", "map-locate", "map-root-or-nerve"}
    with store.session() as session:
        assert session.get(Deck, "bodymap").title == compiled.info.title
        new = reader_of(session).new_card_ids(limit=100_000)
    assert {c.id for c in compiled.cards} <= set(new)
    assert builtin_deck_files()["bodymap"] == map_file
    with pytest.raises(DeckAdminError, match="built-in"):
        remove_deck(store, "bodymap", now=clock.now())
