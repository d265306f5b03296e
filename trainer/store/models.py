"""The database tables: profiles, decks, cards, per-card SM-2 state, the review log, settings, meta.

All tables live in this one module so that the schema can be read (and migrated) in one place.
Instants are stored as UTC and come back tagged as UTC (`UTCDateTime`), because SQLite keeps no
time zone; study days are plain dates in the student's zone, computed by `trainer.clock`.
Indexes are chosen for the review queue: due cards by due day, new cards by deck order, today's
answers by study day; see the comment above each.

Deck content (decks, sources, cards) is shared; everything about a student (card state, reviews,
settings) carries the profile it belongs to, so one database (a class server) holds a schedule
per student.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, DateTime, Index, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from trainer.store.location import DEFAULT_PROFILE_ID

__all__ = [
    "DEFAULT_PROFILE_ID",
    "Card",
    "CardState",
    "Deck",
    "ExamAnswer",
    "ExamAttempt",
    "Meta",
    "Profile",
    "Review",
    "ReviewDay",
    "ReviewDayConfusion",
    "StatsCache",
    "Setting",
    "Source",
    "UTCDateTime",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC and always read back tagged as UTC.

    SQLite drops tzinfo on the way in and returns naive values; other databases (PostgreSQL)
    keep it. Refusing naive datetimes on write stops a local-time value from being stored as if
    it were UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware instant to UTC (naive UTC for SQLite); refuse naive values."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store only timezone-aware instants")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Re-attach UTC to what the database returns."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Schema bookkeeping: "schema_version" and small app-level markers (e.g. the built-in deck's file hash).
class Meta(SQLModel, table=True):
    """A key/value row of store metadata."""

    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(default="")


# A student. Every per-student row below names one; the default profile (id 1) exists from the start.
class Profile(SQLModel, table=True):
    """A student using the database (one schedule, one set of settings each)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    """What the student types after --profile."""
    pseudonym: str = Field(default="", max_length=40)
    """A stable, anonymous student id for report files an instructor collects (never the name)."""
    created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """When the profile was added (None for the profile a new or migrated database starts with)."""


# One row per imported deck; `content_hash` lets an unchanged re-import return before any write.
class Deck(SQLModel, table=True):
    """An imported deck's metadata."""

    id: str = Field(primary_key=True, max_length=100)
    title: str
    version: str = Field(default="", max_length=50)
    description: str = Field(default="")
    authors: list[str] = Field(default_factory=list, sa_type=JSON)
    license: str = Field(default="", max_length=100)
    content_hash: str = Field(default="", max_length=64)
    imported_at: datetime = Field(sa_type=UTCDateTime)


# The sources a deck cites, keyed per deck; cards refer to them by key.
class Source(SQLModel, table=True):
    """A citation of a deck."""

    deck_id: str = Field(primary_key=True, foreign_key="deck.id", ondelete="CASCADE", max_length=100)
    key: str = Field(primary_key=True, max_length=100)
    citation: str
    url: str | None = Field(default=None)
    strength: str = Field(default="secondary", max_length=20)


# The content of a card as last imported. Never deleted: a card missing from its deck is retired
# (`retired_at` set), so its reviews keep their foreign key and the history stays whole.
RETIRED = "retired_at IS NOT NULL"
"""The cards `ix_card_retired` holds."""


class Card(SQLModel, table=True):
    """A stored card (the content; progress lives in CardState)."""

    # (deck_id, retired_at) counts a deck's active cards from the index alone (Home screen);
    # ix_card_order walks the cards in deck order without reading their rows (Browse's search).
    __table_args__ = (
        Index("ix_card_deck_position", "deck_id", "position"),
        Index("ix_card_deck_retired", "deck_id", "retired_at"),
        Index("ix_card_order", "deck_id", "position", "id", "retired_at"),
        # Browse's `root:` (schema 7), covering deck order, so a root's cards are found without the table.
        Index("ix_card_root", "answer_root", "deck_id", "position", "id", "retired_at"),
        # The retired cards (schema 8), few: text search counts the matches of the text index
        # that are not among them. Partial: active cards are not in it.
        Index("ix_card_retired", "retired_at", sqlite_where=text(RETIRED), postgresql_where=text(RETIRED)),
    )

    id: str = Field(primary_key=True, max_length=120)
    deck_id: str = Field(foreign_key="deck.id", ondelete="CASCADE", max_length=100)
    position: int = Field(default=0, ge=0)
    """Order of the card in its deck: new cards are introduced in this order."""
    template: str = Field(max_length=100)
    fact_key: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    prompt: str
    answer: str
    accepted: list[str] = Field(default_factory=list, sa_type=JSON)
    choices: list[str] = Field(default_factory=list, sa_type=JSON)
    choice_roots: list[str | None] = Field(default_factory=list, sa_type=JSON)
    explanation: str = Field(default="")
    sources: list[str] = Field(default_factory=list, sa_type=JSON)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    siblings: list[str] = Field(default_factory=list, sa_type=JSON)
    answer_root: str | None = Field(default=None, max_length=20)
    content_hash: str = Field(default="", max_length=64)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Per-card SM-2 state and queue bookkeeping; one row per profile and card, created when the card is
# imported (or the profile added). The composite indexes serve the queue, each led by the profile:
# (due_day, position) gives "most overdue first" without a sort; (introduced_day, position) gives
# "new cards in deck order" (introduced_day IS NULL) and "introduced today" counts, (introduced_day,
# new_rank) the mixed new-card order; (last_day,
# due_day) finds today's answers (buried siblings) and, among them, today's repeats.
MARKED = "suspended OR leech OR drill OR flag <> '' OR buried_until IS NOT NULL"
"""The card states `ix_cardstate_marked` holds; trainer.store.search writes its conditions as these terms."""


class CardState(SQLModel, table=True):
    """Where a card stands in one student's schedule."""

    __table_args__ = (
        Index("ix_cardstate_due", "profile_id", "due_day", "position"),
        Index("ix_cardstate_new", "profile_id", "introduced_day", "position"),
        Index("ix_cardstate_mixed", "profile_id", "introduced_day", "new_rank"),
        Index("ix_cardstate_last_day", "profile_id", "last_day", "due_day"),
        Index("ix_cardstate_card", "card_id"),
        # Browse's rare states (schema 7): the few marked cards, so `is:suspended`, `flag:red`...
        # read them instead of every state of the profile. Partial: unmarked cards are not in it.
        Index("ix_cardstate_marked", "profile_id", "card_id", sqlite_where=text(MARKED), postgresql_where=text(MARKED)),
    )

    profile_id: int = Field(primary_key=True, foreign_key="profile.id", ondelete="CASCADE")
    card_id: str = Field(primary_key=True, foreign_key="card.id", ondelete="CASCADE", max_length=120)
    position: int = Field(default=0, ge=0)
    """A copy of Card.position, so that the new-card queue reads one index in order."""
    new_rank: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    """The card's place in this profile's mixed new-card order (`trainer.scheduling.new_order`)."""
    repetitions: int = Field(default=0, ge=0)
    easiness: float = Field(default=2.5, ge=1.3)
    interval: int = Field(default=0, ge=0)
    drill: bool = Field(default=False)
    due_day: date | None = Field(default=None)
    """Study day the card is next due; None until first answered."""
    introduced_day: date | None = Field(default=None)
    """Study day of the first answer; None = a new card. Counts new cards per day across sessions."""
    last_day: date | None = Field(default=None)
    """Study day of the latest answer (today's repeats and buried siblings)."""
    lapses: int = Field(default=0, ge=0)
    suspended: bool = Field(default=False)
    leech: bool = Field(default=False)
    last_review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revision: int = Field(default=0, ge=0)
    """Bumped by every change; an answer writes only over the revision it read (two windows)."""
    buried_until: date | None = Field(default=None)
    """Kept out of the queue until this study day (a card buried "until tomorrow"); None = not buried."""
    flag: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})
    """A colour the student marked the card with ("red", "orange"...); "" = no flag."""


# The review log: one row per answer, with the state before and after, so statistics and undo are
# computed from it rather than from counters that could drift.
class Review(SQLModel, table=True):
    """One answer to one card, by one student."""

    __table_args__ = (
        Index("ix_review_profile_day_queue", "profile_id", "study_day", "queue"),
        Index("ix_review_card", "card_id"),
        # A profile's latest answers, newest first (Home's time estimate) without sorting the log.
        Index("ix_review_profile_id", "profile_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", ondelete="CASCADE")
    card_id: str = Field(foreign_key="card.id", ondelete="CASCADE", max_length=120)
    reviewed_at: datetime = Field(sa_type=UTCDateTime)
    study_day: date
    quality: int = Field(ge=0, le=5)
    response_ms: int | None = Field(default=None, ge=0)
    response: str | None = Field(default=None)
    verdict: str | None = Field(default=None, max_length=20)
    given_root: str | None = Field(default=None, max_length=20)
    expected_root: str | None = Field(default=None, max_length=20)
    is_drill: bool = Field(default=False)
    queue: str = Field(max_length=10)
    """"due", "new" or "repeat": which queue the card was answered from; "extra" for an answer to
    a card already answered today in another window (logged, but it moves no schedule)."""
    repetitions_before: int
    easiness_before: float
    interval_before: int
    drill_before: bool
    repetitions_after: int
    easiness_after: float
    interval_after: int
    drill_after: bool
    due_day_after: date


# Student settings as text, validated and typed by trainer.study.settings; one set per profile.
class Setting(SQLModel, table=True):
    """One stored setting of one student."""

    profile_id: int = Field(primary_key=True, foreign_key="profile.id", ondelete="CASCADE")
    name: str = Field(primary_key=True, max_length=100)
    value: str


# Exams (schema 3). An attempt and its answers live apart from the review log and never touch card
# state: an exam is a measurement, not a repetition. Every answer, flag and move is written as it
# happens (with the time used so far), so an attempt killed mid-way resumes where it stopped.
class ExamAttempt(SQLModel, table=True):
    """One exam attempt of one student (running, or submitted and scored)."""

    # (profile_id, submitted_at) finds the unfinished attempt and the earlier scores for the trend.
    __table_args__ = (Index("ix_examattempt_profile", "profile_id", "submitted_at", "started_at"),)

    id: str = Field(primary_key=True, max_length=40)
    profile_id: int = Field(foreign_key="profile.id", ondelete="CASCADE")
    student_id: str = Field(default="", max_length=40)
    """The profile's pseudonym when the attempt started (the report file carries it)."""
    seed: int
    scope: str = Field(max_length=200)
    weak: bool = Field(default=False)
    time_limit_s: int = Field(ge=1)
    started_at: datetime = Field(sa_type=UTCDateTime)
    study_day: date
    """The study day the attempt started on (statistics count exam time and confusions by it)."""
    time_used_ms: int = Field(default=0, ge=0)
    """Time used as of the last save; time does not run while the attempt is not on screen."""
    position: int = Field(default=0, ge=0)
    """The 0-based question on screen at the last save."""
    decks: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    """[{id, version, title}] of the decks the questions come from, as they were at the start."""
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str | None = Field(default=None, max_length=20)
    """"student" or "timeout"; None while the attempt is unfinished."""
    correct: int | None = Field(default=None, ge=0)
    """Questions answered right, set on submission (the trend reads it)."""
    total: int = Field(default=0, ge=0)


class ExamAnswer(SQLModel, table=True):
    """One question of an attempt and what the student did with it so far."""

    attempt_id: str = Field(primary_key=True, foreign_key="examattempt.id", ondelete="CASCADE", max_length=40)
    n: int = Field(primary_key=True, ge=0)
    """The 0-based place of the question in the attempt."""
    card_id: str = Field(foreign_key="card.id", ondelete="CASCADE", max_length=120)
    given: str | None = Field(default=None)
    """What the student typed or chose; None = unanswered."""
    verdict: str | None = Field(default=None, max_length=20)
    """The checker's verdict on `given` (kept from the student until the end)."""
    given_root: str | None = Field(default=None, max_length=20)
    expected_root: str | None = Field(default=None, max_length=20)
    correct: bool = Field(default=False)
    time_ms: int = Field(default=0, ge=0)
    flagged: bool = Field(default=False)


# The statistics cache (schema 3): the review log folded per closed study day (before today), so
# `trainer stats` reads a few thousand rows instead of every review. Filled from the log, never
# written by anything else; `StatsCache` says up to which day it may be trusted (see stats_repo).
# The covering indexes answer every statistics read from the index alone (bench/bench_stats.py).
class ReviewDay(SQLModel, table=True):
    """One profile's answers on one closed study day for one expected root (None: cards naming none)."""

    __table_args__ = (
        Index(
            "ix_reviewday_cover", "profile_id", "study_day", "expected_root", "answers", "time_ms", "passed",
            "mature_n", "mature_p", "young_n", "young_p",
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", ondelete="CASCADE")
    study_day: date
    expected_root: str | None = Field(default=None, max_length=20)
    answers: int
    time_ms: int
    """Response time, each answer capped at a minute (as statistics count it)."""
    passed: int
    mature_n: int
    """Review-queue answers (not drills) to mature cards (interval >= 21 days)."""
    mature_p: int
    young_n: int
    young_p: int


class ReviewDayConfusion(SQLModel, table=True):
    """One profile's wrong answers naming `given_root` for `expected_root` on one closed study day."""

    __table_args__ = (
        Index("ix_reviewdayconfusion_cover", "profile_id", "expected_root", "given_root", "study_day", "n"),
    )

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", ondelete="CASCADE")
    study_day: date
    expected_root: str = Field(max_length=20)
    given_root: str = Field(max_length=20)
    n: int


class StatsCache(SQLModel, table=True):
    """How far one profile's statistics cache (`ReviewDay`, `ReviewDayConfusion`) holds the log (schema 6).

    Every study day before `until_day` is folded into the cache exactly as the log has it (a day
    without rows had no answers); days from `until_day` on are read from the log. Every writer of
    a review row moves `until_day` back to the row's day (`trainer.store.stats_repo.forget_from`),
    so the cache never has to be checked against the log. No row: nothing is cached yet.
    """

    profile_id: int = Field(primary_key=True, foreign_key="profile.id", ondelete="CASCADE")
    until_day: date
