"""The app around the sessions: first run, a database that cannot be opened, help, the palette,
and prompts painted literally."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import pytest
from textual.app import App
from textual.worker import WorkerCancelled

from trainer.clock import FixedClock
from trainer.content.cards import CardKind
from trainer.content.generate import load_compiled_deck
from trainer.paths import builtin_deck_paths
from trainer.store.db import open_store, resolve_db_url
from trainer.study.review import open_session
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.literal import display_text
from trainer.tui.run import run_tui
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.review import ReviewScreen

from .helpers import answer_keys, feedback_of, settle, text_of, until_store_open

SIZE = (100, 30)




class TestFirstRun:
    """On a machine where the trainer never ran: database created, built-in deck imported, no questions."""

    async def test_fresh_machine_answer_survives_a_restart(self, tmp_path: Path, clock: FixedClock) -> None:
        """Home shows today's new cards; one answer is recorded and is still there after a restart."""
        path = tmp_path / "fresh" / "trainer.db"
        app = make_app(str(path), clock=clock, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until_store_open(pilot)  # the app creates the database behind its first frame
            assert isinstance(app.screen, HomeScreen)
            assert "20 new" in text_of(app, "#home-today")
            store = open_store(resolve_db_url(str(path)))
            try:
                first = open_session(store, clock).next_card()
            finally:
                store.close()
            assert first is not None
            card = first.card
            await pilot.press("enter")
            await settle(pilot)
            assert card.prompt.split("\n")[0][:30] in text_of(app, "#card-prompt")
            await pilot.press(*answer_keys(card))
            # The feedback cites the deck's sources in full, not by key.
            deck = next(d for d in map(load_compiled_deck, builtin_deck_paths()) if d.info.id == card.deck_id)
            citation = deck.info.source(card.sources[0])
            assert citation is not None
            assert citation.citation.split()[0] in feedback_of(app).sources
            assert card.sources[0] + "\n" not in feedback_of(app).sources + "\n"
            await pilot.press("enter")
            await pilot.press("q", "q") if card.kind != CardKind.TYPED_ROOT else await pilot.press("escape", "q")
        assert app.return_code == 0

        again = make_app(str(path), clock=clock, cursor_blink=False)
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "19 new" in text_of(again, "#home-today")
        store = open_store(resolve_db_url(str(path)))
        try:
            assert open_session(store, clock).next_card().card.id != card.id
        finally:
            store.close()


    async def test_the_built_in_deck_is_imported_at_the_apps_clock(self, tmp_path: Path, clock: FixedClock) -> None:
        """A first run stamps the built-in deck with the injected clock's instant, not the wall clock."""
        from sqlmodel import select

        from trainer.store import models

        from .conftest import NOW

        path = tmp_path / "fresh" / "trainer.db"
        app = make_app(str(path), clock=clock, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
        store = open_store(resolve_db_url(str(path)))
        try:
            with store.session() as session:
                stamps = {deck.imported_at.astimezone(NOW.tzinfo) for deck in session.exec(select(models.Deck)).all()}
        finally:
            store.close()
        assert stamps == {NOW}


class TestUnusableDatabase:
    """A database that cannot be opened ends the app with a clear sentence and exit code 2."""

    async def test_corrupt_file_exits_with_code_2_and_a_message(self, tmp_path: Path, clock: FixedClock) -> None:
        """A file that is not a database is reported and left alone."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"this is not a database at all" * 10)
        app = make_app(str(bad), clock=clock, start="review")
        async with app.run_test(size=SIZE) as pilot:
            with suppress(WorkerCancelled):  # the app exits while settling; its workers are cancelled
                await settle(pilot)
        assert app.return_code == 2
        assert app.error is not None and "bad.db" in app.error
        assert bad.read_bytes().startswith(b"this is not a database")

    def test_run_tui_prints_the_reason_without_a_traceback(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command line gets exit code 2 and one line on stderr."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"\x00garbage" * 100)
        monkeypatch.setattr(TrainerApp, "run", lambda self: App.run(self, headless=True))
        assert run_tui(str(bad), start="home") == 2
        err = capsys.readouterr().err
        assert err.startswith("trainer: ") and "bad.db" in err
        assert "Traceback" not in err


class TestHomeFigures:
    """Home says why its figures are missing instead of "Loading…" for ever."""

    async def test_a_store_error_while_reading_the_figures_is_shown_on_home(self, app_factory, monkeypatch) -> None:
        """Back from a review, a busy database while re-reading the counts is reported on Home."""
        import trainer.study.review as review_module
        from trainer.study.review import StoreError

        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

            def busy(*args, **kwargs):
                raise StoreError("The database is busy; try again in a moment.")

            monkeypatch.setattr(review_module, "home_overview", busy)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert text_of(app, "#home-today") == (
                "Could not read today's figures: The database is busy; try again in a moment."
            )
            assert app.return_code is None  # still running: Enter can still start a review


class TestKeysHelpAndPalette:
    """Help overlay, footer keys and the command palette."""

    async def test_help_opens_and_closes(self, app_factory) -> None:
        """? on Home opens the keys; escape closes them."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)

    async def test_palette_lists_the_review_actions(self, app_factory) -> None:
        """The command palette offers the current screen's actions alongside Textual's own."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert {"Suspend", "Help", "Home", "Quit", "Theme"} <= set(titles)
            assert "Undo" not in titles  # nothing to undo yet
            assert "Delete character right" not in titles  # the input's own editing keys stay out
            await pilot.press("L", "4", "enter", "enter")
            assert "Undo" in [command.title for command in app.get_system_commands(app.screen)]

    async def test_suspend_from_the_palette(self, app_factory, db, conftest_cards) -> None:
        """Choosing "Suspend" in the palette suspends the card on screen."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Suspend")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
        assert db.state(conftest_cards["TYPED"]).suspended is True

    async def test_palette_on_a_choice_card_offers_no_answer(self, app_factory, db) -> None:
        """On a choice card the palette has no entry that picks an option (keys 1-9 do that)."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter", "L", "4", "enter", "enter")  # the typed card, recorded; now the choice card
            await settle(pilot)
            assert app.screen.mode == "choosing"
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "Suspend" in titles
            assert not [title for title in titles if title.startswith(("Choose", "Option", "Grade", "Record"))]
        assert len(db.reviews()) == 1  # only the typed card: nothing answered the choice card

    async def test_palette_on_the_feedback_names_each_grade(self, app_factory, db, conftest_cards) -> None:
        """On the feedback the palette lists "Grade N: meaning" for 0-5 and never a bare "Grade"; picking one sets it."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter", "L", "5", "enter")  # one level off: suggests 1
            await settle(pilot)
            titles = [command.title for command in app.get_system_commands(app.screen)]
            grades = [title for title in titles if title.startswith("Grade")]
            assert grades == [
                "Grade 0: complete blackout",
                "Grade 1: wrong; remembered once seen",
                "Grade 2: wrong; seemed easy once seen",
                "Grade 3: right, with serious difficulty",
                "Grade 4: right, after hesitation",
                "Grade 5: right, effortless",
            ]
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Grade 4: right")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert "4: right, after hesitation (suggested 1)" in app.screen.query_one("#grade-panel").grade_line
            assert db.reviews() == []  # the palette chose the grade; only Enter records
            await pilot.press("enter")
        (review,) = db.reviews()
        assert (review.card_id, review.quality) == (conftest_cards["TYPED"].id, 4)

    async def test_q_on_home_quits(self, app_factory) -> None:
        """q leaves the app from Home with exit code 0."""
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("q")
        assert app.return_code == 0


class TestLiteralText:
    """Deck text is never interpreted: markup, escapes and odd scripts show as written."""

    async def test_markup_and_ansi_in_a_prompt_show_literally(self, app_factory, conftest_cards) -> None:
        """The fourth card's prompt is painted character for character (ESC made visible)."""
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter", "L", "4", "enter", "enter", "2", "enter", "space", "5", "enter")
            await settle(pilot)
            shown = text_of(app, "#card-prompt")
        assert shown == display_text(conftest_cards["EVIL"].prompt)
        assert "[bold]Not bold[/] [link=x]no link[/link]" in shown
        assert "␛[31mRED␛[0m" in shown and "\x1b" not in shown
        assert "🦴 脊神经" in shown

    def test_display_text_keeps_text_and_shows_controls(self) -> None:
        """Newlines, emoji sequences and CJK stay; ESC, BEL, DEL and bidi overrides become visible."""
        assert display_text("a\nb") == "a\nb"
        assert display_text("\x1b[1m\x07\x7f") == "␛[1m␇␡"
        assert display_text("L4\u202eevil") == "L4evil"  # a bidi override is dropped, never shown as "\ufffd"
        # Issue 12 item 10: right-to-left marks and zero-width characters vanish; the text around them stays.
        assert display_text("\u05e9\u05dc\u05d5\u05dd\u200f L4\u200b\u200e\u2066x\u2069\ufeff\u00ad") == "\u05e9\u05dc\u05d5\u05dd L4x"
        assert "\ufffd" not in display_text("a\u200bb\u200cc\u200ed\u200ff\u202ag\u202bh\u202ci\u2067j")
        family = "👩\u200d👩\u200d👧"
        assert display_text(family + " 脊") == family + " 脊"
        assert display_text("tab\there") == "tab here"


class TestCommandLine:
    """`trainer` and `trainer review` reach the TUI with the right start screen."""

    @pytest.mark.parametrize(("args", "start"), [([], "home"), (["review"], "review")])
    def test_commands_open_the_right_screen(self, args, start, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """Bare `trainer` opens Home, `trainer review` the first card; --db is passed on; the exit code comes back."""
        from click.testing import CliRunner

        import trainer.tui.run
        from trainer.cli import main

        calls = []

        def fake_run_tui(db, *, start, profile=None):
            calls.append((db, start))
            return 2

        monkeypatch.setattr(trainer.tui.run, "run_tui", fake_run_tui)
        db = str(tmp_path / "x.db")
        result = CliRunner().invoke(main, ["--db", db, *args])
        assert calls == [(db, start)]
        assert result.exit_code == 2
