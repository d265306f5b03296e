"""A slow database never freezes the screen, never loses a key, and never says "Recorded" early.

Every store call of the review screen runs in a worker; keys pressed while an answer is being
saved are held and replayed in order once it is committed. The store here is slowed on purpose:
each answer's write waits 300 ms, as a busy class server over a network might.
"""

from __future__ import annotations

import threading
import time

from trainer.store import repo

from .helpers import feedback_of, settle, text_of

SIZE = (100, 30)
DELAY_S = 0.3


def slow_writes(monkeypatch) -> list[float]:
    """Make every answer's write wait DELAY_S; return the list of the moments each write finished."""
    real_write = repo.write_progress
    finished: list[float] = []

    def slow(connection, **values):
        time.sleep(DELAY_S)
        result = real_write(connection, **values)
        finished.append(time.monotonic())
        return result

    monkeypatch.setattr(repo, "write_progress", slow)
    return finished


def held_writes(monkeypatch) -> threading.Event:
    """Make every answer's write wait until the returned event is set (a store stalled for as long as the test wants)."""
    real_write = repo.write_progress
    release = threading.Event()

    def held(connection, **values):
        assert release.wait(10), "the test never released the write"
        return real_write(connection, **values)

    monkeypatch.setattr(repo, "write_progress", held)
    return release


class TestSlowStore:
    """A stalled or slow write: Saving…, then Recorded; held keys land on the next card."""

    async def test_keys_pressed_during_a_slow_save_go_to_the_next_card(self, app_factory, db, conftest_cards, monkeypatch) -> None:
        """Enter, then at once "2" for the next (choice) card: the first answer is saved, then option 2 is chosen."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.press_without_waiting = True  # act while the held write is under way
            release = held_writes(monkeypatch)
            await pilot.press("l", "4", "enter")  # the typed card: checked, not recorded yet
            assert "Not recorded yet" in app.screen.query_one("#grade-panel").status_line
            await pilot.press("enter")  # record: the write now waits until released
            assert "Saving" in text_of(app, "#status")
            await pilot.press("2")  # meant for the next card (the choice card: option 2 is C6)
            # The screen keeps working while the write waits: it repaints a change made now.
            app.screen.query_one("#card-meta").update("still painting")
            await pilot.pause()
            assert text_of(app, "#card-meta") == "still painting"
            assert "Recorded" not in text_of(app, "#status")
            assert db.reviews() == []  # nothing claimed, nothing written yet
            said: list[str] = []
            status = app.screen.query_one("#status")
            real_update = status.update
            monkeypatch.setattr(status, "update", lambda content="": (said.append(str(content)), real_update(content))[1])
            release.set()
            await settle(pilot)
            # "Recorded" was said once the commit returned (then cleared when the next answer was checked).
            assert any(text.startswith("✓ Recorded grade 5") for text in said)
            # The held "2" was replayed on the choice card, not dropped and not applied to the typed card.
            assert "✓ Right" in feedback_of(app).verdict
            assert "Which root supplies the skin over the thumb?" in text_of(app, "#card-prompt")
        (review,) = db.reviews()
        assert (review.card_id, review.quality) == (conftest_cards["TYPED"].id, 5)

    async def test_several_keys_are_replayed_in_order(self, app_factory, db, conftest_cards, monkeypatch) -> None:
        """Enter on the choice card's feedback, then 1, Enter, space typed ahead: the reveal card is revealed after both saves."""
        app = app_factory(start="review")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.press_without_waiting = True  # type ahead while each write takes 300 ms
            slow_writes(monkeypatch)
            await pilot.press("l", "4", "enter", "enter", "2")  # typed card recorded; choice card answered
            await settle(pilot)
            await pilot.press("1", "enter", "space")  # grade 1, record (slow), then reveal the next card
            await settle(pilot)
            assert "Which roots carry the patellar" in text_of(app, "#card-prompt")
            assert "Answer:" in feedback_of(app).answer  # the held space revealed the recall card
        assert [(r.card_id, r.quality) for r in db.reviews()] == [
            (conftest_cards["TYPED"].id, 5),
            (conftest_cards["CHOICE"].id, 1),
        ]
