"""The review screen's keys, and which of them mean something in each mode.

Kept apart from the screen so the rules can be read in one place: the footer, the help screen and
the command palette all read these bindings (through `check_action`), never a hand-written copy.
"""

from __future__ import annotations

from typing import Literal

from textual.binding import Binding

__all__ = ["REVIEW_BINDINGS", "VERDICTS", "Mode", "key_enabled"]

Mode = Literal["loading", "typing", "choosing", "pointing", "recalling", "grading", "done"]
"""What the keyboard does right now: type an answer, pick a choice, point on the map, reveal, grade, or nothing."""

VERDICTS: dict[str, tuple[str, str]] = {
    "correct": ("✓ Right", "$text-success"),
    "adjacent": ("✗ One level off", "$text-warning"),
    "wrong": ("✗ Wrong", "$text-error"),
    "blank": ("— No answer", "$text-warning"),
}
"""How each checker verdict is announced, with a theme colour that reads in light and dark themes."""

REVIEW_BINDINGS = [
    Binding("enter", "record", "Record", tooltip="Record the answer with the highlighted grade", id="review.record"),
    Binding("space,enter", "reveal", "Reveal", tooltip="Show the back of the card", id="review.reveal"),
    Binding("1", "choose(1)", "Choose", key_display="1-9", tooltip="Pick option 1-9", id="review.choose-1"),
    *[Binding(str(n), f"choose({n})", f"Choose {n}", show=False) for n in range(2, 10)],
    Binding("0", "grade(0)", "Grade", key_display="0-5", tooltip="Set the SM-2 grade 0-5", id="review.grade-0"),
    *[Binding(str(n), f"grade({n})", f"Grade {n}", show=False) for n in range(1, 6)],
    Binding("m", "map", "Map", tooltip="Show or hide the body map beside the feedback", id="review.map"),
    Binding("u", "undo", "Undo", tooltip="Take back the last recorded answer", id="review.undo"),
    Binding("ctrl+z", "undo('typing')", "Undo", tooltip="Take back the last recorded answer", id="review.undo-typing"),
    Binding("s", "suspend", "Suspend", tooltip="Stop asking this card", id="review.suspend"),
    Binding("ctrl+s", "suspend('typing')", "Suspend", tooltip="Stop asking this card", id="review.suspend-typing"),
    Binding("a", "card_actions", "Card actions", show=False, tooltip="Bury, flag, reset, unsuspend… (and undo)"),
    Binding("question_mark", "help", "Help", key_display="?", id="review.help"),
    Binding("f1", "help('typing')", "Help", id="review.help-typing"),
    Binding(
        "down",
        "scroll('down')",
        "Scroll",
        key_display="↑↓",
        tooltip="Scroll the card, the explanation and the sources",
        id="review.scroll",
    ),
    Binding("up", "scroll('up')", "Scroll up", show=False),
    Binding("pagedown", "scroll('page_down')", "Page down", show=False),
    Binding("pageup", "scroll('page_up')", "Page up", show=False),
    Binding("q", "home", "Home", tooltip="Back to Home; an answer on screen is recorded first", id="review.home"),
    Binding(
        "escape",
        "home('typing')",
        "Home",
        tooltip="Back to Home; an answer on screen is recorded first",
        id="review.home-esc",
    ),
    Binding("escape", "home('esc')", "Home", show=False),
]
"""Keys. While an answer is being typed, letters belong to it, so undo, suspend, help and home move
to Ctrl+Z, Ctrl+S, F1 and Escape; `key_enabled` shows whichever set applies. Once an answer is
shown (the feedback) its verdict stands: the grade may change, the card is never asked again."""


def key_enabled(action: str, parameters: tuple[object, ...], mode: Mode, *, can_undo: bool) -> bool | None:
    """Whether a review action means something in `mode` (False hides it, None greys it out).

    Args:
        action: The action's name.
        parameters: Its parameters ("typing" marks the Ctrl/F1/Escape twins, "esc" Escape).
        mode: What the keyboard does now.
        can_undo: The session has an answer it can take back.
    """
    if action in {"record", "grade"}:
        return mode == "grading"
    if action == "reveal":
        return mode == "recalling"
    if action == "choose":
        return mode == "choosing"
    if action == "map":
        return mode == "grading"
    if action == "scroll":
        # Named on the feedback, where explanations and sources can run long. Not tied to the
        # scrollbar appearing: that comes after layout and would rebuild the footer a second
        # time per answer (keypress -> feedback went from 45 to 97 ms in bench_launch.py).
        # Page Up/Down also scroll a long card while it is answered (unnamed, so the footer holds).
        paging = parameters in {("page_down",), ("page_up",)}
        return mode == "grading" or (paging and mode in {"typing", "choosing", "recalling"})
    if action in {"undo", "suspend", "help", "home"}:
        if parameters == ("esc",):
            return True  # Escape goes home from every mode; the footer names it only while typing.
        # Letter keys while a card is answered by letters; their Ctrl/F1/Escape twins while typing.
        if (parameters == ("typing",)) != (mode == "typing"):
            return False
        if action == "undo":
            # Not on the feedback: undoing the card before would re-ask it and drop this verdict.
            return False if mode == "grading" else (can_undo or None)
        if action == "suspend":
            return mode in {"typing", "choosing", "pointing", "recalling", "grading"}
        return True
    return True
