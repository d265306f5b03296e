"""The keys, on one overlay (`?` or F1 anywhere)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Home", (("enter", "start today's review"), ("m", "the body map (arrows browse roots, n nerves, l labels)"), ("b", "browse and search the cards"), ("s", "settings"), ("c", "custom study: cram a tag or recent misses, review ahead, extra new cards"), ("u", "undo the last answer of today"), ("?", "this help"), ("ctrl+p", "command palette"), ("q", "quit"))),
    (
        "Answering",
        (
            ("type + enter", "typed cards: a root such as L4 (“l 4” works; ? = unsure)"),
            ("1-9", "choice cards: pick an option"),
            ("space / enter", "recall cards: reveal the answer"),
        ),
    ),
    (
        "After answering",
        (
            ("0-5", "change the SM-2 grade (the suggestion is highlighted)"),
            ("enter", "record the answer with that grade and go on (the verdict stands: no second try)"),
        ),
    ),
    (
        "In a review (the keys in brackets work while typing a root)",
        (
            ("u  (ctrl+z)", "undo the last recorded answer (on a question, not the feedback)"),
            ("s  (ctrl+s)", "suspend this card; on the feedback, the answer on screen is recorded first"),
            ("?  (f1)", "this help"),
            ("q  (escape)", "back to Home; a checked answer is recorded first"),
            ("ctrl+q", "quit; a checked answer is recorded first (so is a closed terminal's)"),
        ),
    ),
)
"""Sections of (keys, meaning). Keys in brackets are the ones that work while typing a root."""

GRADES = "Grades: 5 effortless · 4 after hesitation · 3 with difficulty · 2 wrong but easy once seen · 1 wrong · 0 blackout"
"""SM-2 grades in one line (sm2.md)."""


class HelpScreen(ModalScreen[None]):
    """Every key of the trainer, grouped by what the student is doing."""

    BINDINGS = [Binding("escape,q,question_mark,f1,enter", "dismiss", "Close", key_display="esc")]
    """Any of the usual keys closes the overlay."""

    def compose(self) -> ComposeResult:
        """One panel of key tables."""
        lines: list[Content] = [Content("Keys").stylize("bold $accent")]
        for title, rows in KEYS:
            lines.append(Content(""))
            lines.append(Content(title).stylize("bold"))
            for key, meaning in rows:
                lines.append(Content.assemble((f"  {key:<16}", "bold $accent"), meaning))
        lines += [Content(""), Content(GRADES).stylize("$text-muted"), Content(""), Content("Press escape to close.").stylize("italic")]
        with VerticalScroll(id="help-panel"):
            yield Static(Content("\n").join(lines), markup=False)
        # Its own footer: otherwise the screen underneath shows its keys, which do nothing here.
        yield Footer()
