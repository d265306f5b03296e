"""The exam report draws its confusion pairs on the body map: both zones of each pair, labelled."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from trainer.study.exams import ExamOptions
from trainer.tui.app import make_app
from trainer.tui.screens.exam_report import ExamReportScreen
from trainer.tui.widgets.body_map import BodyMap
from trainer.tui.widgets.confusion_maps import ConfusionMaps

from .conftest import CHOICE
from .helpers import settle


def _exam_app(db_path: Path, clock):
    return make_app(
        str(db_path), clock=clock, start="exam", cursor_blink=False, deck_ids=["tui-test"], import_builtin=False,
        exam=ExamOptions(questions=3, minutes=2, seed=4),
    )  # fmt: skip


async def _all_wrong_then_submit(pilot: Pilot[None]) -> None:
    """Answer every question with a wrong root (C5 for C6, L5 for L4 and for S1), submit, confirm."""
    await settle(pilot)
    for _ in range(3):
        card = pilot.app.screen.run.attempt.current.card
        await pilot.press(*(["1"] if card.id == CHOICE.id else ["L", "5", "enter"]))
        await pilot.pause()
    await pilot.press("ctrl+s", "enter")
    await settle(pilot)


def _painted(widget: BodyMap) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def test_each_confusion_pair_is_drawn_with_both_zones_labelled(db_path: Path, clock) -> None:
    """Three pairs (L5 for L4, L5 for S1, C5 for C6): three maps, each naming the given and the expected root."""
    app = _exam_app(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await _all_wrong_then_submit(pilot)
        assert isinstance(app.screen, ExamReportScreen)
        maps = app.screen.query_one(ConfusionMaps)
        pairs = {(given, expected) for given, expected, _count in maps.pairs}
        assert pairs == {("L5", "L4"), ("L5", "S1"), ("C5", "C6")}
        captions = [str(c.render()) for c in maps.query(".confusion-caption")]
        drawn = list(maps.query(BodyMap))
        assert len(drawn) == len(captions) == 3
        for caption, widget in zip(captions, drawn, strict=True):
            given, expected = caption.split("you answered ")[1].split(" where ")[0], caption.split(" where ")[1].split(" ")[0]
            widget.scroll_visible(animate=False)
            await pilot.pause()
            legend = _painted(widget)
            assert f"A  {given}  your answer" in legend and f"B  {expected}  the answer" in legend


class TestExamMapSnapshot:
    """The report's first confusion map, looked at before being accepted."""

    def test_the_report_scrolled_to_its_first_confusion_map_at_80x24(self, snap_compare, db_path, clock) -> None:
        """At 80x24 the map follows the list of confusions: page down once to see it whole."""

        async def run_before(pilot: Pilot[None]) -> None:
            await _all_wrong_then_submit(pilot)
            pilot.app.screen.query_one(".confusion-caption").scroll_visible(animate=False, top=True)
            await settle(pilot)

        assert snap_compare(_exam_app(db_path, clock), terminal_size=(80, 24), run_before=run_before)
