"""Actions on one card (suspend, unsuspend, clear a leech flag, bury, reset, flag) and their undo, for any screen.

`CardActionsScreen` is a small menu over the screen that asked (Browse, Card info, the review);
`ConfirmScreen` asks before a reset. `run_card_action` and `undo_card_action` do the work in a
thread worker of the calling screen (screens never touch the store on the UI thread), remember
the action in the app's `card_actions` history so it can be undone from any screen, and call
back on the UI thread with one sentence to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trainer.content.query import FLAGS

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp

__all__ = ["CardActionsScreen", "CardFacts", "ConfirmScreen", "choose_and_run", "run_card_action", "undo_card_action"]

Done = Callable[[str, bool], None]
"""Called on the UI thread with a sentence to show and whether it reports a success."""


@dataclass(frozen=True)
class CardFacts:
    """What the menu needs to know to offer the right actions."""

    card_id: str
    suspended: bool
    leech: bool
    flag: str = ""


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y or Enter says yes, n or Escape says no."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; height: auto; border: round $warning; padding: 1 2; background: $surface; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        """The question and the keys."""
        with Vertical():
            yield Static(Content(self._question), id="confirm-question")
            yield Static(Content.assemble(("y", "bold $accent"), " yes   ", ("n", "bold $accent"), " no"))

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class CardActionsScreen(ModalScreen["tuple[str, str] | None"]):
    """A menu of what can be done to one card; returns (action, flag colour) or None."""

    DEFAULT_CSS = """
    CardActionsScreen { align: center middle; }
    CardActionsScreen > Vertical { width: 50; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    CardActionsScreen OptionList { height: auto; max-height: 16; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(self, facts: CardFacts, *, can_undo: bool) -> None:
        super().__init__()
        self._facts = facts
        self._can_undo = can_undo

    def _options(self) -> list[Option]:
        facts = self._facts
        options = [
            Option("Unsuspend" if facts.suspended else "Suspend", id="unsuspend" if facts.suspended else "suspend"),
        ]
        if facts.leech:
            options.append(Option("Clear the leech flag", id="clear_leech"))
        options += [
            Option("Bury until tomorrow", id="bury"),
            Option("Reset to new…", id="reset"),
            *[Option(f"Flag {colour}", id=f"flag:{colour}") for colour in FLAGS if colour != facts.flag],
        ]
        if facts.flag:
            options.append(Option("Remove the flag", id="flag:"))
        if self._can_undo:
            options.append(Option("Undo the last change", id="undo"))
        return options

    def compose(self) -> ComposeResult:
        """The title and the options."""
        with Vertical():
            yield Static(Content("This card").stylize("bold"))
            yield OptionList(*self._options(), id="card-actions")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen action (asking first for a reset)."""
        chosen = event.option.id or ""
        action, _, flag = chosen.partition(":")
        if action == "reset":

            def confirmed(yes: bool | None) -> None:
                self.dismiss(("reset", "") if yes else None)

            self.app.push_screen(
                ConfirmScreen("Reset this card to new? Its schedule starts again; its review history is kept."), confirmed
            )
            return
        self.dismiss((action, flag))

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)


def _trainer(screen: Screen[Any]) -> TrainerApp:
    return screen.app  # type: ignore[return-value]


def run_card_action(
    screen: Screen[Any], card_id: str, action: str, flag: str, done: Done, *, then: Callable[[], None] | None = None
) -> None:
    """Do a card action in a worker of `screen`, remember it for undo, then call `done` on the UI thread.

    Args:
        screen: The screen asking (its worker runs the action).
        card_id: The card.
        action: A key of `trainer.study.collection.ACTIONS`.
        flag: The colour for "flag".
        done: Gets the sentence to show and True on success.
        then: Run in the worker after the action (e.g. the review re-reading today's queue).
    """
    from trainer.study.collection import ActionError, apply_action
    from trainer.study.review import StoreError

    app = _trainer(screen)

    def work() -> None:
        try:
            store = app.wait_store()
            assert app.clock is not None and app.profile_id is not None
            record = apply_action(store, app.clock, card_id, action, profile_id=app.profile_id, flag=flag)
            app.card_actions.push(record)
            if then is not None:
                then()
        except ActionError as error:
            app.call_from_thread(done, str(error), False)
            return
        except StoreError as error:
            app.call_from_thread(done, error.message, False)
            return
        app.call_from_thread(done, record.message + " (u undoes it)", True)

    screen.run_worker(work, thread=True, exit_on_error=False, group="card-action", description="Changing the card")


def undo_card_action(screen: Screen[Any], done: Done, *, then: Callable[[], None] | None = None) -> None:
    """Undo the latest card action of this app (from any screen), in a worker; `done` says what happened."""
    from trainer.study.collection import undo_action
    from trainer.study.review import StoreError

    app = _trainer(screen)
    record = app.card_actions.pop()
    if record is None:
        done("No change to a card to undo.", False)
        return

    def work() -> None:
        try:
            problem = undo_action(app.wait_store(), record)
            if then is not None:
                then()
        except StoreError as error:
            app.call_from_thread(done, error.message, False)
            return
        app.call_from_thread(done, problem or f"Undone: {record.message[0].lower()}{record.message[1:]}", problem is None)

    screen.run_worker(work, thread=True, exit_on_error=False, group="card-action", description="Undoing the change")


def choose_and_run(
    screen: Screen[Any], facts: CardFacts, done: Done, *, then: Callable[[], None] | None = None
) -> None:
    """Open the actions menu for a card and run what is chosen (the review screen's one entry point)."""
    app = _trainer(screen)

    def chosen(choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        action, flag = choice
        if action == "undo":
            undo_card_action(screen, done, then=then)
        else:
            run_card_action(screen, facts.card_id, action, flag, done, then=then)

    app.push_screen(CardActionsScreen(facts, can_undo=bool(len(app.card_actions))), chosen)
