"""The review screen's side that reaches the store: record, undo, suspend and the card's actions.

A mixin of `ReviewScreen` (trainer.tui.screens.review), kept apart so the screen module holds what the
student sees and this one holds what is written. Every call that can reach the database runs in a
worker while the app holds the keys pressed meanwhile (`hold_keys`/`release_keys`) and replays them
afterwards. `StudySession.answer` commits before it returns, and only then does the screen say
"Recorded" and show the next card, so anything the screen has acknowledged survives Ctrl+C, a closed
terminal or a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual import work

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App

    from trainer.content.answers import AnswerResult
    from trainer.study.review import AnswerOutcome, StudyCard, StudySession
    from trainer.tui.app import TrainerApp
    from trainer.tui.screens.review_keys import Mode

Then = Literal["next", "home", "quit", "suspend"]
"""What follows a recorded answer: the next card, Home, quitting the app, or suspending the card."""


class ReviewStoreActions:
    """Recording, undo, suspend and card actions for `ReviewScreen` (a mixin: it uses the screen's state)."""

    if TYPE_CHECKING:  # provided by ReviewScreen and Textual's Screen
        app: App[None]
        session: StudySession
        mode: Mode
        current: StudyCard | None
        result: AnswerResult | None
        response: str | None
        response_ms: int | None
        grade: int | None
        shown_at: datetime | None
        is_attached: bool

        @property
        def trainer(self) -> TrainerApp: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def refresh_bindings(self) -> None: ...
        def _next(self) -> None: ...
        def _say(self, text: str, style: str) -> None: ...
        def _refresh_progress(self) -> None: ...

    # --- recording -------------------------------------------------------------------------

    def action_record(self) -> None:
        """Record the answer with the chosen grade (one committed transaction), then go on."""
        if self.grade is None:
            self.notify("Choose a grade 0-5 first.", severity="warning")
            return
        self._save(then="next")

    def leave(self, then: Literal["home", "quit"]) -> None:
        """Go Home or quit the app; an answer shown on screen is recorded first (its verdict stands)."""
        if self.mode == "grading" and self.grade is not None:
            self._save(then=then)
        elif then == "quit":
            self.app.exit()
        else:
            self.trainer.go_home()

    def _save(self, *, then: Then) -> None:
        """Record the answer on screen in a worker; keys pressed meanwhile wait for the result."""
        assert self.current is not None and self.grade is not None
        result = self.result
        # Said before the commit (and painted if it takes longer than a frame): the previous
        # card's "✓ Recorded" must not stand for this one.
        self._say("Saving…", "$text-warning")
        self.trainer.hold_keys()
        self._record_worker(
            self.current.card.id,
            self.grade,
            self.response_ms,
            self.response,
            str(result.verdict) if result is not None else None,
            result.given_root if result is not None else None,
            then,
        )

    @work(thread=True, exit_on_error=False, group="review-record", description="Recording the answer")
    def _record_worker(
        self,
        card_id: str,
        grade: int,
        response_ms: int | None,
        response: str | None,
        verdict: str | None,
        given_root: str | None,
        then: Then,
    ) -> None:
        from trainer.study.review import StoreError

        try:
            outcome = self.session.answer(
                card_id, grade, response_ms, response=response, verdict=verdict, given_root=given_root
            )
        except StoreError as error:
            self.app.call_from_thread(self._not_recorded, error.message, then)
            return
        self.app.call_from_thread(self._recorded, outcome, then)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-refresh", description="Counting today's cards")
    def _refresh_worker(self) -> None:
        """Re-read today's queue so that other windows' answers count too (off the answer path)."""
        from trainer.study.review import StoreError

        try:
            self.session.refresh()
        except StoreError:
            return  # the counts stay as this window knows them; the next answer tries again
        self.app.call_from_thread(lambda: self.is_attached and self.mode != "done" and self._refresh_progress())

    def _not_recorded(self, message: str, then: Then) -> None:
        """Not recorded: say so plainly and stay on the feedback so Enter can try again (or quit saying so)."""
        reason = message.rstrip(". ")
        if then == "quit":
            self.app.exit(return_code=1, message=f"Your last answer was not recorded ({reason}); it was discarded.")
            return
        self._say(f"Not recorded: {reason}. Press Enter to try again.", "$text-error")
        self.notify(message, title="Not recorded", severity="error", timeout=8)
        self.trainer.release_keys()

    def _recorded(self, outcome: AnswerOutcome, then: Then) -> None:
        """Only now, after the commit, may the screen say the answer is safe."""
        said = _recorded_text(outcome)
        if then == "quit":
            self.app.exit(message=f"{said} (your last answer, before quitting)")
            return
        self._say(said, "$text-warning" if outcome.elsewhere else "$text-success")
        if then == "home":
            self.notify("Your last answer was recorded before leaving.")
            self.trainer.go_home()
        elif then == "suspend":
            self.trainer.hold_keys()  # until the card is suspended too
            self._suspend_worker(outcome.card_id)
        else:
            self._next()
            # Once the next card is painted: run alongside the layout, the re-read (a few ms of Python
            # holding the GIL) delayed the frame by as much.
            self.call_after_refresh(self._refresh_worker)
        self.trainer.release_keys()

    # --- undo, suspend, card actions ------------------------------------------------------

    def action_undo(self, _via: str = "") -> None:
        """Take back the last recorded answer and ask that card again."""
        self.trainer.hold_keys()
        self._undo_worker()

    @work(thread=True, exit_on_error=False, group="review-undo", description="Undoing the answer")
    def _undo_worker(self) -> None:
        from trainer.study.review import StoreError

        try:
            restored = self.session.undo()
        except StoreError as error:
            self.app.call_from_thread(self._undone, None, error.message)
            return
        self.app.call_from_thread(self._undone, restored, self.session.undo_problem)

    def _undone(self, restored: str | None, problem: str | None) -> None:
        if restored is None:
            # Refused (another window changed that card since: both answers stay) or nothing left.
            self.notify(
                problem or "Nothing to undo in this session.", title="Not undone", severity="warning", timeout=8
            )
            self.refresh_bindings()
        else:
            self._next()
            again = self.current is not None and self.current.card.id == restored and self.mode != "done"
            self._say(
                "↶ Undone: that answer is no longer recorded" + ("; here is the card again." if again else "."),
                "$text-warning",
            )
        self.trainer.release_keys()

    def action_suspend(self, _via: str = "") -> None:
        """Stop asking the current card (it can be unsuspended later); an answer on screen is recorded first."""
        if self.current is None:
            return
        if self.mode == "grading" and self.grade is not None:
            self._save(then="suspend")
            return
        self.trainer.hold_keys()
        self._suspend_worker(self.current.card.id)

    @work(thread=True, exit_on_error=False, group="review-suspend", description="Suspending the card")
    def _suspend_worker(self, card_id: str) -> None:
        from trainer.study.review import StoreError

        try:
            self.session.suspend(card_id)
        except StoreError as error:
            self.app.call_from_thread(self._suspended, error.message)
            return
        self.app.call_from_thread(self._suspended, None)

    def _suspended(self, problem: str | None) -> None:
        if problem is not None:
            self.notify(problem, title="Not suspended", severity="error", timeout=8)
        else:
            recorded = self.mode == "grading"
            self._say(
                "Recorded the answer, then suspended the card: it will not be asked until unsuspended."
                if recorded
                else "Suspended that card; it will not be asked again until unsuspended.",
                "$text-warning",
            )
            self._next()
        self.trainer.release_keys()

    def action_card_actions(self) -> None:
        """The card's actions menu (trainer.tui.screens.card_actions); the queue is re-read after a change."""
        if self.current is not None and self.mode != "typing":
            from trainer.tui.screens.card_actions import CardFacts, choose_and_run

            progress = self.current.progress
            facts = CardFacts(self.current.card.id, progress.suspended, progress.leech)
            choose_and_run(self, facts, self._card_changed, then=self.session.reload)

    def _card_changed(self, message: str, ok: bool) -> None:
        self._say(message, "$text-warning" if ok else "$text-error")
        shown = self.current.card.id if self.current is not None else None
        if ok and (self.session.current is None or self.session.current.card.id != shown):
            self._next()


def _recorded_text(outcome: AnswerOutcome) -> str:
    """What the status line says once an answer is committed."""
    if outcome.note:
        return f"✓ {outcome.note}"
    if outcome.elsewhere:
        return "✓ Recorded, but already answered in another window today: its schedule is unchanged."
    if outcome.leech:
        when = "suspended as a leech (missed too often)"
    elif outcome.days_until_due == 0:
        when = "again today"
    elif outcome.days_until_due == 1:
        when = "due tomorrow"
    else:
        when = f"due in {outcome.days_until_due} days"
    return f"✓ Recorded grade {outcome.quality}: {when}."
