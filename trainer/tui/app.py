"""TrainerApp: opens the store off the UI thread and routes between Home, Review and Summary.

The app is a router, not a hub: each screen handles its own keys and messages. Its only state is
what every screen needs: the open store, the clock, and the way the app was started. The database
layer (SQLModel, SQLAlchemy) is imported inside a thread worker after the first paint, which keeps
the launch close to a bare Textual app's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from trainer.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from trainer.clock import Clock
    from trainer.store.db import Store

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
        open_store: Callable[[], tuple[Store, Clock | None]],
        clock: Clock | None = None,
        start: Start = "home",
        cursor_blink: bool = True,
        deck_ids: Sequence[str] | None = None,
    ) -> None:
        """Build the app; nothing is opened until it runs.

        Args:
            open_store: Opens the store and returns it with a clock made from its settings (or None
                to keep `clock`). Runs in a thread; raises `StoreError` for a database that
                cannot be used.
            clock: The clock every screen reads; None for the system clock.
            start: "home", or "review" to open on the first card.
            cursor_blink: Whether text cursors blink (tests turn it off for stable snapshots).
            deck_ids: Review only these decks; None for all.
        """
        super().__init__()
        self._open_store = open_store
        self.clock: Clock | None = clock
        """The only clock the screens read (injected by tests)."""
        self.start = start
        """Where the app opened."""
        self.cursor_blink = cursor_blink
        """Passed down to the answer input."""
        self.deck_ids = tuple(deck_ids) if deck_ids is not None else None
        """The decks a review draws from (None: all)."""
        self.store: Store | None = None
        """The open store, once the worker has opened it."""
        self.error: str | None = None
        """Why the store could not be opened, for `run_tui` to print after the app has closed."""
        self.citations: dict[tuple[str, str], str] = {}
        """Full citations by (deck id, source key), read after the first card is up."""

    def on_mount(self) -> None:
        """Paint Home (and the review screen on top for `trainer review`) at once; open the store behind."""
        self.push_screen(HomeScreen())
        if self.start == "review":
            from trainer.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen())
        self._open_store_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="store", description="Opening the database")
    def _open_store_worker(self) -> None:
        """Open the database in a thread: the import and a first-run deck import take a moment."""
        from trainer.store.db import StoreError

        try:
            store, clock = self._open_store()
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
        self._load_citations()

    @dataclass
    class CitationsLoaded(Message):
        """The worker has read the full citations of the decks' sources."""

        citations: dict[tuple[str, str], str]

    @work(thread=True, exclusive=True, exit_on_error=False, group="citations", description="Reading sources")
    def _load_citations(self) -> None:
        """Read the sources' full citations (a deck file parse: kept off the first paint)."""
        from trainer.tui.citations import builtin_citations

        self.post_message(self.CitationsLoaded(builtin_citations()))

    @on(CitationsLoaded)
    def _citations_loaded(self, message: CitationsLoaded) -> None:
        self.citations = message.citations

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        """A database that cannot be used: close, and let `run_tui` print why (exit code 2)."""
        self.error = message.message
        self.exit(return_code=2)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure while opening: exit with its one-line description, not a hang."""
        if event.worker.group == "store" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.error = f"Could not start the trainer: {error}"
            self.exit(return_code=1)

    def on_unmount(self) -> None:
        """Release the database's connections."""
        if self.store is not None:
            self.store.close()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the current screen's actions first, then Textual's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.show or not binding.description or binding.system:
                continue
            if binding.action in ("quit", "app.quit", "command_palette"):
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
        open_store=partial(_open, db, want_clock=clock is None, import_builtin=import_builtin),
        clock=clock,
        start=start,
        cursor_blink=cursor_blink,
        deck_ids=deck_ids,
    )


def _open(db: str | None, *, want_clock: bool, import_builtin: bool) -> tuple[Store, Clock | None]:
    """Open (creating on first run) the database and make sure the built-in deck is in it.

    Runs in the app's worker thread; raises `StoreError` for a database that cannot be used.
    """
    from trainer.store.db import open_store, resolve_db_url
    from trainer.study.review import ensure_builtin_deck

    store = open_store(resolve_db_url(db))
    try:
        if import_builtin:
            ensure_builtin_deck(store)
        clock = _system_clock(store) if want_clock else None
    except BaseException:
        store.close()
        raise
    return store, clock


def _system_clock(store: Store) -> Clock:
    """The real clock in the zone the student chose in settings (else the system's zone)."""
    from trainer.clock import SystemClock
    from trainer.study.settings import load_settings

    with store.session() as session:
        settings = load_settings(session)
    return SystemClock(settings.timezone)
