"""The three ways of answering a card: typing a root, picking a numbered choice, recalling.

Each widget only displays and collects; the review screen decides what an answer means.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from trainer.content.cards import CardKind
from trainer.tui.literal import display_text, literal

_PLACEHOLDERS = {
    CardKind.TYPED_ROOT: "Type a root, e.g. L4; ? if unsure",
    CardKind.TYPED_NERVE: "Type a nerve, e.g. ulnar; ? if unsure",
    CardKind.TYPED_SITE: "Type a site: root, plexus, nerve, cord, conus, cauda equina; ? if unsure",
    CardKind.TYPED_AIS: "Type an AIS grade, A to E; ? if unsure",
}


class TypedAnswer(Vertical):
    """A one-line input for a root, with a live "understood as" line under it.

    The preview uses the same parser that grades the answer, so the student sees "l 4 -> L4" or
    "L4-5 -> a disc, not a root" before committing to it.
    """

    DEFAULT_CSS = """
    TypedAnswer {
        height: auto;
        margin-top: 1;
        Input {
            width: 40;
        }
        #typed-preview {
            padding-left: 2;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    @dataclass
    class Submitted(Message):
        """The student pressed Enter on their typed answer (posted to the screen directly)."""

        text: str

    def compose(self) -> ComposeResult:
        """The input line and the preview line."""
        yield Input(placeholder="Type a root, e.g. L4; ? if unsure", id="typed-input")
        yield Static(id="typed-preview", markup=False)

    kind: CardKind = CardKind.TYPED_ROOT
    """What the current card asks for: the preview and the "unfinished" check read it."""

    def reset(self, *, cursor_blink: bool = True, kind: CardKind = CardKind.TYPED_ROOT) -> None:
        """Empty the input for a new card and give it focus.

        Args:
            cursor_blink: Whether the cursor blinks (tests switch it off for stable snapshots).
            kind: The card's kind (a root, nerve, site or AIS grade).
        """
        self.kind = kind
        box = self.query_one("#typed-input", Input)
        box.placeholder = _PLACEHOLDERS.get(kind, _PLACEHOLDERS[CardKind.TYPED_ROOT])
        box.cursor_blink = cursor_blink
        self._frozen = False
        box.value = ""
        self._show_preview("")
        box.focus()

    _frozen: bool = False
    """True from the answer until the next `reset`: a late Enter is not a second answer."""

    def freeze(self) -> None:
        """Stop taking the answer once it is in: a later Enter in the box is ignored.

        The screen takes the focus away (to nothing: see ReviewScreen._typed_answer). The box is
        not `disabled`, and not `blur`red here: either hands the focus to the next focusable
        widget, the scrolling body, whose restyle on gaining and losing it cost ~50 ms of every
        keypress -> feedback frame on this machine.
        """
        self._frozen = True

    @on(Input.Changed, "#typed-input")
    def _typed(self, event: Input.Changed) -> None:
        """Update the preview on every keystroke."""
        self._show_preview(event.value)

    @on(Input.Submitted, "#typed-input")
    def _submitted(self, event: Input.Submitted) -> None:
        """Pass the answer up to the screen, unless it is empty or plainly unfinished.

        An Enter on nothing, on a half-typed root ("L", "S4-") or on something that is no root at
        all ("banana") is not an answer: it stays in the box with a hint, and nothing is revealed.
        "?" is the way to say "I don't know".
        """
        event.stop()
        text = event.value
        if self._frozen:
            return
        if not text.strip():
            self._hint("Type a root such as L4, or ? if you don't know.")
            return
        from trainer.content.answers import looks_unfinished, not_understood  # see ReviewScreen._warm_up

        if looks_unfinished(text, self.kind):
            what = "root, such as L4" if self.kind == CardKind.TYPED_ROOT else "answer"
            self._hint(f"“{text.strip()}” is not finished yet: write the whole {what}.")
            return
        problem = not_understood(text, self.kind)
        if problem is not None:
            # Nothing is revealed for input that is no answer at all ("banana").
            self._hint(problem)
            return
        # Straight to the screen, its only listener: bubbling up through the two containers
        # around the box costs a message hop each on the keypress -> feedback path.
        self.screen.post_message(self.Submitted(text))

    def _hint(self, text: str) -> None:
        self.query_one("#typed-preview", Static).update(literal(text, "$text-warning"))

    def _show_preview(self, text: str) -> None:
        understood = ""
        if text.strip():
            from trainer.content.answers import interpret  # see ReviewScreen._warm_up

            understood = interpret(text, self.kind)
        preview = self.query_one("#typed-preview", Static)
        if understood:
            preview.update(Content.assemble(("understood as: ", "dim"), (display_text(understood), "bold")))
        else:
            preview.update(Content("understood as: …").stylize("dim"))


class ChoiceAnswer(Vertical):
    """Numbered options, each wrapping under its own text; after answering, right and wrong are marked."""

    DEFAULT_CSS = """
    ChoiceAnswer {
        height: auto;
        margin-top: 1;
        padding: 0 1;
        .choice-row {
            height: auto;
        }
        .choice-key {
            width: 5;
        }
        .choice-text {
            width: 1fr;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    MAX_OPTIONS = 9
    """Keys 1-9 pick an option, so a card never shows more."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[tuple[Horizontal, Static, Static]] = []
        """(row, number, text) for each option; built on first need (see `prepare`)."""

    def prepare(self) -> None:
        """Mount the nine rows (number, text) once; they are then shown as each card needs.

        They are 27 widgets, most of the review screen's: styling them before the first frame
        cost about 50 ms of the launch (bench/bench_launch.py). So the screen calls this once the
        first card has been up for a moment (ReviewScreen._warm_up), and `show` calls it at once
        if a choice card comes first.
        """
        if self._rows:
            return
        for index in range(self.MAX_OPTIONS):
            key = Static(classes="choice-key", markup=False)
            text = Static(classes="choice-text", markup=False)
            row = Horizontal(key, text, classes="choice-row", id=f"choice-row-{index + 1}")
            self._rows.append((row, key, text))
        self.mount_all(row for row, _key, _text in self._rows)

    def show(self, choices: tuple[str, ...], *, chosen: int | None = None, correct: set[int] | None = None) -> None:
        """Paint the options.

        Args:
            choices: The option texts, in the card's order (numbered from 1).
            chosen: Index of the option the student picked, once answered.
            correct: Indexes of the accepted options, once answered.
        """
        self.prepare()
        for index, (row, key, text) in enumerate(self._rows):
            row.display = index < len(choices)
            if index >= len(choices):
                continue
            mark, style = "  ", ""
            if correct is not None and index in correct:
                mark, style = "✓ ", "bold $text-success"
            elif chosen == index:
                mark, style = "✗ ", "bold $text-error"
            key.update(Content.assemble((f"{mark}{index + 1}", f"bold {style or '$accent'}")))
            text.update(literal(choices[index], style))


class RevealAnswer(Static):
    """The hint on a self-graded card until it is revealed (the feedback view then shows the back)."""

    DEFAULT_CSS = """
    RevealAnswer {
        height: auto;
        margin-top: 1;
        padding: 0 1;
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    def hide_answer(self) -> None:
        """Show the hint instead of the answer."""
        self.update(Content("Recall the answer, then press space or enter to reveal it.").stylize("italic"))
