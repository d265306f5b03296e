"""`trainer class report`: students' exam report files combined, bad files listed and skipped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from trainer.cli import main

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
HARD = "dermatomes:b700bbadffba"  # the L5 key-point card, reworded in deck version 1.1.0


def _report(*args: str):
    return CliRunner().invoke(main, ["class", "report", *args])


def _json() -> dict:
    result = _report(str(REPORTS), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_bad_files_are_listed_with_the_reason_and_skipped() -> None:
    """Malformed, foreign, future-version and duplicate files never crash the report."""
    result = _report(str(REPORTS), "--json")
    assert result.exit_code == 0 and "Traceback" not in result.output
    reasons = {Path(item["path"]).name: item["reason"] for item in json.loads(result.stdout)["skipped"]}
    assert reasons["truncated.json"].startswith("not valid JSON (line ")
    assert reasons["package.json"] == 'not an exam report (no "format": "dermatome-trainer-exam-report")'
    assert reasons["future-version.json"].startswith("report format version 2 is not one this trainer reads")
    assert reasons["missing-card-id.json"] == 'malformed: "questions[2].card_id" is missing'
    assert reasons["s-aaa-1.json"].startswith("duplicate of ") and "same attempt id" in reasons["s-aaa-1.json"]
    assert f"{REPORTS / 'package.json'}: skipped: not an exam report" in result.stderr


def test_the_duplicate_attempt_is_counted_once() -> None:
    """Four distinct attempts by three students, though five files carry good reports."""
    data = _json()
    assert data["attempts"] == 4
    assert [(s["student"], s["attempts"]) for s in data["students"]] == [("s-aaaa1111", 1), ("s-bbbb2222", 1), ("s-cccc3333", 2)]


def test_question_difficulty_matches_cards_across_deck_versions() -> None:
    """The reworded card is one question (matched by id) asked four times, right once: the hardest."""
    questions = _json()["questions"]
    assert questions[0]["card_id"] == HARD
    assert (questions[0]["correct"], questions[0]["asked"]) == (1, 4)
    assert questions[0]["versions"] == ["dermatomes 1.0.0", "dermatomes 1.1.0"]
    assert questions[0]["prompt"].startswith("ISNCSCI key sensory point: the dorsum of the foot at the third MTP joint")  # newest wording
    s1 = next(q for q in questions if q["expected"] == "S1")
    assert (s1["correct"], s1["asked"], s1["blank"]) == (2, 4, 1)


def test_the_report_says_where_deck_versions_differ() -> None:
    """Versions seen, and the card whose prompt changed between them."""
    versions = _json()["versions"]
    assert versions == [
        'Deck "dermatomes": answers come from versions 1.0.0, 1.1.0; questions are matched by card id.',
        f"Card {HARD}: prompt differs between dermatomes 1.0.0, dermatomes 1.1.0.",
    ]


def test_accuracy_per_root_is_cranio_caudal_and_confusions_most_first() -> None:
    """Per-root class accuracy, and L5 taken for L4 three times heads the confusions."""
    data = _json()
    assert data["per_root"] == [
        {"root": "C6", "correct": 3, "total": 4},
        {"root": "L4", "correct": 3, "total": 4},
        {"root": "L5", "correct": 1, "total": 4},
        {"root": "S1", "correct": 2, "total": 4},
    ]
    assert data["confusions"][0] == {"expected": "L5", "given": "L4", "count": 3}
    assert sum(c["count"] for c in data["confusions"]) == 6


def test_students_below_the_threshold_are_named_by_their_ids() -> None:
    """Latest attempt counts: s-cccc3333 scored 25% then 75%, so only s-bbbb2222 is below 60%."""
    result = _report(str(REPORTS))
    assert result.exit_code == 0
    section = result.stdout.split("## Students below 60% (latest attempt)")[1].split("##")[0]
    assert "| s-bbbb2222 | 50.0% | 50.0% | 1 |" in section
    assert "s-cccc3333" not in section and "s-aaaa1111" not in section
    stricter = _report(str(REPORTS), "--threshold", "80")
    assert "| s-cccc3333 | 75.0% | 75.0% | 2 |" in stricter.stdout


def test_csv_output_to_a_file_has_one_row_per_item(tmp_path: Path) -> None:
    """--csv --output FILE: sections in the first column; the screen says what was written."""
    out = tmp_path / "class.csv"
    result = _report(str(REPORTS), "--csv", "--output", str(out))
    assert result.exit_code == 0
    assert result.stdout == f"{out}: class report of 4 attempts (5 files skipped)\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sum(r["section"] == "question" for r in rows) == 4
    assert sum(r["section"] == "skipped" for r in rows) == 5
    assert {r["item"] for r in rows if r["section"] == "student" and r["detail"] == "below threshold"} == {"s-bbbb2222"}


def test_files_named_one_by_one_and_nothing_readable() -> None:
    """FILES work like a DIR; with no readable report at all, exit 1 and say so."""
    one = _report(str(REPORTS / "s-bbb-1.json"), "--json")
    assert json.loads(one.stdout)["attempts"] == 1
    none = _report(str(REPORTS / "package.json"))
    assert none.exit_code == 1
    assert "trainer class report: no exam report could be read" in none.stderr
