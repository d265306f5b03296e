"""The session summary spells out a confusion made again within the study day, with where each root lies."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.study.summary import summarise

PLACES = {"L4": "the medial leg", "L5": "the dorsum of the foot"}


@dataclass(frozen=True)
class Answer:
    quality: int
    expected_root: str | None
    given_root: str | None
    verdict: str | None


def test_a_confusion_made_three_times_today_is_one_sentence_with_both_places() -> None:
    answers = [Answer(1, "L5", "L4", "wrong")] * 3 + [Answer(2, "S1", "L5", "adjacent"), Answer(4, "L4", "L4", "correct")]
    summary = summarise(answers, elapsed_s=60, next_due=None, due_tomorrow=0, places=PLACES)
    assert summary.repeated == [
        "You answered L4 where the answer was L5 3 times today: L4 is the medial leg, L5 the dorsum of the foot."
    ]
    assert summary.confusions == [("L5", "L4", 3), ("S1", "L5", 1)]


def test_once_is_no_pattern_and_an_accepted_alternative_is_no_confusion() -> None:
    answers = [Answer(1, "L5", "L4", "wrong"), Answer(4, "L3", "L4", "correct"), Answer(4, "L3", "L4", "correct")]
    assert summarise(answers, elapsed_s=0, next_due=None, due_tomorrow=0, places=PLACES).repeated == []


def test_a_root_without_a_known_place_is_named_alone() -> None:
    answers = [Answer(0, "C6", "C7", None)] * 2  # self-graded: wrong by its grade
    summary = summarise(answers, elapsed_s=0, next_due=None, due_tomorrow=0)
    assert summary.repeated == ["You answered C7 where the answer was C6 twice today."]
