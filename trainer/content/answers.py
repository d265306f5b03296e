"""Checking an answer: a typed root, a chosen option, and the live preview of what was typed.

Pure: no I/O, no UI. The verdicts feed the suggested SM-2 quality (`trainer.scheduling.grading`)
and the confusion analytics (`AnswerResult.given_root`), so they follow a few firm rules:

- CORRECT: the answer is accepted. On a card whose accept-set holds several roots (sources
  disagree), naming several roots is correct when every one of them is accepted ("L3 and L4").
  A disc-shaped pair ("L3-4") is never read as roots, even where texts write the knee jerk that
  way: a student who cannot tell a disc label from a root has not learnt the thing this app
  teaches, so it is wrong, and the message says how to write the roots.
- ADJACENT: wrong, but the single root named or chosen is one level from an accepted root.
- WRONG: anything else, including a disc label, a hedge ("L4 or L5") on a one-root card, and text
  that is not a root at all. The message says which of these it was.
- BLANK: nothing, "?", or "don't know" in its usual spellings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trainer.content.cards import Card, CardKind
from trainer.content.roots import distance, is_root, looks_incomplete, parse_root

__all__ = ["AnswerResult", "Verdict", "check", "check_choice", "check_typed", "interpret"]


class Verdict(StrEnum):
    """How an answer came out."""

    CORRECT = "correct"
    ADJACENT = "adjacent"
    """Wrong, but one level from the nearest accepted root."""
    WRONG = "wrong"
    BLANK = "blank"
    """No attempt: empty, "?" or "don't know"."""


@dataclass(frozen=True)
class AnswerResult:
    """The verdict on one answer, and what the student is told."""

    verdict: Verdict
    given: str
    """What we understood: the canonical root, the option text, or the cleaned raw text."""
    given_root: str | None
    """The single root the student named or chose, for confusion analytics; None if none."""
    message: str
    """One short sentence for the student."""

    @property
    def correct(self) -> bool:
        """Whether the answer counts as right."""
        return self.verdict is Verdict.CORRECT


# "Don't know" as students type it. Compared after case folding, with curly apostrophes made
# straight and trailing punctuation dropped, so "Dunno." and "I don’t know!" both count.
_BLANK_WORDS = frozenset(
    {
        "", "idk", "dk", "dunno", "don't know", "dont know", "do not know", "i don't know",
        "i dont know", "i do not know", "no idea", "not sure", "unsure", "no clue", "pass",
        "skip", "none", "n/a", "na", "?",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s.!?,;:…]+|[\s.!?,;:…]+$")
_DISC_WORD = re.compile(r"(?<![a-z])(?:dis[ck]s?|interspaces?|intervertebral)(?![a-z])")


def _fold(text: str) -> str:
    """Case-folded, NFKC, single spaces, straight apostrophes: for comparing free text."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip().casefold()


def _is_blank(text: str) -> bool:
    folded = _fold(text)
    if folded and set(folded) <= {"?", " "}:
        return True
    return _EDGE_PUNCT.sub("", folded) in _BLANK_WORDS or folded in _BLANK_WORDS


def _blank() -> AnswerResult:
    return AnswerResult(Verdict.BLANK, "", None, "No answer given.")


def _nearest(root: str, accepted: Sequence[str]) -> float | None:
    """The distance from `root` to the nearest accepted root, or None if no accepted root is a root."""
    distances = [distance(root, a) for a in accepted if is_root(a)]
    return min(distances) if distances else None


def check_typed(text: str, accepted: Sequence[str]) -> AnswerResult:
    """Check a typed answer on a typed-root card.

    Args:
        text: What the student typed, in any spelling `parse_root` understands.
        accepted: The card's accepted roots, canonical, preferred first.

    Returns:
        The verdict. Never raises, whatever the text.
    """
    if _is_blank(text):
        return _blank()
    parsed = parse_root(text)
    accepted_set = set(accepted)
    several = len(accepted_set) > 1

    if parsed.kind == "empty":
        return _blank()

    if parsed.kind == "root":
        root = parsed.roots[0]
        if root in accepted_set:
            others = [a for a in accepted if a != root]
            message = f"Correct. Also accepted: {', '.join(others)}." if others else "Correct."
            return AnswerResult(Verdict.CORRECT, root, root, message)
        nearest = _nearest(root, accepted)
        if nearest is not None and nearest <= 1:
            if root in ("S4", "S5") and "S4-5" in accepted_set:
                message = "ISNCSCI tests S4 and S5 together as one level: S4-5."
            else:
                message = f"Close: {root} is one level away."
            return AnswerResult(Verdict.ADJACENT, root, root, message)
        return AnswerResult(Verdict.WRONG, root, root, f"{root} is not accepted here.")

    if parsed.kind == "disc":
        a, b = parsed.roots
        label = parsed.text.removesuffix(" disc")
        if several and a in accepted_set and b in accepted_set and not _DISC_WORD.search(_fold(text)):
            return AnswerResult(
                Verdict.WRONG,
                parsed.text,
                None,
                f"\u201c{label}\u201d names a disc, not a root. {a} and {b} are both accepted here: "
                f"type one of them, or \u201c{a} and {b}\u201d.",
            )
        return AnswerResult(
            Verdict.WRONG,
            parsed.text,
            None,
            f"\u201c{label}\u201d names a disc (between two vertebrae), not a root. Which single root?",
        )

    if parsed.kind == "roots":
        if several and accepted_set.issuperset(parsed.roots):
            return AnswerResult(Verdict.CORRECT, parsed.text, None, "Correct: each of those roots is accepted.")
        if not several and accepted_set.issuperset(parsed.roots):
            return AnswerResult(Verdict.WRONG, parsed.text, None, "Name one root.")
        return AnswerResult(
            Verdict.WRONG, parsed.text, None, "Name one root: not all of those are accepted here."
        )

    # Unknown: say why, as specifically as the parser could tell.
    shown = parsed.text or _fold(text)
    if parsed.note.startswith("not a spinal root"):
        hint = parsed.note.removeprefix("not a spinal root").strip(" ()?")
        message = f"{shown} is not a spinal root" + (f"; did you mean {hint}?" if hint else ".")
    elif parsed.note.startswith("a vertebra"):
        message = f"\u201c{shown}\u201d names a vertebra (bone), not a root. Which root?"
    elif parsed.note:
        message = f"\u201c{shown}\u201d: {parsed.note}."
    else:
        message = f"\u201c{shown}\u201d was not understood as a root (write it like L4, T10 or S4-5)."
    return AnswerResult(Verdict.WRONG, shown, None, message)


def check_choice(option: str, card: Card) -> AnswerResult:
    """Check the option a student chose on a choice card.

    Options are compared with the card's accepted answers after case and whitespace folding.

    Args:
        option: The text of the chosen option (normally one of `card.choices`).
        card: The choice card.

    Returns:
        CORRECT if the option is accepted; ADJACENT if the root it stands for is one level from
        the card's answer root; WRONG otherwise; BLANK for an empty option.
    """
    folded = _fold(option)
    if not folded:
        return _blank()
    index = next((i for i, c in enumerate(card.choices) if _fold(c) == folded), None)
    given = card.choices[index] if index is not None else option.strip()
    given_root = None
    if index is not None and index < len(card.choice_roots):
        given_root = card.choice_roots[index]
    if any(_fold(a) == folded for a in card.accepted):
        return AnswerResult(Verdict.CORRECT, given, given_root, "Correct.")
    target = card.answer_root
    if given_root and target and is_root(given_root) and is_root(target) and 0 < distance(given_root, target) <= 1:
        return AnswerResult(Verdict.ADJACENT, given, given_root, f"Close: {given_root} is one level away.")
    return AnswerResult(Verdict.WRONG, given, given_root, "Not that one.")


def check(card: Card, response: str) -> AnswerResult:
    """Check a response on any automatically graded card.

    Args:
        card: A typed-root or choice card.
        response: The typed text, or the chosen option's text.

    Returns:
        The verdict from `check_typed` or `check_choice`.

    Raises:
        ValueError: For a reveal card, which the student grades themself.
    """
    if card.kind == CardKind.TYPED_ROOT:
        return check_typed(response, card.accepted)
    if card.kind == CardKind.CHOICE:
        return check_choice(response, card)
    raise ValueError(f"card {card.id} is a {card.kind} card: the student grades it, nothing checks it")


def interpret(text: str) -> str:
    """What the typed text will be read as, for the preview under the answer box.

    Args:
        text: The text so far, on every keystroke.

    Returns:
        "L4" for "l 4" or "fourth lumbar", "S4-5" for "s4/5", "L4-5: a disc, not a root",
        "not a spinal root (L5?)" for "L7", "don't know" for "idk", "…" while an answer is clearly
        unfinished ("L4-"), and "" for empty text. Never raises.
    """
    if not text or not text.strip():
        return ""
    if _is_blank(text):
        return "don't know"
    parsed = parse_root(text)
    if parsed.kind == "root":
        return parsed.roots[0]
    if parsed.kind == "roots":
        return f"{parsed.text} (several roots)"
    if parsed.kind == "disc":
        return f"{parsed.text.removesuffix(' disc')}: a disc, not a root"
    if parsed.kind == "empty":
        return ""
    if parsed.note:
        return parsed.note
    if looks_incomplete(text):
        return "\u2026"
    return "not understood as a root"
