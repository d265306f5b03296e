"""Every built-in deck validates and is sound (issue 11 acceptance), and the new decks teach what
shared/reference/localisation.md says: key facts pinned card by card."""

from __future__ import annotations

import re

import pytest

from trainer.content.answers import Verdict, check
from trainer.content.cards import Card, CardKind, CompiledDeck
from trainer.content.generate import load_compiled_deck
from trainer.paths import builtin_deck_paths

DECKS: dict[str, CompiledDeck] = {d.info.id: d for d in (load_compiled_deck(p) for p in builtin_deck_paths())}
ALL: list[Card] = [c for d in DECKS.values() for c in d.cards]


def find(deck: str, fact_key: str, template: str) -> Card:
    (found,) = [c for c in DECKS[deck].cards if c.fact_key == fact_key and c.template == template]
    return found


class TestEveryBuiltInDeck:
    def test_the_three_decks_a_student_chooses_between(self) -> None:
        assert set(DECKS) == {"dermatomes", "localisation", "isncsci"}
        assert all(d.info.title and d.info.description for d in DECKS.values())

    def test_together_they_yield_at_least_700_cards(self) -> None:
        assert len(ALL) >= 700

    def test_card_ids_are_unique_across_decks(self) -> None:
        assert len({c.id for c in ALL}) == len(ALL)

    def test_every_card_is_sourced_and_every_source_resolves_to_a_full_citation(self) -> None:
        for deck in DECKS.values():
            for card in deck.cards:
                assert card.sources, card.id
                for key in card.sources:
                    source = deck.info.source(key)
                    assert source is not None, (card.id, key)
                    # A full citation says what the work is in words ("OSCEpass. Dermatomes."), not
                    # just a key or a URL, and a web source gives its address. (Where the reference
                    # could not see a work's authors, the citation says so rather than invent them.)
                    citation = source.citation
                    assert len(citation) >= 15 and " " in citation and not citation.startswith("http"), (key, citation)
                    assert source.url or source.strength == "primary", key
                    assert source.strength in ("primary", "secondary", "weak")

    def test_every_accepted_answer_is_graded_right_by_the_card_itself(self) -> None:
        """An accept-set the checker would refuse is a broken card."""
        for card in ALL:
            if card.kind is CardKind.REVEAL:
                continue
            for answer in card.accepted:
                assert check(card, answer).verdict is Verdict.CORRECT, (card.id, card.prompt, answer)

    def test_no_wrong_option_is_also_accepted(self) -> None:
        for card in ALL:
            if card.kind is CardKind.CHOICE:
                assert card.answer in card.choices
                assert not set(card.distractors) & set(card.accepted)
                assert len(set(card.choices)) == len(card.choices), card.prompt

    def test_no_two_typed_cards_of_a_deck_ask_the_same_question(self) -> None:
        for deck in DECKS.values():
            prompts = [c.prompt for c in deck.cards if c.is_typed]
            assert len(prompts) == len(set(prompts)), [p for p in prompts if prompts.count(p) > 1][:3]

    def test_new_decks_use_the_new_answer_kinds(self) -> None:
        kinds = {c.kind for c in ALL}
        assert {CardKind.TYPED_NERVE, CardKind.TYPED_SITE, CardKind.TYPED_AIS} <= kinds


class TestIsncsciClassification:
    @pytest.mark.parametrize("root", ["C5", "T4", "L2", "S3"])
    def test_the_sensory_level_is_the_last_normal_point_not_the_first_abnormal(self, root: str) -> None:
        card = find("isncsci", f"case:sensory-level-{root.lower()}", "case")
        assert card.accepted == (root,)
        assert check(card, root).verdict is Verdict.CORRECT
        below = {"C5": "C6", "T4": "T5", "L2": "L3", "S3": "S4-5"}[root]
        assert check(card, below).verdict is not Verdict.CORRECT
        assert "not the first abnormal one" in card.explanation

    def test_normal_points_below_the_first_abnormality_do_not_count(self) -> None:
        assert find("isncsci", "case:sensory-level-sacral-sparing-trap", "case").accepted == ("L2",)

    def test_face_normal_c2_impaired_is_c1(self) -> None:
        assert find("isncsci", "case:sensory-level-c1", "case").accepted == ("C1",)

    @pytest.mark.parametrize(("key", "level"), [("motor-c6-not-c7", "C6"), ("motor-c4-elbow-flexors-2", "C4"), ("motor-c3-pin-prick", "C3"),
                                               ("motor-t1-stays", "T1"), ("motor-t3-follows-sensory", "T3"), ("motor-l3", "L3")])  # fmt: skip
    def test_motor_level_worked_cases(self, key: str, level: str) -> None:
        assert find("isncsci", f"case:{key}", "case").accepted == (level,)

    @pytest.mark.parametrize(("key", "grade"), [("ais-d-half", "D"), ("ais-c-eight", "C"), ("ais-c-nonkey", "C"), ("ais-b-near-function", "B"),
                                               ("ais-b-dap", "B"), ("ais-a-despite-zpp", "A"), ("ais-e", "E"), ("ais-c-t12-l4", "C")])  # fmt: skip
    def test_ais_worked_cases(self, key: str, grade: str) -> None:
        card = find("isncsci", f"case:{key}", "case")
        assert card.kind is CardKind.TYPED_AIS and card.accepted == (grade,)

    def test_the_nli_is_the_most_rostral_of_four_levels(self) -> None:
        assert find("isncsci", "case:nli-c5", "case").accepted == ("C5",)
        assert find("isncsci", "case:nli-c8", "case").accepted == ("C8",)

    @pytest.mark.parametrize(("key", "root"), [("hip-adduction", "L2"), ("hip-external-rotation", "L3"), ("hip-abduction", "L4"),
                                              ("toe-flexion", "L5"), ("hallux-adduction", "S1"), ("elbow-supination", "C5"),
                                              ("wrist-flexion", "C6"), ("thumb-opposition", "C8"), ("index-abduction", "T1")])  # fmt: skip
    def test_non_key_muscle_levels_per_isncsci_2019(self, key: str, root: str) -> None:
        card = find("isncsci", f"myotome:nonkey-{key}", "action-to-root")
        assert card.accepted == (root,)
        assert card.prompt.startswith("ISNCSCI 2019 non-key")

    def test_the_motor_zpp_does_not_follow_sensation(self) -> None:
        assert find("isncsci", "case:zpp-motor-no-function", "case").accepted == ("T3",)
        assert find("isncsci", "case:zpp-nonkey-l3", "case").accepted == ("L3",)


class TestLocalisation:
    @pytest.mark.parametrize(("key", "nerve"), [("ulnar-elbow", "ulnar"), ("common-fibular", "common fibular"), ("radial-spiral-groove", "radial"),
                                               ("femoral-neuropathy", "femoral"), ("meralgia", "lateral femoral cutaneous"), ("carpal-tunnel", "median")])  # fmt: skip
    def test_root_vs_nerve_vignettes_name_the_nerve(self, key: str, nerve: str) -> None:
        assert find("localisation", f"lesion:{key}", "findings-to-site").accepted == ("peripheral nerve",)
        assert find("localisation", f"lesion:{key}", "findings-to-nerve").accepted == (nerve,)

    @pytest.mark.parametrize(("key", "roots"), [("c8-radiculopathy", ("C8",)), ("l5-foot-drop", ("L5",)), ("c6-radiculopathy", ("C6",)),
                                               ("erb", ("C5", "C6", "C7")), ("klumpke", ("C8", "T1"))])  # fmt: skip
    def test_root_and_plexus_vignettes_name_the_roots(self, key: str, roots: tuple[str, ...]) -> None:
        assert find("localisation", f"lesion:{key}", "findings-to-roots").accepted == roots

    def test_ulnar_vs_c8_is_a_near_miss_both_ways(self) -> None:
        nerve = find("localisation", "lesion:ulnar-elbow", "findings-to-nerve")
        assert check(nerve, "C8").verdict is Verdict.ADJACENT

    def test_conus_vs_cauda(self) -> None:
        conus = find("localisation", "lesion:conus", "findings-to-site")
        cauda = find("localisation", "lesion:cauda-equina", "findings-to-site")
        assert conus.accepted == ("conus medullaris",) and cauda.accepted == ("cauda equina",)
        assert check(conus, "cauda equina").verdict is Verdict.ADJACENT

    @pytest.mark.parametrize(("key", "answers"), [("emission", ("T11", "T12", "L1", "L2", "L3")), ("reflex-erection", ("S2", "S3", "S4")),
                                                 ("psychogenic-erection", ("T11", "T12", "L1", "L2")), ("isthmic-root", ("L5",)),
                                                 ("lateral-recess-root", ("L5",)), ("foraminal-root", ("L4",)), ("inverted-supinator", ("C5", "C6"))])  # fmt: skip
    def test_case_answers(self, key: str, answers: tuple[str, ...]) -> None:
        card = find("localisation", f"case:{key}", "case")
        assert card.accepted == answers

    def test_emission_does_not_accept_the_s2_s4_mnemonic(self) -> None:
        card = find("localisation", "case:emission", "case")
        assert check(card, "S2-S4").verdict is not Verdict.CORRECT
        assert "S2 to S4 is not the answer" in card.explanation

    def test_the_angle_of_the_jaw_is_the_great_auricular_nerve(self) -> None:
        assert find("localisation", "case:angle-of-jaw", "case").accepted == ("great auricular",)
        assert find("localisation", "nerve:great-auricular", "nerve-to-roots").accepted == ("C2", "C3")

    def test_no_root_card_for_nerves_whose_roots_the_sources_do_not_give(self) -> None:
        for key in ("sural", "deep-fibular", "superficial-fibular"):
            assert not [c for c in DECKS["localisation"].cards if c.fact_key == f"nerve:{key}" and c.template == "nerve-to-roots"]

    def test_every_lesion_has_a_reverse_findings_card(self) -> None:
        lesions = {c.fact_key for c in DECKS["localisation"].cards if c.fact_key.startswith("lesion:")}
        reverse = {c.fact_key for c in DECKS["localisation"].cards if c.template == "lesion-to-findings"}
        assert lesions == reverse

    def test_teaching_tendencies_are_phrased_as_favours(self) -> None:
        for card in DECKS["localisation"].cards:
            if card.fact_key in ("lesion:ulnar-elbow", "lesion:c8-radiculopathy"):
                assert re.search(r"\bfavour", card.explanation), card.explanation


class TestSecondReaderFindings:
    """The independent second read of every new card (docs/dev/content-review-2e.md), each fix pinned.

    Numbers refer to the findings in that document.
    """

    @pytest.mark.parametrize(("key", "site"), [("polyneuropathy", "polyneuropathy"), ("brisk-jaw", "brain")])
    def test_the_site_prompt_offers_the_answer_1_2(self, key: str, site: str) -> None:
        card = find("localisation", f"lesion:{key}", "findings-to-site")
        assert site in card.prompt.rsplit("\n", 1)[1]
        assert check(card, site).verdict is Verdict.CORRECT

    def test_every_site_prompt_lists_the_same_eight_sites_so_it_never_gives_the_answer_away_1_2(self) -> None:
        prompts = {c.prompt.rsplit("\n", 1)[1] for c in DECKS["localisation"].cards if c.template == "findings-to-site"}
        (only,) = prompts
        for site in ("brain", "spinal cord", "conus medullaris", "cauda equina", "nerve root", "plexus", "peripheral nerve", "polyneuropathy"):
            assert site in only

    def test_tuffier_is_a_vertebral_level_asked_as_a_choice_3(self) -> None:
        card = find("localisation", "card:tuffier", "card")
        assert card.kind is CardKind.CHOICE
        assert "L4 spinous process" in card.answer and "L4-L5" in card.answer
        assert not [c for c in DECKS["localisation"].cards if c.fact_key == "case:tuffier"]

    def test_phrenic_nerve_roots_prefer_c4_4(self) -> None:
        card = find("localisation", "nerve:phrenic", "nerve-to-roots")
        assert card.answer == "C4" and set(card.accepted) == {"C3", "C4", "C5"}

    def test_c8_radiculopathy_accepts_the_lower_trunk_but_prefers_the_root_5(self) -> None:
        card = find("localisation", "lesion:c8-radiculopathy", "findings-to-site")
        assert card.accepted == ("nerve root", "plexus")
        assert check(card, "lower trunk").verdict is Verdict.CORRECT
        assert "root is preferred" in card.explanation

    def test_pancoast_accepts_the_roots_it_invades_6_7(self) -> None:
        site = find("localisation", "lesion:pancoast", "findings-to-site")
        assert site.accepted == ("plexus", "nerve root")
        roots = find("localisation", "lesion:pancoast", "findings-to-roots")
        assert roots.accepted == ("C8", "T1", "T2")
        assert check(roots, "C8-T2").verdict is Verdict.CORRECT

    def test_erb_accepts_c5_to_c7_from_its_cited_source_8(self) -> None:
        card = find("localisation", "lesion:erb", "findings-to-roots")
        assert card.answer == "C5"
        assert check(card, "C5-C7").verdict is Verdict.CORRECT
        assert "C5-C6, preferred" in card.explanation

    def test_emission_accepts_l3_from_the_t12_l3_chapter_9(self) -> None:
        card = find("localisation", "case:emission", "case")
        assert card.answer == "T11"
        assert check(card, "L3").verdict is Verdict.CORRECT
        assert check(card, "S3").verdict is not Verdict.CORRECT

    def test_the_perineum_has_one_accept_set_in_both_decks_10(self) -> None:
        loc = find("localisation", "case:perineum-roots", "case")
        core = find("dermatomes", "landmark:perineum", "landmark-to-root")
        assert loc.accepted == core.accepted == ("S2", "S3", "S4", "S4-5")
        assert check(loc, "S5").verdict is Verdict.CORRECT

    def test_half_is_d_only_in_a_motor_incomplete_injury_11(self) -> None:
        card = find("isncsci", "claim:half-is-d", "true-or-false")
        assert card.prompt.startswith("True or false? In a motor incomplete injury")
        assert card.answer == "True"

    def test_the_t12_l4_case_states_that_no_key_muscle_below_the_nli_reaches_3_12(self) -> None:
        card = find("isncsci", "case:ais-c-t12-l4", "case")
        assert "No key muscle function below the NLI reaches grade 3" in card.prompt
        assert card.accepted == ("C",)

    def test_the_sensory_zpp_case_gives_both_modalities_13(self) -> None:
        card = find("isncsci", "case:zpp-sensory", "case")
        assert "light touch and pin prick are both impaired" in card.prompt
        assert card.accepted == ("T6",)

    @pytest.mark.parametrize(("key", "unsourced"), [("meralgia", ("tight belt", "Burning")), ("tarsal-tunnel", ("at night", "tenderness")),
                                                    ("polyneuropathy", ("mid-calf", "over years"))])  # fmt: skip
    def test_vignettes_state_no_detail_beyond_the_references_14_15_16(self, key: str, unsourced: tuple[str, ...]) -> None:
        for card in DECKS["localisation"].cards:
            if card.fact_key == f"lesion:{key}":
                assert not [w for w in unsourced if w in card.prompt or w in card.answer], card.id

    def test_claudication_pulses_cite_their_source_17(self) -> None:
        for key in ("neurogenic-claudication", "vascular-claudication"):
            card = find("localisation", f"card:{key}", "card")
            assert "DRORACLE-NC" in card.sources
            assert "a minute" not in card.prompt

    def test_nerve_wording_18_19(self) -> None:
        for card in DECKS["localisation"].cards:
            assert "the skin of the skin" not in card.prompt + card.explanation, card.id
        assert "(root L1)" in find("localisation", "nerve:ilioinguinal", "nerve-to-roots").explanation

    def test_the_sacral_sparing_trap_accounts_for_every_point_20(self) -> None:
        card = find("isncsci", "case:sensory-level-sacral-sparing-trap", "case")
        assert "popliteal fossa" in card.prompt and card.accepted == ("L2",)
