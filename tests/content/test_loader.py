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

# (file, line the error must point at or None, every fragment the error line must contain): a field's
# problem points at the field's own line, a problem of a whole item at the item's header
BROKEN_DECKS = [
    ("bad_syntax.toml", 3, ["TOML syntax error"]),
    ("bad_wrong_type.toml", 31, ['(key "knee")', "field 'roots'", "must be a list"]),
    ("bad_unknown_root.toml", 23, ['(root "L7")', "field 'root'", '"L7" is not a spinal root; did you mean "L5"?']),
    ("bad_duplicate_id.toml", 34, ['[[landmark]] #2 (key "knee")', 'duplicate id "knee"', "#1"]),
    ("bad_unknown_source.toml", 20, ['(root "L4")', "field 'sources'", 'unknown source key "KSP8"; did you mean "KSP08"?']),
    ("bad_missing_field.toml", 22, ['(root "L5")', "field 'region'", "is required"]),
    ("bad_empty_prompt.toml", 37, ['[[card]] #1 (key "blank")', "field 'prompt'", "must not be empty"]),
    ("bad_unknown_field.toml", 19, ["field 'regoin'", "is not a field of this table", 'did you mean "region"?']),
    ("bad_binary.toml", 1, ["is not UTF-8 text"]),
    ("bad_missing_deck.toml", None, ["[deck]", "is missing"]),
    ("bad_empty_sources_list.toml", 13, ["field 'sources'", "must not be empty"]),
    ("bad_unknown_table.toml", 28, ["unknown table [landmarks]", "did you mean [landmark]?"]),
    ("bad_too_few_distractors.toml", 39, ['(key "few")', "field 'distractors'", "needs at least 3 (it has 2)"]),
    ("bad_distractor_is_answer.toml", 39, ['(key "clash")', "field 'distractors'", '"thumb" is also an accepted answer']),
    ("bad_disc_level.toml", 35, ['[[disc]] #1 (level "L5-L6" posterolateral)', "field 'level'", "no L6 vertebra"]),
    ("bad_deck_id.toml", 3, ["[deck]", "field 'id'", '"My Deck!" is not a deck id', 'try "my-deck"']),
    ("bad_not_isncsci_level.toml", 23, ["field 'root'", '"S5" is not an ISNCSCI sensory level']),
    ("bad_frame.toml", 37, ['(key "df")', "field 'frame'", "'isncsci-nonkey' or 'clinical'"]),
    ("bad_empty_file.toml", None, ["[deck]", "is missing"]),
    ("bad_verdict_type.toml", 37, ['(key "c1")', "field 'verdict'", "must be true or false"]),
    ("bad_typed_answer_not_root.toml", 38, ["field 'answer'", "a typed-root card's answer is a root", '"L4-5" is not a spinal root']),
    ("bad_future_format.toml", 1, ["format", "deck format 2 is not supported"]),
    ("bad_too_many_options.toml", 39, ['(key "many")', "field 'distractors'", "at most 9 options (keys 1-9); this one has 10"]),
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

    def test_a_forty_megabyte_file_is_refused_before_parsing(self, tmp_path: Path) -> None:
        """A huge file gets a size error, quickly, instead of an out-of-memory parse."""
        huge = tmp_path / "huge.toml"
        huge.write_bytes(b'# padding\n' * 4_000_000)
        problems = _problem_lines(huge)
        assert problems == [f"{huge}: is too large for a deck (40.0 MB; the limit is 32 MB)"]

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


class TestEveryMistakeAtOnce:
    BASE = (DECKS / "good_minimal.toml").read_text(encoding="utf-8")

    def _problems(self, extra: str) -> list[str]:
        with pytest.raises(DeckError) as caught:
            load_deck_text(self.BASE + extra, name="d.toml")
        return [str(p) for p in caught.value.problems]

    def test_a_card_with_four_mistakes_reports_all_four(self) -> None:
        """Answer, accepted, distractors and sources are each reported, not just the first."""
        problems = self._problems(
            '\n[[card]]\nkey = "k"\nkind = "typed-root"\nprompt = "p"\nanswer = "L9"\naccepted = ["L8", "Q1"]\n'
            'distractors = ["a", "b", "c"]\nexplanation = "x"\nsources = ["NOPE1", "NOPE2"]\n'
        )
        text = "\n".join(problems)
        assert 'unknown source keys "NOPE1" and "NOPE2"' in text
        assert '"L9" is not a spinal root; did you mean "L5"?' in text
        assert '"L8" and "Q1" are not roots' in text
        assert "only choice cards have distractors" in text
        assert len(problems) == 4

    def test_problems_are_listed_in_file_order(self) -> None:
        """An author fixes a deck top to bottom: the landmark at the end is reported last."""
        broken = self.BASE.replace('root = "L5"', 'root = "L7"') + (
            '\n[[landmark]]\nkey = "x"\nname = "n"\nroots = ["L9"]\nsources = ["NETTER"]\n'
        )
        with pytest.raises(DeckError) as caught:
            load_deck_text(broken, name="d.toml")
        lines = [p.line for p in caught.value.problems]
        assert len(lines) == 2 and lines == sorted(lines)

    def test_anatomy_the_format_cannot_express_is_refused(self) -> None:
        """No disc between C1 and C2; ISNCSCI has key muscles only for C5-T1 and L2-S1."""
        problems = "\n".join(
            self._problems(
                '\n[[disc]]\nlevel = "C1-C2"\nherniation = "posterolateral"\nroots = ["C2"]\nsources = ["NETTER"]\n'
                '\n[[myotome]]\nkey = "m"\naction = "a"\nframe = "isncsci"\nroots = ["S4-5"]\nsources = ["NETTER"]\n'
            )
        )
        assert "there is no disc between C1 and C2" in problems
        assert 'ISNCSCI has key muscles only for C5-T1 and L2-S1, not "S4-5"' in problems

    def test_format_must_be_a_whole_number(self) -> None:
        """format = "1" is a type mistake, not an unsupported version."""
        with pytest.raises(DeckError) as caught:
            load_deck_text('format = "1"\n' + self.BASE, name="d.toml")
        assert "format: must be a whole number, like format = 1" in str(caught.value)

    def test_a_syntax_error_at_the_end_of_the_file_points_at_the_last_line(self) -> None:
        """Even when the parser runs out of input, the error has a line and column."""
        with pytest.raises(DeckError) as caught:
            load_deck_text(self.BASE + "\nbroken =", name="d.toml")
        (problem,) = caught.value.problems
        assert problem.line == self.BASE.count("\n") + 2 and problem.column is not None


class TestValidateCommand:
    def test_an_unused_source_is_a_warning_and_the_deck_still_validates(self, tmp_path: Path) -> None:
        """A source nobody cites is probably a typo: say so, but do not fail the deck."""
        deck = tmp_path / "d.toml"
        deck.write_text(
            (DECKS / "good_minimal.toml").read_text(encoding="utf-8") + '\n[sources.SPARE]\ncitation = "Spare."\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["deck", "validate", str(deck)])
        assert result.exit_code == 0
        assert f"{deck}: warning: [sources.SPARE] is never cited" in result.stderr
        assert f"{deck}: ok (" in result.stdout

    def test_preview_shows_markup_in_a_title_literally(self, tmp_path: Path) -> None:
        """Square brackets in deck text are text, in the CLI as in the TUI."""
        deck = tmp_path / "d.toml"
        deck.write_text(
            (DECKS / "good_minimal.toml").read_text(encoding="utf-8").replace(
                'title = "Minimal test deck"', 'title = "Quiz [/red] week [bold]3"'
            ),
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["deck", "preview", str(deck)], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "Quiz [/red] week [bold]3" in result.stdout

    def test_preview_json_lists_every_field_the_issue_names(self) -> None:
        """id, prompt, answer, accepted, kind, choices, siblings, sources (with citations), tags."""
        import json

        result = CliRunner().invoke(main, ["deck", "preview", "--json", str(DECKS / "good_minimal.toml")])
        cards = json.loads(result.stdout)
        assert cards and {"id", "prompt", "answer", "accepted", "kind", "choices", "siblings", "sources", "tags"} <= set(cards[0])
        assert all(s["citation"] for c in cards for s in c["sources"])


    def test_preview_never_sends_escape_codes_to_the_terminal(self, tmp_path: Path) -> None:
        """An ESC in deck text is shown as a visible symbol, not obeyed by the terminal."""
        deck = tmp_path / "d.toml"
        deck.write_text(
            (DECKS / "good_minimal.toml").read_text(encoding="utf-8").replace(
                'name = "the front of the knee"', 'name = "the \\u001b[31mfront\\u001b[0m of the knee"'
            ),
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["deck", "preview", str(deck)], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert "front" in result.stdout


class TestFieldLines:
    """Each field's problem points at the field's own line (issue 12: one pointed at line 1)."""

    # Every line marked "# <-" holds a mistake; [deck] is on line 1, as many authors start a deck.
    MARKED = '''[deck]
id = "Not An Id"  # <-
title = "Field lines"
version = "1.0"
license = 5  # <-
authors = "me"  # <-

[sources.A]
citation = ""  # <-
strength = "weird"  # <-

[[dermatome]]
key_point = "over the medial malleolus"
region = "the medial leg"
root = "L9"  # <-
sources = ["NOPE"]  # <-

[[card]]
key = "k"
kind = "typed-root"
prompt = "Which root?"
answer = "C8"
explanation = "E."
sources = ["A"]
colour = "red"  # <-
tags = ["Bad Tag"]  # <-
'''

    def test_every_field_problem_is_on_its_own_marked_line(self) -> None:
        """Nine mistakes, nine problems, each on the line of its field (none on line 1, the [deck] header)."""
        marked = [number for number, line in enumerate(self.MARKED.split("\n"), start=1) if "# <-" in line]
        with pytest.raises(DeckError) as caught:
            load_deck_text(self.MARKED, name="lines.toml")
        assert sorted(p.line for p in caught.value.problems) == marked

    def test_a_format_problem_points_at_the_format_line(self) -> None:
        """The top-level `format` field, which had no line at all."""
        text = "# my deck\n\nformat = 7\n" + (DECKS / "good_minimal.toml").read_text(encoding="utf-8")
        with pytest.raises(DeckError) as caught:
            load_deck_text(text, name="f.toml")
        assert [str(p) for p in caught.value.problems] == [
            "f.toml:3: format: deck format 7 is not supported (this trainer reads format 1)"
        ]

    def test_a_missing_field_points_at_its_items_header(self) -> None:
        """A field that is not there has no line of its own: the item's header is the nearest place."""
        text = (DECKS / "good_minimal.toml").read_text(encoding="utf-8").replace(
            'key_point = "over the medial malleolus"\n', "", 1
        )
        with pytest.raises(DeckError) as caught:
            load_deck_text(text, name="m.toml")
        header = text.split("\n").index("[[dermatome]]") + 1
        assert [p.line for p in caught.value.problems] == [header]


class TestOneCardWording:
    """"1 card", not "1 cards", in what `deck validate`, `preview` and `import` print."""

    ONE_CARD = '''[deck]
id = "one-card"
title = "One card"
version = "1.0"

[sources.A]
citation = "A source."

[[card]]
key = "c8-exit"
kind = "typed-root"
prompt = "Which root leaves the spinal canal between C7 and T1?"
answer = "C8"
explanation = "C1 to C7 exit above their vertebrae, so C8 exits between C7 and T1."
sources = ["A"]
'''

    def test_validate_preview_and_import_say_1_card(self, tmp_path: Path) -> None:
        """Each command's count of one card."""
        deck = tmp_path / "one.toml"
        deck.write_text(self.ONE_CARD, encoding="utf-8")
        validated = CliRunner().invoke(main, ["deck", "validate", str(deck)])
        assert validated.stdout == f"{deck}: ok (1 card from deck 'one-card')\n"
        previewed = CliRunner().invoke(main, ["deck", "preview", str(deck)], terminal_width=200)
        assert "One card (1 card)" in previewed.stdout
        db = ["--db", str(tmp_path / "t.db"), "deck", "import", str(deck)]
        assert "(1 new, 0 updated, 0 retired, 0 unchanged cards)" in CliRunner().invoke(main, db).stdout
        assert "(0 new, 0 updated, 0 retired, 1 unchanged card)" in CliRunner().invoke(main, db).stdout
