"""Two windows on one database (issue 12, item 2): two app instances, one file, answers interleaved.

SM-2 allows one repetition per due date: a card answered today in one window and then in the other
is logged the second time as an "extra" review that moves no schedule, and the second window says
so. Each window's counts take the other window's answers into account after every answer.
"""

from __future__ import annotations

from datetime import date, timedelta

from textual.pilot import Pilot

from trainer.tui.screens.review import ReviewScreen

from .conftest import NOW
from .helpers import settle, text_of

SIZE = (100, 30)
TODAY = NOW.date()  # 09:30 UTC in March is 09:30 in London: the study day is the calendar day


async def start_review(pilot: Pilot[None]) -> None:
    """From Home, once loaded, press Enter to get the first card."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)


async def test_a_new_card_answered_in_both_windows_moves_once(app_factory, db, conftest_cards) -> None:
    """Both windows ask the same new card; answered right in both, it is due tomorrow, not in 6 days."""
    typed = conftest_cards["TYPED"]
    first, second = app_factory(), app_factory()
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await start_review(one)
        await start_review(two)
        assert text_of(first, "#card-prompt") == text_of(second, "#card-prompt") == typed.prompt
        await one.press("L", "4", "enter", "enter")
        await settle(one)
        assert "Recorded grade 5: due tomorrow" in text_of(first, "#status")
        await two.press("L", "4", "enter", "enter")
        await settle(two)
        assert "already answered in another window" in text_of(second, "#status")
    state = db.state(typed)
    assert state.due_day == TODAY + timedelta(days=1)
    assert (state.repetitions, state.interval) == (1, 1)
    reviews = db.reviews()
    assert [(r.card_id, r.queue) for r in reviews] == [(typed.id, "new"), (typed.id, "extra")]
    assert reviews[1].study_day == reviews[0].study_day == date(TODAY.year, TODAY.month, TODAY.day)


async def test_each_windows_counts_include_the_other_windows_answers(app_factory, db, conftest_cards) -> None:
    """Window A answers two cards, window B one: B's progress line leaves out both of A's cards."""
    first, second = app_factory(), app_factory()
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await start_review(two)
        assert "0 done · 4 left" in text_of(second, "#progress-figures")
        await start_review(one)
        await one.press("L", "4", "enter", "enter")  # TYPED
        await settle(one)
        await one.press("2", "enter")  # CHOICE: C6
        await settle(one)
        assert "2 done · 2 left" in text_of(first, "#progress-figures")
        await two.press("L", "4", "enter", "enter")  # TYPED again: an extra answer
        await settle(two)
        # Left for B today: REVEAL and EVIL (A answered TYPED and CHOICE).
        assert "1 done · 2 left" in text_of(second, "#progress-figures")
        await one.press("space", "5", "enter")  # A: REVEAL
        await settle(one)
        assert "3 done · 1 left" in text_of(first, "#progress-figures")
    assert [r.queue for r in db.reviews()] == ["new", "new", "extra", "new"]
