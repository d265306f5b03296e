"""What the student sees after answering: the verdict, the answer, why, where from, and the grade."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

from trainer.tui.literal import literal

GRADE_MEANINGS: tuple[str, ...] = (
    "complete blackout",
    "wrong; remembered once seen",
    "wrong; seemed easy once seen",
    "right, with serious difficulty",
    "right, after hesitation",
    "right, effortless",
)
"""The SM-2 qualities 0-5 in the student's words (sm2.md, "The rules", item 2)."""


@dataclass(frozen=True)
class Verdict:
    """How the answer came out, ready to paint."""

    label: str
    """"Right", "Wrong", "One level off", "No answer", or "" for a self-graded card."""
    style: str
    """A theme-aware style for the label (so light and dark themes both read well)."""
    message: str = ""
    """One sentence from the checker, such as "L4-5 names a disc, not a root."."""
    given: str = ""
    """What the student answered, as understood."""


class WrappedLines(Visual):
    """A Visual whose text is wrapped once per width into `Content` lines (subclasses say how).

    Drawn line by line, each straight to segments: Textual's own `Content` would wrap the
    already-wrapped lines a second time.
    """

    def __init__(self) -> None:
        self._wrapped: tuple[int, list[Content]] = (-1, [])

    @property
    @abstractmethod
    def plain(self) -> str:
        """The text, unwrapped."""

    def __str__(self) -> str:
        return self.plain

    def lines(self, width: int) -> list[Content]:
        """The text wrapped to `width` cells (computed once per width)."""
        if self._wrapped[0] != width:
            self._wrapped = (width, self._wrap(width))
        return self._wrapped[1]

    @abstractmethod
    def _wrap(self, width: int) -> list[Content]:
        """The text wrapped to `width` cells."""

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """The wrapped lines as strips (Visual protocol)."""
        lines = self.lines(width)
        if options.selection is not None:  # the mouse is selecting text: let Content draw the highlight
            return Content("\n").join(lines).render_strips(width, height, style, options)
        return [Strip(line.render_segments(style), line.cell_length) for line in lines[:height]]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """As wide as the container: the text wraps to it (Visual protocol)."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """One line per wrapped line (Visual protocol)."""
        return len(self.lines(width))


class LabelledRows(WrappedLines):
    """Rows of a label and a text, each text wrapped under its own first line, never under the label.

    The citations under the feedback are drawn this way. A Rich table grid did the same, but
    rendering it cost more than any other widget in the keypress -> feedback frame; these are
    plain `Content` lines, wrapped once per width.
    """

    def __init__(self, label: Content, rows: Sequence[Content]) -> None:
        super().__init__()
        self._label = label
        self._rows = tuple(rows)

    @property
    def plain(self) -> str:
        """The rows as plain text, one line each, unwrapped."""
        return "\n".join(f"{self._label.plain}{row.plain}" for row in self._rows)

    def _wrap(self, width: int) -> list[Content]:
        # A word longer than the room left ends in "…".
        indent = self._label.cell_length
        pad = Content(" " * indent)
        lines: list[Content] = []
        for row in self._rows:
            wrapped = row.wrap(max(1, width - indent), overflow="ellipsis") or [Content()]
            lines.extend((self._label if number == 0 else pad) + line for number, line in enumerate(wrapped))
        return lines


def grade_bar(*, selected: int | None, suggested: int | None) -> Content:
    """The six SM-2 grades in a row, the selected one highlighted and the suggestion marked.

    Args:
        selected: The grade that Enter will record, or None if the student must choose.
        suggested: The grade the app suggested (checked cards), or None (self-graded).
    """
    parts: list[str | tuple[str, str] | Content] = [("Grade ", "bold")]
    for quality in range(6):
        label = f" {quality} "
        if quality == selected:
            parts.append((label, "bold $text on $accent-muted"))
        else:
            parts.append((label, "$text-muted"))
    parts.append("  ")
    if selected is not None:
        parts.append((f"{selected}: {GRADE_MEANINGS[selected]}", "italic"))
        if suggested is not None and selected != suggested:
            parts.append((f" (suggested {suggested})", "$text-muted"))
        elif suggested is not None:
            parts.append((" (suggested)", "$text-muted"))
    else:
        parts.append(("press 0-5 to grade yourself", "italic"))
    return Content.assemble(*parts)


class GradePanel(Static):
    """The grade to record and how to record it; kept on screen below the scrolling feedback.

    Two lines of one widget (the grade bar, then the status), not a container of two: it is
    painted in the keypress -> feedback frame.
    """

    DEFAULT_CSS = """
    GradePanel {
        height: auto;
        padding: 0 2;
        background: $boost;
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    grade_line = ""
    """The grade bar as plain text."""
    status_line = ""
    """The hint for recording it, as plain text ("Not recorded yet. …")."""

    def show_grade(self, *, selected: int | None, suggested: int | None) -> None:
        """Paint the grade bar and the hint for recording it."""
        bar = grade_bar(selected=selected, suggested=suggested)
        if selected is None:
            status = Content("Not recorded yet: choose a grade 0-5, then press Enter.").stylize("$text-warning")
        else:
            status = Content.assemble(
                ("Not recorded yet. ", "$text-warning"),
                ("Enter", "bold"),
                " records it and goes on; 0-5 changes the grade.",
            )
        self.grade_line, self.status_line = bar.plain, status.plain
        self.update(Content("\n").join([bar, status]))


class Blocks(WrappedLines):
    """Blocks of text one under the other, each wrapped to the width (Content paragraphs, LabelledRows)."""

    def __init__(self, blocks: Sequence[Content | LabelledRows]) -> None:
        super().__init__()
        self._blocks = tuple(blocks)

    @property
    def plain(self) -> str:
        """Every block's text, unwrapped, a line each."""
        return "\n".join(block.plain for block in self._blocks)

    def _wrap(self, width: int) -> list[Content]:
        lines: list[Content] = []
        for block in self._blocks:
            lines.extend(block.lines(width) if isinstance(block, LabelledRows) else block.wrap(max(1, width)))
        return lines


@dataclass(frozen=True)
class FeedbackText:
    """What each part of the feedback says, as plain text."""

    verdict: str = ""
    """How the answer came out ("✓ Right  you said L4"); empty for a self-graded card."""
    answer: str = ""
    """"Answer: …", and "Also accepted: …" on a second line when there are other answers."""
    explanation: str = ""
    sources: str = ""
    """One "Source: <citation>" line per source."""


class FeedbackView(Static):
    """The teaching moment after each answer: the verdict, the answer, why, and where from.

    One widget drawing its parts as blocks of one text, not a container of four: on the
    keypress -> feedback frame, Textual's per-widget layout and line rendering for the four
    cost ~20 ms of UI-thread CPU (bench_launch.py, and a trace of the real app).
    """

    DEFAULT_CSS = """
    FeedbackView {
        height: auto;
        margin-top: 1;
        padding: 0 1;
        border-left: thick $secondary;
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    shown = FeedbackText()
    """What the feedback says now."""

    _head = Blocks([])
    """The verdict and the answer: the part to bring into view (see `head_region`)."""

    def show(
        self,
        *,
        verdict: Verdict,
        answer: str,
        also: Sequence[str],
        explanation: str,
        citations: Sequence[str],
    ) -> None:
        """Paint the feedback for one answer.

        Args:
            verdict: How the answer came out.
            answer: The canonical answer.
            also: Other accepted answers.
            explanation: Why the answer is what it is.
            citations: Full citations of the card's sources.
        """
        head: list[Content] = []
        if verdict.label:  # a self-graded card has no verdict: it starts with the answer
            parts: list[str | tuple[str, str] | Content] = [(verdict.label, f"bold {verdict.style}")]
            if verdict.given:
                parts.append(Content.assemble(("  you said ", "$text-muted"), literal(verdict.given)))
            if verdict.message:
                parts.append(Content.assemble("  ", literal(verdict.message, "italic")))
            head.append(Content.assemble(*parts))
        answers = [Content.assemble(("Answer: ", "bold"), literal(answer, "bold $text-success"))]
        if also:
            answers.append(Content.assemble(("Also accepted: ", "bold"), literal(", ".join(also))))
        # One row per source, each labelled; a long citation wraps under its own first line.
        sources = LabelledRows(Content.styled("Source: ", "bold"), [literal(citation, "dim") for citation in citations])
        why = literal(explanation)
        self._head = Blocks([*head, *answers])
        self.shown = FeedbackText(
            verdict=head[0].plain if head else "",
            answer="\n".join(line.plain for line in answers),
            explanation=why.plain,
            sources=sources.plain,
        )
        self.update(Blocks([*head, *answers, Content(""), why, sources]))

    def head_region(self) -> Region:
        """The verdict and the answer, in the coordinates its scrolling container scrolls by."""
        width = self.content_region.width
        lines = len(self._head.lines(width)) if width else 1
        region = self.virtual_region_with_margin
        return Region(region.x, region.y, region.width, lines + 1)
