"""SM-2 spaced repetition as pure functions over an immutable state.

This module implements `shared/design/sm2.md` exactly: the SuperMemo 2 algorithm (Wozniak 1990,
section 3.2) with the project's readings of its three open points (the same-day drill, what a
lapse does, and which E-Factor the interval uses). It reads no clock, touches no disk and knows
nothing of cards or the screen: the study session turns "days until due" into a study day.

Floating point: the E-Factor moves in steps of whole hundredths (+0.10, 0, -0.14, -0.32, -0.54,
-0.80), but binary floats cannot hold most hundredths exactly, so repeated additions would drift
(2.5 - 0.14 is 2.3600000000000003). Two guards keep the arithmetic equal to the spec's decimal
arithmetic: the new E-Factor is rounded to `EASINESS_DECIMALS` places, and the product
`interval * easiness` is rounded to `PRODUCT_DECIMALS` places before it is rounded up, so that
an exact product such as 6 * 2.5 = 15 can never become 16 through noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

INITIAL_EASINESS = 2.5
"""The E-Factor of a new item (sm2.md rule 1)."""

MINIMUM_EASINESS = 1.3
"""The E-Factor never falls below this; there is no upper bound (sm2.md rule 3)."""

PASSING_QUALITY = 3
"""The lowest quality that counts as remembering; below it is a lapse."""

DRILL_EXIT_QUALITY = 4
"""The lowest quality that ends a same-day drill (and that avoids starting one)."""

QUALITIES = range(6)
"""Every valid quality, 0 (blackout) to 5 (perfect)."""

FIRST_INTERVAL = 1
"""Days after the first successful repetition."""

SECOND_INTERVAL = 6
"""Days after the second successful repetition."""

MAXIMUM_INTERVAL = 36_500
"""The longest interval, in days (100 years, Anki's default maximum interval). Without it a card
passed often enough is scheduled centuries ahead, and past 9999-12-31 its due day cannot even be
written down (the full crash proof reached that, tests/proof)."""

EASINESS_DECIMALS = 6
"""Places the E-Factor is rounded to after each change: far finer than the spec's hundredths,
so rounding loses nothing, but coarse enough to wipe out binary float drift."""

PRODUCT_DECIMALS = 6
"""Places `interval * easiness` is rounded to before it is rounded up to whole days."""


@dataclass(frozen=True)
class Sm2State:
    """The scheduling state of one item; `Sm2State()` is a new item.

    Attributes:
        repetitions: Successful repetitions in a row (n); 0 for a new or lapsed item.
        easiness: The E-Factor (EF), at least `MINIMUM_EASINESS`.
        interval: The current interval in days (I); 0 for a new or lapsed item.
        drill: True while the item is being repeated today after a grade of 3 and has not yet
            scored 4 or 5 (sm2.md rule 5).
    """

    repetitions: int = 0
    easiness: float = INITIAL_EASINESS
    interval: int = 0
    drill: bool = False

    def __post_init__(self) -> None:
        """Reject states that no sequence of answers can produce, listing every bad field."""
        problems: list[str] = []
        if not _is_int(self.repetitions) or self.repetitions < 0:
            problems.append(f"repetitions must be a whole number >= 0, not {self.repetitions!r}")
        if (
            isinstance(self.easiness, bool)
            or not isinstance(self.easiness, int | float)
            or not math.isfinite(self.easiness)
            or self.easiness < MINIMUM_EASINESS
        ):
            problems.append(f"easiness must be a finite number >= {MINIMUM_EASINESS}, not {self.easiness!r}")
        if not _is_int(self.interval) or self.interval < 0:
            problems.append(f"interval must be a whole number of days >= 0, not {self.interval!r}")
        if not isinstance(self.drill, bool):
            problems.append(f"drill must be True or False, not {self.drill!r}")
        if problems:
            raise ValueError("Invalid SM-2 state: " + "; ".join(problems) + ".")


def _is_int(value: object) -> bool:
    # bool is an int subclass, but True repetitions or a quality of True is a bug, not a number.
    return isinstance(value, int) and not isinstance(value, bool)


def validate_quality(quality: object) -> int:
    """Return `quality` if it is a valid SM-2 grade.

    Args:
        quality: The grade to check.

    Returns:
        The grade, unchanged.

    Raises:
        ValueError: If it is not an int from 0 to 5 (bools and floats are refused too).
    """
    if not _is_int(quality) or quality not in QUALITIES:
        raise ValueError(f"SM-2 quality must be a whole number from 0 to 5, not {quality!r}.")
    return quality  # type: ignore[return-value]  # narrowed by _is_int


def easiness_after(easiness: float, quality: int) -> float:
    """The E-Factor after an answer of `quality`, by the SM-2 formula with the 1.3 floor.

    The formula is applied as written for any quality; `review` only applies it to passes.

    Args:
        easiness: The E-Factor before the answer.
        quality: The grade, 0 to 5.

    Returns:
        The new E-Factor, rounded to `EASINESS_DECIMALS` places and at least `MINIMUM_EASINESS`.

    Raises:
        ValueError: If `quality` is not a valid grade.
    """
    validate_quality(quality)
    shortfall = 5 - quality
    changed = easiness + (0.1 - shortfall * (0.08 + shortfall * 0.02))
    return max(MINIMUM_EASINESS, round(changed, EASINESS_DECIMALS))


def review(state: Sm2State, quality: int) -> tuple[Sm2State, int]:
    """Apply one answer to an item's state.

    Args:
        state: The state before the answer.
        quality: The grade, 0 (blackout) to 5 (perfect).

    Returns:
        The new state and the days until the item is due again; 0 means "ask again today"
        (after a lapse, a grade of 3, or a drill answer below 4).

    Raises:
        ValueError: If `quality` is not an int from 0 to 5.
    """
    validate_quality(quality)

    if state.drill:
        # Rule 5: a drill answer only decides whether today's drill is over; the repetition
        # itself was already counted when the item scored 3.
        if quality < DRILL_EXIT_QUALITY:
            return state, 0
        return replace(state, drill=False), state.interval

    if quality < PASSING_QUALITY:
        # Rule 4: start the repetitions again but keep the E-Factor. With n = 0 the next answer
        # is graded as a first repetition, which is why no drill flag is set here.
        return replace(state, repetitions=0, interval=0), 0

    easiness = easiness_after(state.easiness, quality)
    if state.repetitions == 0:
        interval = FIRST_INTERVAL
    elif state.repetitions == 1:
        interval = SECOND_INTERVAL
    else:
        # The spec's trace multiplies by the *new* E-Factor: 6 * 2.46 = 14.76 -> 15.
        interval = min(MAXIMUM_INTERVAL, math.ceil(round(state.interval * easiness, PRODUCT_DECIMALS)))
    drill = quality < DRILL_EXIT_QUALITY
    new_state = Sm2State(
        repetitions=state.repetitions + 1,
        easiness=easiness,
        interval=interval,
        drill=drill,
    )
    return new_state, 0 if drill else interval
