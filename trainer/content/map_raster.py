"""The body map as a grid of pixels: which zones cover each pixel of a view at a given size.

A terminal shows the map with half blocks ("▀" with a foreground and a background colour), so one
character cell is two pixels stacked, and a pixel is about square. `rasterise` turns one view and
one layer of a `BodyMap` into a `Raster` of `width` x `height` pixels: every pixel is outside the
body, inside the body but in no zone (a blank area), or covered by one or more zones (a declared
overlap). Colouring is left to the caller, so the same raster serves the explorer, the feedback and
the "move the cursor to L5" question.

Rasters are cached per (map, view, layer, size): a repaint that only changes which root is
highlighted costs no geometry. Pure: no I/O, no UI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from trainer.content.bodymap import BodyMap
from trainer.content.geometry import Point, spans, y_range

OUTSIDE = -1
"""The cell value of a pixel outside the body."""

BLANK = 0
"""The cell value of a pixel inside the body that no zone covers (`covers[0]` is the empty tuple)."""


@dataclass(frozen=True)
class Raster:
    """One view of one layer, `width` x `height` pixels, row by row from the top left."""

    view: str
    layer: str
    width: int
    height: int
    cells: tuple[int, ...]
    """Per pixel: OUTSIDE, or an index into `covers`."""
    covers: tuple[tuple[str, ...], ...]
    """The zone ids covering a pixel, in drawing order; `covers[BLANK]` is ()."""

    def cell(self, x: int, y: int) -> int:
        """The cell value at pixel (x, y); OUTSIDE beyond the edges."""
        if 0 <= x < self.width and 0 <= y < self.height:
            return self.cells[y * self.width + x]
        return OUTSIDE

    def zones_at(self, x: int, y: int) -> tuple[str, ...]:
        """The zone ids covering pixel (x, y): () outside the body or in a blank area."""
        value = self.cell(x, y)
        return () if value == OUTSIDE else self.covers[value]

    def inside(self, x: int, y: int) -> bool:
        """Whether pixel (x, y) is on the body."""
        return self.cell(x, y) != OUTSIDE

    def pixel_of(self, point: Point) -> tuple[int, int]:
        """The pixel that holds a point given in normalised coordinates."""
        x = min(self.width - 1, max(0, int(point[0] * self.width)))
        y = min(self.height - 1, max(0, int(point[1] * self.height)))
        return x, y

    def pixels_of(self, zone_id: str) -> list[tuple[int, int]]:
        """Every pixel a zone covers (empty if the zone is too small to show at this size)."""
        hit = {i for i, cover in enumerate(self.covers) if zone_id in cover}
        return [(i % self.width, i // self.width) for i, value in enumerate(self.cells) if value in hit]


def fit(aspect: float, cols: int, rows: int) -> tuple[int, int]:
    """The largest view, in character cells, that keeps the picture's aspect within cols x rows.

    A cell is two half-block pixels high, and about twice as high as it is wide, so a pixel is
    square: `aspect` = pixel width / pixel height = cols / (2 * rows). The width is kept even so
    that no pixel sits exactly on the body's midline.

    Args:
        aspect: The map's width / height.
        cols: Cells available across.
        rows: Cells available down.

    Returns:
        (cols, rows) of the view; (0, 0) if nothing fits.
    """
    if cols < 2 or rows < 1:
        return (0, 0)
    height = rows
    width = int(aspect * 2 * height)
    if width > cols:
        width = cols
        height = max(1, int(width / (2 * aspect)))
    width -= width % 2
    return (width, height) if width >= 2 else (0, 0)


def rasterise(bodymap: BodyMap, view: str, layer: str, width: int, height: int) -> Raster:
    """Which zones of `layer` cover each pixel of `view` at `width` x `height` pixels (cached).

    A pixel belongs to a polygon when its centre is inside it. Zones are clipped to the body's
    outline, so a zone drawn a little past the skin never paints the background.

    Args:
        bodymap: A validated map.
        view: "front" or "back".
        layer: "dermatome" or "nerve".
        width: Pixels across (the number of character cells).
        height: Pixels down (twice the number of character rows).

    Returns:
        The raster.
    """
    return _rasterise(bodymap, view, layer, width, height)


@lru_cache(maxsize=64)
def _rasterise(bodymap: BodyMap, view: str, layer: str, width: int, height: int) -> Raster:
    zones = bodymap.zones_in(view, layer)
    boxes = [
        (zone.id, polygon, *y_range(polygon))
        for zone in zones
        for polygon in zone.polygons
    ]
    outline = bodymap.outlines[view]
    covers: dict[tuple[str, ...], int] = {(): BLANK}
    cells: list[int] = []
    order = {zone.id: index for index, zone in enumerate(zones)}
    for row in range(height):
        y = (row + 0.5) / height
        body = [False] * width
        for polygon in outline:
            for start, end in spans(polygon, y):
                for x in _pixels(start, end, width):
                    body[x] = True
        hits: list[set[str]] = [set() for _ in range(width)]
        for zone_id, polygon, top, bottom in boxes:
            if not top <= y <= bottom:
                continue
            for start, end in spans(polygon, y):
                for x in _pixels(start, end, width):
                    hits[x].add(zone_id)
        for x in range(width):
            if not body[x]:
                cells.append(-1)
                continue
            key = tuple(sorted(hits[x], key=order.__getitem__))
            index = covers.get(key)
            if index is None:
                index = covers[key] = len(covers)
            cells.append(index)
    # Small terminals: a finger is narrower than a pixel. Every key point keeps its own pixel for
    # its root, and a zone that got no pixel at all gets the one under its label point, so each
    # root can still be highlighted and pointed at (on both sides of the body).
    def claim(point: Point, zone_id: str) -> None:
        for px in (point, (1.0 - point[0], point[1])):
            x0 = min(width - 1, max(0, int(px[0] * width)))
            y0 = min(height - 1, max(0, int(px[1] * height)))
            # The point's pixel, else the nearest pixel on the body (a thin zone at the skin's edge).
            for dx, dy in _NEAREST:
                x, y = x0 + dx, y0 + dy
                if 0 <= x < width and 0 <= y < height and cells[y * width + x] != OUTSIDE:
                    cells[y * width + x] = covers.setdefault((zone_id,), len(covers))
                    break

    if layer == "dermatome":
        for point in bodymap.key_points:
            if point.view != view:
                continue
            own = next((z for z in zones if z.root == point.root and z.contains(point.at)), None)
            if own is not None:
                claim(point.at, own.id)
    present = {i for i in set(cells) if i != OUTSIDE}
    shown = {zone_id for cover, index in covers.items() if index in present for zone_id in cover}
    for zone in zones:
        if zone.id not in shown:
            claim(zone.label_at, zone.id)
    ordered = tuple(sorted(covers, key=covers.__getitem__))
    return Raster(view=view, layer=layer, width=width, height=height, cells=tuple(cells), covers=ordered)


_NEAREST = sorted(((dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)), key=lambda d: (d[0] ** 2 + d[1] ** 2, d))
"""Pixel offsets within two pixels, nearest first."""


def _pixels(start: float, end: float, width: int) -> range:
    """Pixel columns whose centres lie in [start, end] (normalised x)."""
    first = max(0, math.ceil(start * width - 0.5))
    last = min(width - 1, math.floor(end * width - 0.5))
    return range(first, last + 1)
