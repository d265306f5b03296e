"""The SM-2 quality the app suggests for an answer it could check itself.

For typed-root and multiple-choice cards the app knows whether the answer was right and how long
the student took, so it proposes a grade (sm2.md, last section); the student may still change it
with keys 0-5 before moving on. Self-graded (reveal) cards take the student's own grade and never
come here.

Verdicts are compared by their string value ("correct", "adjacent", "wrong", "blank"), so this
module accepts `trainer.content.answers.Verdict` members without importing the content layer:
scheduling imports nothing of the project.

Where the default thresholds come from. A correct answer's time is reading the prompt, recalling
the root and typing it. Silent reading of English runs at about 240 words a minute (Brysbaert
2019, a meta-analysis of 190 studies), so a 10-15 word prompt takes 2.5-4 s. Typing "L4" and
Enter is three keystrokes; the 136-million-keystroke study of Dhakal et al. (CHI 2018) measured a
mean of 52 words a minute, about 0.23 s between keys, so under 1 s even with a shift key.
Recalling a well-known fact takes about a second more. That gives about 6 s (`FAST_MS`) for an
answer that came without hesitation, which SM-2 calls 5 ("perfect response"). We allow 2.5 times
that, 15 s (`SLOW_MS`), for "correct after hesitation" (4): a student who rereads the prompt or
runs down the dermatomes in their head. Slower than that is "correct with serious difficulty" (3),
which the scheduler repeats today. These are estimates from published reading and typing rates,
not measurements of our own users; both are settings (`fast_ms`, `slow_ms`) for that reason.
"""

from __future__ import annotations

FAST_MS = 6_000
"""Answers at or under this many milliseconds suggest 5 (see the module docstring for why)."""

SLOW_MS = 15_000
"""Answers at or under this (and over `FAST_MS`) suggest 4; slower correct answers suggest 3."""

UNTIMED_CORRECT_QUALITY = 4
"""The suggestion for a correct answer with no recorded time.

Without a time we cannot tell a perfect answer from a struggle. 4 is the neutral pass: it leaves
the E-Factor unchanged and starts no same-day drill, so a missing measurement neither rewards nor
punishes the student.
"""

_QUALITY_BY_VERDICT = {"blank": 0, "wrong": 1, "adjacent": 1}
# "adjacent" (one level off) is still wrong: SM-2's 1 is "incorrect, the right answer remembered
# once seen", which fits a near miss as well as a plain miss, and a near miss must be relearnt.


def suggest_quality(
    verdict: str | None,
    response_ms: int | None,
    *,
    fast_ms: int = FAST_MS,
    slow_ms: int = SLOW_MS,
) -> int:
    """Suggest an SM-2 quality for an answer the app checked.

    Args:
        verdict: The checker's verdict: a `Verdict` member or its value ("correct",
            "adjacent", "wrong", "blank"). None means a self-graded card, which has no
            suggestion.
        response_ms: Milliseconds from showing the card to the answer, or None if unknown.
        fast_ms: Correct answers at or under this time suggest 5.
        slow_ms: Correct answers at or under this time (and over `fast_ms`) suggest 4;
            slower ones suggest 3.

    Returns:
        0 for a blank answer, 1 for a wrong or adjacent one, and 5, 4 or 3 by time for a
        correct one (`UNTIMED_CORRECT_QUALITY` when the time is unknown).

    Raises:
        ValueError: For a None or unknown verdict, a negative or non-integer time, or
            thresholds that are negative or out of order.
    """
    if verdict is None:
        raise ValueError("Self-graded cards take the student's grade; there is nothing to suggest.")
    _check_thresholds(fast_ms, slow_ms)
    if response_ms is not None and (not _is_int(response_ms) or response_ms < 0):
        raise ValueError(f"Response time must be a whole number of milliseconds >= 0, not {response_ms!r}.")

    verdict_text = str(verdict)
    if verdict_text in _QUALITY_BY_VERDICT:
        return _QUALITY_BY_VERDICT[verdict_text]
    if verdict_text != "correct":
        raise ValueError(f"Unknown verdict {verdict!r}; expected correct, adjacent, wrong or blank.")
    if response_ms is None:
        return UNTIMED_CORRECT_QUALITY
    if response_ms <= fast_ms:
        return 5
    if response_ms <= slow_ms:
        return 4
    return 3


def _check_thresholds(fast_ms: int, slow_ms: int) -> None:
    problems = [
        f"{name} must be a whole number of milliseconds >= 0, not {value!r}"
        for name, value in (("fast_ms", fast_ms), ("slow_ms", slow_ms))
        if not _is_int(value) or value < 0
    ]
    if not problems and fast_ms > slow_ms:
        problems.append(f"fast_ms ({fast_ms}) must not exceed slow_ms ({slow_ms})")
    if problems:
        raise ValueError("Invalid grading thresholds: " + "; ".join(problems) + ".")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
