"""The plain values of an exam attempt: who sits it, the decks, who ended it, one question.

Shared by the attempt (`trainer.study.exam_attempt`), its saved form (`trainer.study.exam_snapshot`)
and its report (`trainer.study.exam_report`). Pure. Re-exported by `trainer.study.exam`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trainer.content.answers import AnswerResult, Verdict
from trainer.content.cards import Card, DeckInfo

__all__ = ["DeckRef", "ExamStateError", "Question", "StudentRef", "SubmittedBy"]


class SubmittedBy(StrEnum):
    """Who ended the exam."""

    STUDENT = "student"
    TIMEOUT = "timeout"


class ExamStateError(ValueError):
    """An attempt was asked for something its state does not allow (a report before submission,
    a restore from a dict that does not match the cards)."""


@dataclass(frozen=True)
class StudentRef:
    """Who sits the exam: a stable pseudonym per profile and the profile's name."""

    id: str
    profile: str = "default"


@dataclass(frozen=True)
class DeckRef:
    """A deck as it was when the exam started."""

    id: str
    version: str
    title: str = ""

    @classmethod
    def of(cls, info: DeckInfo) -> DeckRef:
        """The reference to a deck's metadata."""
        return cls(id=info.id, version=info.version, title=info.title)


@dataclass(frozen=True)
class Question:
    """One question of an attempt and what the student has done with it so far."""

    card: Card
    given: str | None = None
    """What the student typed or chose; None = unanswered (also for "don't know")."""
    result: AnswerResult | None = None
    """The verdict on `given` (kept from the student until the end: no feedback in an exam)."""
    time_ms: int = 0
    """Time spent on this question over all its visits, up to the last flush."""
    flagged: bool = False

    @property
    def answered(self) -> bool:
        """Whether an answer is given."""
        return self.given is not None

    @property
    def verdict(self) -> Verdict:
        """The verdict, BLANK when unanswered."""
        return self.result.verdict if self.result is not None else Verdict.BLANK
