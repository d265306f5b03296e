"""An exam: the blueprint, the attempt under exam conditions, the timer, scoring and the report.

Pure: no SQL, no UI, no wall clock. Every call that depends on time takes `now` (an aware instant
from the face's injected clock), so a test drives the timer by passing instants. An exam never
touches SM-2 state: nothing here imports the scheduler's state or writes anywhere; the store keeps
an attempt through `ExamAttempt.to_dict` / `ExamAttempt.from_dict`.

This module gathers the exam's public names; the code lives in the modules beside it:
`exam_blueprint` (scopes, blueprint, weakness weights), `exam_records` (student, decks, questions),
`exam_attempt` (the attempt, navigation, the timer), `exam_snapshot` (the attempt's saved dict)
and `exam_report` (scoring, confusions, trend). Import from here.

- `blueprint` chooses the questions: only automatically graded cards (typed roots, choices and the
  true/false cards, which are two-option choice cards), never self-graded reveal cards; balanced
  across roots (per-root counts differ by at most one where the scope allows) and across templates,
  never two cards of one fact if avoidable, and the same for the same seed whatever order the
  candidates come in. Weakness weights tilt the per-root counts toward the roots a student misses.
- `ExamAttempt` is the attempt: answers, flags, the current question, back and forth, time spent
  per question over all its visits, the time left, submission by the student or by the timer.
- `ExamReport` is the scored attempt: score, accuracy per root and per kind, confusion pairs
  explained by place, time per question and the missed cards ("Drill my mistakes").
- `trend` compares a score with the profile's earlier attempts.
"""

from __future__ import annotations

from trainer.study.exam_attempt import WARNING_MS, ExamAttempt, clock_text, start_exam
from trainer.study.exam_blueprint import (
    EXAM_KINDS,
    SCOPES,  # noqa: F401  (a module-level name of exam.py before the split; kept importable)
    Blueprint,
    blueprint,
    exam_eligible,
    in_scope,
    parse_scope,
    weakness_weights,
)
from trainer.study.exam_records import DeckRef, ExamStateError, Question, StudentRef, SubmittedBy
from trainer.study.exam_report import (
    Confusion,
    ExamReport,
    QuestionReport,
    Score,
    Tally,
    Trend,
    confusion_pairs,
    score_attempt,  # noqa: F401  (a module-level name of exam.py before the split; kept importable)
    trend,
)
from trainer.study.exam_snapshot import ATTEMPT_FORMAT

__all__ = [
    "ATTEMPT_FORMAT",
    "EXAM_KINDS",
    "WARNING_MS",
    "Blueprint",
    "Confusion",
    "DeckRef",
    "ExamAttempt",
    "ExamReport",
    "ExamStateError",
    "Question",
    "QuestionReport",
    "Score",
    "StudentRef",
    "SubmittedBy",
    "Tally",
    "Trend",
    "blueprint",
    "clock_text",
    "confusion_pairs",
    "exam_eligible",
    "in_scope",
    "parse_scope",
    "start_exam",
    "trend",
    "weakness_weights",
]
