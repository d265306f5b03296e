"""`trainer class report`: students' exam report files (docs/report-format.md, version 1) combined.

What an instructor reads: per-question difficulty, per-root class accuracy, the class's most
common confusions, and which students are below a threshold (by the pseudonymous ids in their
files). Files that are not JSON, not exam reports, of an unknown version, malformed, or duplicates
of an attempt already read are listed and skipped, never fatal. Questions are matched across deck
versions by card id, and the report says where versions differ.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trainer.content.roots import is_root, position

REPORT_FORMAT = "dermatome-trainer-exam-report"
"""The `format` value of an exam report file."""

KNOWN_VERSIONS = (1,)
"""Report format versions this reader understands."""

DEFAULT_THRESHOLD = 60.0
"""Percent: students whose latest score is below it are listed."""


class ReportFileError(ValueError):
    """One file is not a usable exam report; the message says why."""


@dataclass(frozen=True)
class Question:
    """One answered (or blank) question of one attempt."""

    card_id: str
    deck_id: str
    deck_version: str
    prompt: str
    expected: str
    expected_root: str | None
    given_root: str | None
    verdict: str
    correct: bool
    time_ms: int | None


@dataclass(frozen=True)
class Attempt:
    """One report file that was read."""

    path: str
    student: str
    attempt_id: str
    submitted_at: str
    percent: float
    questions: tuple[Question, ...]
    decks: tuple[tuple[str, str], ...]
    """(deck id, version) pairs the exam drew from."""


@dataclass(frozen=True)
class Skipped:
    """A file left out of the report, and why."""

    path: str
    reason: str


@dataclass
class QuestionStats:
    """How the class did on one card (matched by card id across deck versions)."""

    card_id: str
    prompt: str
    expected: str
    asked: int = 0
    correct: int = 0
    blank: int = 0
    total_ms: int = 0
    timed: int = 0
    versions: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share answered correctly, 0..1."""
        return self.correct / self.asked if self.asked else 0.0

    @property
    def mean_seconds(self) -> float | None:
        """Mean time spent on the question, in seconds."""
        return self.total_ms / self.timed / 1000 if self.timed else None


@dataclass(frozen=True)
class StudentRow:
    """A student's attempts and latest score."""

    student: str
    attempts: int
    latest_percent: float
    best_percent: float
    below: bool


@dataclass(frozen=True)
class ClassReport:
    """Everything the class report shows."""

    attempts: int
    students: list[StudentRow]
    questions: list[QuestionStats]
    """Hardest first (lowest accuracy, then most asked)."""
    roots: list[tuple[str, int, int]]
    """(root, correct, total), cranio-caudal."""
    confusions: list[tuple[str, str, int]]
    """(expected root, given root, count), most first."""
    versions: list[str]
    """Sentences: where deck versions differ (versions seen, reworded or changed cards)."""
    skipped: list[Skipped]
    threshold: float


# --- reading ------------------------------------------------------------------------------------


def report_files(paths: list[str]) -> list[Path]:
    """The files to read: each file as given, and every *.json in each directory (sorted)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return found


def read_report(path: Path) -> Attempt:
    """Read and check one report file.

    Raises:
        ReportFileError: It cannot be read, is not JSON, not an exam report, of an unknown
            version, or a required field is missing or of the wrong type.
    """
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ReportFileError("no such file") from None
    except OSError as error:
        raise ReportFileError(f"cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ReportFileError("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ReportFileError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
        raise ReportFileError(f'not an exam report (no "format": "{REPORT_FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in KNOWN_VERSIONS:
        raise ReportFileError(f"report format version {version!r} is not one this trainer reads ({', '.join(map(str, KNOWN_VERSIONS))})")
    student = _get(data, "student", dict)
    attempt = _get(data, "attempt", dict)
    score = _get(data, "score", dict)
    questions = []
    for index, raw in enumerate(_get(data, "questions", list)):
        where = f"questions[{index}]"
        if not isinstance(raw, dict):
            raise ReportFileError(f"{where} is not an object")
        questions.append(
            Question(
                card_id=_get(raw, "card_id", str, where),
                deck_id=_get(raw, "deck_id", str, where),
                deck_version=_get(raw, "deck_version", str, where),
                prompt=_get(raw, "prompt", str, where),
                expected=_get(raw, "expected", str, where),
                expected_root=_get(raw, "expected_root", (str, type(None)), where),
                given_root=_get(raw, "given_root", (str, type(None)), where, default=None),
                verdict=_get(raw, "verdict", str, where),
                correct=_get(raw, "correct", bool, where),
                time_ms=_get(raw, "time_ms", (int, type(None)), where, default=None),
            )
        )
    decks = tuple(
        (_get(d, "id", str, "decks[]"), _get(d, "version", str, "decks[]"))
        for d in _get(data, "decks", list)
        if isinstance(d, dict)
    )
    percent = _get(score, "percent", (int, float), "score")
    return Attempt(
        path=str(path),
        student=_get(student, "id", str, "student"),
        attempt_id=_get(attempt, "id", str, "attempt"),
        submitted_at=_get(attempt, "submitted_at", str, "attempt"),
        percent=float(percent),
        questions=tuple(questions),
        decks=decks,
    )


_MISSING = object()


def _get(data: dict[str, Any], key: str, kind: Any, where: str = "", *, default: Any = _MISSING) -> Any:
    """data[key], checked against `kind`; a ReportFileError naming the field otherwise."""
    name = f"{where}.{key}" if where else key
    if key not in data:
        if default is not _MISSING:
            return default
        raise ReportFileError(f'malformed: "{name}" is missing')
    value = data[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise ReportFileError(f'malformed: "{name}" has the wrong type')
    if not isinstance(value, kinds):
        raise ReportFileError(f'malformed: "{name}" has the wrong type')
    return value


def load_reports(paths: list[str]) -> tuple[list[Attempt], list[Skipped]]:
    """Read every report file; bad ones and duplicate attempts are skipped with a reason."""
    attempts: list[Attempt] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for path in report_files(paths):
        try:
            attempt = read_report(path)
        except ReportFileError as error:
            skipped.append(Skipped(str(path), str(error)))
            continue
        if attempt.attempt_id in seen:
            skipped.append(Skipped(str(path), f"duplicate of {seen[attempt.attempt_id]} (same attempt id {attempt.attempt_id})"))
            continue
        seen[attempt.attempt_id] = str(path)
        attempts.append(attempt)
    return attempts, skipped


# --- combining ----------------------------------------------------------------------------------


def build_report(attempts: list[Attempt], skipped: list[Skipped], *, threshold: float = DEFAULT_THRESHOLD) -> ClassReport:
    """Combine the attempts into the class report."""
    by_card: dict[str, QuestionStats] = {}
    texts: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # card -> version -> (prompt, expected)
    roots: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter[tuple[str, str]] = Counter()
    for attempt in sorted(attempts, key=lambda a: a.submitted_at):
        for q in attempt.questions:
            stats = by_card.get(q.card_id)
            if stats is None:
                stats = by_card[q.card_id] = QuestionStats(q.card_id, q.prompt, q.expected)
            stats.prompt, stats.expected = q.prompt, q.expected  # the newest wording
            stats.asked += 1
            stats.correct += q.correct
            stats.blank += q.verdict == "blank"
            if q.time_ms is not None:
                stats.total_ms += q.time_ms
                stats.timed += 1
            version = f"{q.deck_id} {q.deck_version}"
            if version not in stats.versions:
                stats.versions.append(version)
            texts[q.card_id][version] = (q.prompt, q.expected)
            if q.expected_root:
                roots[q.expected_root][0] += q.correct
                roots[q.expected_root][1] += 1
            if not q.correct and q.expected_root and q.given_root and q.given_root != q.expected_root:
                confusions[(q.expected_root, q.given_root)] += 1

    students: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        students[attempt.student].append(attempt)
    student_rows = []
    for student, own in sorted(students.items()):
        latest = max(own, key=lambda a: a.submitted_at)
        student_rows.append(
            StudentRow(student, len(own), latest.percent, max(a.percent for a in own), latest.percent < threshold)
        )

    questions = sorted(by_card.values(), key=lambda s: (s.accuracy, -s.asked, s.card_id))
    root_rows = sorted(
        ((root, c, t) for root, (c, t) in roots.items()),
        key=lambda row: (position(row[0]) if is_root(row[0]) else float("inf"), row[0]),
    )
    return ClassReport(
        attempts=len(attempts),
        students=student_rows,
        questions=questions,
        roots=root_rows,
        confusions=[(e, g, n) for (e, g), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))],
        versions=_version_notes(attempts, texts),
        skipped=skipped,
        threshold=threshold,
    )


def _version_notes(attempts: list[Attempt], texts: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """Where the attempts' deck versions differ: the versions seen, and the cards that changed."""
    versions: dict[str, set[str]] = defaultdict(set)
    for attempt in attempts:
        for q in attempt.questions:
            versions[q.deck_id].add(q.deck_version)
    notes = []
    for deck_id, seen in sorted(versions.items()):
        if len(seen) < 2:
            continue
        notes.append(f'Deck "{deck_id}": answers come from versions {", ".join(sorted(seen))}; questions are matched by card id.')
    for card_id, by_version in sorted(texts.items()):
        if len(by_version) < 2:
            continue
        prompts = {p for p, _ in by_version.values()}
        answers = {e for _, e in by_version.values()}
        changed = [what for what, values in (("prompt", prompts), ("expected answer", answers)) if len(values) > 1]
        if changed:
            verb = "differs" if len(changed) == 1 else "differ"
            notes.append(f"Card {card_id}: {' and '.join(changed)} {verb} between {', '.join(sorted(by_version))}.")
    return notes


# --- writing ------------------------------------------------------------------------------------


def _percent(correct: int, total: int) -> str:
    return f"{100 * correct / total:.0f}%" if total else "-"


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(report: ClassReport, *, limit: int = 20) -> str:
    """The report as Markdown (readable as plain text in a terminal)."""
    out = [f"# Class report: {report.attempts} attempts by {len(report.students)} students", ""]
    below = [s for s in report.students if s.below]
    out += [f"## Students below {report.threshold:g}% (latest attempt)", ""]
    if below:
        out += ["| student | latest | best | attempts |", "|---|---|---|---|"]
        out += [f"| {_md_cell(s.student)} | {s.latest_percent:.1f}% | {s.best_percent:.1f}% | {s.attempts} |" for s in below]
    else:
        out.append("None.")
    out += ["", "## Hardest questions", "", "| # | correct | asked | blank | mean time | card | prompt | expected |", "|---|---|---|---|---|---|---|---|"]
    for n, q in enumerate(report.questions[:limit], 1):
        seconds = f"{q.mean_seconds:.1f} s" if q.mean_seconds is not None else "-"
        out.append(
            f"| {n} | {_percent(q.correct, q.asked)} | {q.asked} | {q.blank} | {seconds} | {q.card_id} | {_md_cell(q.prompt)} | {_md_cell(q.expected)} |"
        )
    out += ["", "## Accuracy by root", "", "| root | correct | asked | accuracy |", "|---|---|---|---|"]
    out += [f"| {root} | {c} | {t} | {_percent(c, t)} |" for root, c, t in report.roots]
    out += ["", "## Most common confusions", ""]
    if report.confusions:
        out += ["| expected | answered | times |", "|---|---|---|"]
        out += [f"| {e} | {g} | {n} |" for e, g, n in report.confusions[:limit]]
    else:
        out.append("None.")
    if report.versions:
        out += ["", "## Deck versions", ""] + [f"- {_md_cell(note)}" for note in report.versions]
    if report.skipped:
        out += ["", "## Files skipped", ""] + [f"- {_md_cell(s.path)}: {_md_cell(s.reason)}" for s in report.skipped]
    return "\n".join(out) + "\n"


def to_json(report: ClassReport) -> str:
    """The report as one JSON object (every question, not only the hardest)."""
    data = {
        "attempts": report.attempts,
        "threshold": report.threshold,
        "students": [asdict(s) for s in report.students],
        "questions": [
            {**asdict(q), "accuracy": round(q.accuracy, 4), "mean_seconds": q.mean_seconds}
            for q in report.questions
        ],
        "per_root": [{"root": r, "correct": c, "total": t} for r, c, t in report.roots],
        "confusions": [{"expected": e, "given": g, "count": n} for e, g, n in report.confusions],
        "versions": report.versions,
        "skipped": [asdict(s) for s in report.skipped],
    }
    for row in data["questions"]:
        row.pop("total_ms"), row.pop("timed")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(report: ClassReport) -> str:
    """The report as one CSV table; the first column says which part each row belongs to."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "item", "correct", "total", "percent", "detail"])
    for s in report.students:
        writer.writerow(["student", s.student, "", s.attempts, f"{s.latest_percent:.1f}", "below threshold" if s.below else ""])
    for q in report.questions:
        writer.writerow(["question", q.card_id, q.correct, q.asked, f"{100 * q.accuracy:.1f}", q.prompt])
    for root, c, t in report.roots:
        writer.writerow(["root", root, c, t, f"{100 * c / t:.1f}" if t else "", ""])
    for e, g, n in report.confusions:
        writer.writerow(["confusion", f"{e} -> {g}", "", n, "", ""])
    for note in report.versions:
        writer.writerow(["version", "", "", "", "", note])
    for s in report.skipped:
        writer.writerow(["skipped", s.path, "", "", "", s.reason])
    return buffer.getvalue()
