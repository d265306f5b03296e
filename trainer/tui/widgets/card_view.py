"""The card being asked: a one-line context label and the prompt, painted literally."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from trainer.tui.literal import literal


class CardView(Vertical):
    """Shows one card's prompt, never interpreting markup or escape codes in it."""

    DEFAULT_CSS = """
    CardView {
        height: auto;
        /* A long prompt (decks allow 4,000 characters) scrolls inside the card, so the answer
           box and its "understood as" line below it always stay on screen. */
        max-height: 50vh;
        overflow-y: auto;
        padding: 0 1;
        border-left: thick $accent;
        #card-meta {
            color: $text-muted;
        }
        #card-prompt {
            text-style: bold;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    def compose(self) -> ComposeResult:
        """A dim context line ("new · lumbar") above the prompt."""
        yield Static(id="card-meta", markup=False)
        yield Static(id="card-prompt", markup=False)

    def show(self, *, prompt: str, meta: str) -> None:
        """Paint a card.

        Args:
            prompt: The question, exactly as the deck wrote it.
            meta: A short context line: the queue the card comes from and its tags.
        """
        self.query_one("#card-meta", Static).update(literal(meta))
        self.query_one("#card-prompt", Static).update(literal(prompt))

    def clear(self, message: str = "") -> None:
        """Show a message (such as "Loading…") in place of a card."""
        self.query_one("#card-meta", Static).update("")
        self.query_one("#card-prompt", Static).update(literal(message))
