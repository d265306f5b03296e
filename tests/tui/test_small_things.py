"""Rough edges a new user hit (issue 12, item 11): screenshots, Help's footer, "1 card"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from trainer.clock import FixedClock
from trainer.tui.app import make_app
from trainer.tui.screens.help import HelpScreen

from ..conftest import import_deck, make_deck
from .helpers import settle, text_of

SIZE = (100, 30)


class TestScreenshot:
    """The palette's Screenshot works on an account without a Downloads folder, and says where the file went."""

    async def test_the_downloads_folder_is_created_and_the_file_named(self, app_factory) -> None:
        """Before: "Failed to save screenshot", with no reason, when ~/Downloads did not exist."""
        downloads = Path.home() / "Downloads"
        assert not downloads.exists()
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"Screenshot")
            await pilot.pause(0.2)
            await pilot.press("enter")
            for _ in range(100):  # the palette waits 0.1 s, then a thread writes the file
                await pilot.pause(0.05)
                if list(downloads.glob("*.svg")) and app._notifications:
                    break
            saved = list(downloads.glob("*.svg"))
            assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
            messages = [str(n.message) for n in app._notifications]
            assert any(str(saved[0]) in message for message in messages), messages
            assert not any("Failed" in message for message in messages)

    async def test_a_folder_that_cannot_be_written_is_named_with_the_reason(self, app_factory) -> None:
        """Where the folder cannot be made (a file is in the way), the toast says where and why."""
        blocker = Path.home() / "Downloads"
        blocker.write_text("not a folder")
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.deliver_screenshot()
            for _ in range(40):
                await pilot.pause(0.05)
                if app._notifications:
                    break
            messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1 and str(blocker) in messages[0] and "screenshot" in messages[0]
        assert messages[0] != "Failed to save screenshot"


class TestHelpFooter:
    """Help shows its own keys at the bottom, not the keys of the screen underneath."""

    async def test_help_over_a_review_shows_only_its_own_key(self, app_factory) -> None:
        """Before: the review's footer (Suspend, Home...) stayed at the bottom, and none of it worked in Help."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            footer = app.screen.query_one(Footer)
            assert footer.region.y == SIZE[1] - 1
            assert [key.description for key in footer.query(FooterKey)] == ["Close"]


class TestOneCard:
    """"(1 cards)" is now "(1 card)" wherever a count of cards is shown."""

    async def test_home_lists_a_one_card_deck_as_1_card(self, tmp_path: Path, clock: FixedClock) -> None:
        """Home's deck list."""
        path = tmp_path / "one.db"
        from trainer.store.db import open_store

        store = open_store(f"sqlite:///{path}")
        import_deck(store, make_deck(1, deck_id="one", title="One-card deck"))
        store.close()
        app = make_app(str(path), clock=clock, cursor_blink=False, import_builtin=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            decks = text_of(app, "#home-decks")
        assert "One-card deck  (1 card)" in decks
