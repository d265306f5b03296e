"""BodyMap: the body drawn in the terminal, front and back, coloured by root, with labelled highlights.

Each character cell is two pixels ("▀" with a foreground and a background colour), so the picture
keeps its proportions and two zones can meet inside one cell. The widget uses whatever room it has:
a compact figure at 80x24, a larger one at 120x40 (see `trainer.content.map_raster.fit`).

Colours follow Paul Tol's colour-blind-safe "muted" scheme (roots cycle through nine colours, so
neighbouring roots always differ); highlights use the Okabe-Ito orange and sky blue, which stay
distinct for every common colour-vision deficiency, and the rest of the body turns grey. No fact
depends on colour alone: each highlight is labelled on the map and in the legend under it, and
`show_labels` writes every root's name on its zone.

Feedback and exam screens get a ready-made widget from `answer_map` and `confusion_map` (or call
`show_figure` on one they already have); see their docstrings.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from trainer.content.bodymap import VIEWS, BodyMap as MapData, Figure, Highlight, answer_figure, confusion_figure
from trainer.content.map_raster import OUTSIDE, Raster, fit, rasterise
from trainer.content.roots import LEVELS
from trainer.tui.widgets.body_map_paint import (
    BODY_BLANK,
    DIMMED,
    GAP,
    HIGHLIGHT_COLOURS,
    ROOT_COLOURS,
    half_block_rows,
    ink_on,
    legend_strip,
    members_of,
    root_colour,
    short_nerve,
    style,
    zone_area,
)

__all__ = [
    "BODY_BLANK",
    "DIMMED",
    "GAP",
    "HIGHLIGHT_COLOURS",
    "ROOT_COLOURS",
    "BodyMap",
    "answer_map",
    "confusion_map",
    "root_colour",
]
"""The colours and `root_colour` live in `body_map_paint`; re-exported here for callers and tests."""


class BodyMap(Widget):
    """The body, front and back, coloured by root (or nerve), with up to two labelled highlights."""

    DEFAULT_CSS = """
    BodyMap {
        width: 1fr;
        height: 1fr;
        min-width: 24;
        min-height: 12;
    }
    """

    figure: reactive[Figure] = reactive(Figure, layout=False)
    """What is shown: the base layer, the highlights and whether every zone is labelled."""

    cursor: reactive[tuple[str, int, int] | None] = reactive(None)
    """(view, pixel x, pixel y) of a cursor to draw, or None (used by `MapCursor`)."""

    show_key_points: reactive[bool] = reactive(True)
    """Draw the ISNCSCI key points as dots."""

    def __init__(
        self,
        bodymap: MapData,
        figure: Figure | None = None,
        *,
        views: Sequence[str] = VIEWS,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        """A map of `bodymap` showing `figure` (default: every root in its colour).

        Args:
            bodymap: The validated map (`trainer.content.bodymap.load_bodymap`).
            figure: Highlights, layer and labels; change later with `show_figure`.
            views: Which views to draw, left to right.
            name: Textual name.
            id: Textual id.
            classes: Textual classes.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.bodymap = bodymap
        self.views = tuple(views)
        self._lines: list[Strip] | None = None
        self._layout: tuple[int, int, int, int] = (0, 0, 0, 0)
        self.set_reactive(BodyMap.figure, figure or Figure())

    # --- the API for screens ---------------------------------------------------------------

    def show_figure(self, figure: Figure) -> None:
        """Show another figure (highlights, layer, labels)."""
        self.figure = figure

    def show_answer(self, root: str) -> None:
        """Highlight the answer's zone, labelled (feedback after a card about `root`)."""
        self.figure = answer_figure(root)

    def show_confusion(self, given: str, expected: str) -> None:
        """Highlight both zones of a confusion, each labelled: the given root and the expected one."""
        self.figure = confusion_figure(given, expected)

    def toggle_labels(self) -> None:
        """Write every zone's name on it, or stop."""
        f = self.figure
        self.figure = Figure(f.highlights, f.layer, not f.labels)

    @property
    def view_size(self) -> tuple[int, int]:
        """(cols, rows) of each view as last drawn."""
        return self._layout[2], self._layout[3]

    def pixel_at(self, column: int, row: int) -> tuple[str, int, int] | None:
        """The (view, pixel x, pixel y) under a cell of the widget (top pixel of the cell), or None."""
        left, top, cols, rows = self._layout
        y = row - top
        if cols == 0 or not 0 <= y < rows:
            return None
        for index, view in enumerate(self.views):
            x0 = left + index * (cols + GAP)
            if x0 <= column < x0 + cols:
                return (view, column - x0, 2 * y)
        return None

    def raster(self, view: str, layer: str | None = None) -> Raster | None:
        """The raster of a view at the current size (None before the first layout)."""
        cols, rows = self.view_size
        if cols == 0:
            return None
        return rasterise(self.bodymap, view, layer or self.figure.layer, cols, 2 * rows)

    # --- painting ----------------------------------------------------------------------------

    def watch_figure(self) -> None:
        self._invalidate()

    def watch_cursor(self) -> None:
        self._invalidate()

    def watch_show_key_points(self) -> None:
        self._invalidate()

    def on_resize(self) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        self._lines = None
        self.refresh()

    def legend_lines(self) -> list[tuple[str, str]]:
        """(text, colour) of each legend line: one per highlight; a hint when nothing is highlighted."""
        lines = [(h.label, HIGHLIGHT_COLOURS[h.slot % 2]) for h in self.figure.highlights]
        if not lines:
            what = "roots" if self.figure.layer == "dermatome" else "cutaneous nerves"
            lines = [(f"Colours: {what}; \u25cf ISNCSCI key point; schematic map", "")]
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    def render_line(self, y: int) -> Strip:
        if self._lines is None:
            self._lines = self._build()
        return self._lines[y] if y < len(self._lines) else Strip.blank(self.size.width)

    def _build(self) -> list[Strip]:
        width, height = self.size
        # A legend line longer than the widget wraps under its own text (a narrow review column
        # must not cut "superficial fibular (peroneal) nerve" short).
        legend = [
            (part, colour, index > 0)
            for text, colour in self.legend_lines()
            for index, part in enumerate(textwrap.wrap(text, max(8, width - 5)) or [""])
        ]
        rows_for_map = max(0, height - 1 - len(legend))
        per_view = (width - GAP * (len(self.views) - 1)) // max(1, len(self.views))
        cols, rows = fit(self.bodymap.aspect, per_view, rows_for_map)
        total = cols * len(self.views) + GAP * (len(self.views) - 1)
        left = max(0, (width - total) // 2)
        self._layout = (left, 1, cols, rows)
        lines: list[Strip] = []
        titles = [Segment(" " * left)]
        for index, view in enumerate(self.views):
            title = self.bodymap.view_titles.get(view, view)[:cols].center(cols)
            titles.append(Segment(title, style(None, None, True)))
            if index < len(self.views) - 1:
                titles.append(Segment(" " * GAP))
        lines.append(Strip(titles).adjust_cell_length(width))
        if cols:
            grids = [self._grid(view, cols, rows) for view in self.views]
            for row in range(rows):
                segments = [Segment(" " * left)]
                for index, grid in enumerate(grids):
                    segments.extend(grid[row])
                    if index < len(grids) - 1:
                        segments.append(Segment(" " * GAP))
                lines.append(Strip(segments).adjust_cell_length(width))
        for text, colour, continued in legend:
            lines.append(legend_strip(text, colour, width, continued=continued))
        while len(lines) < height:
            lines.append(Strip.blank(width))
        return lines[:height]

    def _grid(self, view: str, cols: int, rows: int) -> list[list[Segment]]:
        """One view as rows of segments: half blocks, then dots, labels and the cursor on top."""
        figure = self.figure
        base = rasterise(self.bodymap, view, figure.layer, cols, 2 * rows)
        members = [self._members(view, h, cols, rows) for h in figure.highlights]
        colours = self._cover_colours(base)
        pixel: list[str | None] = []
        for index, cover in enumerate(base.cells):
            if cover == OUTSIDE:
                pixel.append(None)
                continue
            hits = [h for h, member in zip(figure.highlights, members, strict=True) if index in member]
            if len(hits) == 1:
                pixel.append(HIGHLIGHT_COLOURS[hits[0].slot % 2])
            elif hits:
                # Both highlights cover this pixel: a checkerboard of the two colours.
                x, y = index % cols, index // cols
                pixel.append(HIGHLIGHT_COLOURS[hits[(x + y) % 2].slot % 2])
            else:
                pixel.append(colours[cover])
        if self.cursor is not None and self.cursor[0] == view:
            _, cx, cy = self.cursor
            if 0 <= cx < cols and 0 <= cy < 2 * rows:
                pixel[cy * cols + cx] = "#ffffff"
        # Overlays: (row, column) -> (character, style).
        overlay: dict[tuple[int, int], tuple[str, Style]] = {}
        if self.show_key_points:
            self._dots(view, base, pixel, overlay)
        self._labels(view, base, pixel, overlay, cols, rows)
        return half_block_rows(pixel, overlay, cols, rows)

    def _cover_colours(self, raster: Raster) -> list[str]:
        """The colour of each cover of the base raster, before highlights."""
        layer = self.figure.layer
        dimmed = bool(self.figure.highlights) or self.cursor is not None
        nerve_ids = [n.id for n in self.bodymap.nerves]
        colours = []
        for cover in raster.covers:
            if not cover:
                colours.append(BODY_BLANK)
                continue
            zone = self.bodymap.zone(cover[0])
            assert zone is not None
            rank = LEVELS.index(zone.root) if zone.root in LEVELS else nerve_ids.index(zone.target)
            if dimmed:
                colours.append(DIMMED[rank % 2])
            elif layer == "dermatome":
                colours.append(root_colour(zone.target))
            else:
                colours.append(ROOT_COLOURS[rank % len(ROOT_COLOURS)])
        return colours

    def _members(self, view: str, highlight: Highlight, cols: int, rows: int) -> frozenset[int]:
        """Pixel indices of a view covered by a highlight's zones (in its own layer)."""
        layer = self.bodymap.layer_of(highlight.target)
        raster = rasterise(self.bodymap, view, layer, cols, 2 * rows)
        return members_of(raster, highlight.target, self.bodymap)

    def _dots(self, view: str, base: Raster, pixel: list[str | None], overlay: dict) -> None:
        """ISNCSCI key points as dots, on both sides (only the highlighted roots' when highlighting)."""
        figure = self.figure
        wanted = {h.target for h in figure.highlights}
        if figure.layer != "dermatome" and not wanted:
            return
        for point in self.bodymap.key_points:
            if point.view != view or (wanted and point.root not in wanted):
                continue
            for side in point.both_sides:
                x, y = base.pixel_of(side)
                under = pixel[y * base.width + x] or BODY_BLANK
                overlay[(y // 2, x)] = ("\u25cf", style(ink_on(under), under))

    def _labels(self, view: str, base: Raster, pixel: list[str | None], overlay: dict, cols: int, rows: int) -> None:
        """Highlight labels (always), then every zone's name when labels are on, without collisions."""
        figure = self.figure
        taken: set[tuple[int, int]] = set()

        def place(text: str, point: tuple[float, float], colour: str) -> None:
            x, y = base.pixel_of(point)
            row = min(rows - 1, y // 2)
            start = min(max(0, x - len(text) // 2), max(0, cols - len(text)))
            cells = [(row, start + i) for i in range(min(len(text), cols))]
            if any(c in taken for c in cells):
                for shift in (-1, 1, -2, 2):
                    moved = [(r + shift, c) for r, c in cells]
                    if all(0 <= r < rows and (r, c) not in taken for r, c in moved):
                        cells = moved
                        break
                else:
                    return
            label_style = style(ink_on(colour), colour, True)
            for (r, c), char in zip(cells, text, strict=False):
                overlay[(r, c)] = (char, label_style)
            # Keep a blank cell either side, so "T4" and "C4" never run together as "T4C4".
            row_of = cells[0][0]
            taken.update((row_of, c) for c in range(cells[0][1] - 1, cells[-1][1] + 2))

        for highlight in figure.highlights:
            zones = [z for z in self.bodymap.zones_of(highlight.target) if z.view == view]
            if not zones:
                continue
            point = self.bodymap.key_point(highlight.target)
            anchor = point.at if point is not None and point.view == view else max(zones, key=zone_area).label_at
            short = highlight.label.split("  ")[0] if "  " in highlight.label else highlight.target
            place(short, anchor, HIGHLIGHT_COLOURS[highlight.slot % 2])
        if figure.labels:
            highlighted = {h.target for h in figure.highlights}
            for zone in self.bodymap.zones_in(view, figure.layer):
                if zone.target in highlighted:
                    continue
                point = self.bodymap.key_point(zone.root) if zone.root else None
                anchor = point.at if point is not None and point.view == view and zone.contains(point.at) else zone.label_at
                text = zone.root or short_nerve(zone.target)
                place(text, anchor, "#1e1e1e")


def answer_map(bodymap: MapData, root: str, *, id: str | None = None) -> BodyMap:  # noqa: A002
    """A map with the answer's zone highlighted and labelled, for a feedback or exam report.

    Wiring (for the review feedback or the exam report): after checking an answer on a card whose
    `answer_root` is set, mount `answer_map(bodymap, card.answer_root)` under the explanation; for
    a wrong answer that named another root (`AnswerResult.given_root`), mount `confusion_map`
    instead. Reuse one widget across cards with `show_answer` / `show_confusion`. The map loads
    once per app with `trainer.study.atlas.load_atlas()` (in a worker: it reads two files).

    Args:
        bodymap: The loaded body map.
        root: The root the answer names, e.g. "L5".
        id: Textual id for the widget.

    Returns:
        A BodyMap widget that sizes itself to its container (compact at 80x24).
    """
    return BodyMap(bodymap, answer_figure(root), id=id)


def confusion_map(bodymap: MapData, given: str, expected: str, *, id: str | None = None) -> BodyMap:  # noqa: A002
    """A map with both zones of a confusion highlighted, each labelled ("A L4 your answer", "B L5 the answer").

    The two areas get different colours (Okabe-Ito orange and sky blue) and letters on the map and
    in the legend, so the pair reads without colour; where they overlap (a declared overlap such
    as the knee) the pixels alternate. If `given` equals `expected` it shows the answer alone.

    Args:
        bodymap: The loaded body map.
        given: The root the student answered.
        expected: The card's answer root.
        id: Textual id for the widget.

    Returns:
        A BodyMap widget.
    """
    return BodyMap(bodymap, confusion_figure(given, expected), id=id)
