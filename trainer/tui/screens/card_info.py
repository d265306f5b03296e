"""Card info: the card as it is asked, every accepted answer, its sources in full, its SM-2 state, its whole history.

Read in a thread worker (`trainer.study.collection.card_info`); card text is shown literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.tui.literal import literal
from trainer.tui.screens.card_actions import CardFacts, choose_and_run
from trainer.words import counted

if TYPE_CHECKING:
    from trainer.study.collection import CardInfo
    from trainer.tui.app import TrainerApp


def _heading(text: str) -> Content:
    return Content(text).stylize("bold $accent")


def _history_lines(info: CardInfo) -> list[Content]:
    if not info.history:
        return [Content("Never answered.").stylize("italic $text-muted")]
    lines = [Content("Day         Grade  Time    Typed (verdict)              Next").stylize("bold")]
    for row in info.history:
        seconds = f"{row.response_ms / 1000:.1f} s" if row.response_ms is not None else "-"
        typed = row.response if row.response is not None else "-"
        if row.verdict:
            typed = f"{typed} ({row.verdict})"
        if len(typed) > 28:
            typed = typed[:27] + "…"
        after = "today" if row.interval_after == 0 else counted(row.interval_after, "day")
        lines.append(
            Content.assemble(
                f"{row.study_day.isoformat()}  {row.quality:^5}  {seconds:<6}  ", literal(f"{typed:<28}"), f" {after}"
            )
        )
    return lines


class CardInfoScreen(Screen[None]):
    """Everything about one card, for the current profile."""

    DEFAULT_CSS = """
    CardInfoScreen #info-body { padding: 0 2; }
    CardInfoScreen .info-block { margin: 1 0 0 0; height: auto; }
    """
    BINDINGS = [
        Binding("a", "actions", "Actions", tooltip="Suspend, bury, reset, flag… this card", id="info.actions"),
        Binding("escape,q", "close", "Back", tooltip="Back to where you came from", id="info.close"),
    ]

    def __init__(self, card_id: str) -> None:
        super().__init__()
        self.card_id = card_id
        self._info: CardInfo | None = None

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """The blocks, filled once the card is read."""
        with VerticalScroll(id="info-body"):
            yield Static(Content("Reading the card…").stylize("italic $text-muted"), id="info-card", classes="info-block")
            yield Static(id="info-answers", classes="info-block")
            yield Static(id="info-sources", classes="info-block")
            yield Static(id="info-state", classes="info-block")
            yield Static(id="info-history", classes="info-block")
        yield Footer()

    def on_mount(self) -> None:
        """Read the card."""
        self._load()

    def on_screen_resume(self) -> None:
        """Back from the actions menu: the state may have changed."""
        if self._info is not None:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="card-info", description="Reading the card")
    def _load(self) -> None:
        from trainer.study.collection import card_info
        from trainer.study.review import StoreError

        app = self.trainer
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            info = card_info(store, app.clock, self.card_id, profile_id=app.profile_id)
        except StoreError as error:
            app.call_from_thread(self._problem, error.message)
            return
        if info is None:
            app.call_from_thread(self._problem, f"There is no card {self.card_id!r}.")
            return
        app.call_from_thread(self._paint, info)

    def _problem(self, message: str) -> None:
        self.query_one("#info-card", Static).update(literal(message, "bold $text-error"))

    def _paint(self, info: CardInfo) -> None:
        self._info = info
        card = info.card
        self.query_one("#info-card", Static).update(
            Content.assemble(
                _heading("Card"), ("  ", ""), literal(f"{card.deck_id} · {card.kind} · {card.id}", "$text-muted"), "\n",
                literal(card.prompt),
                *(("\n", literal("Choices: " + " · ".join(card.choices), "$text-muted")) if card.choices else ()),
            )  # fmt: skip
        )
        accepted = " · ".join(card.accepted) if card.accepted else card.answer
        answers = [_heading("Answer"), "  ", literal(card.answer, "bold"), "\n", "Accepted: ", literal(accepted)]
        if card.explanation:
            answers += ["\n", literal(card.explanation, "$text-muted")]
        if card.tags:
            answers += ["\n", "Tags: ", literal(", ".join(card.tags))]
        self.query_one("#info-answers", Static).update(Content.assemble(*answers))
        sources: list[Content | str] = [_heading("Sources")]
        for source in info.sources:
            sources += ["\n", literal(f"[{source.key}] ", "bold"), literal(source.citation)]
            if source.url:
                sources += [" ", literal(source.url, "$text-muted")]
        self.query_one("#info-sources", Static).update(Content.assemble(*sources))
        self.query_one("#info-state", Static).update(self._state(info))
        history = [_heading(f"History ({counted(len(info.history), 'answer')})"), *_history_lines(info)]
        self.query_one("#info-history", Static).update(Content("\n").join(history))

    def _state(self, info: CardInfo) -> Content:
        progress = info.progress
        sm2 = progress.sm2
        if progress.introduced_day is None:
            due = "new (never answered)"
        else:
            due = f"due {progress.due_day.isoformat()}" if progress.due_day else "no due day"
        marks = [word for flag, word in ((progress.suspended, "suspended"), (progress.leech, "leech"), (info.buried, f"buried until {info.buried_until}")) if flag]  # noqa: E501
        if info.flag:
            marks.append(f"flagged {info.flag}")
        return Content.assemble(
            _heading("SM-2"), "  ", due, "\n",
            f"Interval {counted(sm2.interval, 'day')} · ease {sm2.easiness:.2f} · repetitions {sm2.repetitions} · "
            f"lapses {progress.lapses}" + (" · drilling today" if sm2.drill else ""),
            *(("\n", Content(", ".join(marks).capitalize()).stylize("$text-warning")) if marks else ()),
        )  # fmt: skip

    def _done(self, message: str, ok: bool) -> None:
        self.notify(message, title="Card" if ok else "Not done", severity="information" if ok else "warning")
        self._load()

    def action_actions(self) -> None:
        """The actions menu for this card."""
        info = self._info
        if info is not None:
            facts = CardFacts(info.card.id, info.progress.suspended, info.progress.leech, info.flag)
            choose_and_run(self, facts, self._done)

    def action_close(self) -> None:
        """Back to Browse (or wherever Card info was opened from)."""
        self.app.pop_screen()
