"""SM-2 as the student experiences it: when a card comes back, pinned by the vectors in sm2.md."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.scheduling.sm2 import (
    INITIAL_EASINESS,
    MINIMUM_EASINESS,
    Sm2State,
    easiness_after,
    review,
)


def run(qualities: Sequence[int], state: Sm2State | None = None) -> tuple[Sm2State, list[int]]:
    """Answer a card with each quality in turn; return the last state and every "days until due"."""
    state = state or Sm2State()
    days: list[int] = []
    for quality in qualities:
        state, due_in = review(state, quality)
        days.append(due_in)
    return state, days


# (qualities, days until due after each answer, EF after the last answer), from sm2.md.
REFERENCE_VECTORS = [
    pytest.param(
        [4, 3, 3, 4, 5, 3, 0, 1, 3, 3, 4, 5, 3],
        [1, 0, 0, 6, 15, 0, 0, 0, 0, 0, 35, 85, 0],
        2.28,
        id="published-trace",
    ),
    pytest.param([5, 5, 5, 5], [1, 6, 17, 50], 2.9, id="all-perfect"),
    pytest.param([4, 4, 4, 4, 4], [1, 6, 15, 38, 95], 2.5, id="all-good"),
    pytest.param([0, 5, 5, 5], [0, 1, 6, 17], 2.8, id="first-answer-lapses"),
    pytest.param([4, 1, 4, 4, 4], [1, 0, 1, 6, 15], 2.5, id="lapse-after-first-pass"),
    pytest.param([5, 2, 5, 5], [1, 0, 1, 6], 2.8, id="lapse-keeps-raised-ef"),
]


class TestReferenceVectors:
    """Every vector in sm2.md holds exactly."""

    @pytest.mark.parametrize(("qualities", "expected_days", "expected_easiness"), REFERENCE_VECTORS)
    def test_days_until_due_match_the_spec(
        self, qualities: list[int], expected_days: list[int], expected_easiness: float
    ) -> None:
        """The card comes back after exactly the days the spec lists, answer by answer."""
        _, days = run(qualities)
        assert days == expected_days

    @pytest.mark.parametrize(("qualities", "expected_days", "expected_easiness"), REFERENCE_VECTORS)
    def test_final_easiness_matches_the_spec_exactly(
        self, qualities: list[int], expected_days: list[int], expected_easiness: float
    ) -> None:
        """The E-Factor equals the spec's decimal value with no float drift (no approx needed)."""
        state, _ = run(qualities)
        assert state.easiness == expected_easiness

    def test_published_trace_ends_in_a_drill_with_the_next_interval_ready(self) -> None:
        """After the last 3 of the trace the card is repeated today, and 194 days wait behind the drill."""
        state, _ = run([4, 3, 3, 4, 5, 3, 0, 1, 3, 3, 4, 5, 3])
        assert state == Sm2State(repetitions=6, easiness=2.28, interval=194, drill=True)
        assert review(state, 4) == (Sm2State(repetitions=6, easiness=2.28, interval=194), 194)

    @pytest.mark.parametrize(
        ("quality", "expected"),
        [(0, 1.70), (1, 1.96), (2, 2.18), (3, 2.36), (4, 2.50), (5, 2.60)],
    )
    def test_easiness_formula_after_a_first_answer(self, quality: int, expected: float) -> None:
        """The E-Factor formula from 2.5 gives the spec's table for every grade."""
        assert easiness_after(INITIAL_EASINESS, quality) == expected

    @pytest.mark.parametrize(("quality", "expected"), [(3, 2.36), (4, 2.5), (5, 2.6)])
    def test_a_first_pass_stores_the_tabled_easiness(self, quality: int, expected: float) -> None:
        """A new card answered 3, 4 or 5 carries the table's E-Factor afterwards."""
        state, _ = review(Sm2State(), quality)
        assert state.easiness == expected

    def test_a_new_item_starts_at_the_spec_defaults(self) -> None:
        """A new card has EF 2.5, no repetitions, no interval and no drill."""
        assert Sm2State() == Sm2State(repetitions=0, easiness=2.5, interval=0, drill=False)
        assert INITIAL_EASINESS == 2.5
        assert MINIMUM_EASINESS == 1.3


class TestPasses:
    """Answers of 3 or better move the card further out."""

    def test_intervals_go_one_then_six_then_grow_by_the_new_easiness(self) -> None:
        """Third interval is ceil(6 * EF'), with EF' the value after this answer (6 * 2.7 = 16.2 -> 17)."""
        _, days = run([5, 5, 5])
        assert days == [1, 6, 17]

    def test_an_exact_product_is_not_rounded_up_a_day_by_float_noise(self) -> None:
        """6 * 2.5 is exactly 15 days, never 16."""
        _, days = run([4, 4, 4])
        assert days[-1] == 15

    def test_a_three_is_repeated_today_and_lowers_easiness(self) -> None:
        """A grade of 3 counts as a repetition but the card comes back today for a drill."""
        state, days = review(Sm2State(), 3)
        assert days == 0
        assert state == Sm2State(repetitions=1, easiness=2.36, interval=1, drill=True)

    def test_easiness_has_no_upper_bound(self) -> None:
        """Twenty perfect answers raise EF to 4.5; nothing caps it."""
        state, _ = run([5] * 20)
        assert state.easiness == 4.5

    def test_easiness_stops_at_the_floor(self) -> None:
        """Repeated hard passes bottom out at 1.3 and stay there."""
        state = Sm2State()
        for _ in range(12):
            state, _ = review(state, 3)
            state, _ = review(state, 4)  # ends the drill
        assert state.easiness == MINIMUM_EASINESS

    def test_review_returns_a_new_state_and_leaves_the_old_one_alone(self) -> None:
        """States are immutable values; reviewing never edits the caller's copy."""
        before = Sm2State(repetitions=2, easiness=2.5, interval=6)
        review(before, 5)
        assert before == Sm2State(repetitions=2, easiness=2.5, interval=6)
        with pytest.raises(AttributeError):
            before.interval = 10  # type: ignore[misc]


class TestLapses:
    """Answers below 3 (outside a drill) start the card over without touching EF."""

    @pytest.mark.parametrize("quality", [0, 1, 2])
    def test_a_lapse_resets_repetitions_and_interval_but_keeps_easiness(self, quality: int) -> None:
        """A forgotten mature card goes back to the start with its E-Factor intact, due today."""
        mature = Sm2State(repetitions=5, easiness=2.1, interval=40)
        assert review(mature, quality) == (Sm2State(repetitions=0, easiness=2.1, interval=0), 0)

    def test_the_answer_after_a_lapse_is_a_fresh_first_repetition(self) -> None:
        """After a lapse the next pass schedules the card for tomorrow, as for a new card."""
        state, _ = review(Sm2State(repetitions=5, easiness=2.1, interval=40), 0)
        assert review(state, 5) == (Sm2State(repetitions=1, easiness=2.2, interval=1), 1)

    def test_a_three_after_a_lapse_starts_a_drill_for_tomorrows_interval(self) -> None:
        """A shaky first repetition after a lapse is drilled today, then due tomorrow."""
        state, _ = review(Sm2State(repetitions=5, easiness=2.1, interval=40), 1)
        state, days = review(state, 3)
        assert (state.drill, days) == (True, 0)
        assert review(state, 4)[1] == 1


class TestDrill:
    """After a 3 the card is repeated today until it scores 4 or 5 (sm2.md rule 5)."""

    @pytest.mark.parametrize("quality", [0, 1, 2, 3])
    def test_a_drill_answer_below_four_changes_nothing(self, quality: int) -> None:
        """Failing the drill keeps the card in today's queue with the state untouched."""
        drilling = Sm2State(repetitions=3, easiness=2.22, interval=14, drill=True)
        assert review(drilling, quality) == (drilling, 0)

    @pytest.mark.parametrize("quality", [4, 5])
    def test_a_drill_answer_of_four_or_five_ends_it_and_schedules_the_interval(self, quality: int) -> None:
        """Passing the drill sends the card out by the interval set when it scored 3, with EF unchanged."""
        drilling = Sm2State(repetitions=3, easiness=2.22, interval=14, drill=True)
        assert review(drilling, quality) == (Sm2State(repetitions=3, easiness=2.22, interval=14), 14)


class TestInvalidInput:
    """Bad grades and impossible states are refused loudly."""

    @pytest.mark.parametrize("quality", [-1, 6, 10, 3.0, 4.5, "4", None, True, False])
    def test_a_quality_outside_zero_to_five_is_refused(self, quality: object) -> None:
        """Only the ints 0-5 are grades; floats, strings and bools are errors."""
        with pytest.raises(ValueError, match="0 to 5"):
            review(Sm2State(), quality)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("fields", "mentions"),
        [
            ({"repetitions": -1}, ["repetitions"]),
            ({"interval": -3}, ["interval"]),
            ({"easiness": 1.0}, ["easiness"]),
            ({"easiness": float("nan")}, ["easiness"]),
            ({"drill": 1}, ["drill"]),
            ({"repetitions": -1, "interval": -1, "easiness": 0.5}, ["repetitions", "interval", "easiness"]),
        ],
    )
    def test_an_impossible_state_is_refused_naming_every_bad_field(
        self, fields: dict[str, object], mentions: list[str]
    ) -> None:
        """A corrupted stored state fails at once, listing all of its problems in one error."""
        with pytest.raises(ValueError) as error:
            Sm2State(**fields)  # type: ignore[arg-type]
        for name in mentions:
            assert name in str(error.value)


qualities = st.integers(min_value=0, max_value=5)
answer_sequences = st.lists(qualities, max_size=60)


@st.composite
def reachable_states(draw: st.DrawFn) -> Sm2State:
    """A state some sequence of answers from a new card produces."""
    state, _ = run(draw(answer_sequences))
    return state


class TestProperties:
    """Invariants that hold for any sequence of answers."""

    @given(answer_sequences)
    def test_easiness_never_falls_below_the_floor(self, answers: list[int]) -> None:
        """However badly a student does, EF stays at or above 1.3 after every answer."""
        state = Sm2State()
        for quality in answers:
            state, _ = review(state, quality)
            assert state.easiness >= MINIMUM_EASINESS

    @given(answer_sequences)
    def test_days_until_due_are_never_negative(self, answers: list[int]) -> None:
        """No answer ever schedules a card in the past."""
        _, days = run(answers)
        assert all(due_in >= 0 for due_in in days)

    @given(reachable_states(), st.integers(min_value=0, max_value=2))
    def test_a_lapse_resets_repetitions_and_interval_and_keeps_easiness(self, state: Sm2State, quality: int) -> None:
        """Outside a drill, any answer below 3 restarts the card with its E-Factor and brings it back today."""
        if state.drill:
            state, _ = review(state, 4)
        after, days = review(state, quality)
        assert (after.repetitions, after.interval, after.easiness, after.drill, days) == (
            0,
            0,
            state.easiness,
            False,
            0,
        )

    @given(reachable_states(), st.integers(min_value=0, max_value=3))
    def test_a_drill_answer_below_four_changes_nothing(self, state: Sm2State, quality: int) -> None:
        """During a drill, answers of 0-3 leave the state exactly as it was."""
        if not state.drill:
            state, _ = review(Sm2State(repetitions=state.repetitions, easiness=state.easiness, interval=state.interval), 3)
        assert review(state, quality) == (state, 0)

    @given(reachable_states(), st.lists(st.integers(min_value=4, max_value=5), min_size=2, max_size=15))
    def test_intervals_of_consecutive_good_answers_never_shrink(self, state: Sm2State, answers: list[int]) -> None:
        """A run of 4s and 5s only ever pushes the card further out."""
        _, days = run(answers, state)
        assert days == sorted(days)
        assert all(due_in >= 1 for due_in in days)

    @given(
        reachable_states(),
        st.lists(
            st.tuples(
                st.integers(min_value=3, max_value=5),
                st.lists(st.integers(min_value=0, max_value=3), max_size=3),
                st.integers(min_value=4, max_value=5),
            ),
            min_size=1,
            max_size=15,
        ),
    )
    def test_intervals_never_shrink_over_passes_with_drills(
        self, state: Sm2State, rounds: list[tuple[int, list[int], int]]
    ) -> None:
        """Passes of 3, 4 or 5 (a 3 drilled with any answers until a 4 or 5): each interval the card is sent out for is at least the previous one."""
        if state.drill:
            state, _ = review(state, 4)
        previous = state.interval
        for first, drill_answers, exit_quality in rounds:
            state, days = review(state, first)
            if first == 3:
                assert days == 0 and state.drill
                for quality in drill_answers:
                    state, days = review(state, quality)
                    assert days == 0
                state, days = review(state, exit_quality)
            assert not state.drill
            assert days == state.interval >= max(previous, 1)
            previous = days

    @given(reachable_states())
    def test_every_reachable_state_is_valid_and_takes_every_grade(self, state: Sm2State) -> None:
        """Anything review produces passes validation and can be reviewed with every grade."""
        assert Sm2State(state.repetitions, state.easiness, state.interval, state.drill) == state
        for quality in range(6):
            review(state, quality)


def test_importing_scheduling_loads_no_ui_or_database_code() -> None:
    """The scheduler stays pure: importing it pulls in neither Textual nor SQLModel."""
    code = "import sys, trainer.scheduling; print(sorted(m for m in ('textual', 'sqlmodel', 'trainer.content', 'trainer.clock') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
