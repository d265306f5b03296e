"""The collection as Browse and `trainer cards` see it: search, card info, actions on cards and their undo.

Every function is one unit of work on an open store, wrapped in `store_errors` (a busy or damaged
database is a `StoreError` with a plain message). The search syntax is `trainer.content.query`;
its SQL is `trainer.store.search`.

Card actions (suspend, unsuspend, clear a leech flag, bury until tomorrow, reset to new, flag
with a colour) each change a few columns of one profile's card state, over the revision they
read (another window's change in between refuses the action rather than overwriting it). Each
returns an `ActionDone` that remembers what it replaced, so `undo_action` can put it back; the
undo is refused, with the reason, when the card changed again since.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock, add_days
from trainer.content.cards import Card, SourceRef
from trainer.content.query import FLAGS, Query, parse_query
from trainer.scheduling.policy import CardProgress
from trainer.scheduling.sm2 import INITIAL_EASINESS
from trainer.store.readers import Reader, SqlAlchemyExecutor
from trainer.study.session import today_for
from trainer.study.settings import settings_from_rows

from trainer.store.search import HistoryRow, SearchResult, SearchRow

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = ["HistoryRow", "SearchResult", "SearchRow"]  # re-exported for the screens (which may not import the store)

__all__ += [
    "ACTIONS",
    "ActionDone",
    "ActionError",
    "ActionHistory",
    "CardInfo",
    "apply_action",
    "card_info",
    "search",
    "undo_action",
]

ACTIONS = {
    "suspend": "Suspend",
    "unsuspend": "Unsuspend",
    "clear_leech": "Clear the leech flag",
    "bury": "Bury until tomorrow",
    "reset": "Reset to new",
    "flag": "Flag",
}
"""Every card action, with the words a menu shows."""

UNDO_REFUSED = (
    "That change can no longer be undone: the card was answered or changed since (in this or another window)."
)
"""Why `undo_action` refused."""


class ActionError(ValueError):
    """A card action that cannot be done; `str()` is one sentence for the student."""


def _reader(connection: Any, profile_id: int) -> Reader:
    return Reader(SqlAlchemyExecutor(connection), profile_id=profile_id)


def search(
    store: Store,
    clock: Clock,
    text: str | Query,
    *,
    profile_id: int,
    sort: str = "deck",
    descending: bool = False,
    limit: int = 500,
) -> SearchResult:
    """The profile's cards matching a query (text as typed, or already parsed).

    Raises:
        trainer.content.query.QueryError: The text is not a valid query (with the column).
        StoreError: The database cannot be read.
    """
    from trainer.store.db import store_errors
    from trainer.store.search import search_cards

    query = parse_query(text) if isinstance(text, str) else text
    with store_errors("search the cards"), store.engine.connect() as connection:
        reader = _reader(connection, profile_id)
        today = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
        return search_cards(
            reader.executor, query, profile_id=profile_id, today=today, sort=sort, descending=descending, limit=limit
        )


@dataclass(frozen=True)
class CardInfo:
    """Everything Card info shows about one card for one student."""

    card: Card
    progress: CardProgress
    sources: list[SourceRef]
    history: list[HistoryRow]
    today: date
    buried_until: date | None
    flag: str

    @property
    def buried(self) -> bool:
        """True while the card is buried (kept out of the queue until a later day)."""
        return self.buried_until is not None and self.buried_until > self.today


def card_info(store: Store, clock: Clock, card_id: str, *, profile_id: int) -> CardInfo | None:
    """A card's content, sources in full, SM-2 state and whole review history; None if unknown."""
    from trainer.store import repo
    from trainer.store.db import store_errors
    from trainer.store.search import card_history

    with store_errors("read the card"), store.engine.connect() as connection:
        reader = _reader(connection, profile_id)
        row = reader.study_row(card_id)
        if row is None:
            return None
        today = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
        extra = repo.card_state_values(connection, profile_id=profile_id, card_id=card_id, columns=("buried_until", "flag"))
        known = reader.all_sources()
        sources = [known.get((row.card.deck_id, key)) or SourceRef(key=key, citation=key) for key in row.card.sources]
        history = card_history(reader.executor, profile_id=profile_id, card_id=card_id)
    assert extra is not None
    return CardInfo(
        card=row.card,
        progress=row.progress,
        sources=sources,
        history=history,
        today=today,
        buried_until=extra["buried_until"],
        flag=extra["flag"] or "",
    )


@dataclass(frozen=True)
class ActionDone:
    """A card action as done: what it replaced, to undo it."""

    profile_id: int
    card_id: str
    action: str
    message: str
    """What was done, in words ("Suspended the card.")."""
    before: dict[str, Any]
    revision: int
    """The card's revision after the action: an undo needs it unchanged."""


_RESET = {
    "repetitions": 0,
    "easiness": INITIAL_EASINESS,
    "interval": 0,
    "drill": False,
    "due_day": None,
    "introduced_day": None,
    "last_day": None,
    "lapses": 0,
    "leech": False,
    "last_review_at": None,
}
"""A card reset to new: SM-2 as for a card never answered (its review history stays)."""


def _changes(action: str, today: date, flag: str, current: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The columns an action writes and the sentence that says what it did."""
    if action == "suspend":
        return {"suspended": True}, "Suspended the card: it is not asked until unsuspended."
    if action == "unsuspend":
        return {"suspended": False}, "Unsuspended the card: it is back in the queues."
    if action == "clear_leech":
        if not current["leech"]:
            raise ActionError("This card is not a leech.")
        return {"leech": False}, "Cleared the leech flag (the card stays suspended until you unsuspend it)."
    if action == "bury":
        return {"buried_until": add_days(today, 1)}, "Buried the card until tomorrow."
    if action == "reset":
        return dict(_RESET), "Reset the card to new; its review history is kept."
    if action == "flag":
        if flag not in (*FLAGS, ""):
            raise ActionError(f"Unknown flag colour {flag!r}; use {', '.join(FLAGS)}.")
        return {"flag": flag}, f"Flagged the card {flag}." if flag else "Removed the card's flag."
    raise ActionError(f"Unknown card action {action!r}.")


def apply_action(store: Store, clock: Clock, card_id: str, action: str, *, profile_id: int, flag: str = "") -> ActionDone:
    """Do one card action (see ACTIONS) for a profile, in one transaction.

    Args:
        store: The open store.
        clock: The clock (bury counts study days from it).
        card_id: The card.
        action: A key of ACTIONS.
        profile_id: The student.
        flag: The colour for "flag" ("" removes the flag).

    Raises:
        ActionError: Unknown card or action, or an action that does not apply (clear a leech
            flag on a card that is not a leech); nothing is written.
        StoreError: The database is busy or damaged; nothing is written.
    """
    from trainer.store import repo
    from trainer.store.db import store_errors

    with store_errors("change the card"), store.engine.begin() as connection:
        reader = _reader(connection, profile_id)
        today = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
        current = repo.card_state_values(
            connection, profile_id=profile_id, card_id=card_id, columns=repo.CARD_STATE_EDITABLE
        )
        if current is None:
            raise ActionError(f"Unknown card {card_id!r}.")
        values, message = _changes(action, today, flag, current)
        written = repo.update_card_state(
            connection, profile_id=profile_id, card_id=card_id, revision=current["revision"], values=values
        )
        if not written:
            raise ActionError("The card changed in another window meanwhile; nothing was changed, try again.")
    return ActionDone(
        profile_id=profile_id,
        card_id=card_id,
        action=action,
        message=message,
        before={name: current[name] for name in values},
        revision=current["revision"] + 1,
    )


def undo_action(store: Store, done: ActionDone) -> str | None:
    """Put back what a card action replaced.

    Returns:
        None when undone; otherwise one sentence saying why not (the card changed since).
    """
    from trainer.store import repo
    from trainer.store.db import store_errors

    with store_errors("undo the change"), store.engine.begin() as connection:
        written = repo.update_card_state(
            connection, profile_id=done.profile_id, card_id=done.card_id, revision=done.revision, values=done.before
        )
    return None if written else UNDO_REFUSED


@dataclass
class ActionHistory:
    """The card actions that can still be undone, newest last; shared by every screen of the app."""

    done: list[ActionDone] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def push(self, done: ActionDone) -> None:
        """Remember an action."""
        with self._lock:
            self.done.append(done)

    def pop(self) -> ActionDone | None:
        """The latest action, taken off the stack (None if there is none)."""
        with self._lock:
            return self.done.pop() if self.done else None

    def __len__(self) -> int:
        return len(self.done)
