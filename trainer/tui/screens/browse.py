"""Browse: search the collection, sort the results, open a card's info, act on cards.

The query syntax is `trainer.content.query` (its help is shown under the search box). Searches
run in a thread worker; a bad query is shown with a caret under the place it went wrong.
Keys: / search, Enter (in the table) or i card info, a actions, s suspend/unsuspend, b bury,
f flag, r reset, c clear a leech flag, u undo the last change, o and O sort, Escape Home.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from trainer.content.query import QUERY_HELP
from trainer.tui.literal import display_text, literal
from trainer.tui.screens.card_actions import CardFacts, choose_and_run, run_card_action, undo_card_action
from trainer.words import counted

if TYPE_CHECKING:
    from trainer.study.collection import SearchResult, SearchRow
    from trainer.tui.app import TrainerApp

SORT_COLUMNS = {"due": "Due", "interval": "Ivl", "ease": "Ease", "lapses": "Lap"}
"""The sortable columns: the sort's name -> the column's label (the others keep deck order)."""

SORT_CYCLE = ("deck", "due", "interval", "ease", "lapses")
"""The orders `o` steps through."""


def _state_text(row: SearchRow) -> str:
    words = []
    if not row.introduced:
        words.append("new")
    if row.suspended:
        words.append("susp")
    if row.leech:
        words.append("leech")
    if row.buried:
        words.append("buried")
    if row.flag:
        words.append(row.flag)
    return " ".join(words)


class BrowseScreen(Screen[None]):
    """Search results in a table, with the card's actions a key away."""

    DEFAULT_CSS = """
    BrowseScreen #browse-query { margin: 0 1; }
    BrowseScreen #browse-help { color: $text-muted; margin: 0 2; height: auto; }
    BrowseScreen #browse-status { margin: 0 2; height: auto; }
    BrowseScreen #browse-table { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("slash", "focus_search", "Search", key_display="/", tooltip="Type a search", id="browse.search"),
        Binding("i", "info", "Info", tooltip="The card, its sources, state and history", id="browse.info"),
        Binding("a", "actions", "Actions", tooltip="Suspend, bury, reset, flag… this card", id="browse.actions"),
        Binding("s", "toggle_suspend", "Suspend", tooltip="Suspend or unsuspend this card", id="browse.suspend"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change to a card", id="browse.undo"),
        Binding("o", "sort", "Sort", tooltip="Sort by deck, due, interval, ease, lapses", id="browse.sort"),
        Binding("O", "reverse", "Reverse", show=False, tooltip="Reverse the order"),
        Binding("b", "act('bury')", "Bury", show=False),
        Binding("r", "reset", "Reset", show=False),
        Binding("c", "act('clear_leech')", "Clear leech", show=False),
        Binding("f", "actions", "Flag", show=False),
        Binding("escape", "home", "Home", tooltip="Back to Home", id="browse.home"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self._query = query
        self._sort = "deck"
        self._descending = False
        self._rows: dict[str, SearchRow] = {}

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Search box, help, status, results."""
        yield Input(self._query, placeholder="Search: root:L5 tag:myotome is:due … (Enter)", id="browse-query")
        yield Static(Content(QUERY_HELP), id="browse-help")
        yield Static(id="browse-status", markup=False)
        table: DataTable[object] = DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        """Columns, then the first search (every card, in deck order)."""
        self.query_one(Input).cursor_blink = self.trainer.cursor_blink
        table = self.query_one(DataTable)
        # 80 columns: the widths and the cells' padding leave room for the scrollbar.
        table.add_column("Card", key="card", width=24)
        table.add_column("Answer", key="answer", width=6)
        table.add_column("Due", key="due", width=10)
        table.add_column("Ivl", key="interval", width=3)
        table.add_column("Ease", key="ease", width=4)
        table.add_column("Lap", key="lapses", width=3)
        table.add_column("State", key="state", width=12)
        self._search()
        table.focus()

    # --- searching -------------------------------------------------------------------------

    @on(Input.Submitted, "#browse-query")
    def _submitted(self, event: Input.Submitted) -> None:
        self._query = event.value
        self._search()
        self.query_one(DataTable).focus()

    def _search(self, keep: str | None = None) -> None:
        self.query_one("#browse-status", Static).update(Content("Searching…").stylize("italic $text-muted"))
        self._search_worker(self._query, self._sort, self._descending, keep)

    @work(thread=True, exclusive=True, exit_on_error=False, group="browse-search", description="Searching")
    def _search_worker(self, text: str, sort: str, descending: bool, keep: str | None) -> None:
        from trainer.content.query import QueryError
        from trainer.study.collection import search
        from trainer.study.review import StoreError

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            result = search(store, app.clock, text, profile_id=app.profile_id, sort=sort, descending=descending)
        except QueryError as error:
            app.call_from_thread(self._bad_query, error.message, error.pointer())
            return
        except StoreError as error:
            app.call_from_thread(self._say, error.message, "$text-error")
            return
        app.call_from_thread(self._show, result, keep)

    def _bad_query(self, message: str, pointer: str) -> None:
        self.query_one(DataTable).clear()
        self._rows = {}
        self.query_one("#browse-status", Static).update(
            Content.assemble(literal(pointer, "$text-warning"), "\n", literal(message, "bold $text-error"))
        )
        self.query_one(Input).focus()

    def _show(self, result: SearchResult, keep: str | None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._rows = {row.card_id: row for row in result.rows}
        for row in result.rows:
            # Text, not str: a DataTable reads a plain string as markup, and card text is shown literally.
            table.add_row(
                Text(display_text(row.prompt), no_wrap=True, overflow="ellipsis"),
                Text(display_text(row.answer), no_wrap=True, overflow="ellipsis"),
                row.due_day.isoformat() if row.due_day else "new",
                str(row.interval),
                f"{row.easiness:.2f}",
                str(row.lapses),
                _state_text(row),
                key=row.card_id,
            )
        if keep is not None and keep in self._rows:
            table.move_cursor(row=table.get_row_index(keep))
        order = "deck order" if self._sort == "deck" else f"by {self._sort}"
        direction = ", reversed" if self._descending else ""
        shown = f", showing the first {len(result.rows)}" if len(result.rows) < result.total else ""
        self._say(f"{counted(result.total, 'card')} found{shown} · {order}{direction} · o sorts, a acts", "")

    def _say(self, text: str, style: str) -> None:
        self.query_one("#browse-status", Static).update(literal(text, style) if style else literal(text))

    # --- sorting ---------------------------------------------------------------------------

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        """A click on a sortable column's header sorts by it (again: reversed)."""
        key = str(event.column_key.value)
        if key in SORT_COLUMNS:
            self._descending = not self._descending if self._sort == key else False
            self._sort = key
            self._search(self._current_id())

    def action_sort(self) -> None:
        """Sort by the next column (deck order, due, interval, ease, lapses)."""
        self._sort = SORT_CYCLE[(SORT_CYCLE.index(self._sort) + 1) % len(SORT_CYCLE)]
        self._descending = False
        self._search(self._current_id())

    def action_reverse(self) -> None:
        """Reverse the order."""
        self._descending = not self._descending
        self._search(self._current_id())

    # --- the card under the cursor -----------------------------------------------------------

    def _current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self._rows or table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _current(self) -> SearchRow | None:
        card_id = self._current_id()
        return self._rows.get(card_id) if card_id else None

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_info()

    def action_info(self) -> None:
        """Open Card info for the card under the cursor."""
        row = self._current()
        if row is not None:
            from trainer.tui.screens.card_info import CardInfoScreen

            self.app.push_screen(CardInfoScreen(row.card_id))

    def _done(self, message: str, ok: bool) -> None:
        self.notify(message, title="Card" if ok else "Not done", severity="information" if ok else "warning")
        self._search(self._current_id())

    def action_actions(self) -> None:
        """The actions menu for the card under the cursor."""
        row = self._current()
        if row is not None:
            choose_and_run(self, CardFacts(row.card_id, row.suspended, row.leech, row.flag), self._done)

    def action_toggle_suspend(self) -> None:
        """Suspend the card, or unsuspend it if it is suspended."""
        row = self._current()
        if row is not None:
            run_card_action(self, row.card_id, "unsuspend" if row.suspended else "suspend", "", self._done)

    def action_act(self, action: str) -> None:
        """One action on the card under the cursor."""
        row = self._current()
        if row is not None:
            run_card_action(self, row.card_id, action, "", self._done)

    def action_reset(self) -> None:
        """Reset the card to new, after asking."""
        row = self._current()
        if row is None:
            return
        from trainer.tui.screens.card_actions import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                run_card_action(self, row.card_id, "reset", "", self._done)

        self.app.push_screen(
            ConfirmScreen("Reset this card to new? Its schedule starts again; its review history is kept."), confirmed
        )

    def action_undo(self) -> None:
        """Undo the last change to a card (made here or on another screen)."""
        undo_card_action(self, self._done)

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one(Input).focus()

    def action_home(self) -> None:
        """Back to Home."""
        self.trainer.go_home()

    def on_screen_resume(self) -> None:
        """Back from Card info (or a menu): the card may have changed."""
        if self.is_mounted and self._rows:
            self._search(self._current_id())
