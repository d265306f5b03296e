"""Deck files fuzzed with Hypothesis: never a traceback, every problem located.

Each case starts from a real deck (a test deck, the two example decks, and the first items of
every table of the three built-in decks), applies one to four random mutations (a text field given
hostile text; any field given a value of any type, including markup, escape sequences and odd
Unicode; a field, an item, a table or the [deck] header removed; an item duplicated; an unknown
field added), writes it as TOML and runs `trainer deck validate` on the file, as an instructor would.

Every case must end in "ok" (exit 0; the cards are generated) or in problems only (exit 1), each
problem on its own line starting with the file's path and naming where it is: the line, and the
item and field (or the whole table for a table that is missing).

CI runs 200 cases; TRAINER_FULL_PROOF=1 runs 10,000.
"""

from __future__ import annotations

import copy
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.replay import proof_count
from trainer.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED_FILES = (
    REPO / "tests" / "data" / "decks" / "good_minimal.toml",
    REPO / "decks" / "examples" / "upper-limb-quiz.toml",
    REPO / "decks" / "examples" / "cauda-equina.toml",
    REPO / "decks" / "dermatomes.toml",
    REPO / "decks" / "localisation.toml",
    REPO / "decks" / "isncsci.toml",
)


def _seed(path: Path) -> dict[str, Any]:
    """The deck with at most three items per table (every kind of item, generated in about a millisecond)."""
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: value[:3] if isinstance(value, list) else value for key, value in document.items()}


SEEDS = tuple(_seed(path) for path in SEED_FILES)
FIELD_NAMES = sorted(
    {field for seed in SEEDS for value in seed.values() if isinstance(value, list) for item in value for field in item}
    | {field for seed in SEEDS for field in seed["deck"]}
)
"""Every field name the seeds use: a mutation may move any of them anywhere."""

NASTY = st.sampled_from(
    [
        "", " ", "L7", "C0", "S6", "T13", "L4-5", "l4", "L 4", "fourth lumbar", "L4, L5", "KSP08", "NOPE",
        "[bold]Not bold[/]", "[/]", "[link=x]y[/link]", "\x1b[31mRED\x1b[0m", "\x07\x7f\x00", "\u202eevil",
        "🦴 脊神经", "👩\u200d👩\u200d👧", "\ufeff", "a" * 300, "true", "typed-root", "choice", "isncsci", "clinical",
    ]
)  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=30))
VALUE = st.recursive(
    st.one_of(
        TEXT,
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
    ),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
"""Any value TOML can hold."""


def _items(document: dict[str, Any]) -> list[tuple[str, int]]:
    """(table, index) of every item of the document's arrays of tables."""
    return [
        (table, index)
        for table, value in document.items()
        if isinstance(value, list)
        for index, item in enumerate(value)
        if isinstance(item, dict)
    ]


@st.composite
def decks(draw: st.DrawFn) -> dict[str, Any]:
    """A seed deck with one to four mutations."""
    document = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        items = _items(document)
        kind = draw(
            st.sampled_from(["retext", "retext", "set", "set", "delete-field", "delete-item", "duplicate", "top-level", "deck"])
        )
        if kind in ("retext", "set", "delete-field", "delete-item", "duplicate") and items:
            table, index = draw(st.sampled_from(items))
            item = document[table][index]
            texts = sorted(field for field, value in item.items() if isinstance(value, str))
            if kind == "retext" and texts:
                # Same type, hostile text: often still a valid deck, so the cards are generated from it.
                item[draw(st.sampled_from(texts))] = draw(TEXT)
            elif kind == "set":
                field = draw(st.sampled_from(sorted(item) + FIELD_NAMES) | TEXT)
                item[field] = draw(VALUE)
            elif kind == "delete-field" and item:
                del item[draw(st.sampled_from(sorted(item)))]
            elif kind == "delete-item":
                del document[table][index]
            elif kind == "duplicate":
                document[table].append(copy.deepcopy(item))
        elif kind == "deck" and isinstance(document.get("deck"), dict):
            header = document["deck"]
            field = draw(st.sampled_from(sorted(header) + ["format", "title", "id", "version", "license"]))
            if draw(st.booleans()):
                header[field] = draw(VALUE)
            else:
                header.pop(field, None)
        else:
            key = draw(st.sampled_from(sorted(document) + ["format", "deck", "sources", "card", "dermatome", "extra"]))
            if draw(st.booleans()):
                document[key] = draw(VALUE)
            else:
                document.pop(key, None)
    return document


HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control characters, line separators and bidi overrides: never raw in a problem line."""

WHOLE_FILE = ("the deck has no facts and no cards",)
"""Problems of the file as a whole: the file is their location."""

LOCATED = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+)(:\d+)?: (?P<rest>.+)$")


def _check_located(problem: str, path: str) -> None:
    """A problem line names the file, then the line and the item or field, or the table that is missing."""
    assert problem.startswith(f"{path}:"), problem
    rest = problem[len(path) + 1 :]
    assert not HIDDEN.search(problem), problem  # one plain line: nothing from the file reaches the terminal raw
    if rest.startswith(" "):
        # No line (the header or key could not be found in the text, or there is none): the table
        # or top-level key is named; a problem of the whole file says so.
        named = re.search(r"\[[a-z]+(\.[^\]]*)?\]", rest) or rest.startswith(" format: ")
        assert named or rest.strip() in WHOLE_FILE, problem
        return
    match = LOCATED.match(problem)
    assert match is not None and match["file"] == path, problem


@settings(
    max_examples=proof_count(200, 10_000),
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(document=decks())
def test_fuzzed_decks_validate_or_are_refused_with_every_problem_located(document: dict[str, Any]) -> None:
    """`trainer deck validate`: exit 0 with the cards generated, or exit 1 with located problems; never a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.toml"
        path.write_text(tomli_w.dumps(document), encoding="utf-8")
        result = CliRunner().invoke(main, ["deck", "validate", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        problems = [line for line in result.stderr.splitlines() if ": warning: " not in line]
        event("valid deck" if result.exit_code == 0 else "refused deck")  # --hypothesis-show-statistics
        if result.exit_code == 0:
            assert problems == []
            assert re.fullmatch(rf"{re.escape(str(path))}: ok \(\d+ cards? from deck '.*'\)\n", result.stdout), result.stdout
        else:
            assert result.exit_code == 1 and problems and result.stdout == "", result.output
            for problem in problems:
                _check_located(problem, str(path))
