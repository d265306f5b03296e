"""`trainer deck list` and `trainer deck remove`: what a student has, and taking a deck out of study."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from sqlmodel import select

from trainer.cli import main
from trainer.store.models import Card, CardState, Review
from trainer.store.db import open_store
from trainer.study.review import ensure_builtin_deck, open_session

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "decks" / "examples" / "cauda-equina.toml"


def _cli(db: str, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--db", str(db), "deck", *args], input=input)


def _answer_one(db: str, clock, deck_id: str) -> str:
    """Answer the first card of a deck (grade 5) and suspend the next; returns the answered card id."""
    store = open_store(db)
    try:
        session = open_session(store, clock, deck_ids=[deck_id])
        first = session.next_card()
        assert first is not None
        session.answer(first.card.id, 5, 1000)
        second = session.next_card()
        assert second is not None
        session.suspend(second.card.id)
        return first.card.id
    finally:
        store.close()


def _setup(db: str, clock) -> str:
    """A database (SQLite or PostgreSQL URL) with the built-in decks and the example deck."""
    store = open_store(db)
    try:
        ensure_builtin_deck(store, now=clock.now())
    finally:
        store.close()
    assert _cli(db, "import", str(EXAMPLE)).exit_code == 0
    return db


def test_deck_list_shows_counts_per_deck(db_url: str, clock) -> None:
    """Id, title, version, cards, and new / due / suspended after one answer and one suspension."""
    db = _setup(db_url, clock)
    _answer_one(db, clock, "cauda-equina")
    with freeze_time(clock.now()):
        result = _cli(db, "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"bodymap", "dermatomes", "localisation", "isncsci", "cauda-equina"}
    assert rows["bodymap"]["new"] == rows["bodymap"]["cards"] == 70  # the body map's cards: 28 + 28 + 14
    ces = rows["cauda-equina"]
    assert (ces["version"], ces["cards"], ces["new"], ces["suspended"]) == ("1.0.0", 26, 24, 1)
    assert ces["due"] == 0  # a first answer graded 5 is due the next day
    assert rows["dermatomes"]["new"] == rows["dermatomes"]["cards"] > 100
    with freeze_time(clock.now() + timedelta(days=1)):
        table = _cli(db, "list").stdout.splitlines()
    assert table[0].split() == ["id", "title", "version", "cards", "new", "due", "suspended"]
    assert any(line.startswith("cauda-equina") and line.split()[-4:] == ["26", "24", "1", "1"] for line in table)


def test_remove_asks_first_and_no_keeps_everything(db_url: str, clock) -> None:
    """Answering no (the default) removes nothing."""
    db = _setup(db_url, clock)
    result = _cli(db, "remove", "cauda-equina", input="\n")
    assert 'Remove deck "cauda-equina" and retire its cards (review history is kept)? [y/N]' in result.stdout
    assert "Nothing removed." in result.stdout
    assert "cauda-equina" in _cli(db, "list").stdout


def test_remove_retires_the_cards_keeps_history_and_a_reimport_restores_progress(db_url: str, clock) -> None:
    """After remove the deck is gone from list and queue; its reviews stay; importing it again brings the progress back."""
    db = _setup(db_url, clock)
    answered = _answer_one(db, clock, "cauda-equina")
    result = _cli(db, "remove", "cauda-equina", input="y\n")
    assert result.exit_code == 0
    assert 'Deck "cauda-equina": 26 cards retired' in result.stdout
    assert "cauda-equina" not in _cli(db, "list").stdout
    store = open_store(db)
    try:
        assert open_session(store, clock, deck_ids=["cauda-equina"]).next_card() is None
        with store.session() as session:
            assert len(session.exec(select(Review)).all()) == 1
    finally:
        store.close()
    again = _cli(db, "import", str(EXAMPLE))
    assert "(0 new, 26 updated, 0 retired, 0 unchanged cards)" in again.stdout
    store = open_store(db)
    try:
        with store.session() as session:
            card, state = session.get(Card, answered), session.get(CardState, (1, answered))
            assert card.retired_at is None and state.repetitions == 1
    finally:
        store.close()


def test_purge_deletes_cards_progress_and_history(db_url: str, clock) -> None:
    """--purge --yes: no question asked; a later import starts from scratch."""
    db = _setup(db_url, clock)
    _answer_one(db, clock, "cauda-equina")
    result = _cli(db, "remove", "cauda-equina", "--purge", "--yes")
    assert result.exit_code == 0 and "26 cards deleted with their history" in result.stdout
    store = open_store(db)
    try:
        with store.session() as session:
            assert len(session.exec(select(Review)).all()) == 0
    finally:
        store.close()
    assert "(26 new, 0 updated" in _cli(db, "import", str(EXAMPLE)).stdout


def test_the_built_in_deck_and_unknown_ids_are_refused(db_url: str, clock) -> None:
    """The built-in deck cannot be removed, even with --yes; a typo gets a suggestion."""
    db = _setup(db_url, clock)
    builtin = _cli(db, "remove", "dermatomes", "--yes")
    assert builtin.exit_code == 1
    assert '"dermatomes" is a built-in deck; it cannot be removed' in builtin.stderr
    typo = _cli(db, "remove", "cauda-equnia", "--yes")
    assert typo.exit_code == 1
    assert typo.stderr.strip() == 'trainer deck remove: no deck "cauda-equnia"; did you mean "cauda-equina"?'


def test_the_body_maps_cards_export_as_cards_not_as_a_deck_file(db_url: str, clock, tmp_path) -> None:
    """The map deck is generated from decks/maps/bodymap.toml: toml export says so plainly; csv works."""
    db = _setup(db_url, clock)
    refused = _cli(db, "export", "bodymap", "--format", "toml", "--output", str(tmp_path / "map.toml"))
    assert refused.exit_code != 0 and "generated from the body map bodymap.toml" in refused.output
    assert "Traceback" not in refused.output and not (tmp_path / "map.toml").exists()
    exported = _cli(db, "export", "bodymap", "--format", "csv", "--output", str(tmp_path / "map.csv"))
    assert exported.exit_code == 0, exported.output
    assert "Which root supplies the highlighted zone?" in (tmp_path / "map.csv").read_text(encoding="utf-8")
