"""What one answer does to a card: the SM-2 step, the same-day drill, lapses and leeches.

Pure: it takes the card's progress before the answer, the grade and the study day, and returns
the progress after it and the values of the review-log row, as one value (like py-fsrs's
`review_card`, which returns the card and its log). The study session stores both in one
transaction; nothing here reads a clock or a database.

Rules beyond `sm2.py` (decisions recorded in docs/scheduling.md):

- Which queue an answer comes from: "repeat" if the card was already answered today, "new" if it
  was never answered, otherwise "due".
- A lapse (counted towards leeches) is an answer below 3 to a card from the due queue that is
  not a same-day drill answer: a scheduled card that was forgotten. Failing a new card, or again
  during today's repeats, is learning, not a lapse (Anki counts lapses the same way).
- A drill left unfinished at the rollover (the student quit after a 3) is a new day's
  repetition: below 3 is a lapse (rule 4), 3 keeps drilling, 4 or 5 ends the drill and the card
  is due its interval from that day.
- A leech is flagged and suspended once, when its lapses reach the threshold.
- An answer to a card that was already answered today in another window, and is not due again
  today, is an "extra" answer: logged, but it moves no schedule (SM-2 allows one repetition per
  due date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Literal

from trainer.scheduling.sm2 import PASSING_QUALITY, Sm2State
from trainer.scheduling.sm2 import review as sm2_review

__all__ = [
    "AnswerEffect",
    "CardProgress",
    "Grade",
    "QueueName",
    "ReviewLog",
    "answered_elsewhere",
    "as_grade",
    "apply_answer",
    "extra_answer",
    "queue_of",
]

QueueName = Literal["due", "new", "repeat", "extra"]
"""Which part of today's queue an answer comes from ("extra": already answered today elsewhere)."""


class Grade(IntEnum):
    """The SM-2 quality of an answer (sm2.md, rule 2), named."""

    BLACKOUT = 0
    """Complete blackout."""
    WRONG_REMEMBERED = 1
    """Wrong; the right answer remembered once seen."""
    WRONG_EASY = 2
    """Wrong; the right answer seemed easy once seen."""
    HARD = 3
    """Right, with serious difficulty."""
    HESITANT = 4
    """Right, after hesitation."""
    PERFECT = 5
    """Right, effortless."""

    @property
    def passed(self) -> bool:
        """3 or more: a pass in SM-2."""
        return self >= PASSING_QUALITY


@dataclass(frozen=True)
class CardProgress:
    """One student's progress on one card, as stored."""

    sm2: Sm2State = Sm2State()
    due_day: date | None = None
    """Study day the card is next due; None until first answered."""
    introduced_day: date | None = None
    """Study day of the first answer; None for a new card."""
    last_day: date | None = None
    """Study day of the latest answer."""
    lapses: int = 0
    leech: bool = False
    suspended: bool = False
    revision: int = 0
    """Bumped by every stored change; a write replaces only the revision it read (two windows)."""
    last_review_at: datetime | None = None
    """The instant of the latest answer (today's repeats come longest-waiting first)."""


@dataclass(frozen=True)
class ReviewLog:
    """The scheduling values of one review-log row."""

    queue: QueueName
    quality: Grade
    is_drill: bool
    lapse: bool
    before: Sm2State
    after: Sm2State
    days_until_due: int
    """0 = asked again today."""
    due_day_after: date


@dataclass(frozen=True)
class AnswerEffect:
    """What an answer does: the card's progress after it, and its review-log values."""

    progress: CardProgress
    """The progress to store (its `revision` is the one read; the store bumps it)."""
    log: ReviewLog
    became_leech: bool
    """This answer made the card a leech (flagged and suspended)."""

    @property
    def moves_schedule(self) -> bool:
        """False for an extra answer (already answered today in another window)."""
        return self.log.queue != "extra"


def as_grade(value: int) -> Grade:
    """A grade from 0 to 5; anything else (a bool, a float, 6) is refused.

    Raises:
        ValueError: Not a whole number from 0 to 5.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ValueError(f"A grade is a whole number from 0 to 5, not {value!r}.")
    return Grade(value)


def queue_of(progress: CardProgress, today: date) -> QueueName:
    """The queue a card is answered from on `today`."""
    if progress.last_day == today:
        return "repeat"
    return "new" if progress.introduced_day is None else "due"


def _sm2_step(before: CardProgress, grade: Grade, today: date) -> tuple[Sm2State, int, bool]:
    """The SM-2 step, with a drill carried over from an earlier day; (after, days, drill answer)."""
    carried_drill = before.sm2.drill and before.last_day is not None and before.last_day != today
    if carried_drill and not grade.passed:
        after, days = sm2_review(replace(before.sm2, drill=False), int(grade))
        return after, days, False
    after, days = sm2_review(before.sm2, int(grade))
    return after, days, before.sm2.drill


def apply_answer(
    before: CardProgress, grade: Grade, *, today: date, at: datetime, leech_threshold: int
) -> AnswerEffect:
    """The effect of one answer given on study day `today`.

    Args:
        before: The card's progress as stored when the answer is recorded.
        grade: The grade accepted by the student.
        today: The current study day.
        at: The instant of the answer.
        leech_threshold: Lapses that make a card a leech.

    Returns:
        The progress after the answer and the review-log values.
    """
    grade = as_grade(grade)
    queue = queue_of(before, today)
    after, days, is_drill = _sm2_step(before, grade, today)
    # A clock set to the last days of year 9999 must not crash an answer: the due day stops at the calendar's end.
    days = min(days, (date.max - today).days)
    due_day = today + timedelta(days=days)
    lapse = queue == "due" and not is_drill and not grade.passed
    lapses = before.lapses + (1 if lapse else 0)
    became_leech = lapse and not before.leech and lapses >= leech_threshold
    progress = replace(
        before,
        sm2=after,
        due_day=due_day,
        introduced_day=before.introduced_day or today,
        last_day=today,
        lapses=lapses,
        leech=before.leech or became_leech,
        suspended=before.suspended or became_leech,
        last_review_at=at,
    )
    log = ReviewLog(
        queue=queue,
        quality=grade,
        is_drill=is_drill,
        lapse=lapse,
        before=before.sm2,
        after=after,
        days_until_due=days,
        due_day_after=due_day,
    )
    return AnswerEffect(progress=progress, log=log, became_leech=became_leech)


def answered_elsewhere(progress: CardProgress, today: date) -> bool:
    """True if the card was answered today (by another window) and is not due again today.

    Such a card may not be repeated today: one repetition per due date.
    """
    return progress.last_day == today and progress.due_day is not None and progress.due_day > today


def extra_answer(progress: CardProgress, grade: Grade, *, today: date) -> AnswerEffect:
    """The effect of an answer to a card already answered today elsewhere: logged, nothing moves."""
    due_day = progress.due_day or today
    log = ReviewLog(
        queue="extra",
        quality=as_grade(grade),
        is_drill=False,
        lapse=False,
        before=progress.sm2,
        after=progress.sm2,
        days_until_due=(due_day - today).days,
        due_day_after=due_day,
    )
    return AnswerEffect(progress=progress, log=log, became_leech=False)
