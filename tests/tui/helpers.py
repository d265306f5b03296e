"""Plain helpers shared by the TUI tests (imported relatively: `from .helpers import settle`)."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static


async def settle(pilot: Pilot[None], rounds: int = 4) -> None:
    """Let the store worker, the messages it posts and the workers they start all finish."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(app: App[None], selector: str) -> str:
    """The plain text a Static on the current screen shows."""
    return str(app.screen.query_one(selector, Static).render())
