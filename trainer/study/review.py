"""The names faces used before the study core was split, kept as one import place.

`trainer.study.session` holds the study session, `trainer.study.overview` Home's figures and
`trainer.study.decks` deck imports; this module re-exports what faces and tests import.
"""

from __future__ import annotations

from trainer.store.db import StoreError
from trainer.study.decks import ensure_builtin_deck, import_deck_file
from trainer.study.overview import DeckOverview, HomeOverview, home_overview
from trainer.study.queue import QueueCounts, StudyCard
from trainer.study.session import UNDO_CONFLICT, AnswerOutcome, StudySession, open_session
from trainer.study.summary import SessionSummary

__all__ = [
    "UNDO_CONFLICT",
    "AnswerOutcome",
    "DeckOverview",
    "HomeOverview",
    "QueueCounts",
    "SessionSummary",
    "StoreError",  # answer() and friends may raise it, and screens may not import the store
    "StudyCard",
    "StudySession",
    "ensure_builtin_deck",
    "home_overview",
    "import_deck_file",
    "open_session",
]
