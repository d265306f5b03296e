"""`trainer deck import FILE.csv|.tsv|.txt`: spreadsheets and Anki's text export become decks, progress kept."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from trainer.cli import main
from trainer.content.generate import load_compiled_deck
from trainer.store import decks_repo, repo
from trainer.store.models import Card, CardState
from trainer.store.db import open_store
from trainer.study.review import open_session

REPO = Path(__file__).resolve().parent.parent.parent

SHEET = """\
Question no,Question,Answer,Wrong answers,Why,Source,Tags
1,Which root supplies the skin over the medial malleolus?,L4,,The L4 key sensory point.,"ASIA. ISNCSCI key sensory points, 2019.",lumbar dermatome
2,Foot drop in radiculopathy points to which root?,L5,L4;S1;L3,Tibialis anterior and EHL weakness.,Netter FH. Atlas of Human Anatomy. 2018.,lumbar
3,Name the reflex that tests S1.,the ankle (Achilles) reflex,,Achilles reflex is S1.,Netter FH. Atlas of Human Anatomy. 2018.,
"""


def _run(*args: str, db: Path | None = None):
    prefix = ["--db", str(db)] if db else []
    return CliRunner().invoke(main, [*prefix, "deck", "import", *args])


def _sheet(tmp_path: Path, text: str = SHEET, name: str = "week3.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _state(db: Path, card_id: str):
    store = open_store(f"sqlite:///{db}")
    try:
        with store.session() as session:
            found = (session.get(Card, card_id), session.get(CardState, (1, card_id)))
            assert found is not None
            return found
    finally:
        store.close()


def test_a_sheet_with_a_named_key_column_imports_as_a_deck(tmp_path: Path, clock) -> None:
    """--map names the id column; each row is a card (typed, choice, reveal inferred); it is studied."""
    db, sheet = tmp_path / "t.db", _sheet(tmp_path)
    result = _run(str(sheet), "--map", "Question no=key", db=db)
    assert result.exit_code == 0, result.output
    assert f"{sheet}: imported (3 new, 0 updated, 0 retired, 0 unchanged cards)" in result.stdout
    store = open_store(f"sqlite:///{db}")
    try:
        with store.session() as session:
            deck = decks_repo.stored_deck(session=session, deck_id="week3")
        assert [c.kind.value for c in deck.cards] == ["typed-root", "choice", "reveal"]
        assert deck.cards[1].choices and set(deck.cards[1].distractors) == {"L4", "S1", "L3"}
        assert {s.citation for s in deck.info.sources} == {"ASIA. ISNCSCI key sensory points, 2019.", "Netter FH. Atlas of Human Anatomy. 2018."}
        card = open_session(store, clock, deck_ids=["week3"]).next_card()
        assert card is not None and card.card in deck.cards  # studied (new cards come in the mixed order)
    finally:
        store.close()


def test_reimporting_the_same_sheet_changes_nothing(tmp_path: Path) -> None:
    """Idempotent: the second import reports every card unchanged."""
    db, sheet = tmp_path / "t.db", _sheet(tmp_path)
    _run(str(sheet), "--map", "Question no=key", db=db)
    again = _run(str(sheet), "--map", "Question no=key", db=db)
    assert again.exit_code == 0
    assert "(0 new, 0 updated, 0 retired, 3 unchanged cards)" in again.stdout


def test_rewording_a_row_keeps_the_progress_and_a_removed_row_retires_its_card(tmp_path: Path, clock) -> None:
    """Ids come from the key column: a reworded question keeps its schedule; a deleted row is retired, history kept."""
    db, sheet = tmp_path / "t.db", _sheet(tmp_path)
    _run(str(sheet), "--map", "Question no=key", db=db)
    store = open_store(f"sqlite:///{db}")
    try:
        session = open_session(store, clock, deck_ids=["week3"])
        answered = []
        for _ in range(3):
            card = session.next_card()
            assert card is not None
            session.answer(card.card.id, 5, 1500)
            answered.append(card.card)
    finally:
        store.close()
    first = next(c for c in answered if c.prompt.startswith("Which root supplies"))
    removed = next(c for c in answered if c.prompt.startswith("Name the reflex"))
    edited = SHEET.replace("Which root supplies the skin over the medial malleolus?", "Which dermatome contains the medial malleolus?")
    edited = "\n".join(line for line in edited.splitlines() if not line.startswith("3,")) + "\n"
    sheet.write_text(edited, encoding="utf-8")
    result = _run(str(sheet), "--map", "Question no=key", db=db)
    assert "(0 new, 1 updated, 1 retired, 1 unchanged card)" in result.stdout
    card_row, state = _state(db, first.id)
    assert card_row.prompt == "Which dermatome contains the medial malleolus?"
    assert state.repetitions == 1 and state.introduced_day is not None
    gone, gone_state = _state(db, removed.id)
    assert gone.retired_at is not None and gone_state.repetitions == 1


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(tmp_path: Path) -> None:
    """Every problem at once, as file: row N, column 'X': message; the collection is untouched."""
    bad = SHEET + "4,,L4,,why,Netter FH. 2018.,\n5,Which root?,L4,,why,,\n2,Duplicate id row,L5,,why,Netter,\n6,Pick one,L5,L5;S1;L4,why,Netter,\n7,Kind?,L5,,why,Netter,\n"
    bad = bad.replace("Question no,Question,Answer,Wrong answers,Why,Source,Tags", "Question no,Question,Answer,Wrong answers,Why,Source,Tags,Kind")
    bad = bad.replace("7,Kind?,L5,,why,Netter,\n", "7,Kind?,L5,,why,Netter,,essay\n")
    db, sheet = tmp_path / "t.db", _sheet(tmp_path, bad)
    result = _run(str(sheet), "--map", "Question no=key", db=db)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{sheet}: row 5, column 'Question': must not be empty" in lines
    assert any(line.startswith(f"{sheet}: row 6, column 'Source': no source") for line in lines)
    assert f'{sheet}: row 7, column \'Question no\': id "2" is also on row 3' in lines
    assert any(line.startswith(f"{sheet}: row 8, column 'Wrong answers': ") and '"L5" is also an accepted answer' in line for line in lines)
    assert f'{sheet}: row 9, column \'Kind\': "essay" is not a kind (typed-root, choice or reveal)' in lines
    assert f"{sheet}: not imported" in lines
    assert "Traceback" not in result.output
    store = open_store(f"sqlite:///{db}")
    try:
        with store.session() as session:
            assert decks_repo.deck_ids(session=session) == []
    finally:
        store.close()


def test_a_sheet_without_an_id_column_asks_for_one_and_lists_the_columns(tmp_path: Path) -> None:
    """Without ids a re-import could not keep progress: the user is told to name a key column."""
    sheet = _sheet(tmp_path)
    result = _run(str(sheet), db=tmp_path / "t.db")
    assert result.exit_code == 1
    assert "no id column: name the column whose values never change with --map COLUMN=key" in result.stderr
    assert '"Question no"' in result.stderr


def test_write_gives_a_deck_file_that_validates_and_imports_to_the_same_cards(tmp_path: Path) -> None:
    """--write DECK.toml: review the deck before importing; importing it equals importing the sheet."""
    sheet = _sheet(tmp_path)
    out = tmp_path / "week3.toml"
    result = _run(str(sheet), "--map", "Question no=key", "--write", str(out), "--title", "Week 3")
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["deck", "validate", str(out)]).exit_code == 0
    deck = load_compiled_deck(out)
    assert deck.info.title == "Week 3" and len(deck.cards) == 3
    db = tmp_path / "t.db"
    assert _run(str(sheet), "--map", "Question no=key", "--title", "Week 3", db=db).exit_code == 0
    store = open_store(f"sqlite:///{db}")
    try:
        with store.session() as session:
            stored = decks_repo.stored_deck(session=session, deck_id="week3")
            kept = decks_repo.deck_source(session=session, deck_id="week3")
            hashes = dict(session.exec(select(Card.id, Card.content_hash)).all())
        # The direct import (no TOML written and read back) stores exactly the cards of the
        # written file, every field, and keeps that file's text for `deck export --format toml`.
        assert stored.cards == deck.cards
        assert hashes == {card.id: repo.card_content_hash(card) for card in deck.cards}
        assert kept == out.read_text(encoding="utf-8")
    finally:
        store.close()


def test_write_never_overwrites_a_hand_written_deck(tmp_path: Path) -> None:
    """A file the command did not write is kept; one it wrote is replaced on a re-run."""
    sheet = _sheet(tmp_path)
    mine = tmp_path / "mine.toml"
    mine.write_text("# my own deck\n", encoding="utf-8")
    result = _run(str(sheet), "--map", "Question no=key", "--write", str(mine))
    assert result.exit_code == 1 and "was not written by `trainer deck import`" in result.stderr
    assert mine.read_text(encoding="utf-8") == "# my own deck\n"
    out = tmp_path / "out.toml"
    assert _run(str(sheet), "--map", "Question no=key", "--write", str(out)).exit_code == 0
    assert _run(str(sheet), "--map", "Question no=key", "--write", str(out)).exit_code == 0


def test_a_semicolon_sheet_saved_by_excel_with_a_bom_and_a_tsv_are_read(tmp_path: Path) -> None:
    """European Excel writes ';' and a byte-order mark; .tsv is tab-separated."""
    semicolon = SHEET.replace(",", ";").replace("L4;S1;L3", "L4|S1|L3").replace('"ASIA. ISNCSCI key sensory points; 2019."', "ASIA 2019")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"\xef\xbb\xbf" + semicolon.encode("utf-8"))
    result = _run(str(excel), "--map", "Question no=key", "--write", str(tmp_path / "a.toml"))
    assert result.exit_code == 0, result.output
    assert len(load_compiled_deck(tmp_path / "a.toml").cards) == 3
    tsv = tmp_path / "sheet.tsv"
    tsv.write_text("id\tprompt\tanswer\tsource\nx1\tWhich root: big toe dorsum?\tL5\tNetter 2018\n", encoding="utf-8")
    assert _run(str(tsv), "--write", str(tmp_path / "b.toml")).exit_code == 0
    assert load_compiled_deck(tmp_path / "b.toml").cards[0].answer == "L5"


def test_an_anki_text_export_imports_with_its_guids_as_ids(tmp_path: Path, anki_collection) -> None:
    """Anki's "Notes in Plain Text" of Basic notes (header lines, HTML, GUID column) imports; a re-import changes nothing."""
    from anki.collection import DeckIdLimit, ImportCsvRequest
    from anki.decks import DeckId

    from trainer.interop.anki_export import write_anki_csv

    deck = load_compiled_deck(REPO / "decks" / "examples" / "cauda-equina.toml")
    write_anki_csv(deck, tmp_path / "d.csv")
    metadata = anki_collection.get_csv_metadata(str(tmp_path / "d.csv"), None)
    anki_collection.import_csv(ImportCsvRequest(path=str(tmp_path / "d.csv"), metadata=metadata))
    deck_id = DeckId(anki_collection.decks.id_for_name(deck.info.title))
    export = tmp_path / "anki-notes.txt"
    anki_collection.export_note_csv(
        out_path=str(export), limit=DeckIdLimit(deck_id), with_html=True, with_tags=True,
        with_deck=True, with_notetype=True, with_guid=True,
    )  # fmt: skip
    assert export.read_text(encoding="utf-8").startswith("#separator:tab\n#html:true\n")
    db = tmp_path / "t.db"
    args = (str(export), "--source", "Exported from Anki; see each card's back.", "--deck-id", "from-anki")
    result = _run(*args, db=db)
    assert result.exit_code == 0, result.output
    assert f"({len(deck.cards)} new," in result.stdout
    store = open_store(f"sqlite:///{db}")
    try:
        with store.session() as session:
            imported = decks_repo.stored_deck(session=session, deck_id="from-anki")
    finally:
        store.close()
    assert len(imported.cards) == len(deck.cards)
    assert sorted(c.prompt.split("\n")[0] for c in imported.cards) == sorted(c.prompt for c in deck.cards)
    assert all("<" not in c.prompt + c.answer for c in imported.cards)  # HTML read as text
    again = _run(*args, db=db)
    assert f"(0 new, 0 updated, 0 retired, {len(deck.cards)} unchanged cards)" in again.stdout
