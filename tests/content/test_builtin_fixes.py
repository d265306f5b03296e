"""Issue 11, section 1: what a clinical reviewer found wrong in the built-in deck, each fix pinned.

Each test names the finding it pins. The cards are found by their facts (fact key and template),
not by wording, so rewording a prompt never hides a regression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.answers import Verdict, check
from trainer.content.cards import Card, CardKind
from trainer.content.generate import load_compiled_deck
from trainer.paths import builtin_decks_dir

CORE = load_compiled_deck(builtin_decks_dir() / "dermatomes.toml")
CARDS: list[Card] = list(CORE.cards)
IDS_FILE = Path(__file__).parent / "data" / "dermatomes-1.0.0-ids.txt"


def card(fact_key: str, template: str) -> Card:
    """The one card of this fact made by this template."""
    (found,) = [c for c in CARDS if c.fact_key == fact_key and c.template == template]
    return found


def cards_of(fact_key: str) -> list[Card]:
    return [c for c in CARDS if c.fact_key == fact_key]


class TestStudentsProgressIsKept:
    def test_every_card_id_of_the_first_edition_still_exists(self) -> None:
        """Card ids are students' progress: none of the 368 ids of dermatomes 1.0.0 may vanish.

        The fixture was generated from main before any change. No first-edition card is removed:
        cards whose fact changed meaning (listed in docs/deck-format.md, "Second edition") keep
        their id on purpose, so the student's history carries over to the corrected card.
        """
        old = [line.split() for line in IDS_FILE.read_text().splitlines() if not line.startswith("#")]
        assert len(old) == 368
        now = {c.id: c for c in CARDS}
        missing = [o for o in old if o[0] not in now]
        assert not missing
        for card_id, template, fact_key in old:
            assert (now[card_id].template, now[card_id].fact_key) == (template, fact_key)

    def test_the_core_deck_keeps_its_id(self) -> None:
        assert CORE.info.id == "dermatomes"
        assert all(c.deck_id == "dermatomes" for c in CARDS)


class TestCitationsThatMisquotedTheirSource:
    def test_foot_inversion_no_longer_cites_harrisons(self) -> None:
        """Harrison's lumbosacral table does not list tibialis posterior under L5."""
        inversion = card("myotome:clinical-foot-inversion", "action-to-root")
        assert "HPIM19" not in inversion.sources
        assert set(inversion.sources) >= {"FOOTDROP", "DEDUCTMD"}
        assert "Harrison" not in inversion.explanation
        assert inversion.accepted == ("L5",)

    def test_hip_adduction_is_split_by_frame_and_cites_harrisons_l3_l4(self) -> None:
        """Harrison's lists the thigh adductors under L3 and L4; the ISNCSCI non-key L2 card is separate."""
        clinical = card("myotome:clinical-thigh-adduction", "action-to-root")
        assert clinical.prompt.startswith("In radiculopathy")
        assert clinical.accepted == ("L3", "L4", "L2")
        assert "L3 and L4" in clinical.explanation and "IONIC-KM" not in clinical.sources
        assert "Harrison's lists the thigh adductors under L2" not in clinical.explanation


class TestWrongOptionsThatWereRight:
    def test_interossei_accept_c8_and_t1_and_are_not_a_wrong_option_for_c8(self) -> None:
        typed = card("myotome:clinical-finger-abduction", "action-to-root")
        assert typed.accepted == ("T1", "C8")
        assert check(typed, "C8").verdict is Verdict.CORRECT
        c8 = [c for c in CARDS if c.template == "root-to-weakness" and c.answer_root == "C8"]
        assert c8 and all("finger abduction and adduction" not in c.choices for c in c8)

    def test_ankle_plantar_flexion_is_not_a_wrong_option_on_an_s2_card(self) -> None:
        s2 = [c for c in CARDS if c.kind is CardKind.CHOICE and c.answer_root == "S2"]
        assert s2
        for c in s2:
            assert not any("plantar flexion" in option for option in c.distractors), c.prompt


class TestUnframedLandmarks:
    def test_the_inguinal_ligament_card_says_isncsci_key_point_and_explains_the_l1_mnemonic(self) -> None:
        c = card("landmark:mid-inguinal-ligament", "landmark-to-root")
        assert "ISNCSCI key sensory point" in c.prompt
        assert c.accepted == ("T12",)
        assert "L1 at the inguinal ligament" in c.explanation

    def test_the_xiphisternum_landmark_accepts_the_t7_mnemonic_and_names_the_frame(self) -> None:
        c = card("landmark:xiphisternum", "landmark-to-root")
        assert c.accepted == ("T6", "T7")
        assert check(c, "T7").verdict is Verdict.CORRECT
        assert check(c, "T8").verdict is not Verdict.CORRECT
        assert "mnemonic" in c.explanation and "ISNCSCI" in c.explanation
        # the key-point card itself stays ISNCSCI's single root
        assert card("dermatome:T6", "keypoint-to-root").accepted == ("T6",)


class TestRegionAcceptSets:
    def test_the_neck_down_to_the_clavicle_accepts_c4(self) -> None:
        assert card("dermatome:C3", "region-to-root").accepted == ("C3", "C4")

    def test_the_lateral_foot_and_little_toe_are_s1_only(self) -> None:
        region = card("dermatome:S1", "region-to-root")
        assert "lateral border of the foot" in region.prompt and "little toe" in region.prompt
        assert region.accepted == ("S1",)
        assert card("landmark:little-toe", "landmark-to-root").accepted == ("S1",)
        assert card("landmark:lateral-border-of-foot", "landmark-to-root").accepted == ("S1",)
        assert card("landmark:sole", "landmark-to-root").accepted == ("S1", "S2")  # the S2 view covers only the sole

    def test_the_lower_anterior_thigh_is_l3_only(self) -> None:
        region = card("dermatome:L3", "region-to-root")
        assert "lower anterior thigh" in region.prompt and "knee" not in region.prompt.replace("above the knee", "")
        assert region.accepted == ("L3",)
        assert card("landmark:knee", "landmark-to-root").accepted == ("L3", "L4")

    def test_a_sensory_level_at_the_nipple_line_is_t4_only(self) -> None:
        c = card("vignette:sensory-level-nipple", "vignette")
        assert c.accepted == ("T4",)
        assert check(c, "T5").verdict is not Verdict.CORRECT

    def test_perianal_skin_is_not_a_wrong_option_for_s3(self) -> None:
        s3 = [c for c in CARDS if c.kind is CardKind.CHOICE and c.answer_root == "S3"]
        assert s3
        for c in s3:
            assert "the perianal skin" not in c.distractors, c.prompt
        assert "S3" in card("landmark:perianal-skin", "landmark-to-root").accepted


class TestMisleadingFrames:
    def test_the_diaphragm_is_asked_as_which_roots_supply_it(self) -> None:
        for c in cards_of("myotome:clinical-diaphragm"):
            assert "radiculopathy" not in c.prompt.lower(), c.prompt
            assert "C3 to C5" in c.prompt or "Which roots supply the diaphragm" in c.prompt
        assert "phrenic" in card("myotome:clinical-diaphragm", "action-to-root").explanation

    @pytest.mark.parametrize("fact_key", ["myotome:clinical-anal-sphincter", "reflex:anal-wink", "reflex:bulbocavernosus", "landmark:perineum"])
    def test_no_card_pins_an_s2_to_s4_item_on_its_first_root(self, fact_key: str) -> None:
        """The generator used to ask "weakness of which points to the S2 root?": S2-S4 act together."""
        for c in cards_of(fact_key):
            assert "S2 root" not in c.prompt and "the S2 dermatome" not in c.prompt, c.prompt
            if c.kind is CardKind.CHOICE:
                assert "S2 to S4" in c.prompt

    def test_no_generated_reverse_card_names_one_root_for_a_joint_item(self) -> None:
        """Every template that picks roots[0]: only items with one preferred root get a one-root prompt."""
        joint = {"myotome:clinical-anal-sphincter", "myotome:clinical-diaphragm", "reflex:anal-wink",
                 "reflex:bulbocavernosus", "landmark:perineum"}  # fmt: skip
        for c in CARDS:
            if c.fact_key in joint and c.template.startswith("root-to-"):
                assert " to " in c.prompt and "together" in c.prompt, c.prompt

    def test_the_c2_point_is_at_least_1_cm_lateral(self) -> None:
        kp = card("dermatome:C2", "keypoint-to-root")
        assert "at least 1 cm lateral" in kp.prompt and "3 cm behind the ear" in kp.prompt
        assert "just lateral" not in kp.prompt

    def test_the_l5_point_is_the_third_metatarsophalangeal_joint(self) -> None:
        for c in CARDS:
            assert "third toe joint" not in c.prompt + c.explanation, c.prompt

    def test_the_sensory_level_requires_every_dermatome_above_to_be_normal(self) -> None:
        definition = card("card:sensory-level-definition", "card")
        assert "every dermatome above it is normal" in definition.answer
        assert "every dermatome above it" in card("vignette:sensory-level-umbilicus", "vignette").explanation

    def test_the_reflex_accuracy_claim_says_one_series(self) -> None:
        claim = card("claim:reflex-accuracy", "true-or-false")
        assert "one surgical series" in claim.prompt

    def test_toe_flexion_notes_the_isncsci_l5_frame(self) -> None:
        c = card("myotome:clinical-toe-flexion", "action-to-root")
        assert c.accepted == ("S1",)
        assert "ISNCSCI 2019" in c.explanation and "L5" in c.explanation


class TestAcceptWhatACitedSourceSupports:
    def test_hip_adduction_accepts_l2(self) -> None:
        assert check(card("myotome:clinical-thigh-adduction", "action-to-root"), "L2").verdict is Verdict.CORRECT

    @pytest.mark.parametrize("typed", ["S4", "S5"])
    def test_s4_or_s5_alone_is_right_on_the_perianal_point_and_says_why(self, typed: str) -> None:
        result = check(card("dermatome:S4-5", "keypoint-to-root"), typed)
        assert result.verdict is Verdict.CORRECT
        assert "one level" in result.message

    def test_s1_for_the_bulbocavernosus_reflex(self) -> None:
        c = card("reflex:bulbocavernosus", "reflex-to-root")
        assert c.accepted[0] == "S2" and "S1" in c.accepted
        assert check(c, "S1").verdict is Verdict.CORRECT
        assert "Wheeless" in c.explanation
        assert "not accepted" not in c.explanation

    @pytest.mark.parametrize("fact_key,template", [("reflex:anal-wink", "reflex-to-root"), ("landmark:perineum", "landmark-to-root")])
    def test_s5_within_the_sacral_reflex_and_perineal_items(self, fact_key: str, template: str) -> None:
        assert check(card(fact_key, template), "S5").verdict is Verdict.CORRECT

    def test_no_explanation_declines_an_answer_its_sources_support(self) -> None:
        for c in CARDS:
            assert "is not accepted as an answer because" not in c.explanation, c.prompt
            assert "but it counts as one level away" not in c.explanation, c.prompt
