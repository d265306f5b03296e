"""MapCursor: answer "move the cursor to the zone of L5" on the body map, with the arrow keys or a click.

A BodyMap with a cursor: the arrow keys move it one pixel (Shift+arrow four), across both views;
a click puts it under the mouse; Enter posts `MapCursor.Picked` with the roots under the cursor.
The zones are drawn in two greys, so their boundaries show but their colours do not give the
answer away, and nothing names the zone under the cursor. Self-contained (its own DEFAULT_CSS):
a review or exam screen mounts it for a `map-locate` card and checks `Picked.response` with
`trainer.content.map_cards.check_map`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message

from trainer.content.bodymap import BodyMap as MapData
from trainer.content.bodymap import Figure
from trainer.content.roots import position
from trainer.tui.widgets.body_map import BodyMap


class MapCursor(BodyMap, can_focus=True):
    """The body map with a cursor to point at a zone."""

    DEFAULT_CSS = """
    MapCursor {
        width: 1fr;
        height: 1fr;
        min-width: 24;
        min-height: 12;
    }
    MapCursor:focus {
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("shift+left", "move(-4, 0)", show=False),
        Binding("shift+right", "move(4, 0)", show=False),
        Binding("shift+up", "move(0, -4)", show=False),
        Binding("shift+down", "move(0, 4)", show=False),
        Binding("enter", "pick", "Answer here", key_display="Enter"),
    ]
    """Arrows move one pixel (Shift: four), Enter answers."""

    @dataclass
    class Picked(Message):
        """The student pressed Enter with the cursor here."""

        map_cursor: MapCursor
        roots: tuple[str, ...]
        """The roots whose zones are under the cursor (two in a declared overlap; () on a blank area)."""
        view: str
        x: int
        y: int

        @property
        def response(self) -> str:
            """The roots as one text, for `check_map` and the review log: "L5", "L3,L4", or ""."""
            return ",".join(self.roots)

        @property
        def control(self) -> MapCursor:
            """The widget that posted the message."""
            return self.map_cursor

    def __init__(
        self,
        bodymap: MapData,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        """A cursor map of `bodymap`; the cursor starts on the front view at the navel."""
        super().__init__(bodymap, Figure(), name=name, id=id, classes=classes)
        self.show_key_points = False

    def legend_lines(self) -> list[tuple[str, str]]:
        """One hint line: how to move and answer (never the zone's name)."""
        return [("Arrows (Shift: faster) or a click move the cursor \u25a0; Enter answers", "")]

    def on_resize(self) -> None:
        """Keep the cursor on the map at the new size (it starts at the navel)."""
        super().on_resize()
        self.call_after_refresh(self._place_cursor)

    def reset_cursor(self) -> None:
        """Put the cursor back at its start (the navel, front view), for a new question."""
        self.cursor = None
        self._place_cursor()

    def _place_cursor(self) -> None:
        cols, rows = self.view_size
        if cols == 0:
            return
        if self.cursor is None:
            self.cursor = (self.views[0], cols // 2, int(0.43 * 2 * rows))
        else:
            view, x, y = self.cursor
            self.cursor = (view, min(x, cols - 1), min(y, 2 * rows - 1))

    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor; past a view's side edge it goes on to the next view."""
        cols, rows = self.view_size
        if self.cursor is None or cols == 0:
            return
        view, x, y = self.cursor
        index = self.views.index(view)
        x += dx
        if x < 0 and index > 0:
            index, x = index - 1, x + cols
        elif x >= cols and index < len(self.views) - 1:
            index, x = index + 1, x - cols
        x = min(max(x, 0), cols - 1)
        y = min(max(y + dy, 0), 2 * rows - 1)
        self.cursor = (self.views[index], x, y)

    def on_click(self, event: events.Click) -> None:
        """Put the cursor under the mouse (Enter still answers, so a stray click costs nothing)."""
        spot = self.pixel_at(event.x, event.y)
        if spot is not None:
            self.cursor = spot
            self.focus()

    def roots_under_cursor(self) -> tuple[str, ...]:
        """The roots whose zones are under the cursor, cranio-caudal."""
        if self.cursor is None:
            return ()
        view, x, y = self.cursor
        raster = self.raster(view, "dermatome")
        if raster is None:
            return ()
        roots = {self.bodymap.zone(z).root for z in raster.zones_at(x, y)}  # type: ignore[union-attr]
        return tuple(sorted((r for r in roots if r), key=position))

    def action_pick(self) -> None:
        """Answer with the zone under the cursor."""
        if self.cursor is None:
            return
        view, x, y = self.cursor
        self.post_message(self.Picked(self, self.roots_under_cursor(), view, x, y))
