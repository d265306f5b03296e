"""The body map's data: complete, consistent with the ISNCSCI key points, sourced, and checked like a deck."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

from trainer.content.bodymap import OVERLAP_TOLERANCE, VIEWS, load_bodymap, load_bodymap_text
from trainer.content.geometry import contains, overlap_area
from trainer.content.loader import DeckError
from trainer.content.map_raster import OUTSIDE, fit, rasterise
from trainer.content.roots import LEVELS
from trainer.paths import builtin_decks_dir

MAP_PATH = builtin_decks_dir() / "maps" / "bodymap.toml"
TEXT = MAP_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bodymap():
    """The built-in body map, loaded once."""
    return load_bodymap(MAP_PATH)


class TestBuiltInMap:
    """What the validator promises, checked again directly on the shipped file."""

    def test_every_isncsci_level_has_a_zone_in_some_view(self, bodymap) -> None:
        """C2..S4-5: each of the 28 sensory levels can be highlighted."""
        assert [level for level in LEVELS if not bodymap.zones_of(level)] == []

    def test_every_key_point_lies_inside_its_own_roots_zone(self, bodymap) -> None:
        """A dot drawn for L4 sits in the L4 zone of its view, on both sides of the body."""
        assert len(bodymap.key_points) == len(LEVELS)
        for point in bodymap.key_points:
            own = [z for z in bodymap.zones_of(point.root) if z.view == point.view]
            for side in point.both_sides:
                assert any(contains(poly, side) for z in own for poly in z.polygons), point.root

    def test_no_key_point_falls_in_another_roots_zone(self, bodymap) -> None:
        """Only a declared overlap could put a key point in two zones, and none does."""
        for point in bodymap.key_points:
            others = [
                z.id for z in bodymap.zones_in(point.view, "dermatome") if z.root != point.root and z.contains(point.at)
            ]
            assert others == [], point.root

    def test_every_source_key_resolves(self, bodymap) -> None:
        """Zones, key points, nerves, traditions and notes all cite sources defined in the file."""
        cited = [s for z in bodymap.zones for s in z.sources]
        cited += [s for k in bodymap.key_points for s in k.sources]
        cited += [s for n in bodymap.nerves for s in n.sources]
        cited += [s for t in bodymap.traditions.values() for s in t.sources]
        cited += [s for d in bodymap.disagreements for s in d.sources]
        cited += [s for n in bodymap.notes for s in n.sources]
        assert cited and set(cited) <= set(bodymap.sources)
        assert all(z.sources for z in bodymap.zones)

    def test_no_zones_overlap_unless_declared(self, bodymap) -> None:
        """Two zones of one layer and view share skin only where an [[overlap]] says why."""
        declared = {frozenset(o.zones) for o in bodymap.overlaps}
        for view in VIEWS:
            for layer in ("dermatome", "nerve"):
                for a, b in combinations(bodymap.zones_in(view, layer), 2):
                    shared = overlap_area(a.polygons, b.polygons)
                    if frozenset((a.id, b.id)) not in declared:
                        assert shared <= OVERLAP_TOLERANCE, (a.id, b.id)

    def test_the_knee_overlap_is_declared_with_a_reason(self, bodymap) -> None:
        """L3 and L4 both reach the knee because maps disagree; the data says so."""
        (knee,) = [o for o in bodymap.overlaps if set(o.zones) == {"L3-front", "L4-front"}]
        assert "disagree" in knee.reason

    def test_every_zone_names_a_known_tradition_and_the_map_is_labelled_schematic(self, bodymap) -> None:
        """Each zone says which map it follows; the preferred one is the evidence-based Lee 2008 approach."""
        assert bodymap.schematic is True
        assert {z.tradition for z in bodymap.zones} <= set(bodymap.traditions)
        lee = bodymap.traditions["lee2008-schematic"]
        assert "LEE2008" in lee.sources
        assert "not a tracing" in lee.description
        # S3-S5 are not in Lee et al.'s map, so they follow another tradition, which says so.
        assert {z.tradition for z in bodymap.zones_of("S4-5")} == {"sacral-rings"}
        assert "left S3 to S5 out" in bodymap.traditions["sacral-rings"].description

    def test_the_nerve_layer_shows_the_lateral_thigh_and_the_split_ring_finger(self, bodymap) -> None:
        """The lateral femoral cutaneous nerve (L2-L3) owns the lateral thigh; the ulnar nerve stops mid ring finger."""
        lfcn = bodymap.nerve("lateral-femoral-cutaneous")
        assert lfcn is not None and lfcn.roots == ("L2", "L3")
        assert bodymap.zones_of("lateral-femoral-cutaneous")
        ulnar = bodymap.zones_of("ulnar")[0]
        c8 = next(z for z in bodymap.zones_of("C8") if z.view == ulnar.view)
        ring_finger_radial_half = (0.5 + 0.187 / bodymap.aspect, 0.6)
        assert c8.contains(ring_finger_radial_half) and not ulnar.contains(ring_finger_radial_half)

    def test_where_maps_disagree_is_recorded(self, bodymap) -> None:
        """The knee, the great toe, the nipple line, the groin, the sole and the lateral thigh each have a disagreement."""
        keys = {d.key for d in bodymap.disagreements}
        assert {"knee", "great-toe", "nipple-line", "groin", "sole", "lateral-thigh"} <= keys
        assert {d.key for d in bodymap.disagreements_of("L4")} >= {"knee", "great-toe"}

    def test_a_nerve_is_found_by_id_or_by_name(self, bodymap) -> None:
        """`trainer map ulnar`, `trainer map "Lateral femoral cutaneous"` and ids all work."""
        assert bodymap.find_nerve("ULNAR").id == "ulnar"
        assert bodymap.find_nerve("lateral femoral cutaneous").id == "lateral-femoral-cutaneous"
        assert bodymap.find_nerve("L4") is None
        assert bodymap.suggest_nerve("saphenus") == "saphenous"


def _broken(old: str, new: str, count: int = 1) -> str:
    assert TEXT.count(old) >= count, old
    return TEXT.replace(old, new, count)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


class TestBrokenMaps:
    """Bad body maps are refused with a located error naming the item and field; nothing loads."""

    def _problems(self, text: str) -> str:
        with pytest.raises(DeckError) as caught:
            load_bodymap_text(text, name="broken.toml")
        return str(caught.value)

    def test_a_key_point_outside_its_zone_names_the_point_and_where_it_fell(self) -> None:
        """Moving the L4 dot into the L5 zone is caught, with the zone it landed in."""
        block = re.search(r'\[\[key_point\]\]\nroot = "L4"\nview = "front"\nat = \[[^\]]*\]', TEXT).group(0)
        l5 = re.search(r'\[\[key_point\]\]\nroot = "L5"\nview = "front"\nat = (\[[^\]]*\])', TEXT).group(1)
        text = TEXT.replace(block, block.rsplit("at = ", 1)[0] + f"at = {l5}")
        message = self._problems(text)
        line = _line_of(text, block.split("\nview")[0])
        assert f'broken.toml:{line}: [[key_point]] #' in message
        assert '(root "L4"), field \'at\': the key point is outside every L4 zone (it falls in L5-front)' in message

    def test_a_missing_level_is_named(self) -> None:
        """A map without any S2 zone is refused: every level needs one."""
        text = _broken('root = "S2"\ntradition', 'root = "S1"\ntradition')
        assert "no zone for S2: every level C2..S4-5 needs one" in self._problems(text)

    def test_an_undeclared_overlap_names_both_zones(self) -> None:
        """Removing the knee's [[overlap]] makes L3/L4 an error on the L4 zone's shape."""
        start = TEXT.index("\n[[overlap]]\n")
        end = TEXT.index("\n[[disagreement]]\n")
        message = self._problems(TEXT[:start] + TEXT[end:])
        assert '[[zone]] #' in message and '(id "L4-front"), field \'shape\': overlaps L3-front' in message

    def test_a_declared_overlap_that_is_not_one_is_an_error(self) -> None:
        """An [[overlap]] between zones that do not touch would hide nothing: it must go."""
        text = _broken('zones = ["L3-front", "L4-front"]', 'zones = ["C3-front", "L4-front"]')
        assert "C3-front and L4-front do not overlap: remove this [[overlap]]" in self._problems(text)

    def test_an_unknown_source_key_is_named_with_a_suggestion(self) -> None:
        """A typo in a zone's sources gets "did you mean"."""
        text = _broken('sources = ["KSP08", "HPIM19", "BERKOWITZ", "BROMLEY"]', 'sources = ["KSP8", "HPIM19", "BERKOWITZ", "BROMLEY"]')
        message = self._problems(text)
        assert "field 'sources': unknown source key \"KSP8\"; did you mean \"KSP08\"?" in message
        assert '(id "L4-' in message

    def test_every_bad_item_is_reported_in_one_run(self) -> None:
        """A misspelt field and a root that is not a level, in two zones: both are listed."""
        text = _broken('region = "the middle finger"', 'regoin = "the middle finger"')
        text = text.replace('root = "T7"\ntradition', 'root = "T13"\ntradition', 1)
        message = self._problems(text)
        assert '(id "C7-front"), field \'regoin\': is not a field of this table; did you mean "region"?' in message
        assert '(id "T7-front"), field \'root\': "T13" is not a spinal root; did you mean "T12"?' in message

    def test_an_unknown_tradition_gets_a_suggestion(self) -> None:
        """A zone's tradition must be one of [traditions.*]."""
        text = _broken('tradition = "lee2008-schematic"', 'tradition = "lee2008-schematc"')
        assert "field 'tradition': unknown tradition \"lee2008-schematc\"; did you mean \"lee2008-schematic\"?" in self._problems(text)

    def test_a_coordinate_outside_the_picture_is_refused(self) -> None:
        """Coordinates run from 0 to 1."""
        first = re.search(r"shape = \[\[([0-9.]+), ", TEXT).group(1)
        text = TEXT.replace(f"shape = [[{first}, ", "shape = [[1.5, ", 1)
        assert "1.5 is outside the picture (coordinates run from 0 to 1)" in self._problems(text)

    def test_a_shape_on_the_left_half_of_a_mirrored_map_is_refused(self) -> None:
        """Shapes are drawn on the right half only; the left half is their mirror image."""
        first = re.search(r"shape = \[\[([0-9.]+), ", TEXT).group(1)
        text = TEXT.replace(f"shape = [[{first}, ", "shape = [[0.3, ", 1)
        assert "a mirrored map draws the right half only" in self._problems(text)

    def test_a_dermatome_zone_without_a_root_is_refused(self) -> None:
        """A zone says what it belongs to."""
        text = _broken('root = "C3"\ntradition', 'tradition')
        assert "a dermatome zone names its root" in self._problems(text)

    def test_not_toml_is_a_located_syntax_error(self, tmp_path: Path) -> None:
        """A broken file is reported by line, never with a traceback."""
        path = tmp_path / "bad.toml"
        path.write_text("[map\nid = 1\n", encoding="utf-8")
        with pytest.raises(DeckError) as caught:
            load_bodymap(path)
        assert f"{path}:1" in str(caught.value) and "TOML syntax error" in str(caught.value)


class TestRaster:
    """The pixel grid the terminal draws."""

    def test_fit_keeps_the_aspect_and_an_even_width(self) -> None:
        """At 120x40 the views are large; at 80x24 they still fit; widths are even."""
        assert fit(0.52, 34, 36) == (34, 32)
        assert fit(0.52, 20, 19) == (18, 17) or fit(0.52, 20, 19)[0] % 2 == 0
        assert fit(0.52, 1, 10) == (0, 0)

    @pytest.mark.parametrize("size", [(18, 34), (34, 64), (60, 116)])
    def test_each_key_point_pixel_is_in_its_roots_zone_at_terminal_sizes(self, bodymap, size) -> None:
        """At 80x24, 120x40 and larger, the dot of every root lands on that root's colour (or a declared overlap)."""
        width, height = size
        for point in bodymap.key_points:
            raster = rasterise(bodymap, point.view, "dermatome", width, height)
            x, y = raster.pixel_of(point.at)
            # The dot's own pixel, or (at the smallest size, where a band is one pixel) a neighbour.
            near = {z for dx in (-1, 0, 1) for dy in (-1, 0, 1) for z in raster.zones_at(x + dx, y + dy)}
            own = set(raster.zones_at(x, y)) if size != (18, 34) else near
            assert any(bodymap.zone(z).root == point.root for z in own), (point.root, size, own)

    def test_the_picture_is_symmetric_and_the_background_stays_outside(self, bodymap) -> None:
        """Mirrored shapes give the same zones at mirrored pixels; the corners are off the body."""
        raster = rasterise(bodymap, "front", "dermatome", 34, 64)
        assert raster.cell(0, 0) == OUTSIDE
        for y in range(raster.height):
            for x in range(raster.width):
                assert raster.zones_at(x, y) == raster.zones_at(raster.width - 1 - x, y)

    def test_at_the_compact_size_every_zone_still_has_a_pixel(self, bodymap) -> None:
        """A finger narrower than a pixel keeps one, so C7 can be highlighted and pointed at on 80x24."""
        for view in VIEWS:
            for layer in ("dermatome", "nerve"):
                raster = rasterise(bodymap, view, layer, 18, 34)
                for zone in bodymap.zones_in(view, layer):
                    assert raster.pixels_of(zone.id), zone.id
