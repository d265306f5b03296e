"""Body-map cards in review, answered as a student would (typing, pointing, choosing), checked in the database.

Also the map on every feedback: the answer's zone, or both zones of a confusion, each labelled;
beside the feedback from 100x30 up, on demand (`m`) at 80x24.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind, CompiledDeck
from trainer.content.map_cards import compile_map_deck
from trainer.store import repo
from trainer.store.db import open_store, resolve_db_url
from trainer.study.atlas import builtin_bodymap
from trainer.study.settings import set_setting
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.review import ReviewScreen
from trainer.tui.widgets.body_map import BodyMap
from trainer.tui.widgets.map_answer import MapPanel
from trainer.tui.widgets.map_cursor import MapCursor

from .conftest import NOW, Db
from .helpers import feedback_of, settle, text_of

MAP_DECK = compile_map_deck(builtin_bodymap())


def _map_card(template: str, key: str) -> Card:
    return next(c for c in MAP_DECK.cards if c.template == template and c.fact_key == key)


ZONE_L5 = _map_card("zone-to-root", "zone:L5")
LOCATE_L4 = _map_card("root-to-zone", "zone:L4")
ROOT_OR_NERVE = _map_card("root-or-nerve", "contrast:L5:superficial-fibular")
MAP_TEST_DECK = CompiledDeck(info=MAP_DECK.info, cards=(ZONE_L5, LOCATE_L4, ROOT_OR_NERVE))
"""One card of each map kind, in queue order (no two are siblings, so none is buried)."""


@pytest.fixture
def map_db_path(tmp_path: Path) -> Path:
    """A temporary database holding the three map cards."""
    path = tmp_path / "map.db"
    store = open_store(resolve_db_url(str(path)))
    try:
        with store.session() as session:
            repo.sync_deck(session=session, deck=MAP_TEST_DECK, now=NOW)
            set_setting(session, "new_order", "deck")
            session.commit()
    finally:
        store.close()
    return path


@pytest.fixture
def map_app(map_db_path: Path, clock: FixedClock) -> Callable[[], TrainerApp]:
    """The app on the map-card database, reviewing the map deck."""
    return lambda: make_app(
        str(map_db_path), clock=clock, cursor_blink=False, deck_ids=[MAP_TEST_DECK.info.id], import_builtin=False
    )


async def start_review(pilot: Pilot[None]) -> None:
    """From Home, Enter; then wait for the card and its map."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)


def map_text(app: App[None], selector: str = "#map-figure") -> str:
    """Everything a map paints as text: view titles, labels on the map and the legend under it."""
    widget = app.screen.query_one(selector, BodyMap)
    assert widget.display and widget.size.height > 0
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def point_at(pilot: Pilot[None], zone_id: str) -> None:
    """Walk the map cursor with the arrow keys from where it starts to the middle of a zone."""
    cursor = pilot.app.screen.query_one(MapCursor)
    zone = cursor.bodymap.zone(zone_id)
    raster = cursor.raster(zone.view, "dermatome")
    pixels = sorted(raster.pixels_of(zone_id), key=lambda p: (p[0] < raster.width // 2, p[1]))
    x, y = pixels[len(pixels) // 2]
    view, x0, y0 = cursor.cursor
    assert view == zone.view == "front"
    await pilot.press(*(["down"] * (y - y0) + ["up"] * (y0 - y) + ["right"] * (x - x0) + ["left"] * (x0 - x)))


class TestMapCardsInReview:
    """Each map kind is asked on the map, answered, graded and recorded like any card."""

    async def test_a_zone_card_is_answered_by_typing_its_root(self, map_app, db_path, map_db_path: Path) -> None:
        """The L5 zone is highlighted as "?"; typing L4 is one level off, both zones are then named; Enter records it."""
        app = map_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_review(pilot)
            assert "Which root supplies the highlighted zone?" in text_of(app, "#card-prompt")
            question = map_text(app)
            assert "?  the highlighted zone" in question and "L5" not in question
            await pilot.press("l", "4", "enter")
            await settle(pilot)
            assert feedback_of(app).verdict.startswith("✗ One level off  you said L4")
            feedback = map_text(app)
            assert "A  L4  your answer" in feedback and "B  L5  the answer" in feedback
            await pilot.press("enter")
        (review,) = Db(map_db_path).reviews()
        assert (review.card_id, review.verdict, review.given_root, review.response, review.quality) == (
            ZONE_L5.id, "adjacent", "L4", "l4", 1,
        )  # fmt: skip

    async def test_a_locate_card_is_answered_with_the_arrow_keys_and_enter(self, map_app, map_db_path: Path) -> None:
        """Arrows to the L4 zone (medial leg), Enter: right; the feedback map labels L4; Enter records grade 5."""
        app = map_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_review(pilot)
            await pilot.press("l", "5", "enter")
            await settle(pilot)
            await pilot.press("enter")  # record the zone card; the locate card comes next
            await settle(pilot)
            assert "Move the cursor to the zone of L4" in text_of(app, "#card-prompt")
            assert app.screen.query_one(MapCursor).has_focus
            assert "L4" not in map_text(app, "#map-cursor")  # nothing names the zones while pointing
            await point_at(pilot, "L4-front")
            await pilot.press("enter")
            await settle(pilot)
            assert feedback_of(app).verdict.startswith("✓ Right")
            assert "L4  the answer" in map_text(app)
            await pilot.press("enter")
        first, second = Db(map_db_path).reviews()
        assert first.card_id == ZONE_L5.id and first.verdict == "correct"
        assert (second.card_id, second.verdict, second.response, second.given_root, second.quality) == (
            LOCATE_L4.id, "correct", "L4", "L4", 5,
        )  # fmt: skip

    async def test_a_click_on_the_wrong_zone_is_recorded_wrong_with_the_zone_pointed_at(self, map_app, map_db_path: Path) -> None:
        """A click on the front of the thigh (L2) and Enter: wrong; the feedback shows L2 and L4, each labelled."""
        app = map_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await start_review(pilot)
            await pilot.press("l", "5", "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            cursor = app.screen.query_one(MapCursor)
            raster = cursor.raster("front", "dermatome")
            # A click lands on a cell's top pixel (even y): take one that is L2's alone.
            pixels = sorted((x, y) for x, y in raster.pixels_of("L2-front") if y % 2 == 0 and raster.zones_at(x, y) == ("L2-front",))
            x, y = pixels[len(pixels) // 2]
            left, top, _cols, _rows = cursor._layout
            await pilot.click(MapCursor, offset=(left + x, top + y // 2))
            await pilot.press("enter")
            await settle(pilot)
            assert feedback_of(app).verdict.startswith("✗ Wrong")
            feedback = map_text(app)
            assert "A  L2  your answer" in feedback and "B  L4  the answer" in feedback
            await pilot.press("enter")
        second = Db(map_db_path).reviews()[1]
        assert (second.card_id, second.verdict, second.response, second.given_root, second.quality) == (
            LOCATE_L4.id, "wrong", "L2", "L2", 1,
        )  # fmt: skip

    async def test_a_root_or_nerve_card_is_answered_by_choosing_an_area(self, map_app, map_db_path: Path) -> None:
        """Areas A and B are drawn and offered as options 1 and 2; picking the nerve's is wrong and says whose it is."""
        app = map_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await start_review(pilot)
            await pilot.press("l", "5", "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await point_at(pilot, "L4-front")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "Which is the L5 dermatome?" in text_of(app, "#card-prompt")
            question = map_text(app)
            assert "A  area A" in question and "B  area B" in question and "L5" not in question
            nerve_area = "B" if ROOT_OR_NERVE.answer == "A" else "A"
            await pilot.press(str(ROOT_OR_NERVE.choices.index(nerve_area) + 1))
            await settle(pilot)
            assert feedback_of(app).verdict.startswith("✗ Wrong")
            feedback = map_text(app)
            assert f"{ROOT_OR_NERVE.answer}  L5 dermatome" in feedback
            # The nerve's name wraps in the legend rather than being cut short at 100 columns.
            assert f"{nerve_area} superficial fibular (peroneal) nerve" in " ".join(feedback.split())
            await pilot.press("enter")
        third = Db(map_db_path).reviews()[2]
        assert (third.card_id, third.verdict, third.response, third.quality) == (ROOT_OR_NERVE.id, "wrong", nerve_area, 1)


class TestFeedbackMap:
    """Every card that names a root shows its zone on the feedback."""

    async def test_at_80x24_the_map_waits_for_m_and_then_shows_the_confusion(self, app_factory, db: Db) -> None:
        """A typed L4 card answered L5: no map until m; then L5 and L4 labelled; m hides it; the answer is recorded."""
        app = app_factory()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            panel = app.screen.query_one(MapPanel)
            assert not panel.display
            await pilot.press("L", "5", "enter")
            await settle(pilot)
            assert not panel.display  # the feedback's text has the rows at 80x24
            await pilot.press("m")
            await settle(pilot)
            feedback = map_text(app)
            assert "A  L5  your answer" in feedback and "B  L4  the answer" in feedback
            await pilot.press("m")
            assert not panel.display
            await pilot.press("enter")
        (review,) = db.reviews()
        assert (review.verdict, review.given_root) == ("adjacent", "L5")

    async def test_at_120x40_the_answers_zone_is_shown_on_every_feedback(self, app_factory, db: Db) -> None:
        """A right answer: its zone alone, labelled; a card naming no root: a note instead of a map."""
        app = app_factory()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.query_one(MapPanel).display  # the column is kept, so the feedback never reflows
            await pilot.press("L", "4", "enter")
            await settle(pilot)
            assert "L4  the answer" in map_text(app) and "your answer" not in map_text(app)
            await pilot.press("enter", "2")  # record; the choice card (C6): pick C6, right
            await settle(pilot)
            assert "C6  the answer" in map_text(app)
            await pilot.press("enter", "space")  # record; the recall card (patellar reflex) names no root
            await settle(pilot)
            assert not app.screen.query_one("#map-figure").display
            assert "names no zone" in text_of(app, "#map-note")
        assert [r.card_id.split(":")[0] for r in db.reviews()] == ["tui-test", "tui-test"]

    async def test_map_cards_are_never_exam_questions(self) -> None:
        """Exams ask typed, choice and true/false cards: a map card's question is on the map, which the exam screen does not draw."""
        from trainer.study.exam_blueprint import exam_eligible

        assert not any(exam_eligible(c) for c in MAP_DECK.cards)
        assert {c.kind for c in MAP_DECK.cards} == {CardKind.MAP_ZONE, CardKind.MAP_LOCATE, CardKind.MAP_ROOT_OR_NERVE}


def _then_settle(*keys: str):
    """A snapshot `run_before`: wait for the store, press `keys` one by one, wait for workers and the map."""

    async def run_before(pilot: Pilot[None]) -> None:
        """Wait, press, wait."""
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


class TestFeedbackMapSnapshots:
    """Pictures of the feedback with its map, looked at before being accepted."""

    def test_a_zone_card_confusion_at_80x24(self, snap_compare, map_app) -> None:
        """L4 typed for the L5 zone: the compact map beside the feedback, both zones labelled A and B."""
        assert snap_compare(map_app(), terminal_size=(80, 24), run_before=_then_settle("enter", "l", "4", "enter"))

    def test_a_typed_card_confusion_at_120x40(self, snap_compare, app_factory) -> None:
        """L5 typed for the L4 key point: the feedback and, in its own column, L5 and L4 labelled."""
        assert snap_compare(app_factory(), terminal_size=(120, 40), run_before=_then_settle("enter", "L", "5", "enter"))

    def test_a_typed_card_map_on_demand_at_80x24(self, snap_compare, app_factory) -> None:
        """The same answer at 80x24 after m: the map beside the feedback, which wraps narrower."""
        assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_then_settle("enter", "L", "5", "enter", "m"))
