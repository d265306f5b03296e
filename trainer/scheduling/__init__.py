"""When to show a card again: pure SM-2 (`sm2`) and the grade suggested for a checked answer (`grading`)."""

from trainer.scheduling.grading import FAST_MS, SLOW_MS, UNTIMED_CORRECT_QUALITY, suggest_quality
from trainer.scheduling.sm2 import (
    INITIAL_EASINESS,
    MINIMUM_EASINESS,
    QUALITIES,
    Sm2State,
    easiness_after,
    review,
    validate_quality,
)

__all__ = [
    "FAST_MS",
    "INITIAL_EASINESS",
    "MINIMUM_EASINESS",
    "QUALITIES",
    "SLOW_MS",
    "UNTIMED_CORRECT_QUALITY",
    "Sm2State",
    "easiness_after",
    "review",
    "suggest_quality",
    "validate_quality",
]
