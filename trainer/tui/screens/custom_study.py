"""Custom study, from Home (c): cram a tag or the cards missed lately, review ahead, extra new cards today.

A small form over Home: what kind, then a tag or a number, checked by
`trainer.study.custom.parse_custom`; Enter starts a review of it (built in a worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select, Static

from trainer.study.custom import CUSTOM_KINDS, parse_custom
from trainer.tui.literal import literal

if TYPE_CHECKING:
    from trainer.study.session import StudySession
    from trainer.tui.app import TrainerApp

PLACEHOLDERS = {"tag": "a tag, e.g. myotome", "missed": "days, e.g. 7", "ahead": "days, e.g. 3", "extra": "cards, e.g. 10"}


class CustomStudyScreen(ModalScreen["tuple[str, str | int] | None"]):
    """Choose a kind of custom study and its value; returns (kind, value) or None."""

    DEFAULT_CSS = """
    CustomStudyScreen { align: center middle; }
    CustomStudyScreen > Vertical { width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    CustomStudyScreen #custom-problem { color: $text-error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Close")]

    def compose(self) -> ComposeResult:
        """Kind, value, a line for problems."""
        with Vertical():
            yield Static(Content("Custom study").stylize("bold"))
            yield Select([(label, kind) for kind, label in CUSTOM_KINDS.items()], allow_blank=False, id="custom-kind")
            yield Input(placeholder=PLACEHOLDERS["tag"], id="custom-value")
            yield Static("Enter starts · Esc closes", id="custom-problem", markup=False)

    def on_mount(self) -> None:
        """The value field first (the kind defaults to cramming a tag)."""
        self.query_one(Input).focus()

    @on(Select.Changed, "#custom-kind")
    def _kind(self, event: Select.Changed) -> None:
        self.query_one(Input).placeholder = PLACEHOLDERS.get(str(event.value), "")

    @on(Input.Submitted, "#custom-value")
    def _submitted(self, event: Input.Submitted) -> None:
        kind = str(self.query_one(Select).value)
        try:
            value = parse_custom(kind, event.value)
        except ValueError as error:
            self.query_one("#custom-problem", Static).update(literal(str(error), "bold $text-error"))
            return
        self.dismiss((kind, value))

    def action_cancel(self) -> None:
        """Close without starting anything."""
        self.dismiss(None)


def start_custom_study(screen: Screen[Any], kind: str, value: str | int) -> None:
    """Build the custom session in a worker of `screen` and open the review on it (or say why not)."""
    from trainer.tui.screens.review import ReviewScreen

    app: TrainerApp = screen.app  # type: ignore[assignment]

    def work() -> None:
        from trainer.study.custom import cram_missed, cram_tag
        from trainer.study.review import StoreError
        from trainer.study.session import StudySession

        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            session: Any
            if kind == "tag":
                session = cram_tag(store, app.clock, str(value), profile_id=app.profile_id)
            elif kind == "missed":
                session = cram_missed(store, app.clock, int(value), profile_id=app.profile_id)
            else:
                session = StudySession.open(
                    store,
                    app.clock,
                    profile_id=app.profile_id,
                    deck_ids=app.deck_ids,
                    ahead_days=int(value) if kind == "ahead" else 0,
                    extra_new=int(value) if kind == "extra" else 0,
                )
                _adopt(app, session)
        except StoreError as error:
            app.call_from_thread(app.notify, error.message, title="Custom study", severity="error")
            return
        if session.current is None:
            app.call_from_thread(app.notify, "No cards for that custom study.", title="Custom study", severity="warning")
            return
        app.call_from_thread(app.push_screen, ReviewScreen(session))

    screen.run_worker(work, thread=True, exit_on_error=False, group="custom-study", description="Reading the cards")


def _adopt(app: TrainerApp, session: StudySession) -> None:
    """A scheduled custom session takes over the undo of earlier answers, like any review."""
    if app.study_session is not None:
        session.adopt_undo(app.study_session)
    app.study_session = session
