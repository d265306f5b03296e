"""An exam: the blueprint, the attempt under exam conditions, the timer, scoring and the report.

Pure: no SQL, no UI, no wall clock. Every call that depends on time takes `now` (an aware instant
from the face's injected clock), so a test drives the timer by passing instants. An exam never
touches SM-2 state: nothing here imports the scheduler's state or writes anywhere; the store keeps
an attempt through `ExamAttempt.to_dict` / `ExamAttempt.from_dict`.

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

import hashlib
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from trainer.content.answers import AnswerResult, Verdict, check
from trainer.content.cards import Card, CardKind, DeckInfo
from trainer.content.places import explain_confusion
from trainer.content.roots import position, region_of

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

EXAM_KINDS: frozenset[CardKind] = frozenset({CardKind.TYPED_ROOT, CardKind.CHOICE})
"""Kinds an exam may ask: graded by the app. Reveal cards are graded by the student, so never."""

WARNING_MS = 60_000
"""The time left below which the timer turns to a warning (the last minute)."""

ATTEMPT_FORMAT = 1
"""Version of the dict `ExamAttempt.to_dict` writes (what the store keeps mid-exam)."""

SCOPES = ("all", "cervical", "thoracic", "lumbosacral")
"""Scopes by name; besides these, "tag:NAME" and "deck:ID"."""

_REGIONS_OF_SCOPE: dict[str, frozenset[str]] = {
    "cervical": frozenset({"cervical"}),
    "thoracic": frozenset({"thoracic"}),
    "lumbosacral": frozenset({"lumbar", "sacral", "coccygeal"}),
}
_ROOTLESS = ""
"""The bucket of cards that name no root (true/false, hand-written choice cards)."""


# --- scope and blueprint -----------------------------------------------------------------------------


def parse_scope(text: str) -> str:
    """Check and normalise a scope as a student writes it.

    Args:
        text: "all", "cervical", "thoracic", "lumbosacral", "tag:NAME" or "deck:ID" (case of the
            keyword and surrounding spaces are forgiven).

    Returns:
        The canonical scope string ("tag:lumbar", "deck:dermatomes", "all" ...).

    Raises:
        ValueError: With one sentence naming the accepted forms.
    """
    cleaned = text.strip()
    low = cleaned.casefold()
    if low in SCOPES:
        return low
    for prefix in ("tag:", "deck:"):
        if low.startswith(prefix) and cleaned[len(prefix) :].strip():
            return prefix + cleaned[len(prefix) :].strip()
    raise ValueError(
        f"Unknown scope {text!r}: use all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID."
    )


def exam_eligible(card: Card) -> bool:
    """Whether a card can be an exam question (typed root, choice or true/false; never reveal)."""
    return card.kind in EXAM_KINDS


def in_scope(card: Card, scope: str) -> bool:
    """Whether a card belongs to a (canonical) scope.

    Region scopes go by the root the card's answer names; a card that names no root (a true/false
    claim, a hand-written choice card) belongs to a region when one of its tags names it.
    """
    if scope == "all":
        return True
    if scope.startswith("tag:"):
        return scope[4:] in card.tags
    if scope.startswith("deck:"):
        return card.deck_id == scope[5:]
    regions = _REGIONS_OF_SCOPE[scope]
    if card.answer_root:
        return region_of(card.answer_root) in regions
    return bool(regions & set(card.tags)) or (scope == "lumbosacral" and "lumbosacral" in card.tags)


@dataclass(frozen=True)
class Blueprint:
    """The questions chosen for an exam, in the order they are asked."""

    cards: tuple[Card, ...]
    seed: int
    scope: str
    requested: int
    """How many questions were asked for."""
    available: int
    """How many eligible cards the scope holds (fewer questions than requested when this is smaller)."""
    weak: bool = False
    """Whether weakness weights were given (a "weak" exam), even if all of them were equal."""


def _key(seed: int, *parts: str) -> bytes:
    # A stable pseudo-random key: the same on every Python version and for any input order,
    # which random.Random's shuffle over a list does not promise.
    return hashlib.sha256("\x1f".join((str(seed), *parts)).encode("utf-8")).digest()


def blueprint(
    candidates: Iterable[Card],
    *,
    questions: int,
    seed: int,
    scope: str = "all",
    weights: Mapping[str, float] | None = None,
) -> Blueprint:
    """Choose an exam's questions.

    Slots go to roots one at a time, each to the root with the highest weight / (2 x its slots + 1)
    (Sainte-Laguë, the divisor method fairest to small weights; with equal weights every root gets
    one before any gets two, so per-root counts differ by at most one); cards naming no root form
    one more such group. A root never gets more slots than it has facts while another root still
    has an unused fact, so two cards of one fact (siblings) are asked only when the scope has too
    few facts. Within a root, the template used least so far (in the root, then in the whole
    exam) goes first. Ties are broken by keys derived from the seed and the card ids, so the same
    seed and cards give the same exam.

    Args:
        candidates: Cards to choose from (any order; reveal cards and cards outside the scope
            are left out here).
        questions: How many questions (at least 1); fewer if the scope has fewer cards.
        seed: The seed; the same seed gives the same questions in the same order.
        scope: A scope accepted by `parse_scope`.
        weights: Optional root -> weight, e.g. from `weakness_weights`: above 1.0 a root is asked
            more, below less; roots not named and cards naming no root weigh 1.0.

    Returns:
        The blueprint.

    Raises:
        ValueError: If `questions` < 1, the scope is malformed, a weight is negative, or no
            eligible card is in the scope (the message names the scope).
    """
    if questions < 1:
        raise ValueError(f"An exam needs at least one question (got {questions}).")
    scope = parse_scope(scope)
    weights_given = weights is not None
    weights = dict(weights or {})
    bad = sorted(root for root, w in weights.items() if not (w >= 0 and math.isfinite(w)))
    if bad:
        raise ValueError(f"Weakness weights must be zero or more; not for {', '.join(bad)}.")
    pool = sorted((c for c in candidates if exam_eligible(c) and in_scope(c, scope)), key=lambda c: c.id)
    if not pool:
        raise ValueError(f"No typed, choice or true/false card is in scope {scope!r}.")
    count = min(questions, len(pool))

    buckets: dict[str, list[Card]] = {}
    for card in pool:
        buckets.setdefault(card.answer_root or _ROOTLESS, []).append(card)
    facts = {b: len({(c.deck_id, c.fact_key) for c in cards}) for b, cards in buckets.items()}
    tie = {b: _key(seed, "root", b) for b in buckets}

    def weight(bucket: str) -> float:
        return 1.0 if bucket == _ROOTLESS else weights.get(bucket, 1.0)

    slots = dict.fromkeys(buckets, 0)
    for _ in range(count):
        # Prefer a root with an unused fact; only when none is left, a root with an unused card.
        for limit in (facts, {b: len(cards) for b, cards in buckets.items()}):
            open_ = [b for b in buckets if slots[b] < limit[b]]
            if open_:
                break
        best = max(open_, key=lambda b: (weight(b) / (2 * slots[b] + 1), tie[b]))
        slots[best] += 1

    chosen: list[Card] = []
    used_facts: set[tuple[str, str]] = set()
    template_count: Counter[str] = Counter()
    kind_count: Counter[str] = Counter()
    local: dict[str, Counter[str]] = {b: Counter() for b in buckets}
    remaining = {b: list(cards) for b, cards in buckets.items()}
    rounds = max(slots.values(), default=0)
    order = sorted(buckets, key=lambda b: tie[b])
    for round_ in range(rounds):
        for bucket in order:
            if slots[bucket] <= round_:
                continue
            card = min(
                remaining[bucket],
                key=lambda c: (
                    (c.deck_id, c.fact_key) in used_facts,
                    local[bucket][c.template],
                    template_count[c.template],
                    kind_count[c.kind.value],
                    _key(seed, "card", c.id),
                ),
            )
            remaining[bucket].remove(card)
            chosen.append(card)
            used_facts.add((card.deck_id, card.fact_key))
            local[bucket][card.template] += 1
            template_count[card.template] += 1
            kind_count[card.kind.value] += 1

    chosen.sort(key=lambda c: _key(seed, "order", c.id))
    return Blueprint(
        cards=tuple(chosen), seed=seed, scope=scope, requested=questions, available=len(pool), weak=weights_given
    )


def weakness_weights(misses: Mapping[str, int], attempts: Mapping[str, int]) -> dict[str, float]:
    """Per-root weights for a "weak" exam, from how often each root was missed.

    The weight is twice the smoothed miss rate, (misses + 1) / (attempts + 2), floored at 0.25:
    a root never tried weighs 1.0 (the default), one always missed nears 2.0, one always right
    falls toward 0.25 but is still asked now and then.

    Args:
        misses: Root -> answers on cards of that root that were not right (reviews and exams).
        attempts: Root -> all answers on cards of that root.

    Returns:
        Root -> weight, for `blueprint(weights=...)`.
    """
    roots = set(misses) | set(attempts)
    return {
        root: max(0.25, 2.0 * (misses.get(root, 0) + 1) / (max(attempts.get(root, 0), misses.get(root, 0)) + 2))
        for root in roots
    }


# --- the attempt -----------------------------------------------------------------------------------


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
        if not self.submitted:
            self._flush(now)
        return {
            "format": ATTEMPT_FORMAT,
            "id": self.id,
            "student": {"id": self.student.id, "profile": self.student.profile},
            "decks": [{"id": d.id, "version": d.version, "title": d.title} for d in self.decks],
            "seed": self.seed,
            "scope": self.scope,
            "weak": self.weak,
            "time_limit_s": self.time_limit_s,
            "started_at": self.started_at.isoformat(),
            "time_used_ms": self._used_ms,
            "index": self._index,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "submitted_by": self.submitted_by.value if self.submitted_by else None,
            "questions": [
                {"card_id": q.card.id, "given": q.given, "time_ms": q.time_ms, "flagged": q.flagged}
                for q in self._questions
            ],
        }

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
        if not isinstance(data, Mapping) or data.get("format") != ATTEMPT_FORMAT:
            found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
            raise ExamStateError(f"Cannot resume an exam saved in format {found!r}.")
        try:
            return cls._restore(data, cards, now)
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ExamStateError):
                raise
            raise ExamStateError(f"Cannot resume the exam: its saved state is damaged ({error!r}).") from None

    @classmethod
    def _restore(cls, data: Mapping[str, Any], cards: Mapping[str, Card], now: datetime) -> ExamAttempt:
        missing = [q["card_id"] for q in data["questions"] if q["card_id"] not in cards]
        if missing:
            raise ExamStateError(
                f"Cannot resume the exam: {len(missing)} of its cards are no longer in your decks "
                f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})."
            )
        attempt = cls(
            attempt_id=str(data["id"]),
            cards=[cards[q["card_id"]] for q in data["questions"]],
            time_limit_s=int(data["time_limit_s"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            seed=int(data["seed"]),
            scope=parse_scope(data["scope"]),
            weak=bool(data["weak"]),
            student=StudentRef(id=str(data["student"]["id"]), profile=str(data["student"]["profile"])),
            decks=[DeckRef(id=str(d["id"]), version=str(d["version"]), title=str(d.get("title", ""))) for d in data["decks"]],
        )
        for i, saved in enumerate(data["questions"]):
            q = attempt._questions[i]
            given = saved.get("given")
            result = check(q.card, str(given)) if given is not None else None
            if result is not None and result.verdict is Verdict.BLANK:
                given, result = None, None
            attempt._questions[i] = replace(
                q, given=given, result=result, time_ms=max(0, int(saved["time_ms"])), flagged=bool(saved["flagged"])
            )
        attempt._index = min(max(0, int(data["index"])), len(attempt._questions) - 1)
        attempt._used_ms = min(max(0, int(data["time_used_ms"])), attempt.limit_ms)
        if data.get("submitted_by"):
            attempt._close(datetime.fromisoformat(data["submitted_at"]), SubmittedBy(data["submitted_by"]))
        else:
            attempt._running_since = now
            attempt._flush(now)  # a snapshot taken with no time left resumes straight into the report
        return attempt

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


# --- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """The headline figures."""

    correct: int
    total: int
    answered: int
    flagged: int

    @property
    def percent(self) -> float:
        """Correct out of all questions, in percent, to one decimal."""
        return round(100.0 * self.correct / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Tally:
    """Correct out of total for one root or one kind of question."""

    key: str
    correct: int
    total: int

    @property
    def percent(self) -> float:
        """Correct out of total, in percent, to one decimal."""
        return round(100.0 * self.correct / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Confusion:
    """A root given where another was expected, how often, and why it is an easy mix-up."""

    expected: str
    given: str
    count: int
    explanation: str


@dataclass(frozen=True)
class QuestionReport:
    """One question as scored."""

    n: int
    card_id: str
    deck_id: str
    deck_version: str
    kind: str
    template: str
    prompt: str
    expected: str
    expected_root: str | None
    given: str | None
    given_root: str | None
    verdict: str
    correct: bool
    time_ms: int
    flagged: bool


@dataclass(frozen=True)
class ExamReport:
    """A scored attempt: everything the report screen and the report files show."""

    attempt_id: str
    student: StudentRef
    started_at: datetime
    submitted_at: datetime
    submitted_by: SubmittedBy
    time_limit_s: int
    time_used_s: int
    seed: int
    scope: str
    weak: bool
    decks: tuple[DeckRef, ...]
    score: Score
    questions: tuple[QuestionReport, ...]
    per_root: tuple[Tally, ...]
    """By expected root, cranio-caudal; questions naming no root are not in it."""
    per_kind: tuple[Tally, ...]
    """By `Card.kind` value (true/false cards are "choice" cards)."""
    per_template: tuple[Tally, ...]
    """By generator template, most asked first (on screen; files carry it per question)."""
    confusions: tuple[Confusion, ...]
    """Most frequent first."""

    @property
    def missed_card_ids(self) -> tuple[str, ...]:
        """Cards not answered right (wrong, adjacent or blank), in exam order: "Drill my mistakes"."""
        return tuple(q.card_id for q in self.questions if not q.correct)


def _tallies(items: Iterable[tuple[str, bool]], order: Sequence[str] | None = None) -> tuple[Tally, ...]:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for key, correct in items:
        total[key] += 1
        right[key] += correct
    keys = list(order) if order is not None else sorted(total, key=lambda k: (-total[k], k))
    return tuple(Tally(k, right[k], total[k]) for k in keys if total[k])


def confusion_pairs(
    pairs: Iterable[tuple[str, str]] | Mapping[tuple[str, str], int], places: Mapping[str, str]
) -> tuple[Confusion, ...]:
    """Count (expected, given) root pairs and explain each by place, most frequent first.

    Args:
        pairs: One (expected root, given root) per wrong answer that named a different root, or
            such pairs already counted (a mapping pair -> count).
        places: Root -> region (see `trainer.content.places.dermatome_places`).
    """
    counts = Counter(pairs) if not isinstance(pairs, Mapping) else Counter(dict(pairs))

    def rank(root: str) -> float:
        try:
            return position(root)
        except ValueError:
            return math.inf

    ordered = sorted(counts.items(), key=lambda item: (-item[1], rank(item[0][0]), rank(item[0][1])))
    return tuple(Confusion(e, g, n, explain_confusion(e, g, n, places)) for (e, g), n in ordered)


def score_attempt(attempt: ExamAttempt, places: Mapping[str, str]) -> ExamReport:
    """Score a submitted attempt (see `ExamAttempt.report`)."""
    assert attempt.submitted_by is not None and attempt.submitted_at is not None
    versions = {d.id: d.version for d in attempt.decks}
    rows: list[QuestionReport] = []
    for n, q in enumerate(attempt.questions, 1):
        card = q.card
        rows.append(
            QuestionReport(
                n=n,
                card_id=card.id,
                deck_id=card.deck_id,
                deck_version=versions.get(card.deck_id, ""),
                kind=card.kind.value,
                template=card.template,
                prompt=card.prompt,
                expected=card.answer,
                expected_root=card.answer_root,
                given=q.given,
                given_root=q.result.given_root if q.result is not None else None,
                verdict=q.verdict.value,
                correct=q.verdict is Verdict.CORRECT,
                time_ms=q.time_ms,
                flagged=q.flagged,
            )
        )
    roots = sorted({r.expected_root for r in rows if r.expected_root}, key=position)
    kinds = [k.value for k in CardKind if k in EXAM_KINDS]
    return ExamReport(
        attempt_id=attempt.id,
        student=attempt.student,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        submitted_by=attempt.submitted_by,
        time_limit_s=attempt.time_limit_s,
        time_used_s=(attempt._used_ms + 500) // 1000,
        seed=attempt.seed,
        scope=attempt.scope,
        weak=attempt.weak,
        decks=attempt.decks,
        score=Score(
            correct=sum(r.correct for r in rows),
            total=len(rows),
            answered=sum(r.given is not None for r in rows),
            flagged=sum(r.flagged for r in rows),
        ),
        questions=tuple(rows),
        per_root=_tallies(((r.expected_root, r.correct) for r in rows if r.expected_root), roots),
        per_kind=_tallies(((r.kind, r.correct) for r in rows), kinds),
        per_template=_tallies((r.template, r.correct) for r in rows),
        confusions=confusion_pairs(
            (
                (r.expected_root, r.given_root)
                for r in rows
                if not r.correct and r.expected_root and r.given_root and r.given_root != r.expected_root
            ),
            places,
        ),
    )


# --- trend and the timer text -------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A score against the profile's earlier attempts."""

    current: float
    attempts: int
    """All attempts, this one included."""
    previous: float | None = None
    best_before: float | None = None
    mean_before: float | None = None
    direction: Literal["first", "up", "down", "same"] = "first"
    earlier: tuple[float, ...] = field(default=())
    """The earlier scores, oldest first (for a sparkline)."""

    @property
    def change(self) -> float | None:
        """Percentage points since the previous attempt (None on the first)."""
        return None if self.previous is None else round(self.current - self.previous, 1)

    def sentence(self) -> str:
        """One line for the report: "77.5%, up 5.0 points on last time (72.5%); best before 80.0%"."""
        now = f"{self.current:.1f}%"
        if self.previous is None or self.change is None:
            return f"{now}: your first attempt."
        if self.direction == "same":
            move = f"the same as last time ({self.previous:.1f}%)"
        else:
            move = f"{self.direction} {abs(self.change):.1f} points on last time ({self.previous:.1f}%)"
        earlier = self.attempts - 1
        return f"{now}, {move}; best before {self.best_before:.1f}% over {earlier} earlier attempt{'s' if earlier > 1 else ''}."


def trend(current: float, earlier: Sequence[float]) -> Trend:
    """Compare a score with earlier attempts' scores.

    Args:
        current: This attempt's percent.
        earlier: Earlier attempts' percents, oldest first (the profile's, in the same scope if
            the face wants like compared with like).

    Returns:
        The trend; `direction` is "same" when the change rounds to 0.0 points.
    """
    if not earlier:
        return Trend(current=current, attempts=1)
    previous = earlier[-1]
    change = round(current - previous, 1)
    direction: Literal["up", "down", "same"] = "up" if change > 0 else "down" if change < 0 else "same"
    return Trend(
        current=current,
        attempts=len(earlier) + 1,
        previous=previous,
        best_before=max(earlier),
        mean_before=round(sum(earlier) / len(earlier), 1),
        direction=direction,
        earlier=tuple(earlier),
    )


def clock_text(ms: int) -> str:
    """"m:ss" for a time left, rounded up so "0:00" shows only when the time is up."""
    seconds = max(0, math.ceil(ms / 1000))
    return f"{seconds // 60}:{seconds % 60:02d}"
