"""The Home screen: what today holds, and Enter to start.

It paints at once with the figures the app's quick look read (`trainer.study.startup`), or
"Loading…" until the app has opened the store; later figures are read in a thread worker (they
are aggregate queries) and arrive as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.tui.literal import literal
from trainer.words import counted

if TYPE_CHECKING:
    from trainer.study.overview import HomeOverview
    from trainer.tui.app import TrainerApp


class HomeScreen(Screen[None]):
    """Today's counts, streak, time estimate and decks, with the keys to start."""

    BINDINGS = [
        Binding("enter", "start_review", "Review", tooltip="Start today's review", id="home.start"),
        Binding("m", "body_map", "Body map", show=False, tooltip="Explore the dermatomes on the body map", id="home.map"),
        Binding("e", "exam", "Exam", tooltip="Sit a timed self-assessment", id="home.exam"),
        Binding("x", "resume_exam", "Resume exam", tooltip="Go back to the exam left unfinished", id="home.resume-exam"),
        Binding("t", "stats", "Stats", tooltip="Statistics: forecast, calendar, retention, confusions", id="home.stats"),
        Binding("b", "browse", "Browse", tooltip="Search the cards, see their history, suspend or unsuspend", id="home.browse"),
        Binding("c", "custom_study", "Custom", show=False, tooltip="Cram a tag or recent misses, review ahead, extra new cards"),
        Binding("s", "settings", "Settings", tooltip="Daily limits, what to study, theme, backups…", id="home.settings"),
        Binding("u", "undo", "Undo", show=False, tooltip="Take back the last answer of today (recorded in any review)", id="home.undo"),
        Binding("question_mark", "help", "Help", key_display="?", id="home.help"),
        Binding("q", "app.quit", "Quit", tooltip="Leave the trainer (everything is saved)", id="home.quit"),
    ]
    """Enter starts; m opens the body map; e an exam (x resumes one); t the statistics; q quits (Ctrl+Q works everywhere)."""

    @dataclass
    class OverviewLoaded(Message):
        """The worker has read today's figures."""

        figures: HomeOverview

    @dataclass
    class OverviewFailed(Message):
        """The worker could not read today's figures; `message` is one sentence for the student."""

        message: str

    @dataclass
    class NotesLoaded(Message):
        """The worker has read the unfinished exam and the confusions that keep coming back."""

        waiting: object
        """An `UnfinishedExam`, or None."""
        habits: list[str]
        """Sentences such as "you keep answering L4 for L5 (on 3 days)"."""

    def __init__(self) -> None:
        super().__init__()
        self._fresh = False
        """True while the figures on screen are current (from the quick look, until a review)."""
        self._reading = False
        """A worker is reading the figures (a second one would cancel it)."""
        self._notes_reading = False
        """A worker is reading the unfinished exam and the habits (one at a time, never cancelled)."""
        self._waiting: object = None
        """The unfinished exam (`UnfinishedExam`), if any: x resumes it."""

    def compose(self) -> ComposeResult:
        """Title, today's figures, decks and a hint line."""
        with VerticalScroll(id="home-body"):
            with Vertical(id="home-panel"):
                yield Static(Content("Dermatome Trainer").stylize("bold $accent"), id="home-title")
                yield Static(Content("Loading…").stylize("italic $text-muted"), id="home-today", markup=False)
                yield Static(id="home-notes", markup=False)
                yield Static(id="home-decks", markup=False)
                yield Static(id="home-hint", markup=False)
        yield Footer()

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Paint the figures the app read before the store was open, if this is the first screen."""
        home = self.trainer.take_first_home()
        if home is not None:
            self._fresh = True
            self._paint(home)

    def refresh_figures(self) -> None:
        """Read today's figures again (in a worker), unless the ones on screen are fresh or being read."""
        if (self.trainer.store is not None or not self._fresh) and not self._notes_reading:
            self._notes_reading = True
            self._load_notes()
        if not self._fresh and not self._reading:
            self._reading = True
            self._load()

    def on_screen_resume(self) -> None:
        """Shown (first, or again after a review): the counts may have changed, and what undo can do."""
        self.refresh_figures()
        self.refresh_bindings()

    def on_screen_suspend(self) -> None:
        """A review is starting: the figures will be stale when Home comes back."""
        self._fresh = False

    @work(thread=True, exclusive=True, exit_on_error=False, group="home", description="Reading today's figures")
    def _load(self) -> None:
        """Read today's overview off the UI thread and post it."""
        from trainer.study.review import StoreError, home_overview

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            figures = home_overview(store, app.clock, profile_id=app.profile_id, profile=app.profile_name)
        except StoreError as error:
            # A busy or damaged database: say so on Home rather than leave "Loading…" up for ever.
            self.post_message(self.OverviewFailed(error.message))
            return
        self.post_message(self.OverviewLoaded(figures))

    @work(thread=True, exit_on_error=False, group="home-notes", description="Reading exam and confusions")
    def _load_notes(self) -> None:
        """Read the unfinished exam and the repeated confusions off the UI thread."""
        from trainer.study.exams import unfinished_exam
        from trainer.study.review import StoreError
        from trainer.study.stats_store import repeated_confusions

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            waiting = unfinished_exam(store, profile_id=app.profile_id)
            habits = repeated_confusions(store, app.clock, profile_id=app.profile_id)
        except StoreError:
            # The figures' worker says what is wrong with the database.
            self.app.call_from_thread(setattr, self, "_notes_reading", False)
            return
        self.post_message(self.NotesLoaded(waiting, habits))

    @on(NotesLoaded)
    def _notes(self, message: NotesLoaded) -> None:
        from trainer.study.exam import clock_text

        self._notes_reading = False
        self._waiting = message.waiting
        lines: list[Content] = []
        waiting = message.waiting
        if waiting is not None:
            lines.append(
                Content.assemble(
                    ("Exam   ", "bold"),
                    f"unfinished: question {waiting.position}/{waiting.questions}, "  # type: ignore[attr-defined]
                    f"{waiting.answered} answered, {clock_text(waiting.time_left_ms)} left · ",  # type: ignore[attr-defined]
                    ("x", "bold $accent"),
                    " to resume",
                )
            )
        for habit in message.habits[:2]:
            lines.append(Content.assemble(("Habit  ", "bold"), literal(habit, "$text-warning")))
        self.query_one("#home-notes", Static).update(Content("\n").join(lines))
        self.refresh_bindings()

    def action_exam(self) -> None:
        """The short form (questions, minutes, scope), then the exam."""
        from trainer.tui.screens.exam import ExamForm, open_exam

        def start(options: object) -> None:
            if options is not None:
                open_exam(self.trainer, options)  # type: ignore[arg-type]

        self.app.push_screen(ExamForm(), start)

    def action_resume_exam(self) -> None:
        """Resume the unfinished exam with its answers and the time it had left."""
        from trainer.study.exams import ExamOptions
        from trainer.tui.screens.exam import open_exam

        open_exam(self.trainer, ExamOptions(resume=True))

    def action_stats(self) -> None:
        """Open the statistics."""
        from trainer.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    @on(OverviewLoaded)
    def _loaded(self, message: OverviewLoaded) -> None:
        self._reading = False
        self._paint(message.figures)

    @on(OverviewFailed)
    def _failed(self, message: OverviewFailed) -> None:
        """Show why the figures are missing; Enter can still start a review."""
        self._reading = False
        self.query_one("#home-today", Static).update(
            Content.assemble(("Could not read today's figures: ", "bold $text-error"), literal(message.message))
        )

    def _paint(self, o: HomeOverview) -> None:
        """Paint the figures."""
        counts = o.counts
        minutes = o.minutes
        today = Content.assemble(
            ("Today  ", "bold"),
            (f"{counts.due}", "bold $accent"), " due · ",
            (f"{counts.new}", "bold $accent"), " new · ",
            (f"{counts.repeat}", "bold $accent"), " to repeat",
            "\n",
            ("Time   ", "bold"),
            f"about {counted(minutes, 'minute')}" if counts.total else "nothing left today",
            "\n",
            ("Streak ", "bold"),
            counted(o.streak, "day"),
            *(("\n", ("Only   ", "bold"), literal(o.scope, "$warning"), (" (s to change)", "$text-muted")) if o.scope else ()),
        )
        self.query_one("#home-today", Static).update(today)
        if o.profile:
            # Several students share this database: say whose day this is.
            self.query_one("#home-title", Static).update(
                Content.assemble(("Dermatome Trainer", "bold $accent"), ("  profile: ", "$text-muted"), literal(o.profile, "bold"))
            )
        decks = [Content("Decks").stylize("bold")]
        for deck in o.decks:
            decks.append(literal(f"  {deck.title}  ({counted(deck.cards, 'card')})"))
        self.query_one("#home-decks", Static).update(Content("\n").join(decks))
        if counts.total:
            hint = Content.assemble(("Enter", "bold $accent"), " to start today's review · ", ("?", "bold $accent"), " for help")
        else:
            hint = Content("All done for today. Come back tomorrow.").stylize("$text-success")
        self.query_one("#home-hint", Static).update(hint)

    def action_start_review(self) -> None:
        """Open the review on today's first card (once the store is open: a moment on the first run)."""
        self.trainer.start_review()

    def action_body_map(self) -> None:
        """Open the map explorer."""
        from trainer.tui.screens.map import MapScreen

        self.app.push_screen(MapScreen())

    def action_browse(self) -> None:
        """Open Browse (every card, searchable)."""
        from trainer.tui.screens.browse import BrowseScreen

        self.app.push_screen(BrowseScreen())

    def action_custom_study(self) -> None:
        """Custom study: cram, review ahead, extra new cards today."""
        from trainer.tui.screens.custom_study import CustomStudyScreen, start_custom_study

        def chosen(choice: tuple[str, str | int] | None) -> None:
            if choice is not None:
                start_custom_study(self, *choice)

        self.app.push_screen(CustomStudyScreen(), chosen)

    def action_settings(self) -> None:
        """Open the settings."""
        from trainer.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"Resume exam" only when there is one to resume; u only while an answer of today can be taken back."""
        if action == "resume_exam":
            return self._waiting is not None
        if action == "undo":
            session = self.trainer.study_session
            return session is not None and session.can_undo()
        return True

    def action_undo(self) -> None:
        """Take back the last answer given today in this app (the card comes back in the next review)."""
        session = self.trainer.study_session
        if session is None or not session.can_undo():
            self.notify("No answer to undo.", title="Undo")
            return
        self.trainer.hold_keys()
        self._undo_worker(session)

    @work(thread=True, exit_on_error=False, group="home-undo", description="Undoing the last answer")
    def _undo_worker(self, session) -> None:  # noqa: ANN001 - a StudySession
        from trainer.study.review import StoreError

        try:
            restored = session.undo()
            message, ok = ("Undone: that answer is no longer recorded.", True) if restored else (session.undo_problem or "No answer to undo.", False)
        except StoreError as error:
            message, ok = error.message, False
        self.app.call_from_thread(self._undone, message, ok)

    def _undone(self, message: str, ok: bool) -> None:
        self.notify(message, title="Undo" if ok else "Not undone", severity="information" if ok else "warning")
        self._fresh = False
        self.refresh_figures()
        self.refresh_bindings()
        self.trainer.release_keys()

    def action_help(self) -> None:
        """Show the keys."""
        from trainer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())
