"""Plain helpers shared by the TUI tests (imported relatively: `from .helpers import settle`)."""

from __future__ import annotations

import os

from typing import TYPE_CHECKING

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

if TYPE_CHECKING:
    from trainer.tui.widgets.feedback import FeedbackText


async def settle(pilot: Pilot[None], rounds: int = 4) -> None:
    """Let the store worker, the messages it posts and the workers they start all finish."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(app: App[None], selector: str) -> str:
    """The plain text a Static on the current screen shows (a Rich renderable is rendered as text)."""
    from rich.console import Console
    from rich.text import Text
    from textual.content import Content

    widget = app.screen.query_one(selector, Static)
    shown = widget.render()
    if isinstance(shown, (str, Text, Content)):
        return str(shown)
    if isinstance(getattr(shown, "plain", None), str):  # our own visuals (LabelledRows)
        return shown.plain
    shown = widget.content if not isinstance(widget.content, str) else shown
    console = Console(width=400, record=True, color_system=None, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(shown)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def store_deck(db_path: object, deck: object, now: object) -> None:
    """Write `deck` (a CompiledDeck) into the database at `db_path` as an import does, at `now`."""
    from trainer.store import repo
    from trainer.store.db import open_store, resolve_db_url

    store = open_store(resolve_db_url(str(db_path)))
    try:
        with store.session() as session:
            repo.sync_deck(session=session, deck=deck, now=now)
            session.commit()
    finally:
        store.close()


def feedback_of(app: App[None]) -> FeedbackText:
    """What the review's feedback says, part by part (verdict, answer, explanation, sources)."""
    from trainer.tui.widgets.feedback import FeedbackView

    return app.screen.query_one(FeedbackView).shown


async def until_store_open(pilot: Pilot[None], rounds: int = 200) -> None:
    """Wait until the app's own store is open (its worker starts only after the first frame)."""
    for _ in range(rounds):
        if getattr(pilot.app, "store", None) is not None:
            await settle(pilot)
            return
        await pilot.pause(0.02)
    raise AssertionError("the app's store did not open")


def answer_keys(card) -> list[str]:  # card: trainer.content.cards.Card
    """The keys that answer `card` right, whatever its kind (typed, choice or recall)."""
    from trainer.content.cards import CardKind

    if card.is_typed:
        return [*card.answer, "enter"]
    if card.kind == CardKind.CHOICE:
        return [str(card.choices.index(card.answer) + 1)]
    return ["space", "5"]
