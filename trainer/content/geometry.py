"""Plane geometry for the body map: polygons in normalised coordinates, tested and scanned.

Pure and small on purpose: the validator (`trainer.content.bodymap`) and the rasteriser
(`trainer.content.map_raster`) share these functions, so "inside a zone" means the same thing
when a key point is checked and when a pixel is coloured. Coordinates are (x, y) with x to the
right and y downwards, both in [0, 1]. A polygon is a closed ring of at least three points
(the last point joins the first); "inside" follows the even-odd rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
"""(x, y), x to the right, y downwards, both in [0, 1]."""

Polygon = tuple[Point, ...]
"""A closed ring of points."""


def mirrored(polygon: Sequence[Point]) -> Polygon:
    """The polygon reflected in the vertical midline x = 0.5 (the other side of the body)."""
    return tuple((1.0 - x, y) for x, y in polygon)


def contains(polygon: Sequence[Point], point: Point) -> bool:
    """Whether `point` lies inside `polygon` (even-odd rule; a point on an edge may go either way)."""
    x, y = point
    inside = False
    count = len(polygon)
    for index in range(count):
        x0, y0 = polygon[index]
        x1, y1 = polygon[(index + 1) % count]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def crossings(polygon: Sequence[Point], y: float) -> list[float]:
    """The x values where the horizontal line at height `y` crosses the polygon's edges, sorted.

    Taken in pairs they are the spans of the line that lie inside the polygon (even-odd rule).
    A vertex exactly at `y` counts once, by the half-open rule `contains` also uses.
    """
    xs: list[float] = []
    count = len(polygon)
    for index in range(count):
        x0, y0 = polygon[index]
        x1, y1 = polygon[(index + 1) % count]
        if (y0 > y) != (y1 > y):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    return xs


def spans(polygon: Sequence[Point], y: float) -> list[tuple[float, float]]:
    """The intervals [x0, x1] of the line at height `y` inside the polygon, left to right."""
    xs = crossings(polygon, y)
    return [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]


def y_range(polygon: Sequence[Point]) -> tuple[float, float]:
    """The lowest and highest y of the polygon (its vertical extent)."""
    ys = [y for _, y in polygon]
    return min(ys), max(ys)


def _union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlap_area(a: Sequence[Sequence[Point]], b: Sequence[Sequence[Point]], *, rows: int = 800) -> float:
    """The area two shapes share, each shape the union of its polygons.

    Measured by horizontal scanlines: exact along each line, sampled every 1/`rows` vertically,
    so two shapes that only share an edge measure (close to) zero.

    Args:
        a: The polygons of the first shape.
        b: The polygons of the second shape.
        rows: Scanlines over the unit height.

    Returns:
        The shared area, in units of the whole picture (1.0 = everything).
    """
    lo = max(min(y_range(p)[0] for p in a), min(y_range(p)[0] for p in b))
    hi = min(max(y_range(p)[1] for p in a), max(y_range(p)[1] for p in b))
    if hi <= lo:
        return 0.0
    total = 0.0
    step = 1.0 / rows
    first = math.floor(lo * rows)
    for row in range(first, math.ceil(hi * rows) + 1):
        y = (row + 0.5) * step
        if not lo <= y <= hi:
            continue
        left = _union([s for p in a for s in spans(p, y)])
        right = _union([s for p in b for s in spans(p, y)])
        i = j = 0
        while i < len(left) and j < len(right):
            start = max(left[i][0], right[j][0])
            end = min(left[i][1], right[j][1])
            if end > start:
                total += (end - start) * step
            if left[i][1] < right[j][1]:
                i += 1
            else:
                j += 1
    return total


def centroid(polygon: Sequence[Point]) -> Point:
    """The area centroid of a simple polygon (its vertex mean if it has no area)."""
    area = cx = cy = 0.0
    count = len(polygon)
    for index in range(count):
        x0, y0 = polygon[index]
        x1, y1 = polygon[(index + 1) % count]
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return (sum(x for x, _ in polygon) / count, sum(y for _, y in polygon) / count)
    return (cx / (3 * area), cy / (3 * area))


def area(polygon: Sequence[Point]) -> float:
    """The (unsigned) area of a simple polygon."""
    total = 0.0
    count = len(polygon)
    for index in range(count):
        x0, y0 = polygon[index]
        x1, y1 = polygon[(index + 1) % count]
        total += x0 * y1 - x1 * y0
    return abs(total) / 2
