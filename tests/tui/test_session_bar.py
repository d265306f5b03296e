"""The review's progress bar draws exactly what Textual's ProgressBar drew before it."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import ProgressBar

from trainer.tui.widgets.progress import SessionBar

WIDTH = 23
"""Odd, so halves and rounding both show."""


class _Both(App[None]):
    CSS = f"""
    ProgressBar {{ width: {WIDTH}; }}
    ProgressBar Bar {{ width: {WIDTH}; }}
    SessionBar {{ width: {WIDTH}; }}
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, show_percentage=False)
        yield SessionBar()


def _cells(widget) -> list[tuple[str, object]]:
    """(character, colour) for each cell of the widget's one line."""
    line = widget.render_lines(widget.region.reset_offset)[0]
    return [(char, segment.style.color if segment.style else None) for segment in line for char in segment.text]


@pytest.mark.parametrize(("done", "total"), [(0, 4), (1, 4), (1, 3), (2, 3), (7, 9), (3, 4), (4, 4), (0, 1)])
async def test_the_bar_matches_textuals_progress_bar(done: int, total: int) -> None:
    """Same characters (whole and half cells) in the same colours, from empty to complete."""
    app = _Both()
    async with app.run_test(size=(40, 4)) as pilot:
        app.query_one(ProgressBar).update(total=total, progress=done)
        app.query_one(SessionBar).show(done / total)
        await pilot.pause()
        theirs = _cells(app.query_one("ProgressBar Bar"))
        ours = _cells(app.query_one(SessionBar))
        assert ours == theirs
        if 0 < done < total:  # part done: the start is drawn in the bar colour, the end in the track's
            assert ours[0][1] != ours[-1][1]
