"""The map explorer and the BodyMap widget, driven as a student would (keys), read back from the screen."""

from __future__ import annotations

from click.testing import CliRunner
from textual.app import App, ComposeResult

from trainer.cli import main
from trainer.content.bodymap import load_bodymap
from trainer.paths import builtin_map_path
from trainer.study.atlas import builtin_atlas
from trainer.tui.map_app import MapApp
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.map import MapScreen
from trainer.tui.widgets.body_map import HIGHLIGHT_COLOURS, BodyMap, confusion_map

from .helpers import settle, text_of


def _screen_text(app: App[None]) -> str:
    """Everything the map widget paints, as plain text (labels, legend, titles)."""
    widget = app.screen.query_one(BodyMap)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def _painted_colours(app: App[None]) -> set[str]:
    widget = app.screen.query_one(BodyMap)
    colours = set()
    for y in range(widget.size.height):
        for segment in widget.render_line(y):
            if segment.style is not None:
                for colour in (segment.style.color, segment.style.bgcolor):
                    if colour is not None:
                        colours.add(colour.triplet.hex.upper() if colour.triplet else str(colour))
    return colours


class TestExplorer:
    """`trainer map L4`: the zone highlighted and its facts beside it; arrows browse; n and l toggle."""

    async def test_l4_is_highlighted_with_its_key_point_muscle_reflex_and_discs(self) -> None:
        """What a student sees for L4: the zone in orange, labelled, and the deck's facts with sources."""
        app = MapApp("L4")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            facts = text_of(app, "#map-facts-text")
            assert facts.startswith("L4  lumbar root")
            assert "over the medial malleolus" in facts
            assert "ankle dorsiflexion (tibialis anterior)" in facts
            assert "the patellar (knee-jerk) reflex" in facts
            assert "L3-L4 disc, posterolateral herniation" in facts
            assert "L4-L5 disc, far-lateral herniation" in facts
            assert "Maps disagree: knee" in facts and "KSP08" in facts
            painted = _screen_text(app)
            assert "L4  dermatome (lumbar)" in painted  # the legend names the highlight: not colour alone
            assert "L4" in painted.split("\n", 1)[1].rsplit("\n", 2)[0]  # and a label on the map itself
            assert HIGHLIGHT_COLOURS[0].upper() in _painted_colours(app)

    async def test_arrows_browse_the_roots_in_order_and_wrap(self) -> None:
        """Down goes caudally (L4 -> L5), up from C2 wraps to S4-5."""
        app = MapApp("L4")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("down")
            assert text_of(app, "#map-facts-text").startswith("L5")
            await pilot.press("up", "up")
            assert text_of(app, "#map-facts-text").startswith("L3")
        app = MapApp("C2")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("left")
            assert text_of(app, "#map-facts-text").startswith("S4-5")
            assert "none: ISNCSCI has key muscles only" in text_of(app, "#map-facts-text")

    async def test_n_shows_the_nerve_taught_against_the_root_and_back(self) -> None:
        """From L4, n shows the saphenous nerve beside the L4 dermatome; n again returns to the root."""
        app = MapApp("L4")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            facts = text_of(app, "#map-facts-text")
            assert facts.startswith("saphenous nerve")
            assert "A nerve territory is not a dermatome" in facts
            painted = _screen_text(app)
            assert "A  saphenous nerve" in painted and "B  L4 dermatome, taught against it" in painted
            await pilot.press("down")
            assert text_of(app, "#map-facts-text").startswith("superficial fibular")
            await pilot.press("n")
            assert text_of(app, "#map-facts-text").startswith("L5")

    async def test_a_nerve_target_opens_on_the_nerve_layer(self) -> None:
        """`trainer map ulnar`: the ulnar territory and the C8 dermatome, with the split ring finger explained."""
        app = MapApp("ulnar")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            facts = text_of(app, "#map-facts-text")
            assert facts.startswith("ulnar nerve") and "split ring finger" in facts
            assert "B  C8 dermatome" in _screen_text(app)

    async def test_l_labels_every_zone(self) -> None:
        """Labels on demand: root names appear on the map."""
        app = MapApp("C2")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            before = _screen_text(app)
            await pilot.press("l")
            after = _screen_text(app)
            for root in ("T10", "L3", "S2"):
                assert root not in before and root in after

    async def test_q_quits_the_standalone_explorer(self) -> None:
        """In `trainer map`, q leaves the program."""
        app = MapApp("L4")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code in (0, None)
        assert not app.is_running

    async def test_home_m_opens_the_map_and_q_comes_back(self, app_factory) -> None:
        """From Home, m opens the explorer on C2; q returns to Home."""
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, MapScreen)
            assert text_of(app, "#map-facts-text").startswith("C2")
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


class _Host(App[None]):
    """A tiny app holding one widget, as a feedback screen would."""

    def __init__(self, widget: BodyMap) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


class TestWidget:
    """The BodyMap API that feedback and exam screens call."""

    async def test_a_confusion_shows_both_zones_each_labelled(self) -> None:
        """"You answered L4: here is L4, here is L5": two colours, two letters, two legend lines."""
        bodymap = builtin_atlas().bodymap
        app = _Host(confusion_map(bodymap, given="L4", expected="L5"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            painted = _screen_text(app)
            assert "A  L4  your answer" in painted and "B  L5  the answer" in painted
            colours = _painted_colours(app)
            assert {c.upper() for c in HIGHLIGHT_COLOURS} <= colours

    async def test_show_answer_repaints_with_the_new_root(self) -> None:
        """One widget reused across cards: show_answer replaces the highlight."""
        bodymap = load_bodymap(builtin_map_path())
        widget = BodyMap(bodymap)
        app = _Host(widget)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "Colours: roots" in _screen_text(app)
            widget.show_answer("C7")
            await pilot.pause()
            assert "C7  the answer" in _screen_text(app)
            raster = widget.raster("back")
            assert raster is not None and any(raster.pixels_of(z.id) for z in bodymap.zones_of("C7"))

    async def test_the_map_uses_the_space_it_gets(self) -> None:
        """Compact at 80x24, larger at 120x40."""
        bodymap = builtin_atlas().bodymap
        sizes = []
        for size in ((80, 24), (120, 40)):
            widget = BodyMap(bodymap)
            async with _Host(widget).run_test(size=size) as pilot:
                await pilot.pause()
                sizes.append(widget.view_size)
        assert sizes[0][1] < sizes[1][1] and sizes[0][0] < sizes[1][0]
        assert sizes[1][1] >= 30


class TestMapCommand:
    """`trainer map` on the command line: bad targets and bad files get one clear line, never a traceback."""

    def test_an_unknown_target_is_refused_with_a_hint(self) -> None:
        """A misspelt nerve gets "did you mean"; a disc is named as a disc; exit code 2."""
        runner = CliRunner()
        result = runner.invoke(main, ["map", "saphenus"])
        assert result.exit_code == 2 and 'did you mean "saphenous"?' in result.output
        result = runner.invoke(main, ["map", "L4-5"])
        assert result.exit_code == 2 and "L4-5 names a disc, not a root" in result.output
        result = runner.invoke(main, ["map", "C1"])
        assert result.exit_code == 2 and "C1 has no zone on the map" in result.output

    def test_check_validates_a_map_file(self, tmp_path) -> None:
        """`trainer map --check FILE` says ok, or lists located problems and exits 1."""
        runner = CliRunner()
        result = runner.invoke(main, ["map", "--check", str(builtin_map_path())])
        assert result.exit_code == 0 and "ok (" in result.output
        bad = tmp_path / "bad.toml"
        bad.write_text(builtin_map_path().read_text(encoding="utf-8").replace('root = "S2"\ntradition', 'root = "S1"\ntradition'))
        result = runner.invoke(main, ["map", "--check", str(bad)])
        assert result.exit_code == 1 and f"{bad}" in result.output and "no zone for S2" in result.output
