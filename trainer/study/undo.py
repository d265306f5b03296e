"""What a session can take back: its answers, newest first, with the card revisions they left.

An undo is allowed only over the revision this session's own writes left on the card, so an
answer or a change made in another window since is never overwritten by a restore.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.scheduling.policy import CardProgress

__all__ = ["UNDO_CONFLICT", "UndoEntry", "UndoStack"]

UNDO_CONFLICT = (
    "That answer can no longer be undone: the card was answered or changed in another window "
    "since; both answers stay recorded."
)
"""Why an undo was refused because another window changed the card."""


@dataclass
class UndoEntry:
    """One recorded answer: its log row and the card's progress before it."""

    review_id: int
    card_id: str
    before: CardProgress
    revision: int
    """The card's revision once this session's own writes are applied; undo needs it unchanged."""
    made_leech: bool
    """The answer flagged and suspended the card as a leech (undo takes that back too)."""


class UndoStack:
    """A session's answers that can still be taken back."""

    def __init__(self) -> None:
        self._entries: list[UndoEntry] = []

    def push(self, entry: UndoEntry) -> None:
        """Remember a recorded answer."""
        self._entries.append(entry)

    def latest(self) -> UndoEntry | None:
        """The newest answer still undoable, or None."""
        return self._entries[-1] if self._entries else None

    def drop_latest(self) -> None:
        """Forget the newest answer (undone, or refused and never undoable again)."""
        self._entries.pop()

    def adopt(self, earlier: UndoStack) -> None:
        """Take over an earlier stack's answers (older than this one's); the earlier stack is left empty."""
        self._entries = earlier._entries + self._entries
        earlier._entries = []

    def moved(self, card_id: str, old: int, new: int) -> None:
        """This session moved a card's revision from `old` to `new`: its entries follow."""
        for entry in self._entries:
            if entry.card_id == card_id and entry.revision == old:
                entry.revision = new
