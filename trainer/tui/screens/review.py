"""The review screen: one card at a time, the answer checked, taught and recorded.

The screen holds one `StudySession` (trainer.study.session) and no state of its own about the
session: answers done, start time, cards left and grading thresholds all come from it. It hands
the session each graded answer when the student accepts the grade with Enter. Every call that can
reach the database runs in a worker; the app holds the keys pressed meanwhile and replays them
afterwards. `StudySession.answer` commits before it returns, and only then does the screen say
"Recorded" and show the next card, so anything the screen has acknowledged survives Ctrl+C, a
closed terminal or a crash. A session still in its quick phase (the store opening behind the
first card) simply makes the worker wait: the screen does not know or care.

Once an answer is shown, its verdict stands: the grade may still change, but the card is not
asked again, and every way of leaving (q, Escape, Ctrl+Q, the palette's Quit, SIGTERM, SIGHUP,
and `s` to suspend the card) records the answer on screen first and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from trainer.content.cards import Card, CardKind
from trainer.scheduling.grading import suggest_quality
from trainer.tui.literal import literal
from trainer.tui.screens.review_keys import REVIEW_BINDINGS, VERDICTS, Mode, key_enabled
from trainer.tui.screens.review_store import ReviewStoreActions
from trainer.tui.widgets.answer_input import ChoiceAnswer, RevealAnswer, TypedAnswer
from trainer.tui.widgets.card_view import CardView
from trainer.tui.widgets.feedback import GRADE_MEANINGS, FeedbackView, GradePanel, Verdict
from trainer.tui.widgets.key_bar import KeyBar
from trainer.tui.widgets.map_answer import MapPanel
from trainer.tui.widgets.progress import SessionProgress

if TYPE_CHECKING:
    from trainer.tui.widgets.map_cursor import MapCursor
    from trainer.content.answers import AnswerResult
    from trainer.study.review import StudyCard, StudySession
    from trainer.tui.app import TrainerApp


WARM_AFTER_S = 1.0
"""Seconds after the screen is mounted when it builds what the first card did not need."""


def _check(card: Card, response: str) -> AnswerResult:
    """The checker's verdict on `response` (imported on first use: see `ReviewScreen._warm_up`)."""
    from trainer.content.answers import check

    return check(card, response)


class ReviewScreen(ReviewStoreActions, Screen[None]):
    """Today's review: question, answer, feedback and grade, card after card."""

    BINDINGS = REVIEW_BINDINGS

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        """The study session: cards, answers, counts, thresholds."""
        self.mode: Mode = "loading"
        """What the keyboard does right now."""
        self.current: StudyCard | None = None
        """The card on screen."""
        self.result: AnswerResult | None = None
        """The checker's verdict on the current answer (None for self-graded cards)."""
        self.response: str | None = None
        """What the student typed or chose, as recorded in the review log."""
        self.response_ms: int | None = None
        """Milliseconds from showing the card to the answer."""
        self.suggested: int | None = None
        """The grade the app suggests for a checked answer."""
        self.grade: int | None = None
        """The grade Enter will record."""
        self.shown_at: datetime | None = None
        """When the current card was shown, by the app's clock."""

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Progress on top, then the card, the answer area and the feedback, then the keys."""
        yield SessionProgress(id="progress")
        yield Static(id="status", markup=False)
        # The body stays focusable, as Textual makes it (Tab reaches it), but an answer never passes
        # the focus through it (see `_typed_answer`): restyling it costs ~25 ms each way.
        with Horizontal(id="review-main"):
            with VerticalScroll(id="review-body"):
                yield CardView(id="card")
                yield TypedAnswer(id="typed")
                yield ChoiceAnswer(id="choices")
                yield RevealAnswer(id="reveal", markup=False)
                yield FeedbackView(id="feedback")
            yield MapPanel(id="map-panel")  # the body map: map cards' questions, every feedback's zone
        yield GradePanel(id="grade-panel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Show the session's first card (or the summary); tick the elapsed time."""
        # Not `_set_mode`: the key bar reads its keys when the screen is first shown anyway, and
        # each refresh before that rebuilds it once more before the first frame (~15-30 ms).
        self.mode = "loading"
        self.set_interval(1.0, self._tick)
        # A second in, the student is reading the first card: build what the first card did not
        # need. Not `call_after_refresh`: on a screen being pushed it fires before the first frame
        # is written (traced: it delayed the first card by both costs).
        self.set_timer(WARM_AFTER_S, self._warm_up)
        self._next()

    # --- showing cards ---------------------------------------------------------------------

    def _next(self) -> None:
        """Show the session's current card, or the summary when there is none."""
        if self.session.current is None:
            self._finish()
        else:
            self._show(self.session.current)

    def _show(self, study_card: StudyCard) -> None:
        card = study_card.card
        self.current = study_card
        self.result = self.response = self.response_ms = self.suggested = self.grade = None
        meta = " · ".join([study_card.queue, *card.tags[:3]])
        self.query_one(CardView).show(prompt=card.prompt, meta=meta)
        self.query_one(FeedbackView).display = False
        self.query_one(GradePanel).display = False
        self.query_one("#review-body", VerticalScroll).scroll_home(animate=False)
        typed, choices, reveal = self.query_one(TypedAnswer), self.query_one(ChoiceAnswer), self.query_one(RevealAnswer)
        # Map cards: a zone's root is typed, root-or-nerve is a choice (A/B), locate points on the map.
        is_typed, is_choice = card.is_typed or card.kind == CardKind.MAP_ZONE, card.kind in (CardKind.CHOICE, CardKind.MAP_ROOT_OR_NERVE)
        typed.display = is_typed
        choices.display = is_choice
        reveal.display = card.kind == CardKind.REVEAL
        self.shown_at = self.trainer.clock.now()
        if is_typed:
            self._set_mode("typing")
            typed.reset(cursor_blink=self.trainer.cursor_blink, kind=card.kind if card.is_typed else CardKind.TYPED_ROOT)
        elif is_choice:
            self._set_mode("choosing")
            choices.show(card.choices)
            self.set_focus(None)
        elif card.kind == CardKind.MAP_LOCATE:
            self._set_mode("pointing")  # the map panel focuses its cursor
        else:
            self._set_mode("recalling")
            reveal.hide_answer()
            self.set_focus(None)
        self.query_one(MapPanel).ask(card)
        self._refresh_progress()
        self._paint_in_one_frame()

    def _finish(self) -> None:
        """No cards left: replace this screen with the summary of the study day."""
        self._set_mode("done")
        self.query_one(CardView).clear("Today's queue is done: adding up…")
        self._summarise()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-summary")
    def _summarise(self) -> None:
        from trainer.study.review import StoreError
        from trainer.tui.screens.summary import SummaryScreen

        try:
            summary = self.session.summary()
        except StoreError as error:
            self.app.call_from_thread(self._say, f"Could not read the summary: {error.message}", "$text-error")
            return
        self.app.call_from_thread(self.app.switch_screen, SummaryScreen(summary))

    # --- answering -------------------------------------------------------------------------

    @on(TypedAnswer.Submitted)
    def _typed_answer(self, event: TypedAnswer.Submitted) -> None:
        """Check a typed answer."""
        if self.mode != "typing" or self.current is None:
            return
        typed = self.query_one(TypedAnswer)
        self.set_focus(None)  # straight to nothing: never via the next focusable widget (see freeze)
        typed.freeze()
        typed.display = False  # "you said …" in the feedback repeats it; the rows are needed at 80x24
        self._checked(_check(self.current.card, event.text), event.text)

    def action_choose(self, number: int) -> None:
        """Pick option `number` (1-based) of a choice card."""
        assert self.current is not None
        choices = self.current.card.choices
        if number > len(choices):
            self.notify(f"There is no option {number}.", severity="warning")
            return
        option = choices[number - 1]
        result = _check(self.current.card, option)
        correct = {i for i, text in enumerate(choices) if text in self.current.card.accepted}
        self.query_one(ChoiceAnswer).show(choices, chosen=number - 1, correct=correct)
        self._checked(result, option)

    def _warm_up(self) -> None:
        """Mount the choice rows and import the answer checker (each is also done on first need)."""
        self.query_one(ChoiceAnswer).prepare()
        self._warm_checker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-warm")
    def _warm_checker(self) -> None:
        """Import the answer checker while the student reads the first card.

        It is not imported before the first paint: its parsers (content.answers, roots, nerves,
        sites) cost ~40 ms of every launch (python -X importtime), and nothing needs them
        until the first keystroke.
        """
        import trainer.content.answers  # noqa: F401

    def on_map_cursor_picked(self, event: MapCursor.Picked) -> None:
        """Check where the student pointed on a map-locate card."""
        if self.mode != "pointing" or self.current is None:
            return
        self._checked(_check(self.current.card, event.response), event.response)

    def action_map(self) -> None:
        """Show or hide the body map beside the feedback."""
        self.query_one(MapPanel).toggle()

    def action_reveal(self) -> None:
        """Show the back of a self-graded card and ask for a grade."""
        self.response_ms = self._elapsed_ms(self.shown_at)
        # The feedback below shows the back of the card; the hint above has done its job.
        self.query_one(RevealAnswer).display = False
        self._show_feedback(Verdict(label="", style=""))

    def _checked(self, result: AnswerResult, response: str) -> None:
        """An answer the app can grade: suggest a quality and show the feedback."""
        self.result = result
        self.response = response
        self.response_ms = self._elapsed_ms(self.shown_at)
        settings = self.session.settings
        self.suggested = self.grade = suggest_quality(
            result.verdict, self.response_ms, fast_ms=settings.fast_ms, slow_ms=settings.slow_ms
        )
        label, style = VERDICTS.get(str(result.verdict), (str(result.verdict), "$text"))
        # A chosen option is marked in the list above; repeating its text would only push the answer down.
        given = "" if self.current is not None and self.current.card.kind == CardKind.CHOICE else result.given
        self._show_feedback(Verdict(label=label, style=style, message=result.message, given=given))

    def _show_feedback(self, verdict: Verdict) -> None:
        assert self.current is not None
        card = self.current.card
        # The previous card's "✓ Recorded" must not stand above this answer's "Not recorded yet".
        self._say("", "")
        sources = self.session.citations(card)
        view = self.query_one(FeedbackView)
        view.show(
            verdict=verdict,
            answer=card.answer,
            also=[a for a in card.accepted if a != card.answer],
            explanation=card.explanation,
            citations=[f"{s.citation} {s.url}" if s.url else s.citation for s in sources],
        )
        panel = self.query_one(GradePanel)
        panel.show_grade(selected=self.grade, suggested=self.suggested)
        panel.display = True
        view.display = True
        result = self.result
        self.query_one(MapPanel).show_answer(card, result and result.given_root, result is None or result.correct)
        self.set_focus(None)
        self._set_mode("grading")
        # Scroll no further than needed to bring the verdict and answer into view: the prompt stays
        # on screen when it can, and a long explanation is read with the arrow keys.
        self.call_after_refresh(self._bring_answer_into_view)
        self._paint_in_one_frame()

    def _bring_answer_into_view(self) -> None:
        view = self.query_one(FeedbackView)
        self.query_one("#review-body", VerticalScroll).scroll_to_region(view.head_region(), animate=False)

    def action_scroll(self, direction: str) -> None:
        """Scroll a long card while answering, or the feedback (the keyboard is the only pointer)."""
        target = self.query_one("#review-body", VerticalScroll) if self.mode == "grading" else self.query_one(CardView)
        getattr(target, f"scroll_{direction}")(animate=False)

    def action_grade(self, quality: int) -> None:
        """Choose the grade that Enter records."""
        self.grade = quality
        self.query_one(GradePanel).show_grade(selected=quality, suggested=self.suggested)
        self.refresh_bindings()

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """Palette entries that each name exactly what they do: one per grade on the feedback.

        Choices are not offered: an answer is given with its key, never picked from a list of commands.
        """
        if self.mode != "grading":
            return
        for quality, meaning in enumerate(GRADE_MEANINGS):
            yield (
                f"Grade {quality}: {meaning}",
                f"Key: {quality}. Enter then records the answer with this grade",
                partial(self.action_grade, quality),
            )

    # --- help, home, keys ---------------------------------------------------------------

    def action_help(self, _via: str = "") -> None:
        """Show the keys."""
        from trainer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_home(self, _via: str = "") -> None:
        """Back to Home. An answer already checked on screen is recorded with its grade first."""
        self.leave("home")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enable each key only in the mode where it means something (so the key bar stays honest)."""
        return key_enabled(action, parameters, self.mode, can_undo=self.session.can_undo())

    # --- the status line, progress and clock -----------------------------------------------

    def _paint_in_one_frame(self) -> None:
        """Lay the whole screen out at the next frame, after a new card or its feedback.

        Without it Textual writes a partial frame first: each changed widget's layout request
        reaches the screen as its own message, and the new card or feedback came a frame later.
        """
        self.refresh(repaint=False, layout=True)

    def _set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.refresh_bindings()

    def _say(self, text: str, style: str) -> None:
        """Put one line about the last action above the card."""
        self.query_one("#status", Static).update(literal(text, style))

    def _elapsed_ms(self, since: datetime | None) -> int | None:
        if since is None:
            return None
        return max(0, int((self.trainer.clock.now() - since).total_seconds() * 1000))

    def _refresh_progress(self) -> None:
        elapsed = (self.trainer.clock.now() - self.session.started_at).total_seconds()
        self.query_one(SessionProgress).show(
            done=self.session.answers_done, left=self.session.counts().total, elapsed_s=elapsed
        )

    def _tick(self) -> None:
        """Once a second: refresh the elapsed time (cheap: no database query)."""
        if self.mode == "done":
            return
        elapsed = (self.trainer.clock.now() - self.session.started_at).total_seconds()
        self.query_one(SessionProgress).set_elapsed(elapsed)

    def on_screen_resume(self) -> None:
        """Shown (first, or back from Help): give the typed answer its focus back."""
        if self.mode == "typing":
            self.query_one("#typed-input").focus()
