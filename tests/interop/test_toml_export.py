"""`trainer deck export --format toml`: the deck's own structure, which imports back to the same cards and ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import main
from trainer.content.generate import load_compiled_deck
from trainer.store.db import open_store
from trainer.store.models import CardState
from trainer.study.review import open_session

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((REPO / "decks" / "examples").glob("*.toml"))


def _run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), "deck", *args])


@pytest.mark.parametrize("deck_file", EXAMPLES, ids=lambda p: p.stem)
def test_an_exported_example_deck_imports_back_to_the_same_cards_and_ids(tmp_path: Path, deck_file: Path) -> None:
    """Import, export as TOML, and the exported file generates exactly the original cards."""
    db = tmp_path / "t.db"
    assert _run(db, "import", str(deck_file)).exit_code == 0
    deck_id = load_compiled_deck(deck_file).info.id
    out = tmp_path / "exported.toml"
    result = _run(db, "export", deck_id, "--format", "toml", "--output", str(out))
    assert result.exit_code == 0, result.output
    original, exported = load_compiled_deck(deck_file), load_compiled_deck(out)
    assert exported.cards == original.cards
    assert exported.info == original.info
    again = _run(db, "import", str(out))
    assert again.exit_code == 0
    assert f"(0 new, 0 updated, 0 retired, {len(original.cards)} unchanged cards)" in again.stdout


def test_the_built_in_deck_exports_to_the_same_cards(tmp_path: Path, clock) -> None:
    """The built-in deck (imported on first run) exports from its own file, every card id kept."""
    db = tmp_path / "t.db"
    store = open_store(f"sqlite:///{db}")
    try:
        from trainer.study.review import ensure_builtin_deck

        ensure_builtin_deck(store, now=clock.now())
    finally:
        store.close()
    out = tmp_path / "builtin.toml"
    result = _run(db, "export", "dermatomes", "--format", "toml", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert [c.id for c in load_compiled_deck(out).cards] == [c.id for c in load_compiled_deck(REPO / "decks" / "dermatomes.toml").cards]


def test_progress_survives_export_and_reimport_of_the_exported_file(tmp_path: Path, clock) -> None:
    """A student's answer on a card stays with it when the exported TOML is imported instead of the original."""
    db = tmp_path / "t.db"
    deck_file = REPO / "decks" / "examples" / "upper-limb-quiz.toml"
    _run(db, "import", str(deck_file))
    store = open_store(f"sqlite:///{db}")
    try:
        session = open_session(store, clock, deck_ids=["upper-limb-quiz"])
        first = session.next_card()
        assert first is not None
        session.answer(first.card.id, 5, 2000)
    finally:
        store.close()
    out = tmp_path / "exported.toml"
    _run(db, "export", "upper-limb-quiz", "--format", "toml", "--output", str(out))
    _run(db, "import", str(out))
    store = open_store(f"sqlite:///{db}")
    try:

        with store.session() as s:
            state = s.get(CardState, (1, first.card.id))
            assert state.repetitions == 1 and state.introduced_day is not None
    finally:
        store.close()


def test_export_names_an_unknown_deck_and_the_ones_there_are(tmp_path: Path) -> None:
    """A typo in the id is one clear line with a suggestion, exit 1, no file written."""
    db = tmp_path / "t.db"
    _run(db, "import", str(REPO / "decks" / "examples" / "cauda-equina.toml"))
    out = tmp_path / "x.toml"
    result = _run(db, "export", "cauda-equnia", "--format", "toml", "--output", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == 'trainer deck export: no deck "cauda-equnia"; did you mean "cauda-equina"?'
    assert not out.exists()


def test_export_into_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    """An unwritable output is reported, not a traceback."""
    db = tmp_path / "t.db"
    _run(db, "import", str(REPO / "decks" / "examples" / "cauda-equina.toml"))
    result = _run(db, "export", "cauda-equina", "--format", "apkg", "--output", str(tmp_path / "no" / "x.apkg"))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.output


AWKWARD_TEXTS = [
    'a "quoted" word and a back\\slash',
    "two\nlines",
    "a Windows\r\nline break",
    "a lone \r carriage return",
    "a\ttab, a bell \x07, a delete \x7f and an escape \x1b[31m",
    "ünïcödé — Ω and 😀",
    "[bold]markup[/bold] and 'single' quotes",
    '"""three quotes"""',
    "",
]


@pytest.mark.parametrize("deck_file", [*EXAMPLES, REPO / "decks" / "dermatomes.toml"], ids=lambda p: p.stem)
def test_the_fast_toml_writer_writes_what_tomli_w_writes(deck_file: Path) -> None:
    """Hand-written cards are written without tomli_w's per-character loop, to the same text."""
    import tomli_w

    from trainer.content.loader import load_deck
    from trainer.interop.toml_export import _dumps, deck_document

    document = deck_document(load_deck(deck_file))
    assert _dumps(document) == tomli_w.dumps(document, multiline_strings=True)


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_card_text_with_quotes_breaks_and_control_characters_is_written_as_tomli_w_does(text: str) -> None:
    """Any text an instructor's sheet holds round-trips, written exactly as tomli_w would write it."""
    import tomllib

    import tomli_w

    from trainer.interop.toml_export import _dumps

    cards = [
        {"key": "a", "kind": "reveal", "prompt": text, "answer": "x", "accepted": [text, "y"], "sources": ["s"]},
        {"key": "b", "kind": "reveal", "prompt": "p", "answer": text, "tags": [], "sources": ["s"]},
    ]
    document = {"format": 1, "deck": {"id": "d", "title": text}, "sources": {"s": {"citation": "c"}}, "card": cards}
    written = _dumps(document)
    assert written == tomli_w.dumps(document, multiline_strings=True)
    assert tomllib.loads(written)["card"][0]["prompt"] == text.replace("\r\n", "\n")


def test_short_one_line_tables_are_still_written_as_tomli_w_chooses() -> None:
    """A table of short one-line strings is one tomli_w may write inline: the writer leaves it to tomli_w."""
    import tomli_w

    from trainer.interop.toml_export import _dumps

    document = {"format": 1, "card": [{"key": "a", "prompt": "p"}, {"key": "b", "prompt": "q"}]}
    assert _dumps(document) == tomli_w.dumps(document, multiline_strings=True)


def test_hand_written_cards_are_dumped_as_pydantic_dumps_them() -> None:
    """A hand-written card's fields are read from it directly (a big sheet is thousands of cards):
    the same fields, values and order as pydantic's dump, so the written TOML is the same."""
    from trainer.content.loader import load_deck, load_deck_text
    from trainer.content.schema import HandCard
    from trainer.interop import toml_export

    assert toml_export._HAND_CARD_DIRECT
    cards = [card for path in [*EXAMPLES, *(REPO / "decks").glob("*.toml")] for card in load_deck(path).items("card")]
    bare = load_deck_text(
        '[deck]\nid = "d"\ntitle = "D"\nversion = "1.0.0"\n[sources.s]\ncitation = "c"\n'
        '[[card]]\nkey = "k"\nkind = "reveal"\nprompt = "p"\nanswer = "a"\nexplanation = "e"\nsources = ["s"]\n',
        name="bare.toml",
    ).items("card")
    cards += [*bare, bare[0].model_copy(update={"tags": ["x", "y"], "accepted": ["b"]})]
    assert any(card.tags for card in cards) and any(not card.tags for card in cards)
    assert any(card.distractors for card in cards) and any(card.accepted for card in cards)
    for card in cards:
        assert isinstance(card, HandCard)
        expected = card.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
        expected["sources"] = expected.pop("sources")
        assert list(toml_export._fields(card).items()) == list(expected.items())


SPREAD = [{"key": "a", "prompt": "p", "tags": ["x", "y"]}, {"key": "b", "prompt": "two\nlines"}]


@pytest.mark.parametrize(
    "document",
    [
        {"card": SPREAD},  # nothing before the cards
        {"format": 1, "card": SPREAD, "deck": {"id": "d"}},  # a table after the cards
        {"format": 1, "card": SPREAD, "other": SPREAD},  # two arrays of tables at the end
        {"format": 1, "card": SPREAD, "other": [{"key": "c", "n": 3}]},  # a number: tomli_w's
        {"format": 1, "card": [*SPREAD, {"key": "c", "tags": [1]}]},  # a list of numbers: tomli_w's
        {"format": 1, "card": [*SPREAD, {"not bare": "x"}]},  # a quoted key: tomli_w's
        {"format": 1, "my cards": SPREAD},  # a quoted table name: tomli_w's
    ],
    ids=["alone", "table-after", "two-arrays", "number-after", "number-list", "quoted-key", "quoted-name"],
)
def test_any_document_shape_is_written_as_tomli_w_writes_it(document) -> None:
    """Where the fast writer takes over and where it leaves the document to tomli_w, the text is the same."""
    import tomli_w

    from trainer.interop.toml_export import _dumps

    assert _dumps(document) == tomli_w.dumps(document, multiline_strings=True)
