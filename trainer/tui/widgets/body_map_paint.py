"""Painting helpers for `trainer.tui.widgets.body_map.BodyMap`: colours, styles, half blocks, legend.

Pure functions of their arguments (no widget state): the colour schemes, the cached Rich styles,
the text colour that reads on a background, turning a pixel list and its overlays into rows of
"▀" segments (two pixels per cell), a legend line, and the small zone helpers the labels use.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from trainer.content.bodymap import BodyMap as MapData
from trainer.content.map_raster import Raster
from trainer.content.roots import LEVELS

ROOT_COLOURS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
"""Paul Tol's "muted" qualitative scheme (colour-blind safe), cycled along the roots C2..S4-5."""

HIGHLIGHT_COLOURS = ("#E69F00", "#56B4E9")
"""Okabe-Ito orange and sky blue: the first and second highlighted area."""

BODY_BLANK = "#3c3c3c"
"""Skin that no zone covers (the face, blank areas where maps disagree)."""

DIMMED = ("#5a5a5a", "#4b4b4b")
"""Zones that are not highlighted, alternating so their boundaries still show."""

GAP = 2
"""Columns between the front and the back view."""


def root_colour(root: str) -> str:
    """The colour of a root's zones: neighbouring roots never share one."""
    return ROOT_COLOURS[LEVELS.index(root) % len(ROOT_COLOURS)] if root in LEVELS else BODY_BLANK


@lru_cache(maxsize=512)
def style(fg: str | None, bg: str | None, bold: bool = False) -> Style:
    """A Rich style, cached: a frame asks for the same few styles thousands of times."""
    return Style(color=fg, bgcolor=bg, bold=bold)


def ink_on(colour: str) -> str:
    """Black or white text, whichever reads on `colour`."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"


def half_block_rows(
    pixel: list[str | None], overlay: dict[tuple[int, int], tuple[str, Style]], cols: int, rows: int
) -> list[list[Segment]]:
    """Rows of segments for a view: two pixels per cell ("▀"), overlays (dots, labels) on top.

    Args:
        pixel: Colour of each pixel, row by row (`cols` x `2 * rows`); None outside the body.
        overlay: (row, column) -> (character, style) drawn instead of the half block.
        cols: Cells per row.
        rows: Cell rows.

    Returns:
        One list of segments per cell row, runs of one style merged.
    """
    grid: list[list[Segment]] = []
    for row in range(rows):
        segments: list[Segment] = []
        run_text, run_style = "", None
        for x in range(cols):
            if (row, x) in overlay:
                char, cell_style = overlay[(row, x)]
            else:
                top = pixel[2 * row * cols + x]
                bottom = pixel[(2 * row + 1) * cols + x] if 2 * row + 1 < 2 * rows else None
                if top is None and bottom is None:
                    char, cell_style = " ", style(None, None)
                elif top is None:
                    char, cell_style = "\u2584", style(bottom, None)
                else:
                    char, cell_style = "\u2580", style(top, bottom)
            if cell_style is run_style:
                run_text += char
            else:
                if run_text:
                    segments.append(Segment(run_text, run_style))
                run_text, run_style = char, cell_style
        if run_text:
            segments.append(Segment(run_text, run_style))
        grid.append(segments)
    return grid


def legend_strip(text: str, colour: str, width: int, *, continued: bool = False) -> Strip:
    """One legend line: a swatch of `colour` and the bold text, or a grey hint when `colour` is empty.

    `continued`: the wrapped rest of the line above, indented under its text (no second swatch).
    """
    if continued and colour:
        segments = [Segment("    "), Segment(text, style(None, None, True))]
    elif colour:
        segments = [Segment(" \u2588\u2588 ", style(colour, None)), Segment(text, style(None, None, True))]
    else:
        segments = [Segment(" " + text, style("#a0a0a0", None))]
    return Strip(segments).adjust_cell_length(width)


def zone_area(zone) -> float:
    """A zone's area (the largest zone of a root carries its label when it has no key point)."""
    from trainer.content.geometry import area

    return area(zone.shape)


def short_nerve(nerve_id: str) -> str:
    """A few letters for a nerve's label: "lateral-femoral-cutaneous" -> "LFC"."""
    parts = nerve_id.split("-")
    return "".join(p[0] for p in parts).upper() if len(parts) > 1 else nerve_id[:3].upper()


@lru_cache(maxsize=256)
def members_of(raster: Raster, target: str, bodymap: MapData) -> frozenset[int]:
    """Pixel indices of `raster` covered by the zones of `target` (cached per raster and target)."""
    ids = {z.id for z in bodymap.zones_of(target)}
    hit = {i for i, cover in enumerate(raster.covers) if ids.intersection(cover)}
    return frozenset(i for i, value in enumerate(raster.cells) if value in hit)
