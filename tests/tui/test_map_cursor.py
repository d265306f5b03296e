"""The cursor widget for "move the cursor to the zone of L5", on a tiny host app, driven by keys and clicks."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult

from trainer.content.answers import Verdict
from trainer.content.map_cards import check_map, generate_map_cards
from trainer.study.atlas import builtin_atlas
from trainer.tui.widgets.map_cursor import MapCursor


class Host(App[None]):
    """Mounts one MapCursor and records what it posts, as a review screen would."""

    def __init__(self) -> None:
        super().__init__()
        self.picked: list[MapCursor.Picked] = []

    def compose(self) -> ComposeResult:
        yield MapCursor(builtin_atlas().bodymap)

    def on_mount(self) -> None:
        self.query_one(MapCursor).focus()

    @on(MapCursor.Picked)
    def _picked(self, message: MapCursor.Picked) -> None:
        self.picked.append(message)


def _target_pixel(widget: MapCursor, zone_id: str) -> tuple[str, int, int]:
    """A pixel of a zone, near its middle, at the widget's current size."""
    zone = widget.bodymap.zone(zone_id)
    raster = widget.raster(zone.view, "dermatome")
    pixels = sorted(raster.pixels_of(zone_id), key=lambda p: (p[0] < raster.width // 2, p[1]))
    x, y = pixels[len(pixels) // 2]
    return zone.view, x, y


def _card(template: str, key: str):
    return next(c for c in generate_map_cards(builtin_atlas().bodymap) if c.template == template and c.fact_key == key)


class TestMapCursor:
    """Arrow keys, Enter, a click, and the answer they give."""

    async def test_arrow_keys_to_the_l5_zone_then_enter_is_correct(self) -> None:
        """From the navel, walk down and out to the lateral calf: Picked says L5 and check_map says correct."""
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            widget = app.query_one(MapCursor)
            view, x0, y0 = widget.cursor
            assert view == "front"
            _, x, y = _target_pixel(widget, "L5-front")
            keys = ["down"] * (y - y0) + ["up"] * (y0 - y) + ["right"] * (x - x0) + ["left"] * (x0 - x)
            await pilot.press(*keys)
            assert widget.cursor == ("front", x, y)
            await pilot.press("enter")
            await pilot.pause()
        assert [m.roots for m in app.picked] == [("L5",)]
        result = check_map(_card("root-to-zone", "zone:L5"), app.picked[0].response)
        assert result.verdict == Verdict.CORRECT

    async def test_a_click_moves_the_cursor_and_enter_answers_on_the_back_view(self) -> None:
        """Click on the back of the thigh (S2), Enter: the answer for an L5 card is wrong, not close."""
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            widget = app.query_one(MapCursor)
            view, x, y = _target_pixel(widget, "S2-back")
            left, top, cols, _ = widget._layout
            column = left + widget.views.index(view) * (cols + 2) + x
            await pilot.click(MapCursor, offset=(column, top + y // 2))
            assert widget.cursor[0] == "back"
            await pilot.press("enter")
            await pilot.pause()
        assert app.picked[-1].roots == ("S2",)
        assert check_map(_card("root-to-zone", "zone:L5"), app.picked[-1].response).verdict == Verdict.WRONG

    async def test_moving_right_past_the_front_view_goes_on_to_the_back_view(self) -> None:
        """The cursor crosses between views; off the body Enter answers nothing (blank)."""
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            widget = app.query_one(MapCursor)
            cols, _ = widget.view_size
            await pilot.press(*(["right"] * cols))
            assert widget.cursor[0] == "back"
            await pilot.press(*(["up"] * 60), *(["right"] * cols), "enter")  # top right corner of the back view
            await pilot.pause()
        assert app.picked[-1].roots == ()
        assert check_map(_card("root-to-zone", "zone:L5"), app.picked[-1].response).verdict == Verdict.BLANK

    async def test_the_map_never_names_the_zone_under_the_cursor(self) -> None:
        """Only the hint line; no root names and no root colours while pointing."""
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            widget = app.query_one(MapCursor)
            text = "\n".join(widget.render_line(y).text for y in range(widget.size.height))
            assert "Enter answers" in text
            assert not any(root in text for root in ("L4", "L5", "C6", "T10"))
