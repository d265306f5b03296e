"""Exports to Anki, checked by importing them with Anki's own library into a fresh collection."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportCsvRequest

from trainer.content.cards import CardKind, CompiledDeck
from trainer.content.generate import compile_deck, load_compiled_deck
from trainer.content.loader import load_deck_text
from trainer.interop.anki_export import write_anki_csv, write_apkg

REPO = Path(__file__).resolve().parent.parent.parent
DECK_FILES = [REPO / "decks" / "dermatomes.toml", *sorted((REPO / "decks" / "examples").glob("*.toml"))]
WHEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _plain(field: str) -> str:
    """An Anki field's HTML as the text a student reads."""
    return unescape(re.sub(r"<[^>]+>", " ", field.replace("<br>", "\n"))).strip()


def _import_apkg(collection, path: Path):
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return collection.import_anki_package(request).log


def _import_csv(collection, path: Path):
    metadata = collection.get_csv_metadata(str(path), None)
    return collection.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def _notes_by_card_id(collection) -> dict[str, object]:
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    return {unescape(note["Card id"]): note for note in notes}


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=lambda p: p.stem)
def test_a_deck_goes_through_apkg_with_every_card_prompt_and_answer(tmp_path: Path, anki_collection, deck_file: Path) -> None:
    """Anki imports one note and one card per trainer card, prompts and answers intact."""
    deck = load_compiled_deck(deck_file)
    package = tmp_path / "deck.apkg"
    assert write_apkg(deck, package, exported_at=WHEN) == len(deck.cards)
    log = _import_apkg(anki_collection, package)
    assert len(log.new) == len(deck.cards)
    assert anki_collection.note_count() == len(deck.cards)
    assert anki_collection.card_count() == len(deck.cards)
    notes = _notes_by_card_id(anki_collection)
    for card in deck.cards:
        note = notes[card.id]
        assert _plain(note["Prompt"]) == card.prompt
        assert _plain(note["Answer"]) == card.answer
        assert _plain(note["Explanation"]) == card.explanation
        if card.kind == CardKind.CHOICE:
            assert [_plain(li) for li in re.findall(r"<li>(.*?)</li>", note["Options"])] == list(card.choices)
        for key in card.sources:
            assert _plain(deck.info.source(key).citation) in _plain(note["Sources"])


def test_the_front_and_back_a_student_sees_in_anki(tmp_path: Path, anki_collection) -> None:
    """Choice options on the front; the answer, other accepted answers, why and the full source on the back."""
    deck = load_compiled_deck(REPO / "decks" / "examples" / "upper-limb-quiz.toml")
    package = tmp_path / "deck.apkg"
    write_apkg(deck, package, exported_at=WHEN)
    _import_apkg(anki_collection, package)
    notes = _notes_by_card_id(anki_collection)
    choice = next(c for c in deck.cards if c.kind == CardKind.CHOICE)
    anki_card = notes[choice.id].cards()[0]
    front, back = _plain(anki_card.question()), _plain(anki_card.answer())
    assert choice.prompt in front and all(option in front for option in choice.choices)
    assert choice.answer in back and choice.explanation in back
    assert deck.info.source(choice.sources[0]).citation in back
    several = next(c for c in deck.cards if c.kind == CardKind.TYPED_ROOT and len(c.accepted) > 1)
    typed_card = notes[several.id].cards()[0]
    assert "type" in typed_card.question().lower()  # Anki's type-in box for the root
    assert f"Also accepted: {', '.join(several.accepted[1:])}" in _plain(typed_card.answer())


def _reworded(deck_file: Path) -> CompiledDeck:
    """The same deck with every explanation and note reworded (ids unchanged)."""
    text = deck_file.read_text(encoding="utf-8")
    text = re.sub(r'^(note|explanation) = "', r'\1 = "Revised. ', text, flags=re.MULTILINE)
    return compile_deck(load_deck_text(text, name=str(deck_file)))


def test_a_newer_export_of_a_reworded_deck_updates_the_same_notes_in_anki(tmp_path: Path, anki_collection) -> None:
    """Stable GUIDs from card ids: Anki updates its notes (and keeps their cards) instead of adding duplicates."""
    deck_file = REPO / "decks" / "examples" / "cauda-equina.toml"
    first, second = load_compiled_deck(deck_file), _reworded(deck_file)
    assert [c.id for c in first.cards] == [c.id for c in second.cards]
    assert [c.explanation for c in first.cards] != [c.explanation for c in second.cards]
    write_apkg(first, tmp_path / "v1.apkg", exported_at=WHEN)
    write_apkg(second, tmp_path / "v2.apkg", exported_at=WHEN + timedelta(days=1))
    _import_apkg(anki_collection, tmp_path / "v1.apkg")
    card_ids_before = set(anki_collection.find_cards(""))
    log = _import_apkg(anki_collection, tmp_path / "v2.apkg")
    assert len(log.new) == 0
    assert len(log.updated) == len(first.cards)
    assert anki_collection.note_count() == len(first.cards)
    assert set(anki_collection.find_cards("")) == card_ids_before
    notes = _notes_by_card_id(anki_collection)
    assert all(_plain(notes[c.id]["Explanation"]).startswith("Revised. ") for c in second.cards if c.explanation.startswith("Revised. "))


@pytest.mark.parametrize("deck_file", DECK_FILES, ids=lambda p: p.stem)
def test_a_deck_goes_through_anki_csv_import_as_it_is(tmp_path: Path, anki_collection, deck_file: Path) -> None:
    """Anki's CSV import reads the header lines itself: one Basic note per card, with GUID and tags."""
    deck = load_compiled_deck(deck_file)
    path = tmp_path / "deck.csv"
    assert write_anki_csv(deck, path) == len(deck.cards)
    log = _import_csv(anki_collection, path)
    assert len(log.new) == len(deck.cards)
    assert anki_collection.note_count() == len(deck.cards)
    assert anki_collection.card_count() == len(deck.cards)
    by_guid = {anki_collection.get_note(nid).guid: anki_collection.get_note(nid) for nid in anki_collection.find_notes("")}
    from trainer.interop.anki_export import note_guid

    for card in deck.cards:
        note = by_guid[note_guid(card.id)]
        assert _plain(note["Front"]).startswith(card.prompt)
        assert _plain(note["Back"]).startswith(card.answer)
        assert card.deck_id in note.tags


def test_a_reworded_csv_export_updates_the_same_notes(tmp_path: Path, anki_collection) -> None:
    """Re-importing a newer CSV matches notes by GUID: updated, not duplicated."""
    deck_file = REPO / "decks" / "examples" / "cauda-equina.toml"
    write_anki_csv(load_compiled_deck(deck_file), tmp_path / "v1.csv")
    write_anki_csv(_reworded(deck_file), tmp_path / "v2.csv")
    _import_csv(anki_collection, tmp_path / "v1.csv")
    log = _import_csv(anki_collection, tmp_path / "v2.csv")
    assert len(log.new) == 0 and len(log.updated) > 0
    assert anki_collection.note_count() == len(load_compiled_deck(deck_file).cards)


def test_the_csv_lands_in_a_deck_named_after_the_trainer_deck(tmp_path: Path, anki_collection) -> None:
    """The #deck header puts the notes in a deck of the same title."""
    deck = load_compiled_deck(REPO / "decks" / "examples" / "upper-limb-quiz.toml")
    write_anki_csv(deck, tmp_path / "d.csv")
    _import_csv(anki_collection, tmp_path / "d.csv")
    assert len(anki_collection.find_cards(f'"deck:{deck.info.title}"')) == len(deck.cards)
