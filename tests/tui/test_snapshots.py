"""Screen snapshots at 80x24: Home, a typed question, a choice question, the feedback and the summary.

Each snapshot is an SVG under `__snapshots__/`; a changed screen fails until someone has looked at
the report and run `pytest tests/tui --snapshot-update`. The clock is injected and the cursor does
not blink, so the pictures do not depend on when or how fast the tests run.
"""

from __future__ import annotations

from textual.pilot import Pilot

from .helpers import settle

SIZE = (80, 24)



def keys_then_settle(*keys: str):
    """A `run_before` that waits for the store, presses `keys` and waits again."""

    async def run_before(pilot: Pilot[None]) -> None:
        """Wait, press, wait."""
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run_before


class TestSnapshots:
    """One picture per main screen state."""

    def test_home(self, snap_compare, app_factory) -> None:
        """Home: today's counts, time, streak, decks and the key hints."""
        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=keys_then_settle())

    def test_typed_question(self, snap_compare, app_factory) -> None:
        """A typed-root card with a half-typed answer and its live interpretation."""
        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=keys_then_settle("enter", "l", "space", "4"))

    def test_choice_question(self, snap_compare, app_factory) -> None:
        """A choice card with numbered options."""
        assert snap_compare(
            app_factory(), terminal_size=SIZE, run_before=keys_then_settle("enter", "L", "4", "enter", "enter")
        )

    def test_feedback(self, snap_compare, app_factory) -> None:
        """After a wrong typed answer: verdict, answer, explanation, sources and the suggested grade."""
        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=keys_then_settle("enter", "L", "5", "enter"))

    def test_feedback_in_light_theme(self, snap_compare, app_factory) -> None:
        """The same feedback in Textual's light theme stays readable."""
        app = app_factory()

        async def run_before(pilot: Pilot[None]) -> None:
            """Switch to the light theme, then answer as in the dark feedback snapshot."""
            pilot.app.theme = "textual-light"
            await keys_then_settle("enter", "L", "5", "enter")(pilot)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_literal_prompt(self, snap_compare, app_factory) -> None:
        """Markup, ANSI codes, a long word, emoji and CJK in a prompt are painted literally."""
        keys = ("enter", "L", "4", "enter", "enter", "2", "enter", "space", "5", "enter")
        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=keys_then_settle(*keys))

    def test_summary(self, snap_compare, app_factory) -> None:
        """The summary after a session with one miss."""
        keys = ("enter", "L", "4", "enter", "enter", "1", "enter", "space", "5", "enter", "S", "1", "enter", "enter")
        keys += ("2", "enter")  # the missed choice card comes back as a same-day repeat
        assert snap_compare(app_factory(), terminal_size=SIZE, run_before=keys_then_settle(*keys))
