"""An exam attempt under exam conditions: answers, flags, navigation and the timer.

`ExamAttempt` keeps the answers, flags, the current question, back and forth, time spent per
question over all its visits, the time left, and submission by the student or by the timer.
Pure: no SQL, no UI, no wall clock; every call that depends on time takes `now`. It never
touches SM-2 state: the store keeps an attempt through `ExamAttempt.to_dict` /
`ExamAttempt.from_dict` (`trainer.study.exam_snapshot`). Re-exported by `trainer.study.exam`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from trainer.content.answers import Verdict, check
from trainer.content.cards import Card, DeckInfo
from trainer.study.exam_blueprint import Blueprint, exam_eligible
from trainer.study.exam_records import DeckRef, ExamStateError, Question, StudentRef, SubmittedBy
from trainer.study.exam_report import ExamReport, score_attempt
from trainer.study.exam_snapshot import attempt_from_dict, attempt_to_dict

__all__ = ["WARNING_MS", "ExamAttempt", "clock_text", "start_exam"]

WARNING_MS = 60_000
"""The time left below which the timer turns to a warning (the last minute)."""


def _ms(delta: timedelta) -> int:
    return max(0, delta // timedelta(milliseconds=1))


class ExamAttempt:
    """One attempt at an exam, under exam conditions.

    Time runs while the attempt is running (from `started_at`, or from `resume`/`from_dict`) and
    stops on `pause`, so a closed terminal does not eat the time left. Every call that changes
    something takes `now`, first closes the time since the last call (crediting it to the question
    on screen), and first submits the exam by timeout if the time is up at `now`: then it changes
    nothing and returns False. Calls on a submitted attempt return False too, so a face checks
    `submitted` after each call rather than catching errors.
    """

    def __init__(
        self,
        *,
        attempt_id: str,
        cards: Sequence[Card],
        time_limit_s: int,
        started_at: datetime,
        seed: int,
        scope: str = "all",
        weak: bool = False,
        student: StudentRef,
        decks: Sequence[DeckRef] = (),
    ) -> None:
        """An attempt that starts running at `started_at` on its first question.

        Raises:
            ValueError: No cards, a reveal card, a non-positive time limit, or a naive instant.
        """
        if not cards:
            raise ValueError("An exam needs at least one question.")
        reveal = [c.id for c in cards if not exam_eligible(c)]
        if reveal:
            raise ValueError(f"Self-graded cards cannot be exam questions: {', '.join(reveal)}.")
        if time_limit_s <= 0:
            raise ValueError(f"The time limit must be positive (got {time_limit_s} s).")
        if started_at.tzinfo is None:
            raise ValueError("started_at must be timezone-aware.")
        self.id = attempt_id
        self.student = student
        self.decks = tuple(decks)
        self.seed = seed
        self.scope = scope
        self.weak = weak
        self.time_limit_s = time_limit_s
        self.started_at = started_at
        self._questions = [Question(card) for card in cards]
        self._index = 0
        self._used_ms = 0
        self._running_since: datetime | None = started_at
        self.submitted_at: datetime | None = None
        self.submitted_by: SubmittedBy | None = None

    # --- reading ------------------------------------------------------------------------------

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in exam order (times up to the last call that changed something)."""
        return tuple(self._questions)

    @property
    def index(self) -> int:
        """The 0-based index of the question on screen."""
        return self._index

    @property
    def current(self) -> Question:
        """The question on screen."""
        return self._questions[self._index]

    def position_text(self) -> str:
        """"3/40": the position, as the screen shows it."""
        return f"{self._index + 1}/{len(self._questions)}"

    @property
    def answered_count(self) -> int:
        """Questions with an answer."""
        return sum(1 for q in self._questions if q.answered)

    @property
    def unanswered_count(self) -> int:
        """Questions without an answer (for the submit confirmation)."""
        return len(self._questions) - self.answered_count

    @property
    def flagged_count(self) -> int:
        """Flagged questions (always on screen, and in the submit confirmation)."""
        return sum(1 for q in self._questions if q.flagged)

    @property
    def submitted(self) -> bool:
        """Whether the exam is over (by the student or the timer)."""
        return self.submitted_by is not None

    @property
    def running(self) -> bool:
        """Whether time is running now (not paused, not submitted)."""
        return self._running_since is not None

    @property
    def limit_ms(self) -> int:
        """The time limit in milliseconds."""
        return self.time_limit_s * 1000

    def time_used_ms(self, now: datetime) -> int:
        """Time used so far, never more than the limit."""
        live = _ms(now - self._running_since) if self._running_since is not None else 0
        return min(self.limit_ms, self._used_ms + live)

    def time_left_ms(self, now: datetime) -> int:
        """Time left: the limit minus the time used (0 once expired)."""
        return self.limit_ms - self.time_used_ms(now)

    def expired(self, now: datetime) -> bool:
        """Whether the time is up at `now` (whether or not the attempt was submitted yet)."""
        return self.time_left_ms(now) <= 0

    def warning(self, now: datetime) -> bool:
        """Whether the timer should show its warning (the last minute, while running)."""
        return not self.submitted and self.time_left_ms(now) <= WARNING_MS

    def time_on_current_ms(self, now: datetime) -> int:
        """Time spent on the question on screen, this visit included."""
        live = _ms(now - self._running_since) if self._running_since is not None else 0
        return self.current.time_ms + min(live, self.limit_ms - self._used_ms)

    # --- time -------------------------------------------------------------------------------------

    def _flush(self, now: datetime) -> None:
        """Credit the time since the last call to the question on screen; submit if the time is up."""
        if self._running_since is None:
            return
        elapsed = _ms(now - self._running_since)
        room = self.limit_ms - self._used_ms
        credited = min(elapsed, room)
        self._used_ms += credited
        q = self._questions[self._index]
        self._questions[self._index] = replace(q, time_ms=q.time_ms + credited)
        if elapsed >= room:
            # Submitted at the instant the time ran out, even if the face noticed it later.
            self._close(self._running_since + timedelta(milliseconds=room), SubmittedBy.TIMEOUT)
        else:
            self._running_since = now

    def _close(self, at: datetime, by: SubmittedBy) -> None:
        self._running_since = None
        self.submitted_at = at
        self.submitted_by = by

    def _open(self, now: datetime) -> bool:
        """Flush and say whether the attempt still takes changes."""
        if self.submitted:
            return False
        self._flush(now)
        return not self.submitted

    def check_time(self, now: datetime) -> bool:
        """Submit by timeout if the time is up at `now` (call on every timer tick).

        Returns:
            True if the exam is over (now or before).
        """
        if not self.submitted:
            self._flush(now)
        return self.submitted

    def pause(self, now: datetime) -> None:
        """Stop the clock (the student leaves mid-exam); `resume` starts it again."""
        if self._open(now):
            self._running_since = None

    def resume(self, now: datetime) -> None:
        """Start the clock again after `pause` (no effect if running or submitted)."""
        if not self.submitted and self._running_since is None:
            self._running_since = now

    # --- acting -----------------------------------------------------------------------------------

    def go_to(self, index: int, now: datetime) -> bool:
        """Show question `index` (0-based).

        Raises:
            IndexError: If there is no such question.
        """
        if not 0 <= index < len(self._questions):
            raise IndexError(f"No question {index + 1}: the exam has {len(self._questions)}.")
        if not self._open(now):
            return False
        self._index = index
        return True

    def next(self, now: datetime) -> bool:
        """The next question; False on the last one (nothing moves)."""
        if self._index + 1 >= len(self._questions):
            return False
        return self.go_to(self._index + 1, now)

    def previous(self, now: datetime) -> bool:
        """The previous question; False on the first one."""
        if self._index == 0:
            return False
        return self.go_to(self._index - 1, now)

    def answer(self, response: str, now: datetime) -> bool:
        """Answer (or change the answer to) the question on screen.

        Args:
            response: The typed text, or the chosen option's text. An empty text or a "don't
                know" leaves the question unanswered.
            now: The instant of the answer.

        Returns:
            True if the answer was taken; False if the exam was over.
        """
        if not self._open(now):
            return False
        q = self._questions[self._index]
        result = check(q.card, response)
        if result.verdict is Verdict.BLANK:
            self._questions[self._index] = replace(q, given=None, result=None)
        else:
            self._questions[self._index] = replace(q, given=response.strip(), result=result)
        return True

    def clear(self, now: datetime) -> bool:
        """Take back the answer to the question on screen."""
        if not self._open(now):
            return False
        self._questions[self._index] = replace(self.current, given=None, result=None)
        return True

    def toggle_flag(self, now: datetime) -> bool:
        """Flag the question on screen, or unflag it."""
        if not self._open(now):
            return False
        q = self.current
        self._questions[self._index] = replace(q, flagged=not q.flagged)
        return True

    def submit(self, now: datetime, by: SubmittedBy = SubmittedBy.STUDENT) -> bool:
        """End the exam (after the face's confirmation).

        Returns:
            True if this call submitted it; False if it was over already (by time, maybe at `now`).
        """
        if not self._open(now):
            return False
        self._close(now, by)
        return True

    # --- persistence ------------------------------------------------------------------------------

    def to_dict(self, now: datetime) -> dict[str, Any]:
        """A plain, JSON-ready snapshot of the attempt at `now`, for the store to keep mid-exam.

        Taking the snapshot credits the time so far (as any call does), so the saved time used
        is exact at `now`; if the time is up at `now` the snapshot is of the submitted attempt.
        """
        return attempt_to_dict(self, now)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], cards: Mapping[str, Card], now: datetime) -> ExamAttempt:
        """Restore an attempt saved by `to_dict`; time runs again from `now` with the time left as saved.

        Answers are checked again against the cards as they are now.

        Args:
            data: What `to_dict` returned (possibly through JSON).
            cards: Card id -> card, holding at least every question's card.
            now: The instant the student resumes.

        Raises:
            ExamStateError: An unknown format, or a question whose card is missing.
        """
        return attempt_from_dict(cls, data, cards, now)

    # --- scoring ----------------------------------------------------------------------------------

    def report(self, places: Mapping[str, str] | None = None) -> ExamReport:
        """Score the submitted attempt.

        Args:
            places: Root -> region, from `trainer.content.places.dermatome_places`, to explain
                confusions by place.

        Raises:
            ExamStateError: If the attempt is not submitted yet.
        """
        if self.submitted_by is None or self.submitted_at is None:
            raise ExamStateError("An exam is scored only once submitted.")
        return score_attempt(self, places or {})


def start_exam(
    plan: Blueprint,
    *,
    time_limit_s: int,
    now: datetime,
    student: StudentRef,
    decks: Sequence[DeckInfo | DeckRef] = (),
    attempt_id: str | None = None,
) -> ExamAttempt:
    """Start an attempt on a blueprint's questions, running from `now`.

    Args:
        plan: The questions, from `blueprint`.
        time_limit_s: The time allowed in seconds.
        now: The instant the first question is shown.
        student: The profile sitting it.
        decks: The decks the questions come from (their versions go into the report); decks no
            question comes from are left out.
        attempt_id: The attempt's unique id; a fresh uuid4 hex when omitted.
    """
    used = {c.deck_id for c in plan.cards}
    refs = [d if isinstance(d, DeckRef) else DeckRef.of(d) for d in decks]
    return ExamAttempt(
        attempt_id=attempt_id or uuid.uuid4().hex,
        cards=plan.cards,
        time_limit_s=time_limit_s,
        started_at=now,
        seed=plan.seed,
        scope=plan.scope,
        weak=plan.weak,
        student=student,
        decks=sorted((d for d in refs if d.id in used), key=lambda d: d.id),
    )


def clock_text(ms: int) -> str:
    """"m:ss" for a time left, rounded up so "0:00" shows only when the time is up."""
    seconds = max(0, math.ceil(ms / 1000))
    return f"{seconds // 60}:{seconds % 60:02d}"
