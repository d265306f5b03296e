"""TrainerApp: paints the first card at once, opens the store behind the first paint, routes between screens.

The app is a router, not a hub: each screen handles its own keys and messages. Its state is what
every screen needs: the open store, the clock, how the app was started, and the first screen's
data. That data is read when the app mounts, in a few milliseconds, by
`trainer.study.startup.quick_first_screen` (stdlib sqlite3, read-only, the same queue rules as
the review session), so the first card or Home's figures are in the first frame. The database
layer (SQLModel, SQLAlchemy: most of a second to import) is imported only inside a thread worker,
after the first paint; the first answer waits for it ("Saving…") only if it comes sooner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from trainer.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from trainer.clock import Clock
    from trainer.store.db import Store
    from trainer.study.startup import FirstScreen

_MODE_MARKERS = {("typing",), ("esc",)}
"""Action parameters that only say which key ran the action (the same action, not a different one)."""

Start = Literal["home", "review"]
"""Where the app opens: the Home screen, or straight on the first card of today's review."""


class TrainerApp(App[None]):
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
        clock: Clock | None

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
    ) -> None:
        """Build the app; nothing is opened until it runs (see `make_app` for the arguments)."""
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
        self.store: Store | None = None
        """The open store, once the worker has opened it."""
        self.thresholds: dict[str, int] = {}
        """Settings' fast_ms/slow_ms from the quick look, for grading before the store is open."""
        self.error: str | None = None
        """Why the store could not be opened, for `run_tui` to print after the app has closed."""
        self._screenshot_folder = "the Downloads folder"
        """Where the latest screenshot was being saved, to name it if saving fails."""
        self._first: FirstScreen | None = None
        """The quick look's data, until the first screen takes it (`take_first_screen`)."""

    def on_mount(self) -> None:
        """Read the first screen's data (a few ms, no database layer), paint it, then open the store."""
        from trainer.study.startup import quick_first_screen

        first = quick_first_screen(
            self._db, clock=self.clock, start=self.start, deck_ids=self.deck_ids, import_builtin=self._import_builtin
        )
        if first is not None:
            self._first = first
            self.clock = first.clock
            self.thresholds = {"fast_ms": first.settings.fast_ms, "slow_ms": first.settings.slow_ms}
        if self.start == "review":
            # Home is built only when the student goes there: fewer widgets before the first card.
            from trainer.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen())
        else:
            self.push_screen(HomeScreen())
        if first is None:
            # A first run, a changed built-in deck, or a database the quick look cannot read:
            # the screen says "Loading…" while the worker creates, imports or reports the problem.
            self._open_store_worker()
        else:
            # Start importing the database layer only once the first frame is out: the import
            # holds the GIL most of the time and would delay the paint.
            self.call_after_refresh(self._open_store_worker)

    def take_first_screen(self) -> FirstScreen | None:
        """The quick look's data for the first screen that asks (only once: later screens read the store)."""
        first, self._first = self._first, None
        return first

    # --- opening the store -----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="store", description="Opening the database")
    def _open_store_worker(self) -> None:
        """Open the database in a thread (creating it and importing the built-in deck on a first run)."""
        from trainer.store.db import StoreError

        try:
            store, clock = _open(self._db, clock=self.clock, import_builtin=self._import_builtin)
        except StoreError as error:
            self.post_message(self.StoreFailed(error.message))
            return
        self.post_message(self.StoreOpened(store, clock))

    @on(StoreOpened)
    def _store_opened(self, message: StoreOpened) -> None:
        """Hand the store down to every screen that is waiting for it."""
        self.store = message.store
        if self.clock is None:
            self.clock = message.clock
        for screen in self.screen_stack:
            ready = getattr(screen, "store_ready", None)
            if ready is not None:
                ready()

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
            self.exit(return_code=1)

    def on_unmount(self) -> None:
        """Release the database's connections."""
        if self.store is not None:
            self.store.close()

    def go_home(self) -> None:
        """Leave the current screen for Home (building Home if the app opened on a review)."""
        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    # --- screenshots (the palette's "Screenshot") ---------------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen in the Downloads folder, creating the folder if it is missing.

        Textual saves into `platformdirs.user_downloads_path()` and, when that folder does not
        exist (a fresh account, a server), fails with "Failed to save screenshot" and no reason.
        Its own toast says where the file went once it is saved.
        """
        if path is None:
            from platformdirs import user_downloads_path

            folder = user_downloads_path()
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self.notify(
                    f"Could not create {folder} for the screenshot: {error.strerror or error}.",
                    title="Screenshot",
                    severity="error",
                )
                return None
            path = str(folder)
        self._screenshot_folder = path
        return super().deliver_screenshot(filename, path, time_format)

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        """Say why a screenshot was not saved, and where it was meant to go (Textual gives no reason)."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        error = event.exception
        reason = getattr(error, "strerror", None) or str(error)
        self.notify(
            f"Could not save the screenshot in {self._screenshot_folder}: {reason}.", title="Screenshot", severity="error"
        )

    # --- the command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the current screen's actions first, then Textual's own.

        A key that stands for a family of actions (1-9 choose an option, 0-5 set a grade) is
        never offered as one entry: its footer binding is only the first of the family, so the
        palette would run `choose(1)` or `grade(0)` under a bare "Choose" or "Grade". A screen
        that wants such actions in the palette names each one itself (`palette_commands`).
        """
        from textual.actions import parse

        seen: set[str] = set()
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            for title, help_text, callback in extra():
                seen.add(title)
                yield SystemCommand(title, help_text, callback)
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.show or not binding.description or binding.system:
                continue
            if binding.action in ("quit", "app.quit", "command_palette"):
                continue
            _, _, parameters = parse(binding.action)
            if parameters and parameters not in _MODE_MARKERS:
                continue
            title = binding.description
            if title in seen:
                continue
            seen.add(title)
            help_text = binding.tooltip or f"Key: {binding.key_display or binding.key}"
            yield SystemCommand(title, help_text, partial(self._run_screen_action, binding.action, active.node))
        yield from super().get_system_commands(screen)

    async def _run_screen_action(self, action: str, node: Any) -> None:
        await self.run_action(action, node)


def make_app(
    db: str | None = None,
    *,
    clock: Clock | None = None,
    start: Start = "home",
    cursor_blink: bool = True,
    deck_ids: Sequence[str] | None = None,
    import_builtin: bool = True,
) -> TrainerApp:
    """The app as the CLI and the tests build it.

    Args:
        db: `--db` value (path or URL); None for $TRAINER_DB or the default location.
        clock: A fixed clock for tests; None for the system clock in the student's time zone.
        start: "home", or "review" to open on the first card.
        cursor_blink: False in snapshot tests.
        deck_ids: Review only these decks; None for all.
        import_builtin: Import (or update) the built-in deck on opening, as a first run needs.
            Tests that bring their own deck switch it off, so the built-in deck's wording and
            size never move their snapshots.

    Returns:
        The app, ready to `run()` or `run_test()`.
    """
    return TrainerApp(
        db=db,
        clock=clock,
        start=start,
        cursor_blink=cursor_blink,
        deck_ids=deck_ids,
        import_builtin=import_builtin,
    )


def _open(db: str | None, *, clock: Clock | None, import_builtin: bool) -> tuple[Store, Clock | None]:
    """Open (creating on first run) the database and make sure the built-in deck is in it.

    Runs in the app's worker thread; raises `StoreError` for a database that cannot be used.

    Args:
        db: `--db` value, or None.
        clock: The app's clock if it has one (injected, or from the quick look); None to make
            the system clock from the stored settings.
        import_builtin: Import (or update) the built-in deck.

    Returns:
        The open store, and the clock made here (None when `clock` was given).
    """
    from trainer.store.db import open_store, resolve_db_url
    from trainer.study.decks import ensure_builtin_deck

    store = open_store(resolve_db_url(db))
    try:
        made = _system_clock(store) if clock is None else None
        if import_builtin:
            # The import instant comes from the app's clock, like every other write of the app.
            ensure_builtin_deck(store, now=(clock or made).now())
    except BaseException:
        store.close()
        raise
    return store, made


def _system_clock(store: Store) -> Clock:
    """The real clock in the zone the student chose in settings (else the system's zone)."""
    from trainer.clock import SystemClock
    from trainer.study.settings import settings_of

    return SystemClock(settings_of(store).timezone)
