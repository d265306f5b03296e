"""The body map: dermatome zones and cutaneous-nerve territories as polygons, loaded and checked.

A body-map file (`decks/maps/bodymap.toml`, documented in `docs/body-map.md`) draws the body from the
front and from the back. Each view has an outline and zones: a zone is a polygon in normalised
coordinates (x to the right, y down, both 0..1) that belongs to one layer, `dermatome` (it names a
root) or `nerve` (it names a peripheral nerve). Shapes are drawn on the right half of the picture
only and mirrored, because both sides of the body are the same. ISNCSCI key sensory points are
dots. Every item cites sources; every zone names the map tradition it follows.

The file is validated like a deck (`trainer.content.loader`): every problem is collected and
reported as `file:line: item, field: message`, and nothing loads if anything is wrong. Beyond the
shape of each item, the map as a whole must hold together:
- every ISNCSCI level C2..S4-5 has a zone in at least one view;
- every key point lies inside its own root's zone in its view (and inside the body);
- zones of one layer in one view do not overlap unless an `[[overlap]]` declares it, and a
  declared overlap really is one;
- every source, tradition, nerve and zone that an item names exists.

Pure: reads only the file it is given, imports no UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from itertools import combinations
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from trainer.content.geometry import Point, Polygon, area, centroid, contains, mirrored, overlap_area
from trainer.content.loader import MAX_DECK_BYTES, DeckError, DeckProblem, _ItemLines, _parse_toml, _validate_one
from trainer.content.roots import LEVELS, position
from trainer.content.schema import Key, Level, Root, Source, Text, _check_deck_id, _Fact, _Item

FORMAT_VERSION = 1
"""The body-map format this version of the trainer reads."""

VIEWS = ("front", "back")
"""The two views, in the order they are drawn (left to right)."""

LAYERS = ("dermatome", "nerve")
"""Zone layers: dermatomes (roots) and peripheral cutaneous-nerve territories."""

OVERLAP_TOLERANCE = 2e-5
"""Shared area (fraction of the picture) below which two zones count as touching, not overlapping:
about a tenth of a pixel at 120x40, so shared edges and rounding never count."""


def _coordinate(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{value} is outside the picture (coordinates run from 0 to 1)")
    return value


Coordinate = Annotated[float, AfterValidator(_coordinate)]
PointField = Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
"""[x, y]: TOML has arrays, not tuples."""
Shape = Annotated[list[PointField], Field(min_length=3, max_length=200)]
ViewName = Literal["front", "back"]


class MapMeta(_Item):
    """The `[map]` table."""

    id: Annotated[str, AfterValidator(_check_deck_id)]
    title: Text
    version: Text
    schematic: bool
    """True when the shapes are drawn for teaching, not traced from a published figure."""
    aspect: Annotated[float, Field(gt=0.1, le=2.0)]
    """Width / height of each view's picture (coordinates are stretched to it)."""
    mirror: bool = True
    """Shapes are given for the right half (x >= 0.5) and mirrored to the left."""
    description: str = ""
    license: str = ""


class TraditionItem(_Fact):
    """`[traditions.KEY]`: the map a zone follows (its method and who drew it)."""

    name: Text
    description: Text


class ViewItem(_Item):
    """`[[view]]`: one picture of the body and its outline."""

    id: ViewName
    title: Text
    outline: Shape


class ZoneItem(_Fact):
    """`[[zone]]`: one shape of one root (dermatome layer) or one nerve (nerve layer) in one view."""

    id: Key
    view: ViewName
    layer: Literal["dermatome", "nerve"]
    root: Level | None = None
    nerve: Key | None = None
    tradition: Key
    region: Text
    shape: Shape
    label_at: PointField | None = None
    """Where a label goes (default: the key point, else the shape's centre)."""

    @model_validator(mode="after")
    def _names_what_it_belongs_to(self) -> ZoneItem:
        if self.layer == "dermatome" and (self.root is None or self.nerve is not None):
            raise ValueError("root: a dermatome zone names its root (and no nerve)")
        if self.layer == "nerve" and (self.nerve is None or self.root is not None):
            raise ValueError("nerve: a nerve zone names its nerve (and no root)")
        return self


class KeyPointItem(_Fact):
    """`[[key_point]]`: an ISNCSCI key sensory point, drawn as a dot."""

    root: Level
    view: ViewName
    at: PointField
    text: Text


class NerveItem(_Fact):
    """`[[nerve]]`: a peripheral cutaneous nerve whose territory the nerve layer draws."""

    id: Key
    name: Text
    roots: list[Root] = Field(default_factory=list, max_length=8)
    """Its roots where the sources give them (empty when they do not)."""
    roots_note: str = ""
    contrasts: list[Level] = Field(default_factory=list, max_length=4)
    """Roots whose dermatome is taught against this territory ("root or nerve?")."""
    note: str = ""


class OverlapItem(_Fact):
    """`[[overlap]]`: two zones of one layer and view that are allowed to overlap, and why."""

    view: ViewName
    zones: Annotated[list[Key], Field(min_length=2, max_length=2)]
    reason: Text


class DisagreementItem(_Fact):
    """`[[disagreement]]`: a place where published maps give different roots."""

    key: Key
    roots: Annotated[list[Root], Field(min_length=2, max_length=6)]
    """Every root a cited source gives, the preferred one first."""
    text: Text


class NoteItem(_Fact):
    """`[[note]]`: an area left blank on purpose, and why."""

    key: Key
    view: ViewName
    text: Text


_TABLES: dict[str, type[_Item]] = {
    "view": ViewItem,
    "zone": ZoneItem,
    "key_point": KeyPointItem,
    "nerve": NerveItem,
    "overlap": OverlapItem,
    "disagreement": DisagreementItem,
    "note": NoteItem,
}
_TOP_LEVEL = ("format", "map", "sources", "traditions", *_TABLES)


# --- the validated map ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Zone:
    """One shape of the map (both sides: `polygons` holds the shape and its mirror image)."""

    id: str
    view: str
    layer: str
    root: str | None
    nerve: str | None
    tradition: str
    region: str
    shape: Polygon
    polygons: tuple[Polygon, ...]
    label_at: Point
    sources: tuple[str, ...]

    @property
    def target(self) -> str:
        """What the zone belongs to: its root, or its nerve's id."""
        return self.root if self.root is not None else self.nerve  # type: ignore[return-value]

    def contains(self, point: Point) -> bool:
        """Whether the point is inside the zone on either side of the body."""
        return any(contains(polygon, point) for polygon in self.polygons)


@dataclass(frozen=True)
class KeyPoint:
    """An ISNCSCI key sensory point."""

    root: str
    view: str
    at: Point
    text: str
    sources: tuple[str, ...]

    @property
    def both_sides(self) -> tuple[Point, ...]:
        """The point and its mirror image (ISNCSCI tests each side)."""
        return (self.at, (1.0 - self.at[0], self.at[1]))


@dataclass(frozen=True)
class Nerve:
    """A peripheral cutaneous nerve of the nerve layer."""

    id: str
    name: str
    roots: tuple[str, ...]
    roots_note: str
    contrasts: tuple[str, ...]
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Tradition:
    """A map tradition a zone follows."""

    key: str
    name: str
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    """A place where maps disagree: every root a source gives, preferred first."""

    key: str
    roots: tuple[str, ...]
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Overlap:
    """A declared overlap between two zones."""

    view: str
    zones: tuple[str, str]
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MapNote:
    """An area left blank on purpose."""

    key: str
    view: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class BodyMap:
    """A validated body map. Identity-hashed, so renderers can cache per map."""

    id: str
    title: str
    version: str
    description: str
    schematic: bool
    aspect: float
    outlines: dict[str, tuple[Polygon, ...]]
    """Per view: the body's outline and its mirror image."""
    view_titles: dict[str, str]
    zones: tuple[Zone, ...]
    key_points: tuple[KeyPoint, ...]
    nerves: tuple[Nerve, ...]
    traditions: dict[str, Tradition]
    overlaps: tuple[Overlap, ...]
    disagreements: tuple[Disagreement, ...]
    notes: tuple[MapNote, ...]
    sources: dict[str, Source]
    path: str | None = None

    def zones_in(self, view: str, layer: str) -> tuple[Zone, ...]:
        """The zones of one layer in one view, in file order (the order they are drawn)."""
        return tuple(z for z in self.zones if z.view == view and z.layer == layer)

    def zones_of(self, target: str) -> tuple[Zone, ...]:
        """Every zone of a root (dermatome layer) or of a nerve id (nerve layer), in both views."""
        return tuple(z for z in self.zones if z.target == target)

    def zone(self, zone_id: str) -> Zone | None:
        """The zone with this id, or None."""
        return next((z for z in self.zones if z.id == zone_id), None)

    def key_point(self, root: str) -> KeyPoint | None:
        """The ISNCSCI key point of a root, or None."""
        return next((k for k in self.key_points if k.root == root), None)

    def nerve(self, nerve_id: str) -> Nerve | None:
        """The nerve with this id, or None."""
        return next((n for n in self.nerves if n.id == nerve_id), None)

    def roots(self) -> tuple[str, ...]:
        """Every root with a zone, in cranio-caudal order."""
        return tuple(sorted({z.root for z in self.zones if z.root is not None}, key=position))

    def layer_of(self, target: str) -> str:
        """"dermatome" for a root, "nerve" for a nerve id."""
        return "nerve" if self.nerve(target) is not None else "dermatome"

    def disagreements_of(self, root: str) -> tuple[Disagreement, ...]:
        """The places where maps disagree about this root."""
        return tuple(d for d in self.disagreements if root in d.roots)

    def find_nerve(self, text: str) -> Nerve | None:
        """The nerve a user means by `text`: its id or its name, ignoring case, spaces and hyphens."""
        wanted = _fold(text)
        for nerve in self.nerves:
            if wanted in (_fold(nerve.id), _fold(nerve.name), _fold(nerve.name.removesuffix(" nerve"))):
                return nerve
        return None

    def suggest_nerve(self, text: str) -> str | None:
        """The nerve id closest to a misspelt one, for a "did you mean" hint."""
        close = get_close_matches(text.casefold(), [n.id for n in self.nerves], n=1, cutoff=0.5)
        return close[0] if close else None


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# --- loading ----------------------------------------------------------------------------------


def load_bodymap(path: Path | str) -> BodyMap:
    """Read and validate a body-map file.

    Raises:
        DeckError: the file is unreadable, not TOML, or not a valid body map (every problem listed).
    """
    path = Path(path)
    name = str(path)
    try:
        if path.stat().st_size > MAX_DECK_BYTES:
            raise DeckError([DeckProblem(name, "is too large for a body-map file")])
        data = path.read_bytes()
    except DeckError:
        raise
    except FileNotFoundError:
        raise DeckError([DeckProblem(name, "no such file")]) from None
    except OSError as error:
        raise DeckError([DeckProblem(name, f"cannot be read ({error.strerror or error})")]) from None
    return load_bodymap_text(data, name=name)


def load_bodymap_text(text: str | bytes, *, name: str) -> BodyMap:
    """Validate a body map given as text or bytes; `name` is used in every problem.

    Raises:
        DeckError: the text is not a valid body map (every problem is listed).
    """
    document = _parse_toml(text, name)
    source = text if isinstance(text, str) else text.decode("utf-8")
    return _Validator(document, name, source).run()


class _Validator:
    """Collects every problem of one body-map document, item by item, then across items."""

    def __init__(self, document: dict[str, Any], name: str, text: str) -> None:
        self.document = document
        self.name = name
        self.lines = _ItemLines(text)
        self.problems: list[DeckProblem] = []

    def problem(self, message: str, location: str = "", line: int | None = None) -> None:
        self.problems.append(DeckProblem(self.name, message, location=location, line=line))

    def run(self) -> BodyMap:
        document, name = self.document, self.name
        for table in document:
            if table not in _TOP_LEVEL:
                close = get_close_matches(table, _TOP_LEVEL, n=1, cutoff=0.7)
                hint = f"; did you mean [{close[0]}]?" if close else ""
                self.problem(f"unknown table [{table}]{hint}", line=self.lines.table(table))
        fmt = document.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION or isinstance(fmt, bool):
            self.problem(f"body-map format {fmt!r} is not supported (this trainer reads format {FORMAT_VERSION})", "format")
        meta = _validate_one(MapMeta, document.get("map"), name, "[map]", self.lines.table("map"), self.problems)

        sources: dict[str, Source] = {}
        raw_sources = document.get("sources", {})
        if not isinstance(raw_sources, dict) or not raw_sources:
            self.problem("a body map needs at least one [sources.KEY] table", "sources")
            raw_sources = {}
        for key, raw in raw_sources.items():
            source = _validate_one(Source, raw, name, f"[sources.{key}]", self.lines.table(f"sources.{key}"), self.problems)
            if source is not None:
                sources[key] = source
        context = {"source_keys": frozenset(raw_sources)}

        traditions: dict[str, TraditionItem] = {}
        raw_traditions = document.get("traditions", {})
        if not isinstance(raw_traditions, dict) or not raw_traditions:
            self.problem("a body map needs at least one [traditions.KEY] table", "traditions")
            raw_traditions = {}
        for key, raw in raw_traditions.items():
            where = f"[traditions.{key}]"
            item = _validate_one(TraditionItem, raw, name, where, self.lines.table(f"traditions.{key}"), self.problems, context=context)
            if item is not None:
                traditions[key] = item

        items: dict[str, list[tuple[Any, str, int | None]]] = {}
        for table, model in _TABLES.items():
            raw_items = document.get(table, [])
            if not isinstance(raw_items, list):
                self.problem(f"write each item as [[{table}]]", table, self.lines.table(table))
                continue
            items[table] = []
            for index, raw in enumerate(raw_items):
                label = _label(table, index, raw)
                line = self.lines.item(table, index)
                item = _validate_one(model, raw, name, label, line, self.problems, context=context)
                if item is not None:
                    items[table].append((item, label, line))

        if meta is not None and not self.problems:
            built = self._assemble(meta, sources, traditions, items)
            if not self.problems:
                return built
        self.problems.sort(key=lambda p: p.line or 0)
        raise DeckError(self.problems)

    def _assemble(
        self,
        meta: MapMeta,
        sources: dict[str, Source],
        traditions: dict[str, TraditionItem],
        items: dict[str, list[tuple[Any, str, int | None]]],
    ) -> BodyMap:
        """Cross-item checks, then the BodyMap (only used when it has no problems)."""
        views = {}
        for view, label, line in items["view"]:
            if view.id in views:
                self.problem(f'view "{view.id}" is drawn twice', label, line)
            views[view.id] = view
        for missing in (v for v in VIEWS if v not in views):
            self.problem(f'no [[view]] with id "{missing}"', "view")

        nerves: dict[str, NerveItem] = {}
        for nerve, label, line in items["nerve"]:
            if nerve.id in nerves:
                self.problem(f'duplicate id "{nerve.id}"', label, line)
            nerves[nerve.id] = nerve

        zones: dict[str, Zone] = {}
        zone_lines: dict[str, tuple[str, int | None]] = {}
        for item, label, line in items["zone"]:
            if item.id in zones:
                self.problem(f'duplicate id "{item.id}": {zone_lines[item.id][0]} already uses it', label, line)
                continue
            if item.tradition not in traditions:
                self.problem(_unknown("tradition", item.tradition, traditions, "[traditions.KEY]"), f"{label}, field 'tradition'", line)
            if item.nerve is not None and item.nerve not in nerves:
                self.problem(_unknown("nerve", item.nerve, nerves, "a [[nerve]]"), f"{label}, field 'nerve'", line)
            shape = tuple((float(x), float(y)) for x, y in item.shape)
            if meta.mirror and any(x < 0.5 for x, _ in shape):
                self.problem(
                    "a mirrored map draws the right half only: every x must be 0.5 or more", f"{label}, field 'shape'", line
                )
            if area(shape) < 1e-7:
                self.problem("the shape has no area (are its points in a line?)", f"{label}, field 'shape'", line)
            polygons = (shape, mirrored(shape)) if meta.mirror else (shape,)
            label_at = (float(item.label_at[0]), float(item.label_at[1])) if item.label_at else centroid(shape)
            zones[item.id] = Zone(
                id=item.id, view=item.view, layer=item.layer, root=item.root, nerve=item.nerve,
                tradition=item.tradition, region=item.region, shape=shape, polygons=polygons,
                label_at=label_at, sources=tuple(item.sources),
            )
            zone_lines[item.id] = (label, line)

        # Coverage: every ISNCSCI level has a zone.
        covered = {z.root for z in zones.values()}
        missing_levels = [level for level in LEVELS if level not in covered]
        if missing_levels:
            self.problem(f"no zone for {', '.join(missing_levels)}: every level C2..S4-5 needs one", "zone")

        outlines = {
            vid: ((tuple(map(tuple, v.outline)),) + ((mirrored(tuple(map(tuple, v.outline))),) if meta.mirror else ()))
            for vid, v in views.items()
        }

        key_points: list[KeyPoint] = []
        seen_points: set[str] = set()
        for item, label, line in items["key_point"]:
            if item.root in seen_points:
                self.problem(f"{item.root} has two key points", label, line)
            seen_points.add(item.root)
            at = (float(item.at[0]), float(item.at[1]))
            own = [z for z in zones.values() if z.root == item.root and z.view == item.view]
            if not own:
                self.problem(f"{item.root} has no zone in the {item.view} view to hold its key point", f"{label}, field 'view'", line)
            elif not any(z.contains(at) for z in own):
                inside = [z.id for z in zones.values() if z.view == item.view and z.layer == "dermatome" and z.contains(at)]
                where = f" (it falls in {', '.join(inside)})" if inside else ""
                self.problem(f"the key point is outside every {item.root} zone{where}", f"{label}, field 'at'", line)
            if item.view in outlines and not any(contains(p, at) for p in outlines[item.view]):
                self.problem("the key point is outside the body's outline", f"{label}, field 'at'", line)
            key_points.append(KeyPoint(item.root, item.view, at, item.text, tuple(item.sources)))

        declared: dict[frozenset[str], OverlapItem] = {}
        for item, label, line in items["overlap"]:
            pair = frozenset(item.zones)
            for zone_id in item.zones:
                if zone_id not in zones:
                    self.problem(_unknown("zone", zone_id, zones, "a [[zone]]"), f"{label}, field 'zones'", line)
            if len(pair) != 2:
                self.problem("an overlap names two different zones", f"{label}, field 'zones'", line)
                continue
            if all(z in zones for z in pair):
                a, b = (zones[z] for z in item.zones)
                if a.view != item.view or b.view != item.view or a.layer != b.layer:
                    self.problem("both zones must be in this view and in the same layer", f"{label}, field 'zones'", line)
                elif overlap_area(a.polygons, b.polygons) <= OVERLAP_TOLERANCE:
                    self.problem(f"{a.id} and {b.id} do not overlap: remove this [[overlap]]", label, line)
            declared[pair] = item
        for view in VIEWS:
            for layer in LAYERS:
                group = [z for z in zones.values() if z.view == view and z.layer == layer]
                for a, b in combinations(group, 2):
                    if frozenset((a.id, b.id)) in declared or not _boxes_meet(a, b):
                        continue
                    shared = overlap_area(a.polygons, b.polygons)
                    if shared > OVERLAP_TOLERANCE:
                        label, line = zone_lines[b.id]
                        self.problem(
                            f"overlaps {a.id} ({shared * 100:.2f}% of the picture); declare it in an [[overlap]] or redraw",
                            f"{label}, field 'shape'",
                            line,
                        )

        for nerve, label, line in items["nerve"]:
            for root in nerve.contrasts:
                if root not in covered:
                    self.problem(f"{root} has no zone to contrast with", f"{label}, field 'contrasts'", line)
            if not any(z.nerve == nerve.id for z in zones.values()):
                self.problem("the nerve has no zone", label, line)

        return BodyMap(
            id=meta.id,
            title=meta.title,
            version=meta.version,
            description=meta.description,
            schematic=meta.schematic,
            aspect=meta.aspect,
            outlines=outlines,
            view_titles={vid: v.title for vid, v in views.items()},
            zones=tuple(zones.values()),
            key_points=tuple(sorted(key_points, key=lambda k: position(k.root))),
            nerves=tuple(
                Nerve(n.id, n.name, tuple(n.roots), n.roots_note, tuple(n.contrasts), n.note, tuple(n.sources))
                for n in nerves.values()
            ),
            traditions={k: Tradition(k, t.name, t.description, tuple(t.sources)) for k, t in traditions.items()},
            overlaps=tuple(Overlap(o.view, (o.zones[0], o.zones[1]), o.reason, tuple(o.sources)) for o in declared.values()),
            disagreements=tuple(Disagreement(d.key, tuple(d.roots), d.text, tuple(d.sources)) for d, _, _ in items["disagreement"]),
            notes=tuple(MapNote(n.key, n.view, n.text, tuple(n.sources)) for n, _, _ in items["note"]),
            sources=sources,
            path=self.name,
        )


def _boxes_meet(a: Zone, b: Zone) -> bool:
    """Whether the bounding boxes of two zones meet (a cheap filter before measuring overlap)."""

    def box(zone: Zone) -> tuple[float, float, float, float]:
        xs = [x for p in zone.polygons for x, _ in p]
        ys = [y for p in zone.polygons for _, y in p]
        return min(xs), min(ys), max(xs), max(ys)

    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


def _unknown(what: str, value: str, known: Iterable[str], define: str) -> str:
    close = get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f'; did you mean "{close[0]}"?' if close else f" (define it as {define})"
    return f'unknown {what} "{value}"{hint}'


def _label(table: str, index: int, raw: Any) -> str:
    """How a problem names an item: `[[zone]] #3 (id "L4-front")`."""
    label = f"[[{table}]] #{index + 1}"
    if isinstance(raw, dict):
        for field in ("id", "key", "root"):
            value = raw.get(field)
            if isinstance(value, str) and value.strip():
                return f'{label} ({field} "{value}")'
    return label


def targets_in_order(bodymap: BodyMap, layer: str) -> Sequence[str]:
    """Roots (cranio-caudal) or nerve ids (file order) that have zones in a layer: what a browser steps through."""
    if layer == "dermatome":
        return bodymap.roots()
    return tuple(n.id for n in bodymap.nerves)


# --- what a screen highlights -------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """One highlighted area of a figure: every zone of a root or of a nerve, with its label."""

    target: str
    """A root ("L4") or a nerve id ("ulnar")."""
    label: str
    """Shown on the map beside the area and in the legend, e.g. "A  L4 (your answer)"."""
    slot: int = 0
    """Which highlight colour: 0 for the first area, 1 for the second."""


@dataclass(frozen=True)
class Figure:
    """What a map shows for a question or an answer: the base layer and up to two highlights."""

    highlights: tuple[Highlight, ...] = ()
    layer: str = "dermatome"
    """The layer drawn under the highlights."""
    labels: bool = False
    """Label every zone (on demand: "no fact by colour alone")."""


def answer_figure(root: str) -> Figure:
    """The answer's zone highlighted and labelled, for feedback after a card about `root`."""
    return Figure(highlights=(Highlight(root, f"{root}  the answer", 0),))


def confusion_figure(given: str, expected: str) -> Figure:
    """Both zones of a confusion, each labelled: "you answered L4: here is L4, here is L5"."""
    if given == expected:
        return answer_figure(expected)
    return Figure(
        highlights=(
            Highlight(given, f"A  {given}  your answer", 0),
            Highlight(expected, f"B  {expected}  the answer", 1),
        )
    )
