"""Loading deck files: a valid deck loads, and every broken deck gets a located, readable error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.cli import main
from trainer.content.loader import DeckError, load_deck, load_deck_text, validate_document

DECKS = Path(__file__).resolve().parent.parent / "data" / "decks"

# (file, line the error must point at or None, every fragment the error line must contain)
BROKEN_DECKS = [
    ("bad_syntax.toml", 3, ["TOML syntax error"]),
    ("bad_wrong_type.toml", 28, ['(key "knee")', "field 'roots'", "must be a list"]),
    ("bad_unknown_root.toml", 22, ['(root "L7")', "field 'root'", '"L7" is not a spinal root; did you mean "L5"?']),
    ("bad_duplicate_id.toml", 34, ['[[landmark]] #2 (key "knee")', 'duplicate id "knee"', "#1"]),
    ("bad_unknown_source.toml", 16, ['(root "L4")', "field 'sources'", 'unknown source key "KSP8"; did you mean "KSP08"?']),
    ("bad_missing_field.toml", 22, ['(root "L5")', "field 'region'", "is required"]),
    ("bad_empty_prompt.toml", 34, ['[[card]] #1 (key "blank")', "field 'prompt'", "must not be empty"]),
    ("bad_unknown_field.toml", 16, ["field 'regoin'", "is not a field of this table", 'did you mean "region"?']),
    ("bad_binary.toml", 1, ["is not UTF-8 text"]),
    ("bad_missing_deck.toml", None, ["[deck]", "is missing"]),
    ("bad_empty_sources_list.toml", 9, ["field 'sources'", "must not be empty"]),
    ("bad_unknown_table.toml", 28, ["unknown table [landmarks]", "did you mean [landmark]?"]),
    ("bad_too_few_distractors.toml", 34, ['(key "few")', "field 'distractors'", "needs at least 3 (it has 2)"]),
    ("bad_distractor_is_answer.toml", 34, ['(key "clash")', "field 'distractors'", '"thumb" is also an accepted answer']),
    ("bad_disc_level.toml", 34, ['[[disc]] #1 (level "L5-L6" posterolateral)', "field 'level'", "no L6 vertebra"]),
    ("bad_deck_id.toml", 2, ["[deck]", "field 'id'", "characters that are not allowed"]),
    ("bad_not_isncsci_level.toml", 22, ["field 'root'", '"S5" is not an ISNCSCI sensory level']),
    ("bad_frame.toml", 34, ['(key "df")', "field 'frame'", "'isncsci' or 'clinical'"]),
    ("bad_empty_file.toml", None, ["[deck]", "is missing"]),
    ("bad_verdict_type.toml", 34, ['(key "c1")', "field 'verdict'", "must be true or false"]),
    ("bad_typed_answer_not_root.toml", 34, ["field 'answer'", "a typed-root card's answers are roots", '"L4-5" is not a spinal root']),
    ("bad_future_format.toml", None, ["format", "deck format 2 is not supported"]),
]


def _problem_lines(path: Path) -> list[str]:
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    return [str(p) for p in caught.value.problems]


class TestValidDeck:
    def test_minimal_deck_loads_its_metadata_sources_and_facts(self) -> None:
        """A valid deck loads with every item in file order."""
        deck = load_deck(DECKS / "good_minimal.toml")
        assert deck.meta.id == "mini"
        assert set(deck.sources) == {"KSP08", "NETTER"}
        assert [d.root for d in deck.items("dermatome")] == ["L4", "L5"]
        assert deck.items("landmark")[0].roots == ["L3", "L4"]

    def test_a_byte_order_mark_from_a_windows_editor_is_not_an_error(self) -> None:
        """Decks saved by Notepad start with a BOM; they still load."""
        text = (DECKS / "good_minimal.toml").read_text(encoding="utf-8")
        deck = load_deck_text("\ufeff" + text, name="bom.toml")
        assert deck.meta.id == "mini"


class TestBrokenDecks:
    def test_the_catalogue_has_at_least_fifteen_broken_decks(self) -> None:
        """Every committed bad_*.toml is checked below, and there are enough of them."""
        committed = {p.name for p in DECKS.glob("bad_*.toml")}
        assert committed == {name for name, _, _ in BROKEN_DECKS} | {"bad_several_errors.toml"}
        assert len(committed) >= 15

    @pytest.mark.parametrize(("name", "line", "fragments"), BROKEN_DECKS, ids=[b[0] for b in BROKEN_DECKS])
    def test_broken_deck_error_names_file_line_item_and_field(
        self, name: str, line: int | None, fragments: list[str]
    ) -> None:
        """The error starts with file:line and names the item, the field and what is wrong."""
        path = DECKS / name
        problems = _problem_lines(path)
        matching = [p for p in problems if all(f in p for f in fragments)]
        assert matching, f"no problem line contains {fragments}: {problems}"
        prefix = f"{path}:{line}:" if line is not None else f"{path}:"
        assert matching[0].startswith(prefix), matching[0]

    @pytest.mark.parametrize("name", [b[0] for b in BROKEN_DECKS])
    def test_validate_command_exits_1_with_the_error_on_stderr_and_no_traceback(self, name: str) -> None:
        """`trainer deck validate BAD` prints file:location: message lines and exits 1."""
        result = CliRunner().invoke(main, ["deck", "validate", str(DECKS / name)])
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit)
        assert str(DECKS / name) in result.stderr
        assert "Traceback" not in result.output
        assert result.stdout == ""

    def test_every_problem_in_a_file_is_reported_at_once(self) -> None:
        """Three different mistakes give three problem lines, not just the first."""
        problems = _problem_lines(DECKS / "bad_several_errors.toml")
        text = "\n".join(problems)
        assert "field 'title'" in text
        assert '"L9" is not a spinal root' in text
        assert 'root "L3" is listed twice' in text
        assert len(problems) == 3

    def test_a_ten_megabyte_file_is_refused_before_parsing(self, tmp_path: Path) -> None:
        """A huge file gets a size error, quickly, instead of an out-of-memory parse."""
        huge = tmp_path / "huge.toml"
        huge.write_bytes(b'# padding\n' * 1_100_000)
        problems = _problem_lines(huge)
        assert problems == [f"{huge}: is too large for a deck (11.0 MB; the limit is 2 MB)"]

    def test_a_missing_file_and_a_directory_are_clear_errors(self, tmp_path: Path) -> None:
        """Paths that are not deck files say what they are."""
        assert _problem_lines(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: no such file"]
        assert _problem_lines(tmp_path) == [f"{tmp_path}: is a directory, not a deck file"]

    def test_a_deck_with_any_error_yields_no_deck_at_all(self) -> None:
        """Nothing is half-loaded: the only outcome of a bad deck is the error."""
        text = (DECKS / "bad_unknown_root.toml").read_text(encoding="utf-8")
        with pytest.raises(DeckError):
            load_deck_text(text, name="x.toml")

    def test_real_command_on_binary_junk_prints_one_line_and_no_traceback(self) -> None:
        """Run as a user would, in a separate process."""
        run = subprocess.run(
            [sys.executable, "-m", "trainer", "deck", "validate", str(DECKS / "bad_binary.toml")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1
        assert run.stderr.strip() == f"{DECKS / 'bad_binary.toml'}:1: is not UTF-8 text (is it a deck file?)"
        assert "Traceback" not in run.stderr


class TestArbitraryInput:
    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=400))
    def test_arbitrary_text_raises_only_deck_error(self, text: str) -> None:
        """Whatever text arrives, the loader returns a deck or raises DeckError, nothing else."""
        try:
            load_deck_text(text, name="fuzz.toml")
        except DeckError as error:
            assert error.problems
            assert all(str(p).startswith("fuzz.toml") for p in error.problems)

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=400))
    def test_arbitrary_bytes_raise_only_deck_error(self, data: bytes) -> None:
        """Random bytes never escape as UnicodeDecodeError, RecursionError or a pydantic error."""
        try:
            load_deck_text(data, name="fuzz.toml")
        except DeckError as error:
            assert error.problems

    @settings(max_examples=200, deadline=None)
    @given(
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
            lambda children: st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(["deck", "id", "root", "roots", "sources", "dermatome", "card", "key", "kind"]),
                children,
                max_size=5,
            ),
            max_leaves=20,
        )
    )
    def test_deck_shaped_nonsense_raises_only_deck_error(self, value: object) -> None:
        """TOML-like structures with the right names in the wrong places are errors, not crashes."""
        document = value if isinstance(value, dict) else {"dermatome": value}
        try:
            validate_document(document, name="shape.toml")
        except DeckError as error:
            assert error.problems
