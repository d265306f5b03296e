"""Checking an answer: a typed root, a chosen option, and the live preview of what was typed.

Pure: no I/O, no UI. The verdicts feed the suggested SM-2 quality (`trainer.scheduling.grading`)
and the confusion analytics (`AnswerResult.given_root`), so they follow a few firm rules:

- CORRECT: the answer is accepted. On a card whose accept-set holds several roots (sources
  disagree), naming several roots is correct when every one of them is accepted ("L3 and L4",
  "T4 or T5"). A pair written like a disc label ("T4/5", "T4/T5") names both roots on such a card
  and is right too, unless the student says "disc"; it never becomes a single root. S4 or S5
  written alone is right where S4-5 (one ISNCSCI level) is accepted, and the message says so.
- ADJACENT: wrong, but the single root named or chosen is one level from an accepted root.
- WRONG: anything else, including a pair on a card that does not accept both, a hedge ("L4 or
  L5") on a one-root card, and text that is not a root at all. The message says which it was.
- BLANK: nothing, "?", or "don't know" in its usual spellings.

Nerve, site and AIS-grade cards follow the same verdicts with their own vocabularies
(`trainer.content.nerves`, `sites`, `ais`); their "one level off" is a neighbouring branch, site or
grade, or a root whose pattern overlaps the accepted nerve (C8 for the ulnar nerve).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from trainer.content import ais, nerves, sites
from trainer.content.cards import Card, CardKind
from trainer.content.roots import distance, is_root, looks_incomplete, parse_root

__all__ = [
    "not_understood",
    "AnswerResult",
    "Verdict",
    "check",
    "check_ais",
    "check_choice",
    "check_nerve",
    "check_site",
    "check_typed",
    "interpret",
    "looks_unfinished",
]


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
        if root in ("S4", "S5") and "S4-5" in accepted_set and root not in accepted_set:
            return AnswerResult(
                Verdict.CORRECT, root, "S4-5", f"Correct: ISNCSCI scores S4 and S5 together as one level, S4-5, so {root} counts as S4-5."
            )
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
        said_disc = _DISC_WORD.search(_fold(text)) is not None
        if several and a in accepted_set and b in accepted_set and not said_disc:
            return AnswerResult(
                Verdict.CORRECT,
                f"{a}, {b}",
                None,
                f"Correct: \u201c{_shown(text)}\u201d read as the two roots {a} and {b}, both accepted here.",
            )
        if said_disc:
            return AnswerResult(
                Verdict.WRONG, parsed.text, None,
                f"\u201c{label}\u201d is a disc (between two vertebrae), not a root. Which root?",
            )
        return AnswerResult(
            Verdict.WRONG,
            parsed.text,
            None,
            f"\u201c{_shown(text)}\u201d names two roots ({a} and {b}), or the {label} disc: "
            f"{'this card has one answer' if not several else 'they are not both accepted here'}. Which single root?",
        )

    if parsed.kind == "roots":
        if several and accepted_set.issuperset(parsed.roots):
            return AnswerResult(Verdict.CORRECT, parsed.text, None, "Correct: each of those roots is accepted.")
        if not several:
            return AnswerResult(
                Verdict.WRONG, parsed.text, None,
                f"\u201c{_shown(text)}\u201d names {len(parsed.roots)} roots ({parsed.text}), but this card has one answer: name one root.",
            )
        return AnswerResult(
            Verdict.WRONG, parsed.text, None,
            f"\u201c{_shown(text)}\u201d names {len(parsed.roots)} roots ({parsed.text}), and not all of them are accepted here: name one root.",
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


def _shown(text: str) -> str:
    """The student's text as typed, trimmed, for quoting back in a message."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()[:80]


def _accepted_message(given: str, accepted: Sequence[str], display: Callable[[str], str] = str) -> str:
    others = [display(a) for a in accepted if a != given]
    return f"Correct. Also accepted: {', '.join(others)}." if others else "Correct."


def check_nerve(text: str, accepted: Sequence[str]) -> AnswerResult:
    """Check a typed answer on a typed-nerve card.

    Args:
        text: What the student typed ("common peroneal", "LFCN", "ulnar nerve at the elbow").
        accepted: The card's accepted nerves, canonical (`trainer.content.nerves.NERVES`), preferred first.

    Returns:
        CORRECT for an accepted nerve; ADJACENT for a neighbouring branch, or for a root whose
        pattern overlaps an accepted nerve (C8 for ulnar); WRONG otherwise; BLANK for no attempt.
        Never raises.
    """
    if _is_blank(text):
        return _blank()
    parsed = nerves.parse_nerve(text)
    if parsed.kind == "empty":
        return _blank()
    if parsed.kind == "nerve" and parsed.nerve in accepted:
        return AnswerResult(Verdict.CORRECT, parsed.text, None, _accepted_message(parsed.nerve, accepted, nerves.display_nerve))
    given_root = parsed.roots[0] if parsed.kind == "root" else None
    for nerve in accepted:
        close = nerves.near_miss(parsed, nerve)
        if close:
            return AnswerResult(Verdict.ADJACENT, parsed.text, given_root, close)
    if parsed.kind == "nerve":
        return AnswerResult(Verdict.WRONG, parsed.text, None, f"The {parsed.text} is not the answer here.")
    if parsed.kind in ("root", "roots"):
        return AnswerResult(
            Verdict.WRONG, parsed.text, given_root, f"{parsed.text}: {parsed.note}. This card asks for a peripheral nerve."
        )
    site = sites.parse_site(text)
    if site.kind == "site":
        return AnswerResult(Verdict.WRONG, parsed.text, None, f"\u201c{parsed.text}\u201d names a site, not a nerve. Which nerve?")
    hint = f": {parsed.note}" if parsed.note else "."
    return AnswerResult(Verdict.WRONG, parsed.text, None, f"\u201c{parsed.text}\u201d was not understood as a nerve{hint}")


def check_site(text: str, accepted: Sequence[str]) -> AnswerResult:
    """Check a typed answer on a typed-site card.

    Args:
        text: What the student typed ("cauda equina", "radiculopathy", "ulnar nerve").
        accepted: The card's accepted sites, canonical (`trainer.content.sites.SITES`), preferred first.

    Returns:
        CORRECT for an accepted site; ADJACENT for the neighbouring site on the pathway (conus vs
        cauda equina); WRONG otherwise; BLANK for no attempt. Never raises.
    """
    if _is_blank(text):
        return _blank()
    parsed = sites.parse_site(text)
    if parsed.kind == "empty":
        return _blank()
    if parsed.kind == "unknown" or parsed.site is None:
        hint = f" ({parsed.note})" if parsed.note else ""
        return AnswerResult(
            Verdict.WRONG, parsed.text, None,
            f"\u201c{parsed.text}\u201d was not understood as a site{hint}: try root, plexus, nerve, cord, conus or cauda equina.",
        )
    if parsed.site in accepted:
        return AnswerResult(Verdict.CORRECT, parsed.text, None, _accepted_message(parsed.site, accepted))
    for site in accepted:
        close = sites.near_miss(parsed.site, site)
        if close:
            return AnswerResult(Verdict.ADJACENT, parsed.text, None, close)
    return AnswerResult(Verdict.WRONG, parsed.text, None, f"Not the {parsed.site}.")


def check_ais(text: str, accepted: Sequence[str]) -> AnswerResult:
    """Check a typed answer on a typed-ais card.

    Args:
        text: What the student typed ("C", "AIS C", "motor incomplete").
        accepted: The card's accepted grades ("A".."E"), preferred first.

    Returns:
        CORRECT for an accepted grade (or several, every one accepted); ADJACENT for a
        neighbouring grade, with the rule between them; WRONG otherwise; BLANK for no attempt.
        Never raises.
    """
    if _is_blank(text):
        return _blank()
    parsed = ais.parse_ais(text)
    if parsed.kind == "empty":
        return _blank()
    if parsed.kind == "unknown":
        hint = f" ({parsed.note})" if parsed.note else ""
        return AnswerResult(Verdict.WRONG, parsed.text, None, f"\u201c{parsed.text}\u201d was not understood as an AIS grade{hint}: type A, B, C, D or E.")
    accepted_set = set(accepted)
    if parsed.kind == "grades":
        if len(accepted_set) > 1 and accepted_set.issuperset(parsed.grades):
            return AnswerResult(Verdict.CORRECT, parsed.text, None, "Correct: each of those grades is accepted.")
        return AnswerResult(Verdict.WRONG, parsed.text, None, f"{parsed.text} names {len(parsed.grades)} grades: the findings decide one. Which?")
    grade = parsed.grades[0]
    if grade in accepted_set:
        return AnswerResult(Verdict.CORRECT, parsed.text, None, _accepted_message(grade, accepted, lambda g: f"AIS {g}"))
    for target in accepted:
        close = ais.near_miss(grade, target)
        if close:
            return AnswerResult(Verdict.ADJACENT, parsed.text, None, close)
    return AnswerResult(Verdict.WRONG, parsed.text, None, f"{parsed.text} is not the grade here.")


_TYPED_CHECKS: dict[CardKind, Callable[[str, Sequence[str]], AnswerResult]] = {
    CardKind.TYPED_ROOT: lambda text, accepted: check_typed(text, accepted),
    CardKind.TYPED_NERVE: check_nerve,
    CardKind.TYPED_SITE: check_site,
    CardKind.TYPED_AIS: check_ais,
}


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
        card: A typed card (root, nerve, site, AIS grade), a choice card or a body-map card.
        response: The typed text, the chosen option's text, or (map-locate) the roots under the
            cursor, comma-separated.

    Returns:
        The verdict from the checker for the card's kind, `check_choice`, or `map_cards.check_map`.

    Raises:
        ValueError: For a reveal card, which the student grades themself.
    """
    if card.kind in _TYPED_CHECKS:
        return _TYPED_CHECKS[card.kind](response, card.accepted)
    if card.kind == CardKind.CHOICE:
        return check_choice(response, card)
    if card.kind in (CardKind.MAP_ZONE, CardKind.MAP_LOCATE, CardKind.MAP_ROOT_OR_NERVE):
        # Imported here: map_cards builds on this module's checkers.
        from trainer.content.map_cards import check_map

        return check_map(card, response)
    raise ValueError(f"card {card.id} is a {card.kind} card: the student grades it, nothing checks it")


def interpret(text: str, kind: CardKind = CardKind.TYPED_ROOT) -> str:
    """What the typed text will be read as, for the preview under the answer box.

    Args:
        text: The text so far, on every keystroke.
        kind: The card's kind: a root (the default), a nerve, a site or an AIS grade.

    Returns:
        For roots: "L4" for "l 4" or "fourth lumbar", "S4-5" for "s4/5", "L4 and L5 (two roots;
        or the L4-5 disc)" for "L4/5", "not a spinal root (L5?)" for "L7". For nerves "common
        fibular (peroneal) nerve" for "peroneal"; for sites "cauda equina" for "CES"; for grades
        "AIS C" for "c". Always "don't know" for "idk", "…" while an answer is clearly unfinished
        ("L4-", "uln"), and "" for empty text. Never raises.
    """
    if not text or not text.strip():
        return ""
    if _is_blank(text):
        return "don't know"
    if kind == CardKind.TYPED_NERVE:
        return _interpret_nerve(text)
    if kind == CardKind.TYPED_SITE:
        return _interpret_site(text)
    if kind == CardKind.TYPED_AIS:
        return _interpret_ais(text)
    parsed = parse_root(text)
    if parsed.kind == "root":
        return parsed.roots[0]
    if parsed.kind == "roots":
        return f"{parsed.text} (several roots)"
    if parsed.kind == "disc":
        a, b = parsed.roots
        label = parsed.text.removesuffix(" disc")
        if _DISC_WORD.search(_fold(text)):
            return f"{label}: a disc, not a root"
        return f"{a} and {b} (two roots; or the {label} disc)"
    if parsed.kind == "empty":
        return ""
    if parsed.note:
        return parsed.note
    if looks_incomplete(text):
        return "\u2026"
    return "not understood as a root"


def _interpret_nerve(text: str) -> str:
    parsed = nerves.parse_nerve(text)
    if parsed.kind == "nerve":
        return parsed.text
    if parsed.kind in ("root", "roots"):
        return f"{parsed.text}: {parsed.note}"
    if nerves.looks_incomplete_nerve(text):
        return "\u2026"
    return parsed.note or "not understood as a nerve"


def _interpret_site(text: str) -> str:
    parsed = sites.parse_site(text)
    if parsed.kind == "site":
        return parsed.text
    if sites.looks_incomplete_site(text):
        return "\u2026"
    return parsed.note or "not understood as a site"


def _interpret_ais(text: str) -> str:
    parsed = ais.parse_ais(text)
    if parsed.kind in ("grade", "grades"):
        return parsed.text
    if ais.looks_incomplete_ais(text):
        return "\u2026"
    return parsed.note or "not understood as an AIS grade"


def looks_unfinished(text: str, kind: CardKind = CardKind.TYPED_ROOT) -> bool:
    """Whether an Enter on `text` is a slip of the finger: the answer is plainly half-typed.

    Args:
        text: The typed text.
        kind: The card's kind.

    Returns:
        True for "L" or "S4-" on a root card, "uln" on a nerve card, "cau" on a site card, "AIS"
        on a grade card; False for anything the parser understands, and for empty text.
    """
    if kind == CardKind.TYPED_NERVE:
        return nerves.parse_nerve(text).kind == "unknown" and nerves.looks_incomplete_nerve(text)
    if kind == CardKind.TYPED_SITE:
        return sites.parse_site(text).kind == "unknown" and sites.looks_incomplete_site(text)
    if kind == CardKind.TYPED_AIS:
        return ais.parse_ais(text).kind == "unknown" and ais.looks_incomplete_ais(text)
    return parse_root(text).kind == "unknown" and looks_incomplete(text)


_WHAT: dict[CardKind, str] = {
    CardKind.TYPED_ROOT: "a spinal root",
    CardKind.TYPED_NERVE: "a nerve",
    CardKind.TYPED_SITE: "a lesion site",
    CardKind.TYPED_AIS: "an AIS grade",
}
"""What each typed kind asks for, in a hint."""


def not_understood(text: str, kind: CardKind = CardKind.TYPED_ROOT) -> str | None:
    """Why `text` cannot be taken as an answer at all, before anything is revealed.

    Input the parser does not understand ("banana" on a root card) is no answer: grading it would
    show the right answer for nothing, and a second try would then be a free pass. So the face
    asks for it again instead.

    Args:
        text: The typed text (not empty).
        kind: The card's kind.

    Returns:
        One sentence for the student, or None when the text is understood (a root, a pair, a
        disc label, a nerve, "?" for don't know...), right or wrong.
    """
    if not text.strip() or _is_blank(text):
        return None
    if kind == CardKind.TYPED_NERVE:
        parsed = nerves.parse_nerve(text).kind
    elif kind == CardKind.TYPED_SITE:
        parsed = sites.parse_site(text).kind
    elif kind == CardKind.TYPED_AIS:
        parsed = ais.parse_ais(text).kind
    else:
        parsed = parse_root(text).kind
    if parsed != "unknown":
        return None
    return f"“{text.strip()}” is not understood as {_WHAT.get(kind, 'an answer')}: type again, or ? for don't know."
