"""The exam: questions under exam conditions (the confirmation and Home's form live beside it).

Exam conditions (issue 8): no feedback until the end; back and forth, flag, change an answer; the
position ("3/40"), the time left ("m:ss", a warning in the last minute) and the flagged count
always on screen; a confirmation naming the unanswered and flagged questions before submitting;
submitted by the timer when the time runs out. The screen holds an `ExamRun`
(trainer.study.exams): it acts on the pure attempt at once and saves a snapshot in a worker after
every action and every few seconds, so a crash or a closed terminal loses at most that much time.
The timer is a one-second interval reading the app's injected clock (tests advance a FixedClock).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from trainer.content.cards import CardKind
from trainer.study.exam import clock_text
from trainer.tui.literal import literal
from trainer.tui.screens.exam_confirm import ConfirmSubmit
from trainer.tui.screens.exam_form import ExamForm
from trainer.tui.widgets.answer_input import ChoiceAnswer, TypedAnswer
from trainer.tui.widgets.card_view import CardView

if TYPE_CHECKING:
    from trainer.study.exams import ExamOptions, ExamResult, ExamRun
    from trainer.tui.app import TrainerApp

__all__ = ["ConfirmSubmit", "ExamForm", "ExamScreen", "open_exam"]
"""`ConfirmSubmit` and `ExamForm` are re-exported: callers and tests import them from here."""

_KIND_LABEL = {
    CardKind.TYPED_ROOT: "typed",
    CardKind.TYPED_NERVE: "typed",
    CardKind.TYPED_SITE: "typed",
    CardKind.TYPED_AIS: "typed",
    CardKind.CHOICE: "choice",
}


def open_exam(app: TrainerApp, options: ExamOptions | None, *, replace: bool = False) -> None:
    """Start (or resume) an exam in a worker once the store is open, then show its first question.

    Args:
        app: The app.
        options: What the student asked for (None: a default exam).
        replace: Replace the current screen (the loading screen) instead of pushing on top.
    """
    from trainer.study.exams import ExamOptions

    app.run_worker(
        partial(_open_exam, app, options or ExamOptions(), replace),
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="exam-start",
        description="Preparing the exam",
    )


def _open_exam(app: TrainerApp, options: ExamOptions, replace_screen: bool) -> None:
    """Worker: build the run and show it (or say in one line why not)."""
    from trainer.study.review import StoreError
    from trainer.study.exam import ExamStateError
    from trainer.study.exams import new_exam, resume_exam

    try:
        store = app.wait_store()
        assert app.clock is not None and app.profile_id is not None
        if options.resume:
            run = resume_exam(store, app.clock, profile_id=app.profile_id)
            if run is None:
                raise ValueError("There is no unfinished exam to resume.")
        else:
            run = new_exam(
                store,
                app.clock,
                profile_id=app.profile_id,
                questions=options.questions,
                minutes=options.minutes,
                scope=options.scope,
                seed=options.seed,
                weak=options.weak,
                deck_ids=app.deck_ids,
            )
    except (StoreError, ExamStateError, ValueError) as error:
        message = getattr(error, "message", None) or str(error)
        app.call_from_thread(_cannot_start, app, message, replace_screen)
        return
    screen = ExamScreen(run, report_path=options.report)
    app.call_from_thread(app.switch_screen if replace_screen else app.push_screen, screen)


def _cannot_start(app: TrainerApp, message: str, replaced: bool) -> None:
    app.notify(message, title="Cannot start the exam", severity="error", timeout=10)
    if replaced:
        app.go_home()


class ExamScreen(Screen[None]):
    """One question at a time, under exam conditions."""

    BINDINGS = [
        Binding("1", "choose(1)", "Choose", key_display="1-9", tooltip="Pick option 1-9", id="exam.choose-1"),
        *[Binding(str(n), f"choose({n})", f"Choose {n}", show=False) for n in range(2, 10)],
        # Priority: the scrolling body would otherwise take the arrows while the answer box has focus.
        Binding("down,pagedown", "move(1)", "Next", key_display="↓", tooltip="The next question", id="exam.next", priority=True),
        Binding("up,pageup", "move(-1)", "Back", key_display="↑", tooltip="The previous question", id="exam.previous", priority=True),
        Binding("ctrl+f", "flag", "Flag", key_display="^f", tooltip="Flag this question to come back to it", id="exam.flag"),
        Binding("ctrl+s", "submit", "Submit", key_display="^s", tooltip="Submit the exam (asks first)", id="exam.submit"),
        Binding("escape", "leave", "Pause", tooltip="Leave the exam; resume it later from Home", id="exam.leave"),
    ]
    """Keys that never type into the answer box, so they work on typed and choice questions alike."""

    DEFAULT_CSS = """
    ExamScreen #exam-bar { height: 1; padding: 0 1; background: $panel; }
    ExamScreen #exam-body { height: 1fr; padding: 0 1; }
    ExamScreen #exam-given { margin-top: 1; padding: 0 1; }
    /* The answering widgets' layout as on the review screen (app.tcss scopes it to ReviewScreen
       until those rules move into the widgets' DEFAULT_CSS; then these lines can go). */
    ExamScreen CardView { height: auto; padding: 0 1; border-left: thick $accent; }
    ExamScreen #card-meta { color: $text-muted; }
    ExamScreen #card-prompt { text-style: bold; }
    ExamScreen TypedAnswer { height: auto; margin-top: 1; }
    ExamScreen TypedAnswer Input { width: 40; }
    ExamScreen #typed-preview { padding-left: 2; }
    ExamScreen ChoiceAnswer { height: auto; margin-top: 1; padding: 0 1; }
    ExamScreen .choice-row { height: auto; }
    ExamScreen .choice-key { width: 5; }
    ExamScreen .choice-text { width: 1fr; }
    """

    def __init__(self, run: ExamRun, *, report_path: str | None = None) -> None:
        super().__init__()
        self.run = run
        """The attempt and its store."""
        self.report_path = report_path
        """Write the report here once submitted (`trainer exam --report FILE`)."""
        self._finishing = False

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """The exam bar on top (position, time, flags), the question, the answer, the keys."""
        yield Static(id="exam-bar", markup=False)
        with VerticalScroll(id="exam-body"):
            yield CardView(id="card")
            yield TypedAnswer(id="typed")
            yield ChoiceAnswer(id="choices")
            yield Static(id="exam-given", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Show the question the attempt is on; tick once a second."""
        self.set_interval(1.0, self._tick)
        if self.run.attempt.submitted:  # resumed with no time left
            self._finish()
            return
        self._show()

    # --- painting ----------------------------------------------------------------------------

    def _now(self) -> Any:
        assert self.trainer.clock is not None
        return self.trainer.clock.now()

    def _paint_bar(self) -> None:
        attempt = self.run.attempt
        now = self._now()
        left = clock_text(attempt.time_left_ms(now))
        warn = attempt.warning(now)
        bar = Content.assemble(
            ("Question ", "bold"),
            (attempt.position_text(), "bold $accent"),
            "   ",
            ("⚠ " if warn else "⏱ ", "bold $text-warning" if warn else ""),
            (f"{left} left", "bold $text-warning" if warn else "bold"),
            (" (last minute)" if warn else "", "$text-warning"),
            "   ",
            (f"⚑ {attempt.flagged_count} flagged", "bold"),
            "   ",
            (f"{attempt.answered_count} answered", "$text-muted"),
        )
        self.query_one("#exam-bar", Static).update(bar)

    def _paint_given(self) -> None:
        q = self.run.attempt.current
        if q.given is None:
            text = Content("Not answered yet.").stylize("$text-muted")
        elif q.card.kind == CardKind.CHOICE:
            number = q.card.choices.index(q.given) + 1 if q.given in q.card.choices else None
            text = Content.assemble(
                ("Your answer: ", "bold"), literal(f"{number}. {q.given}" if number else q.given), ("  (press another number to change it)", "$text-muted")
            )
        else:
            text = Content.assemble(
                ("Your answer: ", "bold"), literal(q.given), ("  (type another and Enter to change it)", "$text-muted")
            )
        self.query_one("#exam-given", Static).update(text)

    def _show(self) -> None:
        """Paint the question on screen (its answer so far, never whether it is right)."""
        q = self.run.attempt.current
        card = q.card
        meta = " · ".join([_KIND_LABEL.get(card.kind, card.kind.value), *card.tags[:3], *(["⚑ flagged"] if q.flagged else [])])
        self.query_one(CardView).show(prompt=card.prompt, meta=meta)
        typed, choices = self.query_one(TypedAnswer), self.query_one(ChoiceAnswer)
        typed.display = card.is_typed
        choices.display = card.kind == CardKind.CHOICE
        if card.is_typed:
            typed.reset(cursor_blink=self.trainer.cursor_blink, kind=card.kind)
            if q.given is not None:
                box = self.query_one("#typed-input", Input)
                box.value = q.given
                box.cursor_position = len(q.given)
        else:
            choices.show(card.choices)
            self.set_focus(None)
        self._paint_given()
        self._paint_bar()
        self.query_one("#exam-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    # --- acting --------------------------------------------------------------------------------

    def _acted(self, took: bool, *, repaint: bool = True) -> None:
        """After an action on the attempt: save it, repaint, or end the exam if the time ran out."""
        if self.run.attempt.submitted:
            self._finish()
            return
        if took:
            self._save(self.run.snapshot())
        if repaint:
            self._show()

    @work(thread=True, exit_on_error=False, group="exam-save", description="Saving the exam")
    def _save(self, snapshot: tuple[int, dict[str, Any]]) -> None:
        from trainer.study.review import StoreError

        try:
            self.run.save(snapshot)
        except StoreError as error:
            self.app.call_from_thread(
                self.notify, f"Not saved: {error.message}", title="Exam not saved", severity="error", timeout=8
            )

    @on(TypedAnswer.Submitted)
    def _typed(self, event: TypedAnswer.Submitted) -> None:
        """Take the typed answer (no verdict shown)."""
        self._answer(event.text)

    def _answer(self, text: str) -> None:
        """Take an answer and go on to the next question (the last one stays on screen)."""
        attempt = self.run.attempt
        took = attempt.answer(text, self._now())
        if took and attempt.index + 1 < len(attempt.questions):
            attempt.next(self._now())
        self._acted(took)

    def action_choose(self, number: int) -> None:
        """Pick (or change to) option `number` of a choice question, then go on."""
        attempt = self.run.attempt
        choices = attempt.current.card.choices
        if number > len(choices):
            self.notify(f"There is no option {number}.", severity="warning")
            return
        self._answer(choices[number - 1])

    def action_move(self, step: int) -> None:
        """The next (+1) or previous (-1) question."""
        attempt = self.run.attempt
        took = attempt.next(self._now()) if step > 0 else attempt.previous(self._now())
        if not took and not attempt.submitted:
            self.notify("That was the last question: ^s submits." if step > 0 else "This is the first question.")
            return
        self._acted(took)

    def action_flag(self) -> None:
        """Flag the question on screen (or unflag it)."""
        self._acted(self.run.attempt.toggle_flag(self._now()))

    def action_submit(self) -> None:
        """Ask before submitting, naming the unanswered and flagged questions."""
        attempt = self.run.attempt
        self.app.push_screen(
            ConfirmSubmit(attempt.unanswered_count, attempt.flagged_count, len(attempt.questions)), self._confirmed
        )

    def _confirmed(self, submit: bool | None) -> None:
        if submit and not self._finishing:
            self.run.attempt.submit(self._now())
            self._finish()

    def action_leave(self) -> None:
        """Leave mid-exam: the clock stops and everything is saved; Home offers to resume."""
        self.run.attempt.pause(self._now())
        if self.run.attempt.submitted:
            self._finish()
            return
        self._save(self.run.snapshot())
        self.notify("Exam paused and saved: resume it from Home (x) or with trainer exam --resume.")
        self.trainer.go_home()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Choices only on a choice question; nothing once the exam is over."""
        if self._finishing:
            return False
        if action == "choose":
            return self.run.attempt.current.card.kind == CardKind.CHOICE
        return True

    # --- the clock -----------------------------------------------------------------------------

    def _tick(self) -> None:
        """Once a second: the time left, time-out, and a save of the time used every few seconds."""
        from trainer.study.exams import SAVE_EVERY_S

        if self._finishing:
            return
        now = self._now()
        if self.run.attempt.check_time(now):
            self._finish()
            return
        self._paint_bar()
        if (now - self.run.last_saved_at).total_seconds() >= SAVE_EVERY_S:
            self._save(self.run.snapshot())

    # --- the end -------------------------------------------------------------------------------

    def _finish(self) -> None:
        """Submitted (by the student or the timer): score it in a worker, then show the report."""
        if self._finishing:
            return
        self._finishing = True
        if self.app.screen is not self:
            self.app.pop_screen()  # the confirmation was up when the time ran out
        self.refresh_bindings()
        self.query_one(CardView).clear(
            "Time is up: the exam was submitted. Scoring…" if self.run.attempt.submitted_by == "timeout" else "Submitted. Scoring…"
        )
        self.query_one(TypedAnswer).display = False
        self.query_one(ChoiceAnswer).display = False
        self.query_one("#exam-given", Static).update("")
        self._paint_bar()
        self.trainer.hold_keys()
        self._score()

    @work(thread=True, exclusive=True, exit_on_error=False, group="exam-finish", description="Scoring the exam")
    def _score(self) -> None:
        from trainer.interop.report import ReportError, write_report
        from trainer.study.review import StoreError

        try:
            result = self.run.finish()
        except StoreError as error:
            self.app.call_from_thread(self._not_scored, error.message)
            return
        written = problem = None
        if self.report_path:
            try:
                written = str(write_report(result.report, self.report_path))
            except ReportError as error:
                problem = str(error)
        self.app.call_from_thread(self._scored, result, written, problem)

    def _not_scored(self, message: str) -> None:
        self.trainer.release_keys()
        self.notify(message, title="Could not score the exam", severity="error", timeout=10)

    def _scored(self, result: ExamResult, written: str | None, problem: str | None) -> None:
        from trainer.tui.screens.exam_report import ExamReportScreen

        self.app.switch_screen(ExamReportScreen(result))
        if written:
            self.app.notify(f"Report written to {written}.", title="Report")
        if problem:
            self.app.notify(problem, title="Report not written", severity="error", timeout=10)
        self.trainer.release_keys()
