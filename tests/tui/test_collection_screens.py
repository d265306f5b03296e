"""Browse, Card info, card actions (from Browse and the review), Settings and the study scope, driven as a student would.

Every action is checked in the database afterwards. Snapshots of Browse, Card info and Settings
are taken at 80x24.
"""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, OptionList, Select

from trainer.store import models
from trainer.store.db import open_store, resolve_db_url
from trainer.study.settings import set_setting

from .conftest import CHOICE, EVIL, REVEAL, TYPED
from .helpers import settle, text_of

SIZE = (80, 24)


async def _browse(pilot, query: str | None = None) -> None:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    if query is not None:
        await pilot.press("slash")
        pilot.app.screen.query_one(Input).value = ""
        await pilot.press(*query)
        await pilot.press("enter")
        await settle(pilot)


def _table_ids(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]


async def _choose(pilot, option_id: str) -> None:
    """In the card actions menu, move to an option with the arrow keys and press Enter."""
    options = pilot.app.screen.query_one(OptionList)
    target = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == option_id)
    options.focus()
    await pilot.press("home")
    for _ in range(target):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


def _setting(db_path, name: str) -> str | None:
    store = open_store(resolve_db_url(str(db_path)))
    try:
        with store.session() as session:
            row = session.get(models.Setting, (1, name))
            return None if row is None else row.value
    finally:
        store.close()


def _put_setting(db_path, name: str, value: str) -> None:
    store = open_store(resolve_db_url(str(db_path)))
    try:
        with store.session() as session:
            set_setting(session, name, value)
            session.commit()
    finally:
        store.close()


def _set_state(db_path, card, **values) -> None:
    store = open_store(resolve_db_url(str(db_path)))
    try:
        with store.session() as session:
            state = session.get(models.CardState, (1, card.id))
            for name, value in values.items():
                setattr(state, name, value)
            session.commit()
    finally:
        store.close()


class TestBrowse:
    async def test_search_and_a_bad_query(self, app_factory) -> None:
        """Every card at first; root:C6 finds the choice card; a bad query shows where it went wrong."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await _browse(pilot)
            assert set(_table_ids(app)) == {c.id for c in (TYPED, CHOICE, REVEAL, EVIL)}
            await _browse_query(pilot, "root:C6")
            assert _table_ids(app) == [CHOICE.id]
            await _browse_query(pilot, "root:C6 is:nw")
            status = text_of(app, "#browse-status")
            assert "root:C6 is:nw\n           ^" in status
            assert "is:nw is not known" in status
            assert _table_ids(app) == []

    async def test_sort_by_a_column(self, app_factory, db) -> None:
        """o steps the sort to due day: the card due soonest comes first; O reverses."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            _set_state(db.path, REVEAL, due_day=date(2026, 3, 11), introduced_day=date(2026, 3, 1), interval=3)
            _set_state(db.path, EVIL, due_day=date(2026, 3, 20), introduced_day=date(2026, 3, 1), interval=9)
            await _browse(pilot, "-is:new")
            await pilot.press("o")  # deck -> due
            await settle(pilot)
            assert _table_ids(app) == [REVEAL.id, EVIL.id]
            await pilot.press("O")
            await settle(pilot)
            assert _table_ids(app) == [EVIL.id, REVEAL.id]
            assert "by due, reversed" in text_of(app, "#browse-status")

    async def test_suspend_unsuspend_and_undo_from_browse(self, app_factory, db) -> None:
        """s suspends the card under the cursor, s again unsuspends it, u undoes the unsuspension."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await _browse(pilot, "root:C6")
            await pilot.press("s")
            await settle(pilot)
            assert db.state(CHOICE).suspended
            assert "susp" in str(app.screen.query_one(DataTable).get_row_at(0)[-1])
            await pilot.press("s")
            await settle(pilot)
            assert not db.state(CHOICE).suspended
            await pilot.press("u")
            await settle(pilot)
            assert db.state(CHOICE).suspended

    async def test_every_menu_action_is_stored(self, app_factory, db) -> None:
        """Bury, flag, clear the leech flag and reset (after a yes) each reach the database; u undoes the reset."""
        _set_state(db.path, TYPED, leech=True, suspended=True, lapses=8, repetitions=3, interval=20,
                   introduced_day=date(2026, 1, 1), due_day=date(2026, 3, 30))  # fmt: skip
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await _browse(pilot, "root:L4")
            for option in ("bury", "flag:purple", "clear_leech"):
                await pilot.press("a")
                await settle(pilot)
                await _choose(pilot, option)
            state = db.state(TYPED)
            assert state.buried_until == date(2026, 3, 11)
            assert state.flag == "purple"
            assert not state.leech and state.suspended
            await pilot.press("a")
            await settle(pilot)
            await _choose(pilot, "reset")
            assert "Reset this card to new?" in text_of(app, "#confirm-question")
            await pilot.press("y")
            await settle(pilot)
            state = db.state(TYPED)
            assert (state.introduced_day, state.due_day, state.repetitions, state.lapses) == (None, None, 0, 0)
            await pilot.press("u")
            await settle(pilot)
            state = db.state(TYPED)
            assert (state.introduced_day, state.repetitions, state.lapses) == (date(2026, 1, 1), 3, 8)

    async def test_reset_asks_first_and_no_changes_nothing(self, app_factory, db) -> None:
        _set_state(db.path, TYPED, repetitions=3, interval=20, introduced_day=date(2026, 1, 1))
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await _browse(pilot, "root:L4")
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert db.state(TYPED).repetitions == 3


async def _browse_query(pilot, query: str) -> None:
    await pilot.press("slash")
    pilot.app.screen.query_one(Input).value = ""
    await pilot.press(*query)
    await pilot.press("enter")
    await settle(pilot)


class TestCardInfo:
    async def test_history_after_a_review(self, app_factory, db) -> None:
        """Answer the typed card in review, then Card info lists that answer with what was typed."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("l", "4", "enter")
            await settle(pilot)
            await pilot.press("enter")  # record with the suggested grade
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            await _browse(pilot, "root:L4")
            await pilot.press("enter")
            await settle(pilot)
            history = text_of(app, "#info-history")
            assert "History (1 answer)" in history
            assert "2026-03-10" in history and "l4 (correct)" in history.lower()
            assert "Harrison's Principles of Internal Medicine, 19th ed." in text_of(app, "#info-sources")
            assert "Interval 1 day" in text_of(app, "#info-state")
            assert len(db.reviews()) == 1


class TestReviewActions:
    async def test_suspend_in_review_then_unsuspend_in_browse(self, app_factory, db) -> None:
        """The new user's path: suspend a card in review, find it in Browse, unsuspend it, see it back in review."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == TYPED.id
            await pilot.press("ctrl+s")  # typing: Ctrl+S suspends
            await settle(pilot)
            assert db.state(TYPED).suspended
            await pilot.press("escape")
            await settle(pilot)
            await _browse(pilot, "is:suspended")
            assert _table_ids(app) == [TYPED.id]
            await pilot.press("s")
            await settle(pilot)
            assert not db.state(TYPED).suspended
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == TYPED.id

    async def test_card_actions_menu_in_review(self, app_factory, db) -> None:
        """On a choice card (not typing), a -> Bury: the card is buried in the database and the next card shows."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            _set_state(db.path, TYPED, suspended=True)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == CHOICE.id
            await pilot.press("a")
            await settle(pilot)
            await _choose(pilot, "bury")
            assert db.state(CHOICE).buried_until == date(2026, 3, 11)
            assert app.screen.current.card.id == REVEAL.id
            assert "Buried the card until tomorrow" in text_of(app, "#status")
            await pilot.press("a")
            await settle(pilot)
            await _choose(pilot, "undo")
            assert db.state(CHOICE).buried_until is None


class TestUndoAcrossScreens:
    async def _answer_first(self, pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l", "4", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    async def test_undo_from_home(self, app_factory, db) -> None:
        """An answer given in a review that has been left is undone from Home: its row goes, the state comes back."""
        before = db.state(TYPED).model_dump(exclude={"revision"})
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await self._answer_first(pilot)
            assert len(db.reviews()) == 1
            await pilot.press("u")
            await settle(pilot)
            assert db.reviews() == []
            assert db.state(TYPED).model_dump(exclude={"revision"}) == before
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == TYPED.id

    async def test_undo_in_a_later_review(self, app_factory, db) -> None:
        """Back in a new review, u takes back the answer given in the previous one."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await self._answer_first(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == CHOICE.id
            await pilot.press("u")
            await settle(pilot)
            assert app.screen.current.card.id == TYPED.id  # the undone card is asked again
            assert db.reviews() == []

    async def test_undo_refused_when_another_window_changed_the_card(self, app_factory, db) -> None:
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await self._answer_first(pilot)
            _set_state(db.path, TYPED, flag="red", revision=db.state(TYPED).revision + 1)
            await pilot.press("u")
            await settle(pilot)
            assert len(db.reviews()) == 1
            assert db.state(TYPED).repetitions == 1


class TestCustomStudy:
    async def test_cram_a_tag_from_home_schedules_nothing(self, app_factory, db) -> None:
        """c, a tag, Enter: the cram asks the cervical card with feedback; the database is unchanged."""
        before = db.state(CHOICE).model_dump()
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            await pilot.press(*"cervical", "enter")
            await settle(pilot)
            assert app.screen.current.card.id == CHOICE.id
            await pilot.press("2")  # C6: correct
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "SummaryScreen"  # the only cervical card was answered correctly
            assert db.reviews() == []
            assert db.state(CHOICE).model_dump() == before

    async def test_a_bad_value_is_refused_in_place(self, app_factory) -> None:
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "Type one tag" in text_of(app, "#custom-problem")


class TestSettingsScreen:
    async def test_change_a_setting_and_refuse_a_bad_one(self, app_factory, db) -> None:
        """A valid value is saved at once; a bad one is refused with the rule, and nothing is stored."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            field = app.screen.query_one("#set-new_per_day", Input)
            assert field.value == "20"
            field.focus()
            field.value = ""
            await pilot.press("1", "enter")
            await settle(pilot)
            assert _setting(db.path, "new_per_day") == "1"
            assert "Saved: 1" in text_of(app, "#status-new_per_day")
            rollover = app.screen.query_one("#set-rollover_hour", Input)
            rollover.focus()
            rollover.value = ""
            await pilot.press("2", "5", "enter")
            await settle(pilot)
            assert "rollover_hour must be from 0 to 23, not 25" in text_of(app, "#status-rollover_hour")
            assert _setting(db.path, "rollover_hour") is None
            await pilot.press("escape")
            await settle(pilot)
            assert "1 new" in text_of(app, "#home-today")

    async def test_theme_applies_at_once_and_at_the_next_launch(self, app_factory, db) -> None:
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            app.screen.query_one("#set-theme", Select).value = "nord"
            await settle(pilot)
            assert app.theme == "nord"
            assert _setting(db.path, "theme") == "nord"
        again = app_factory()
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert again.theme == "nord"

    async def test_study_scope_applies_from_the_first_paint(self, app_factory, db) -> None:
        """A scope saved earlier: the next launch's Home (read before the store opens) counts only those cards."""
        _put_setting(db.path, "study_scope", "tag:sacral")
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            today = text_of(app, "#home-today")
            assert "1 new" in today and "tag:sacral" in today
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == EVIL.id

    async def test_study_scope_limits_home_and_review(self, app_factory, db) -> None:
        """Only cervical cards today: Home counts 1 new card and the review asks only the C6 card."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "4 new" in text_of(app, "#home-today")
            await pilot.press("s")
            await settle(pilot)
            scope = app.screen.query_one("#set-study_scope", Input)
            scope.focus()
            await pilot.press(*"region:cervical", "enter")
            await settle(pilot)
            assert _setting(db.path, "study_scope") == "region:cervical"
            await pilot.press("escape")
            await settle(pilot)
            today = text_of(app, "#home-today")
            assert "1 new" in today and "region:cervical" in today
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.current.card.id == CHOICE.id


class TestSnapshots:
    def test_browse(self, snap_compare, app_factory, db) -> None:
        """Browse: the search box, the syntax, the count and the table."""
        _set_state(db.path, CHOICE, suspended=True, flag="red")

        async def run_before(pilot) -> None:
            await _browse(pilot)

        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=run_before)

    def test_card_info(self, snap_compare, app_factory, db) -> None:
        """Card info of the typed card: prompt, answers, sources, SM-2 state, history."""

        async def run_before(pilot) -> None:
            await _browse(pilot, "root:L4")
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=run_before)

    def test_settings(self, snap_compare, app_factory) -> None:
        """Settings: every setting with its value and explanation."""

        async def run_before(pilot) -> None:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)

        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=run_before)

