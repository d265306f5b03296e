"""TrainerApp: paints the first card at once, opens the store behind the first paint, routes between screens.

The app is a router, not a hub: each screen handles its own keys and messages. Its state is what
every screen needs: the clock, the profile, how the app was started, and the store once it is
open. The first screen's data is read when the app mounts, in a few milliseconds, by
`trainer.study.startup.quick_first_screen` (stdlib sqlite3, read-only, the same queue rules and
SQL as the full store): a review starts on a `StudySession` in its quick phase, which the store
worker attaches once the database layer is loaded. Screens never call the store on the UI
thread: they run workers that wait for the store (`wait_store`), and while such a call is under
way the app holds the keys that depend on it (`hold_keys`), replaying them in order afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from trainer.tui.held_keys import KeyHolding
from trainer.tui.palette import PaletteAndScreenshots
from trainer.tui.screens.loading import LoadingScreen

if TYPE_CHECKING:
    from trainer.clock import Clock
    from trainer.store.db import Store
    from trainer.study.collection import ActionHistory
    from trainer.study.exams import ExamOptions
    from trainer.study.session import StudySession

Start = Literal["home", "review", "exam"]
"""Where the app opens: the Home screen, straight on the first card of today's review, or on an exam."""

class TrainerApp(KeyHolding, PaletteAndScreenshots, App[None]):
    """The Dermatome Trainer terminal app."""

    CSS_PATH = "app.tcss"
    TITLE = "Dermatome Trainer"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]
    """Ctrl+Q quits from anywhere; each screen adds its own keys."""

    @dataclass
    class StoreOpened(Message):
        """The worker opened the store (and imported the built-in deck if needed)."""

        store: Store

    @dataclass
    class StoreFailed(Message):
        """The store cannot be opened; `message` is one sentence for the student."""

        message: str

    def __init__(
        self,
        *,
        db: str | None = None,
        clock: Clock | None = None,
        start: Start = "home",
        cursor_blink: bool = True,
        deck_ids: Sequence[str] | None = None,
        import_builtin: bool = True,
        profile: str | None = None,
        exam: ExamOptions | None = None,
    ) -> None:
        """Build the app; nothing is opened until it runs.

        Args:
            db: `--db` value (path or URL); None for $TRAINER_DB or the default location.
            clock: A fixed clock for tests; None for the system clock in the student's time zone.
            start: "home", or "review" to open on the first card.
            cursor_blink: False in snapshot tests.
            deck_ids: Review only these decks; None for all.
            import_builtin: Import (or update) the built-in deck on opening, as a first run needs.
                Tests that bring their own deck switch it off, so the built-in deck's wording and
                size never move their snapshots.
            profile: `--profile` value; None for $TRAINER_PROFILE or the default profile.
            exam: With start="exam", the exam to start or resume.
        """
        from trainer.store.location import requested_profile

        super().__init__()
        self._db = db
        self._import_builtin = import_builtin
        self.clock: Clock | None = clock
        """The only clock the screens read (injected by tests; else made from settings)."""
        self.start = start
        """Where the app opened."""
        self.cursor_blink = cursor_blink
        """Passed down to the answer input."""
        self.deck_ids = tuple(deck_ids) if deck_ids is not None else None
        """The decks a review draws from (None: all)."""
        self.exam_options = exam
        """The exam to open on (start="exam")."""
        self.error: str | None = None
        """Why the store could not be opened, for `run_tui` to print after the app has closed."""
        self.profile_name = ""
        """The student's profile (`--profile`, $TRAINER_PROFILE, or the default)."""
        try:
            self.profile_name = requested_profile(profile)
        except ValueError as problem:
            self.error = str(problem)
        self.profile_id: int | None = None
        """The profile's id, once known (from the quick look, else from the store)."""
        self.store: Store | None = None
        """The open store, once the worker has opened it."""
        self._store_settled = threading.Event()
        self._quick_session: StudySession | None = None
        self._first_home: Any = None
        self._held: list[events.Key] = []
        self._holding = 0
        self._screenshot_folder = "the Downloads folder"
        """Where the latest screenshot was being saved, to name it if saving fails."""
        self.study_session: StudySession | None = None
        """The latest study session: its answers can still be undone from Home or a later review."""
        self.hung_up = False
        """The terminal is gone (SIGHUP): workers no longer wait on the screen (trainer.tui.hangup)."""
        self.saved_theme: str | None = None
        """The theme the profile's settings hold (the app saves a theme chosen elsewhere, e.g. the palette)."""

    @cached_property
    def card_actions(self) -> ActionHistory:
        """Card actions (suspend, bury, flag...) that can be undone, from any screen.

        Made on first use: the collection module is not needed before the first card is painted.
        """
        from trainer.study.collection import ActionHistory

        return ActionHistory()

    def on_mount(self) -> None:
        """Read the first screen's data (a few ms, no database layer), paint it, then open the store."""
        if self.error is not None:
            self.exit(return_code=2)
            return
        self._catch_signals()
        from trainer.study.startup import quick_first_screen

        first = quick_first_screen(
            self._db,
            clock=self.clock,
            start="home" if self.start == "exam" else self.start,
            deck_ids=self.deck_ids,
            import_builtin=self._import_builtin,
            profile=self.profile_name,
        )
        if first is not None:
            self.clock = first.clock
            self.profile_id = first.profile_id
            self._apply_theme(first.settings.theme)
            self._quick_session = first.session
            self.study_session = first.session
            self._first_home = first.home
        if self.start == "exam":
            from trainer.tui.screens.exam import open_exam

            self.push_screen(LoadingScreen())
            open_exam(self, self.exam_options, replace=True)
        elif self.start == "review":
            # Home is built only when the student goes there: fewer widgets before the first card.
            if self._quick_session is not None:
                from trainer.tui.screens.review import ReviewScreen

                self.push_screen(ReviewScreen(self._quick_session))
            else:
                self.push_screen(LoadingScreen())
                self.start_review(replace=True)
        else:
            from trainer.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())
        if first is None:
            # A first run, a changed built-in deck, or a database the quick look cannot read:
            # the screen says "Loading…" while the worker creates, imports or reports the problem.
            self._open_store_worker()
        else:
            # Start importing the database layer only once the first frame is out: the import
            # holds the GIL most of the time and would delay the paint.
            self.call_after_refresh(self._open_store_worker)

    def take_first_home(self) -> Any:
        """The quick look's Home figures, for the first Home screen that asks (only once)."""
        home, self._first_home = self._first_home, None
        return home

    # --- opening the store -----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="store", description="Opening the database")
    def _open_store_worker(self) -> None:
        """Open the database in a thread (creating it and importing the built-in deck on a first run)."""
        from trainer.store.db import StoreError
        from trainer.study.profiles import ProfileError
        from trainer.study.startup import open_full_store

        try:
            store = open_full_store(self._db, clock=self.clock, from_snapshot=self._import_builtin)
            try:
                self._settle_profile(store)
                if self._quick_session is not None:
                    self._quick_session.attach(store)
                self._after_open(store)
            except BaseException:
                store.close()
                raise
        except (StoreError, ProfileError) as error:
            self.post_message(self.StoreFailed(getattr(error, "message", None) or str(error)))
            self._store_settled.set()
            return
        self.store = store
        self._store_settled.set()
        self.post_message(self.StoreOpened(store))

    def _settle_profile(self, store: Store) -> None:
        """The profile's id and the clock, from the open store (when the quick look had neither)."""
        from trainer.clock import SystemClock
        from trainer.study.profiles import resolve_profile
        from trainer.study.settings import settings_of

        if self.profile_id is None:
            self.profile_id = resolve_profile(store, self.profile_name)
        if self.clock is None:
            # The real clock in the zone the student chose in settings (else the system's zone).
            self.clock = SystemClock(settings_of(store, profile_id=self.profile_id).timezone)
        if self._import_builtin:
            from trainer.study.decks import ensure_builtin_deck

            # The import instant comes from the app's clock, like every other write of the app.
            ensure_builtin_deck(store, now=self.clock.now())

    def _after_open(self, store: Store) -> None:
        """Once the store is open (in the worker): the saved theme, then the daily backup."""
        from trainer.study.backups import daily_backup
        from trainer.study.settings import settings_of

        assert self.clock is not None and self.profile_id is not None
        if self.saved_theme is None:  # the quick look could not read the settings (a first run)
            self.call_from_thread(self._apply_theme, settings_of(store, profile_id=self.profile_id).theme)
        _made, problem = daily_backup(store, self.clock, profile_id=self.profile_id)
        if problem is not None:
            self.call_from_thread(self.notify, problem, title="Backup", severity="warning")

    def _apply_theme(self, theme: str) -> None:
        """Use the profile's theme (one the app does not know leaves the current theme)."""
        self.saved_theme = theme
        if theme in self.available_themes and theme != self.theme:
            self.theme = theme

    def watch_theme(self, theme: str) -> None:
        """A theme chosen outside Settings (the palette's "Change theme"): remember it for this profile."""
        if self.saved_theme is not None and theme != self.saved_theme and self.store is not None:
            self.saved_theme = theme
            self._save_theme(theme)

    @work(thread=True, exit_on_error=False, group="save-theme", description="Saving the theme")
    def _save_theme(self, theme: str) -> None:
        from trainer.store.db import StoreError
        from trainer.study.settings import SettingError, save_setting

        try:
            assert self.profile_id is not None
            save_setting(self.wait_store(), "theme", theme, profile_id=self.profile_id)
        except (StoreError, SettingError):
            pass  # a theme Textual offers but our list lacks, or a busy database: it applies for this run

    def wait_store(self) -> Store:
        """The open store, waiting for it (call only from a worker thread).

        Raises:
            StoreError: The store could not be opened (the app is closing with the reason).
        """
        self._store_settled.wait()
        if self.store is None:
            from trainer.store.db import StoreError

            raise StoreError(self.error or "The database could not be opened.")
        return self.store

    def open_session(self, card_ids: Sequence[str] | None = None) -> StudySession:
        """A study session on today's queue, for a new review (call only from a worker thread).

        Args:
            card_ids: Only these cards (a drill of an exam's mistakes); None for today's queue.
        """
        from trainer.study.session import StudySession

        store = self.wait_store()
        assert self.clock is not None and self.profile_id is not None
        session = StudySession.open(store, self.clock, profile_id=self.profile_id, deck_ids=self.deck_ids, card_ids=card_ids)
        if self.study_session is not None:
            session.adopt_undo(self.study_session)
        self.study_session = session
        return session

    @work(thread=True, exclusive=True, exit_on_error=False, group="start-review", description="Reading today's cards")
    def start_review(self, replace: bool = False, card_ids: Sequence[str] | None = None) -> None:
        """Open a review on today's first card, once the store is open (Home's Enter, or a first run).

        Args:
            replace: Replace the current screen (the loading screen) instead of pushing on top.
            card_ids: Review exactly these cards ("Drill my mistakes" after an exam).
        """
        from trainer.store.db import StoreError
        from trainer.tui.screens.review import ReviewScreen

        try:
            session = self.open_session(card_ids)
        except StoreError as error:
            self.call_from_thread(self.notify, error.message, title="Cannot start the review", severity="error")
            return
        screen = ReviewScreen(session)
        self.call_from_thread(self.switch_screen if replace else self.push_screen, screen)

    @on(StoreOpened)
    def _store_opened(self, message: StoreOpened) -> None:
        """The store is open: Home refreshes its figures if it is showing."""
        from trainer.tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_figures()

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        """A database that cannot be used: close, and let `run_tui` print why (exit code 2)."""
        self._fail(message.message)

    def _fail(self, message: str) -> None:
        self.error = message
        self.exit(return_code=2)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure while opening: exit with its one-line description, not a hang."""
        if event.worker.group == "store" and event.state == WorkerState.ERROR:
            self.error = f"Could not start the trainer: {event.worker.error}"
            self._store_settled.set()
            self.exit(return_code=1)

    def on_unmount(self) -> None:
        """Release the database's connections."""
        if self.store is not None:
            self.store.close()

    async def action_quit(self) -> None:
        """Quit (Ctrl+Q, the palette's Quit, SIGTERM, SIGHUP): an answer on a review's feedback is recorded first."""
        from trainer.tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            self.screen.leave("quit")
        else:
            self.exit()

    def _catch_signals(self) -> None:
        """SIGTERM and SIGHUP (a closed terminal) quit like Ctrl+Q, so the answer on screen is kept too."""
        import asyncio
        import signal

        try:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, lambda: self.call_later(self.action_quit))
            loop.add_signal_handler(signal.SIGHUP, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass  # no signals here (Windows, or not the main thread): Ctrl+Q and q still record first

    def call_from_thread(self, callback: Any, *args: Any, **kwargs: Any) -> Any:
        """As Textual's, but skipped once the terminal is gone: a stuck UI thread must not hold a worker for ever."""
        if self.hung_up:
            return None
        return super().call_from_thread(callback, *args, **kwargs)

    def _hung_up(self) -> None:
        """The terminal is gone: quit as Ctrl+Q does, and make sure the process ends (trainer.tui.hangup)."""
        from trainer.tui.hangup import exit_when_idle

        self.hung_up = True
        self.call_later(self.action_quit)
        exit_when_idle(self)

    def go_home(self) -> None:
        """Leave the current screen for Home (building Home if the app opened on a review)."""
        # Imported here, not at the top: a review launch paints its first card without Home's module.
        from trainer.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())



def make_app(db: str | None = None, **options: Any) -> TrainerApp:
    """The app as the CLI and the tests build it (`options`: the keyword arguments of `TrainerApp`), ready to run."""
    return TrainerApp(db=db, **options)
