"""Checking answers: typed roots, chosen options, dispatch on the card kind, and the live preview."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.content.answers import AnswerResult, Verdict, check, check_choice, check_typed, interpret
from trainer.content.cards import Card, CardKind
from trainer.content.roots import ALL_ROOTS, is_adjacent, is_root


def _card(
    kind: CardKind = CardKind.TYPED_ROOT,
    *,
    answer: str = "L4",
    accepted: tuple[str, ...] = ("L4",),
    choices: tuple[str, ...] = (),
    choice_roots: tuple[str | None, ...] = (),
    answer_root: str | None = "L4",
) -> Card:
    return Card(
        id="test:000000000000",
        deck_id="test",
        template="t",
        fact_key="dermatome:L4",
        kind=kind,
        prompt="Which dermatome includes the medial malleolus?",
        answer=answer,
        accepted=accepted,
        explanation="",
        sources=("KSP08",),
        choices=choices,
        choice_roots=choice_roots,
        answer_root=answer_root,
    )


_ROOT_CHOICE = _card(
    CardKind.CHOICE,
    choices=("L4", "L3", "L5", "S1"),
    choice_roots=("L4", "L3", "L5", "S1"),
)
_TEXT_CHOICE = _card(
    CardKind.CHOICE,
    answer="Over the medial malleolus",
    accepted=("Over the medial malleolus",),
    choices=("Over the medial malleolus", "Dorsum of the foot", "Lateral heel", "Popliteal fossa"),
    choice_roots=("L4", "L5", "S1", "S2"),
)


class TestTypedRootCorrect:
    @pytest.mark.parametrize(
        "text", ["L4", "l4", "L 4", "L-4", "L４", "fourth lumbar", "lumbar four", "the L4 nerve root", "L4 dermatome", "L4."]
    )
    def test_any_spelling_of_the_accepted_root_is_correct(self, text: str) -> None:
        result = check_typed(text, ["L4"])
        assert result == AnswerResult(Verdict.CORRECT, "L4", "L4", "Correct.")
        assert result.correct

    def test_any_root_of_an_accept_set_is_correct_and_the_others_are_mentioned(self) -> None:
        result = check_typed("l3", ["L4", "L3"])
        assert result.verdict is Verdict.CORRECT
        assert result.given_root == "L3"
        assert "L4" in result.message

    @pytest.mark.parametrize("text", ["S4-5", "S4/5", "S4–5", "S45", "S4 and S5", "S4_5", "s4 5", "S4,5", "S4-S5"])
    def test_every_spelling_of_s4_5_is_correct_for_an_s4_5_card(self, text: str) -> None:
        assert check_typed(text, ["S4-5"]).verdict is Verdict.CORRECT

    @pytest.mark.parametrize("text", ["Th10", "D10", "T10", "tenth thoracic"])
    def test_european_and_old_thoracic_prefixes_are_correct(self, text: str) -> None:
        assert check_typed(text, ["T10"]).verdict is Verdict.CORRECT


class TestTypedRootAdjacentOrWrong:
    @pytest.mark.parametrize(("text", "accepted"), [("L5", ["L4"]), ("L3", ["L4"]), ("T1", ["C8"]), ("S3", ["S4-5"]),
                                                   ("S1", ["L5"]), ("L2", ["L4", "L3"])])  # fmt: skip
    def test_a_root_one_level_from_an_accepted_root_is_adjacent(self, text: str, accepted: list[str]) -> None:
        result = check_typed(text, accepted)
        assert result.verdict is Verdict.ADJACENT
        assert not result.correct
        assert result.given_root == result.given == text

    @pytest.mark.parametrize("text", ["S4", "S5", "s5", "fourth sacral"])
    def test_s4_or_s5_alone_is_right_for_the_combined_level_and_says_why(self, text: str) -> None:
        # Issue 11: ISNCSCI scores S4-5 as one level, so S4 or S5 written alone is accepted, and said so.
        result = check_typed(text, ["S4-5"])
        assert result.verdict is Verdict.CORRECT
        assert result.given_root == "S4-5"
        assert "one level, S4-5" in result.message

    @pytest.mark.parametrize(("text", "accepted"), [("S1", ["L4"]), ("C6", ["L4"]), ("C7", ["T1"]), ("L1", ["L4", "L3"])])
    def test_a_root_further_away_is_wrong_and_recorded_for_confusions(self, text: str, accepted: list[str]) -> None:
        result = check_typed(text, accepted)
        assert result.verdict is Verdict.WRONG
        assert result.given_root == text


class TestTypedDiscs:
    @pytest.mark.parametrize(("text", "label"), [("L4-5", "L4-5"), ("L4/L5", "L4-5"), ("L4–L5", "L4-5"),
                                                ("L5/S1", "L5-S1"), ("T12/L1", "T12-L1"), ("C5-6", "C5-6"),
                                                ("C7-T1", "C7-T1"), ("L4-5 disc", "L4-5")])  # fmt: skip
    def test_a_disc_label_is_wrong_and_says_it_names_a_disc(self, text: str, label: str) -> None:
        result = check_typed(text, ["L5"])
        assert result.verdict is Verdict.WRONG
        assert result.given_root is None
        if "disc" in text:
            assert result.message == f"\u201c{label}\u201d is a disc (between two vertebrae), not a root. Which root?"
        else:
            # Issue 12 item 10: the feedback explains why the pair is not the answer here.
            assert "names two roots" in result.message and f"the {label} disc" in result.message
            assert "this card has one answer" in result.message

    def test_a_disc_label_is_wrong_even_when_one_of_its_roots_is_the_answer(self) -> None:
        assert check_typed("L4-5", ["L4"]).verdict is Verdict.WRONG

    @pytest.mark.parametrize("text", ["T4/5", "T4/T5", "T4 or T5", "T4-5", "t4 / t5", "T4–T5", "T4 and T5"])
    def test_a_pair_naming_both_accepted_roots_is_right(self, text: str) -> None:
        # Issue 12 item 10 (replacing issue 2's rule): where a card accepts both roots of a pair,
        # "T4/5" and "T4 or T5" name both roots and are right; the result never becomes one root.
        result = check_typed(text, ["T4", "T5"])
        assert result.verdict is Verdict.CORRECT
        assert result.given_root is None
        assert check_typed("L4 or L5", ["L5", "L4"]).verdict is Verdict.CORRECT

    @pytest.mark.parametrize(("text", "accepted", "why"), [
        ("T4/5", ["T4"], "this card has one answer"),
        ("L4 or L5", ["L5"], "this card has one answer"),
        ("L4/L5", ["L5", "S1"], "not both accepted"),
        ("L4 or L5", ["L5", "S1"], "not all of them are accepted"),
    ])  # fmt: skip
    def test_elsewhere_the_feedback_explains_why_a_pair_is_not_the_answer(self, text: str, accepted: list[str], why: str) -> None:
        result = check_typed(text, accepted)
        assert result.verdict is Verdict.WRONG
        assert result.given_root is None
        assert why in result.message

    def test_saying_disc_outright_is_still_wrong_on_a_several_root_card(self) -> None:
        assert check_typed("L3-4 disc", ["L4", "L3"]).verdict is Verdict.WRONG


class TestTypedRangesAndLists:
    @pytest.mark.parametrize(("text", "accepted"), [("S2-S4", ["S2", "S3", "S4"]), ("L3 and L4", ["L4", "L3"]),
                                                   ("L4-L5 roots", ["L5", "L4"]), ("S2–4", ["S3", "S2", "S4"]),
                                                   ("L3, L4", ["L4", "L3", "L2"])])  # fmt: skip
    def test_a_list_inside_a_several_root_accept_set_is_correct(self, text: str, accepted: list[str]) -> None:
        assert check_typed(text, accepted).verdict is Verdict.CORRECT

    def test_a_list_with_a_root_outside_the_accept_set_is_wrong_and_asks_for_one_root(self) -> None:
        result = check_typed("L3, L4, L5", ["L4", "L3"])
        assert result.verdict is Verdict.WRONG
        assert "one root" in result.message

    @pytest.mark.parametrize("text", ["L4 or L5", "L4 and L5 roots", "C5 to C7"])
    def test_hedging_on_a_one_root_card_is_wrong(self, text: str) -> None:
        result = check_typed(text, ["L4"])
        assert result.verdict is Verdict.WRONG
        assert result.given_root is None
        assert "one root" in result.message.lower()


class TestTypedUnknownAndBlank:
    def test_a_nonexistent_root_is_wrong_and_suggests_the_real_one(self) -> None:
        result = check_typed("L7", ["L5"])
        assert result == AnswerResult(Verdict.WRONG, "L7", None, "L7 is not a spinal root; did you mean L5?")

    def test_naming_the_vertebra_is_wrong_and_says_so(self) -> None:
        result = check_typed("L5 vertebra", ["L5"])
        assert result.verdict is Verdict.WRONG
        assert "vertebra" in result.message

    def test_a_single_root_with_disc_is_wrong_and_explains(self) -> None:
        result = check_typed("L5 disc", ["L5"])
        assert result.verdict is Verdict.WRONG
        assert "disc" in result.message

    @pytest.mark.parametrize("text", ["banana", "LIV", "knee", "L4 foo"])
    def test_text_that_is_not_a_root_is_wrong_and_not_understood(self, text: str) -> None:
        result = check_typed(text, ["L4"])
        assert result.verdict is Verdict.WRONG
        assert result.given_root is None
        assert "not understood" in result.message

    @pytest.mark.parametrize(
        "text",
        ["", "   ", "?", "??", "idk", "IDK", "don't know", "Don’t know", "I don't know.", "dunno", "no idea", "pass",
         "skip", "Skip!", "not sure", "\u00a0"],
    )  # fmt: skip
    def test_nothing_or_dont_know_is_blank(self, text: str) -> None:
        result = check_typed(text, ["L4"])
        assert result.verdict is Verdict.BLANK
        assert result.given_root is None
        assert not result.correct

    def test_an_empty_accept_set_never_crashes(self) -> None:
        assert check_typed("L4", []).verdict is Verdict.WRONG


class TestChoice:
    def test_the_accepted_option_is_correct_with_its_root(self) -> None:
        assert check_choice("L4", _ROOT_CHOICE) == AnswerResult(Verdict.CORRECT, "L4", "L4", "Correct.")

    @pytest.mark.parametrize("option", ["l4", " L4 ", "\u00a0L4\t"])
    def test_options_are_compared_after_case_and_whitespace_folding(self, option: str) -> None:
        result = check_choice(option, _ROOT_CHOICE)
        assert result.verdict is Verdict.CORRECT
        assert result.given == "L4"

    @pytest.mark.parametrize(("option", "verdict"), [("L5", Verdict.ADJACENT), ("L3", Verdict.ADJACENT), ("S1", Verdict.WRONG)])
    def test_a_neighbouring_root_option_is_adjacent(self, option: str, verdict: Verdict) -> None:
        result = check_choice(option, _ROOT_CHOICE)
        assert result.verdict is verdict
        assert result.given_root == option

    def test_a_text_option_carries_the_root_it_stands_for(self) -> None:
        result = check_choice("dorsum of the foot", _TEXT_CHOICE)
        assert result == AnswerResult(Verdict.ADJACENT, "Dorsum of the foot", "L5", result.message)
        assert check_choice("Popliteal fossa", _TEXT_CHOICE).verdict is Verdict.WRONG
        assert check_choice("Over the medial malleolus", _TEXT_CHOICE).verdict is Verdict.CORRECT

    def test_any_accepted_option_is_correct(self) -> None:
        card = _card(CardKind.CHOICE, answer="Yes", accepted=("Yes", "True"), choices=("Yes", "True", "No", "Maybe"),
                     choice_roots=(None, None, None, None), answer_root=None)  # fmt: skip
        assert check_choice("True", card).verdict is Verdict.CORRECT
        no = check_choice("No", card)
        assert no.verdict is Verdict.WRONG and no.given_root is None

    def test_an_option_that_is_not_offered_is_wrong(self) -> None:
        result = check_choice("Something else", _ROOT_CHOICE)
        assert result.verdict is Verdict.WRONG
        assert result.given_root is None

    def test_an_empty_option_is_blank(self) -> None:
        assert check_choice("  ", _ROOT_CHOICE).verdict is Verdict.BLANK


class TestCheckDispatch:
    def test_typed_root_cards_are_checked_as_typed(self) -> None:
        assert check(_card(), "fourth lumbar").verdict is Verdict.CORRECT
        assert check(_card(accepted=("L4", "L3")), "L3").verdict is Verdict.CORRECT

    def test_choice_cards_are_checked_as_choices(self) -> None:
        assert check(_ROOT_CHOICE, "L5").verdict is Verdict.ADJACENT

    def test_reveal_cards_are_self_graded_and_cannot_be_checked(self) -> None:
        with pytest.raises(ValueError, match="grades"):
            check(_card(CardKind.REVEAL, answer="back", accepted=("back",), answer_root=None), "back")

    def test_verdicts_compare_as_their_string_values(self) -> None:
        assert Verdict.ADJACENT == "adjacent"
        assert {v.value for v in Verdict} == {"correct", "adjacent", "wrong", "blank"}


class TestInterpret:
    @pytest.mark.parametrize(
        ("text", "shown"),
        [("l 4", "L4"), ("fourth lumbar", "L4"), ("s4/5", "S4-5"), ("S4 and S5", "S4-5"), ("Th10", "T10"),
         ("L4-5", "L4 and L5 (two roots; or the L4-5 disc)"), ("L5/S1", "L5 and S1 (two roots; or the L5-S1 disc)"),
         ("L4-5 disc", "L4-5: a disc, not a root"),
         ("L7", "not a spinal root (L5?)"), ("T13", "not a spinal root (T12?)"), ("", ""), ("   ", ""),
         ("S2-S4", "S2–S4 (several roots)"), ("C5 and C6", "C5, C6 (several roots)"), ("idk", "don't know"),
         ("?", "don't know"), ("L", "\u2026"), ("L4-", "\u2026"), ("lumb", "\u2026"),
         ("banana", "not understood as a root"), ("L5 vertebra", "a vertebra (bone), not a root")],
    )  # fmt: skip
    def test_the_preview_says_what_the_text_will_be_read_as(self, text: str, shown: str) -> None:
        assert interpret(text) == shown


class TestProperties:
    @given(st.text())
    def test_checking_and_previewing_never_raise(self, text: str) -> None:
        result = check_typed(text, ["L4", "L3"])
        assert isinstance(result.verdict, Verdict)
        assert result.given_root is None or is_root(result.given_root)
        assert isinstance(interpret(text), str)
        assert isinstance(check_choice(text, _ROOT_CHOICE).verdict, Verdict)

    @given(st.sampled_from(ALL_ROOTS), st.sampled_from(ALL_ROOTS))
    def test_a_single_root_is_correct_exactly_when_accepted_and_adjacent_only_when_near(self, typed: str, answer: str) -> None:
        verdict = check_typed(typed, [answer]).verdict
        if typed == answer or (typed in ("S4", "S5") and answer == "S4-5"):
            assert verdict is Verdict.CORRECT
        elif is_adjacent(typed, answer):
            assert verdict is Verdict.ADJACENT
        else:
            assert verdict is Verdict.WRONG
