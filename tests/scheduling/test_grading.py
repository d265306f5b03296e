"""The grade the app suggests after checking a typed or multiple-choice answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.scheduling.grading import FAST_MS, SLOW_MS, UNTIMED_CORRECT_QUALITY, suggest_quality


class TestSuggestedQuality:
    """Verdict and response time map to the grades in sm2.md's last section."""

    @pytest.mark.parametrize(
        ("verdict", "response_ms", "expected"),
        [
            ("blank", 1_000, 0),
            ("blank", None, 0),
            ("wrong", 1_000, 1),
            ("wrong", 60_000, 1),
            ("adjacent", 2_000, 1),
            ("correct", 0, 5),
            ("correct", FAST_MS, 5),
            ("correct", FAST_MS + 1, 4),
            ("correct", SLOW_MS, 4),
            ("correct", SLOW_MS + 1, 3),
            ("correct", 120_000, 3),
        ],
    )
    def test_each_verdict_and_time_gives_the_specified_grade(
        self, verdict: str, response_ms: int | None, expected: int
    ) -> None:
        """Blank is 0, wrong or one level off is 1, and a correct answer earns 5, 4 or 3 by speed."""
        assert suggest_quality(verdict, response_ms) == expected

    def test_thresholds_are_inclusive_and_can_be_changed(self) -> None:
        """A student's own thresholds from settings replace the defaults."""
        assert suggest_quality("correct", 2_000, fast_ms=2_000, slow_ms=4_000) == 5
        assert suggest_quality("correct", 3_000, fast_ms=2_000, slow_ms=4_000) == 4
        assert suggest_quality("correct", 4_001, fast_ms=2_000, slow_ms=4_000) == 3

    def test_equal_thresholds_leave_no_room_for_a_four(self) -> None:
        """With fast == slow an answer is either quick (5) or slow (3)."""
        assert suggest_quality("correct", 5_000, fast_ms=5_000, slow_ms=5_000) == 5
        assert suggest_quality("correct", 5_001, fast_ms=5_000, slow_ms=5_000) == 3

    def test_a_correct_answer_with_no_recorded_time_suggests_a_plain_pass(self) -> None:
        """Without a time the app suggests 4: no drill today and no change to EF."""
        assert UNTIMED_CORRECT_QUALITY == 4
        assert suggest_quality("correct", None) == 4

    def test_the_content_layers_verdict_enum_is_accepted(self) -> None:
        """Verdict members work as well as their string values, without scheduling importing content."""
        from enum import StrEnum

        class Verdict(StrEnum):  # same shape as trainer.content.answers.Verdict
            CORRECT = "correct"
            ADJACENT = "adjacent"
            WRONG = "wrong"
            BLANK = "blank"

        assert [suggest_quality(v, 1_000) for v in Verdict] == [5, 1, 1, 0]

    def test_the_defaults_give_a_reader_time_to_read_recall_and_type(self) -> None:
        """The defaults leave room for reading a prompt and typing a root, and 4 has a real window."""
        assert 4_000 <= FAST_MS < SLOW_MS <= 30_000

    @given(
        st.sampled_from(["correct", "adjacent", "wrong", "blank"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    )
    def test_the_suggestion_is_always_a_valid_grade_and_only_correct_answers_pass(
        self, verdict: str, response_ms: int | None
    ) -> None:
        """Whatever the time, the suggestion is 0-5, and 3 or more exactly when the answer was right."""
        quality = suggest_quality(verdict, response_ms)
        assert 0 <= quality <= 5
        assert (quality >= 3) == (verdict == "correct")

    @given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
    def test_a_slower_correct_answer_never_earns_a_higher_grade(self, a: int, b: int) -> None:
        """Taking longer can only lower (or keep) the suggested grade."""
        faster, slower = sorted((a, b))
        assert suggest_quality("correct", faster) >= suggest_quality("correct", slower)


class TestRefusals:
    """Inputs that mean a bug in the caller are refused."""

    def test_a_self_graded_card_has_no_suggestion(self) -> None:
        """Reveal cards take the student's grade; asking for a suggestion is an error."""
        with pytest.raises(ValueError, match="Self-graded"):
            suggest_quality(None, 3_000)

    @pytest.mark.parametrize("verdict", ["Correct", "right", "", "partial"])
    def test_an_unknown_verdict_is_refused(self, verdict: str) -> None:
        """Only the four verdicts the checker produces are understood."""
        with pytest.raises(ValueError, match="Unknown verdict"):
            suggest_quality(verdict, 3_000)

    @pytest.mark.parametrize("response_ms", [-1, 2.5, True])
    def test_a_nonsense_response_time_is_refused(self, response_ms: object) -> None:
        """Negative, fractional or boolean times are caller bugs."""
        with pytest.raises(ValueError, match="Response time"):
            suggest_quality("correct", response_ms)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("fast_ms", "slow_ms", "message"),
        [(10_000, 5_000, "must not exceed"), (-1, 5_000, "fast_ms"), (1_000, -5, "slow_ms")],
    )
    def test_thresholds_out_of_order_or_negative_are_refused(self, fast_ms: int, slow_ms: int, message: str) -> None:
        """A fast threshold above the slow one (or below zero) is reported, naming the setting."""
        with pytest.raises(ValueError, match=message):
            suggest_quality("correct", 1_000, fast_ms=fast_ms, slow_ms=slow_ms)
