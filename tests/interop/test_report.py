"""Exam report files: the JSON follows docs/report-format.md, and JSON, Markdown and CSV hold the same numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from trainer.content.generate import load_compiled_deck
from trainer.content.places import dermatome_places
from trainer.interop.report import (
    CSV_COLUMNS,
    ReportError,
    report_to_csv,
    report_to_dict,
    report_to_json,
    report_to_markdown,
    write_report,
)
from trainer.paths import builtin_deck_path
from trainer.study.exam import DeckRef, ExamAttempt, ExamReport, StudentRef

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
AWKWARD = 'L4 | "x", *y*\nz'
"""An answer with a pipe, quotes, a comma, Markdown emphasis and a line break."""


@pytest.fixture(scope="module")
def report() -> ExamReport:
    """A timed-out attempt on real cards: a confusion, a blank, a flag, an awkward answer."""
    deck = load_compiled_deck(builtin_deck_path())

    def find(template: str, root: str | None = None, fact: str | None = None):
        return next(
            c for c in deck.cards
            if c.template == template and (root is None or c.answer_root == root) and (fact is None or c.fact_key == fact)
        )

    cards = [
        find("keypoint-to-root", "L5"),
        find("root-to-region", "L4"),
        find("landmark-to-root", fact="landmark:medial-malleolus"),
        find("true-or-false", fact="claim:maps-agree"),
        find("keypoint-to-root", "C6"),
        find("disc-to-root", "L5"),
    ]
    exam = ExamAttempt(
        attempt_id="0b6c2f9e4d3a4b1c8e7f6a5b4c3d2e1f", cards=cards, time_limit_s=120, started_at=T0,
        seed=42, student=StudentRef("s-3f9a1c2b"), decks=[DeckRef.of(deck.info)],
    )  # fmt: skip
    step = iter(range(1, 1000))

    def t() -> datetime:
        return T0 + timedelta(seconds=next(step) * 7.25)

    exam.answer("L4", t())
    exam.next(t())
    exam.answer(find("root-to-region", "L5").answer, t())
    exam.toggle_flag(t())
    exam.next(t())
    exam.answer("L4", t())
    exam.next(t())
    exam.answer("False", t())
    exam.next(t())
    exam.next(t())
    exam.answer(AWKWARD, t())
    assert exam.check_time(T0 + timedelta(seconds=500))
    return exam.report(dermatome_places(deck.cards))


def spec_example() -> dict:
    """The JSON example in docs/report-format.md."""
    text = (REPO_ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block is not None
    return json.loads(block.group(1))


def shape(value):
    """The keys of a JSON value, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def md_table(text: str, heading: str) -> list[list[str]]:
    """The body rows of the Markdown table under `## heading`, cells unescaped."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    cells = [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]
    return [[re.sub(r"\\(.)", r"\1", c.strip()) for c in row] for row in cells]


class TestJson:
    def test_the_json_has_exactly_the_documented_shape(self, report) -> None:
        """Every key of the documented example, nothing else, at every level."""
        assert shape(report_to_dict(report)) == shape(spec_example())

    def test_the_json_records_the_attempt_and_every_question(self, report) -> None:
        """Format and version, the timeout, the seed, the decks, and per question the answer and its time."""
        data = json.loads(report_to_json(report))
        assert (data["format"], data["version"]) == ("dermatome-trainer-exam-report", 1)
        assert data["attempt"]["submitted_by"] == "timeout"
        assert data["attempt"]["submitted_at"] == "2026-11-26T09:02:00+00:00"
        assert data["attempt"]["time_used_s"] == data["attempt"]["time_limit_s"] == 120
        assert data["attempt"]["seed"] == 42 and data["attempt"]["questions"] == 6
        assert data["decks"][0]["id"] == "dermatomes"
        assert data["score"] == {"correct": 2, "total": 6, "answered": 5, "flagged": 1, "percent": 33.3}
        assert [q["verdict"] for q in data["questions"]] == ["adjacent", "adjacent", "correct", "correct", "blank", "wrong"]
        assert data["questions"][4]["given"] is None and data["questions"][5]["given"] == AWKWARD.strip()
        assert data["per_root"] == [
            {"root": "C6", "correct": 0, "total": 1},
            {"root": "L4", "correct": 1, "total": 2},
            {"root": "L5", "correct": 0, "total": 2},
        ]
        assert data["confusions"] == [{"expected": "L4", "given": "L5", "count": 1}, {"expected": "L5", "given": "L4", "count": 1}]
        assert sum(q["time_ms"] for q in data["questions"]) == 120_000


class TestSameNumbers:
    def test_markdown_holds_the_json_numbers(self, report) -> None:
        """Score, per root, per kind, confusions and per-question verdict, answer and time match the JSON."""
        data = report_to_dict(report)
        md = report_to_markdown(report)
        s = data["score"]
        assert f"**{s['correct']} of {s['total']} correct ({s['percent']:.1f}%)**; {s['answered']} answered, {s['flagged']} flagged." in md
        assert [[r[0], int(r[1]), int(r[2])] for r in md_table(md, "Per root")] == [[r["root"], r["correct"], r["total"]] for r in data["per_root"]]
        assert [[r[0], int(r[1]), int(r[2])] for r in md_table(md, "Per kind")] == [[r["kind"], r["correct"], r["total"]] for r in data["per_kind"]]
        assert [[r[0], r[1], int(r[2])] for r in md_table(md, "Confusions")] == [[c["expected"], c["given"], c["count"]] for c in data["confusions"]]
        questions = md_table(md, "Questions")
        assert [(int(r[0]), r[1], r[7], float(r[8]), r[9] == "yes") for r in questions] == [
            (q["n"], q["card_id"], q["verdict"], round(q["time_ms"] / 1000, 1), q["flagged"]) for q in data["questions"]
        ]
        assert [None if r[6] == "—" else r[6] for r in questions] == [
            None if q["given"] is None else " ".join(q["given"].split()) for q in data["questions"]
        ]

    def test_markdown_explains_confusions_by_place(self, report) -> None:
        """The confusion sentence names both places, from the deck's dermatome regions."""
        md = report_to_markdown(report)
        assert (
            "you answered L5 where the answer was L4 (once): L5 is the lateral calf and the dorsum of the foot, "
            "L4 the medial shin and calf down to the medial malleolus"
        ) in md

    def test_csv_holds_the_json_numbers(self, report) -> None:
        """One row per score, root, kind, confusion and question, with the JSON's figures."""
        data = report_to_dict(report)
        rows = list(csv.DictReader(io.StringIO(report_to_csv(report), newline="")))
        assert tuple(rows[0]) == CSV_COLUMNS
        assert {r["attempt_id"] for r in rows} == {data["attempt"]["id"]}
        assert {(r["format"], r["version"]) for r in rows} == {("dermatome-trainer-exam-report", "1")}
        by = lambda kind: [r for r in rows if r["row"] == kind]  # noqa: E731
        (score,) = by("score")
        assert {k: score[k] for k in ("correct", "total", "answered", "flagged", "percent")} == {
            k: str(v) for k, v in data["score"].items()
        }
        assert [{"root": r["expected_root"], "correct": int(r["correct"]), "total": int(r["total"])} for r in by("root")] == data["per_root"]
        assert [{"kind": r["kind"], "correct": int(r["correct"]), "total": int(r["total"])} for r in by("kind")] == data["per_kind"]
        assert [{"expected": r["expected_root"], "given": r["given_root"], "count": int(r["count"])} for r in by("confusion")] == data["confusions"]
        questions = by("question")
        assert [
            (int(r["n"]), r["card_id"], r["given"] or None, r["verdict"], r["correct"] == "1", int(r["time_ms"]), r["flagged"] == "1")
            for r in questions
        ] == [(q["n"], q["card_id"], q["given"], q["verdict"], q["correct"], q["time_ms"], q["flagged"]) for q in data["questions"]]
        assert sum(int(r["correct"]) for r in questions) == data["score"]["correct"]


class TestWriting:
    @pytest.mark.parametrize("suffix", [".json", ".md", ".csv", ".JSON"])
    def test_the_extension_chooses_the_format(self, report, tmp_path: Path, suffix: str) -> None:
        """report.json is JSON, report.md Markdown, report.csv CSV; the bytes are the rendered text."""
        out = tmp_path / "out"
        out.mkdir()
        path = write_report(report, out / f"report{suffix}")
        text = path.read_bytes().decode("utf-8")
        expected = {".json": report_to_json, ".md": report_to_markdown, ".csv": report_to_csv}[suffix.lower()](report)
        assert text == expected
        assert list(out.iterdir()) == [path]

    def test_an_unknown_extension_or_an_unwritable_place_is_a_clear_error(self, report, tmp_path: Path) -> None:
        """One sentence naming the problem; no file left behind."""
        out = tmp_path / "out"
        out.mkdir()
        with pytest.raises(ReportError, match=r"Unknown report type '\.txt': name the file \.json, \.md or \.csv"):
            write_report(report, out / "report.txt")
        with pytest.raises(ReportError, match="Cannot write .*missing.*report.json"):
            write_report(report, out / "missing" / "report.json")
        (out / "report.json").mkdir()  # a folder where the file should go
        with pytest.raises(ReportError, match=r"Cannot write .*report\.json: \w"):
            write_report(report, out / "report.json")
        assert [p.name for p in out.iterdir()] == ["report.json"]
