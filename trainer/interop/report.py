"""Exam report files: JSON (the record instructors combine), Markdown (to read) and CSV (to sort).

The format is version 1 of docs/report-format.md, agreed with the class-report reader. The three
files hold the same numbers: the score, correct/total per root and per kind, the confusion pairs
and, per question, the card, the answer given, the verdict and the time taken. JSON is the full
record (attempt metadata, decks and versions); Markdown adds the confusions explained by place;
CSV is one table with a `row` column ("score", "root", "kind", "confusion", "question") and the
attempt and student ids on every row, so a class's files concatenate into one sheet.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from trainer.study.exam import ExamReport

__all__ = [
    "CSV_COLUMNS",
    "REPORT_FORMAT",
    "REPORT_SUFFIXES",
    "REPORT_VERSION",
    "ReportError",
    "render_report",
    "report_to_csv",
    "report_to_dict",
    "report_to_json",
    "report_to_markdown",
    "write_report",
]

REPORT_FORMAT = "dermatome-trainer-exam-report"
"""The `format` field: readers reject files without exactly this."""

REPORT_VERSION = 1
"""The `version` field: bumped on any change a version-1 reader would misread."""

REPORT_SUFFIXES = (".json", ".md", ".csv")
"""File types `write_report` chooses between by the file's extension."""

CSV_COLUMNS = (
    "format", "version", "attempt_id", "student_id", "profile", "row",
    "n", "card_id", "deck_id", "deck_version", "kind", "template", "prompt", "expected", "expected_root",
    "given", "given_root", "verdict", "correct", "total", "answered", "flagged", "percent", "time_ms", "count",
)  # fmt: skip
"""The CSV header, in order (see docs/report-format.md for which rows fill which columns)."""


class ReportError(Exception):
    """A report file cannot be written; the message is one sentence naming the file."""


def report_to_dict(report: ExamReport) -> dict[str, Any]:
    """The report as the version-1 JSON object (docs/report-format.md)."""
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "student": {"id": report.student.id, "profile": report.student.profile},
        "attempt": {
            "id": report.attempt_id,
            "started_at": report.started_at.isoformat(),
            "submitted_at": report.submitted_at.isoformat(),
            "submitted_by": report.submitted_by.value,
            "time_limit_s": report.time_limit_s,
            "time_used_s": report.time_used_s,
            "seed": report.seed,
            "scope": report.scope,
            "weak": report.weak,
            "questions": report.score.total,
        },
        "decks": [{"id": d.id, "version": d.version, "title": d.title} for d in report.decks],
        "score": {
            "correct": report.score.correct,
            "total": report.score.total,
            "answered": report.score.answered,
            "flagged": report.score.flagged,
            "percent": report.score.percent,
        },
        "questions": [
            {
                "n": q.n,
                "card_id": q.card_id,
                "deck_id": q.deck_id,
                "deck_version": q.deck_version,
                "kind": q.kind,
                "template": q.template,
                "prompt": q.prompt,
                "expected": q.expected,
                "expected_root": q.expected_root,
                "given": q.given,
                "given_root": q.given_root,
                "verdict": q.verdict,
                "correct": q.correct,
                "time_ms": q.time_ms,
                "flagged": q.flagged,
            }
            for q in report.questions
        ],
        "per_root": [{"root": t.key, "correct": t.correct, "total": t.total} for t in report.per_root],
        "per_kind": [{"kind": t.key, "correct": t.correct, "total": t.total} for t in report.per_kind],
        "confusions": [{"expected": c.expected, "given": c.given, "count": c.count} for c in report.confusions],
    }


def report_to_json(report: ExamReport) -> str:
    """The JSON file's text: UTF-8 (not ASCII-escaped), indented, ending in a newline."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str | None) -> str:
    """A table cell showing `text` literally: Markdown characters escaped, lines joined."""
    if text is None:
        return "—"
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f}"


def report_to_markdown(report: ExamReport) -> str:
    """The Markdown file's text: a heading, the score, tables per root, kind, confusion and question."""
    score = report.score
    by = "the student" if report.submitted_by.value == "student" else "the timer (time ran out)"
    decks = ", ".join(f"{_md(d.id)} {_md(d.version)}" + (f" ({_md(d.title)})" if d.title else "") for d in report.decks)
    lines = [
        "# Exam report",
        "",
        f"- Student: {_md(report.student.id)} (profile {_md(report.student.profile)})",
        f"- Attempt: {_md(report.attempt_id)}, started {report.started_at.isoformat()}, "
        f"submitted {report.submitted_at.isoformat()} by {by}",
        f"- Time used: {report.time_used_s} s of {report.time_limit_s} s",
        f"- Seed {report.seed}, scope {_md(report.scope)}, weak {'yes' if report.weak else 'no'}, "
        f"{score.total} questions",
        f"- Decks: {decks or '—'}",
        f"- Format: {REPORT_FORMAT}, version {REPORT_VERSION}",
        "",
        "## Score",
        "",
        f"**{score.correct} of {score.total} correct ({score.percent:.1f}%)**; "
        f"{score.answered} answered, {score.flagged} flagged.",
        "",
        "## Per root",
        "",
        "| Root | Correct | Total | % |",
        "|---|---:|---:|---:|",
        *(f"| {t.key} | {t.correct} | {t.total} | {t.percent:.1f} |" for t in report.per_root),
        "",
        "## Per kind",
        "",
        "| Kind | Correct | Total | % |",
        "|---|---:|---:|---:|",
        *(f"| {t.key} | {t.correct} | {t.total} | {t.percent:.1f} |" for t in report.per_kind),
        "",
        "## Confusions",
        "",
    ]
    if report.confusions:
        lines += [
            "| Expected | Given | Count | Why they are confused |",
            "|---|---|---:|---|",
            *(f"| {c.expected} | {c.given} | {c.count} | {_md(c.explanation)} |" for c in report.confusions),
        ]
    else:
        lines.append("No root was given for another.")
    lines += [
        "",
        "## Questions",
        "",
        "| # | Card | Kind | Template | Prompt | Expected | Given | Verdict | Time (s) | Flagged |",
        "|---:|---|---|---|---|---|---|---|---:|---|",
        *(
            f"| {q.n} | {q.card_id} | {q.kind} | {q.template} | {_md(q.prompt)} | {_md(q.expected)} | "
            f"{_md(q.given)} | {q.verdict} | {_seconds(q.time_ms)} | {'yes' if q.flagged else 'no'} |"
            for q in report.questions
        ),
        "",
    ]
    return "\n".join(lines)


def report_to_csv(report: ExamReport) -> str:
    """The CSV file's text (RFC 4180, header first; see `CSV_COLUMNS`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    base = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "attempt_id": report.attempt_id,
        "student_id": report.student.id,
        "profile": report.student.profile,
    }
    score = report.score
    writer.writerow(
        {
            **base, "row": "score", "correct": score.correct, "total": score.total,
            "answered": score.answered, "flagged": score.flagged, "percent": f"{score.percent:.1f}",
        }
    )  # fmt: skip
    for t in report.per_root:
        writer.writerow({**base, "row": "root", "expected_root": t.key, "correct": t.correct, "total": t.total})
    for t in report.per_kind:
        writer.writerow({**base, "row": "kind", "kind": t.key, "correct": t.correct, "total": t.total})
    for c in report.confusions:
        writer.writerow({**base, "row": "confusion", "expected_root": c.expected, "given_root": c.given, "count": c.count})
    for q in report.questions:
        writer.writerow(
            {
                **base, "row": "question", "n": q.n, "card_id": q.card_id, "deck_id": q.deck_id,
                "deck_version": q.deck_version, "kind": q.kind, "template": q.template, "prompt": q.prompt,
                "expected": q.expected, "expected_root": q.expected_root or "", "given": q.given or "",
                "given_root": q.given_root or "", "verdict": q.verdict, "correct": int(q.correct), "total": 1,
                "answered": int(q.given is not None), "flagged": int(q.flagged), "time_ms": q.time_ms,
            }
        )  # fmt: skip
    return out.getvalue()


_RENDERERS = {".json": report_to_json, ".md": report_to_markdown, ".csv": report_to_csv}


def render_report(report: ExamReport, suffix: str) -> str:
    """The report's text in the format named by a file extension (".json", ".md" or ".csv").

    Raises:
        ReportError: For any other extension.
    """
    renderer = _RENDERERS.get(suffix.lower())
    if renderer is None:
        raise ReportError(
            f"Unknown report type {suffix or '(no extension)'!r}: name the file .json, .md or .csv."
        )
    return renderer(report)


def write_report(report: ExamReport, path: Path | str) -> Path:
    """Write the report to `path`, in the format its extension names, replacing any old file whole.

    The text goes to a temporary file beside it first, so an interrupted write never leaves half
    a report where a whole one was.

    Returns:
        The path written.

    Raises:
        ReportError: An unknown extension, or the file cannot be written (the message names it
            and the reason).
    """
    target = Path(path)
    text = render_report(report, target.suffix)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise ReportError(f"Cannot write {target}: {error.strerror or error}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be handed in
        os.replace(tmp, target)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError(f"Cannot write {target}: {error.strerror or error}.") from None
    return target
