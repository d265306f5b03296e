"""The new answer kinds (nerve, lesion site, AIS grade), tested like the root parser:
spellings, traps, near-misses, and hypothesis fuzzing of each parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.content import ais, nerves, sites
from trainer.content.answers import Verdict, check, check_ais, check_nerve, check_site, interpret, looks_unfinished
from trainer.content.cards import Card, CardKind


class TestNerveSpellings:
    @pytest.mark.parametrize(
        ("text", "nerve"),
        [
            ("common peroneal", "common fibular"), ("Common Fibular Nerve", "common fibular"), ("peroneal", "common fibular"),
            ("fibular", "common fibular"), ("CPN", "common fibular"), ("common peroneal nerve palsy", "common fibular"),
            ("lateral popliteal", "common fibular"), ("deep peroneal", "deep fibular"), ("deep fibular nerve", "deep fibular"),
            ("superficial peroneal", "superficial fibular"), ("LFCN", "lateral femoral cutaneous"),
            ("lateral cutaneous nerve of the thigh", "lateral femoral cutaneous"), ("lateral femoral cutaneous", "lateral femoral cutaneous"),
            ("Lateral-Femoral-Cutaneous nerve", "lateral femoral cutaneous"), ("the ulnar nerve", "ulnar"), ("ulnar nerve at the elbow", "ulnar"),
            ("ULNAR", "ulnar"), ("  ulnar.  ", "ulnar"), ("ulnar\u200b", "ulnar"), ("ｕｌｎａｒ", "ulnar"), ("PIN", "posterior interosseous"),
            ("long thoracic nerve of Bell", "long thoracic"), ("greater auricular", "great auricular"), ("ilio-inguinal", "ilioinguinal"),
            ("median neuropathy", "median"), ("circumflex", "axillary"), ("posterior tibial", "tibial"),
            ("musculocutaneous nerve of the leg", "superficial fibular"), ("musculocutaneous", "musculocutaneous"),
        ],
    )  # fmt: skip
    def test_every_spelling_reads_as_its_nerve(self, text: str, nerve: str) -> None:
        parsed = nerves.parse_nerve(text)
        assert (parsed.kind, parsed.nerve) == ("nerve", nerve)

    @pytest.mark.parametrize("name", nerves.NERVES)
    def test_each_canonical_name_and_its_display_read_back_as_itself(self, name: str) -> None:
        assert nerves.parse_nerve(name).nerve == name
        assert nerves.parse_nerve(nerves.display_nerve(name)).nerve == name


class TestNerveTraps:
    @pytest.mark.parametrize(("text", "kind"), [("C8", "root"), ("the L5 root", "root"), ("L2-L3", "roots"), ("C5 and C6", "roots")])
    def test_a_root_is_read_as_a_root_not_a_nerve(self, text: str, kind: str) -> None:
        parsed = nerves.parse_nerve(text)
        assert parsed.kind == kind and parsed.nerve is None

    @pytest.mark.parametrize("text", ["banana", "nerve", "tibia", "L7", "radial artery"])
    def test_nonsense_is_unknown(self, text: str) -> None:
        assert nerves.parse_nerve(text).kind == "unknown"

    def test_a_misspelling_gets_a_suggestion_but_is_not_accepted(self) -> None:
        result = check_nerve("ulner", ["ulnar"])
        assert result.verdict is Verdict.WRONG
        assert "ulnar nerve" in result.message

    def test_a_site_instead_of_a_nerve_is_wrong_and_says_so(self) -> None:
        result = check_nerve("cauda equina", ["ulnar"])
        assert result.verdict is Verdict.WRONG and "site" in result.message


class TestNerveVerdicts:
    def test_an_accepted_nerve_is_correct_and_names_the_others(self) -> None:
        result = check_nerve("saphenous", ["saphenous", "femoral"])
        assert result.verdict is Verdict.CORRECT
        assert "femoral nerve" in result.message

    @pytest.mark.parametrize(("typed", "accepted"), [("C8", "ulnar"), ("T1", "ulnar"), ("L5", "common fibular"), ("C6", "median"),
                                                    ("C7", "radial"), ("C5", "axillary"), ("L3", "femoral"), ("L2 and L3", "lateral femoral cutaneous")])  # fmt: skip
    def test_the_root_a_nerve_is_confused_with_is_one_level_off(self, typed: str, accepted: str) -> None:
        result = check_nerve(typed, [accepted])
        assert result.verdict is Verdict.ADJACENT
        assert "root" in result.message and "nerve" in result.message

    @pytest.mark.parametrize(("typed", "accepted"), [("deep peroneal", "common fibular"), ("common peroneal", "superficial fibular"),
                                                    ("femoral", "saphenous"), ("radial", "posterior interosseous"), ("sciatic", "tibial")])  # fmt: skip
    def test_a_neighbouring_branch_is_one_level_off(self, typed: str, accepted: str) -> None:
        assert check_nerve(typed, [accepted]).verdict is Verdict.ADJACENT

    @pytest.mark.parametrize(("typed", "accepted"), [("median", "ulnar"), ("S1", "ulnar"), ("ulnar", "common fibular"), ("T4", "median")])
    def test_an_unrelated_nerve_or_root_is_wrong(self, typed: str, accepted: str) -> None:
        assert check_nerve(typed, [accepted]).verdict is Verdict.WRONG

    @pytest.mark.parametrize("typed", ["", "?", "idk", "don't know"])
    def test_blank(self, typed: str) -> None:
        assert check_nerve(typed, ["ulnar"]).verdict is Verdict.BLANK


class TestSites:
    @pytest.mark.parametrize(
        ("text", "site"),
        [("CES", "cauda equina"), ("cauda equina syndrome", "cauda equina"), ("Cauda", "cauda equina"), ("conus", "conus medullaris"),
         ("conus medullaris syndrome", "conus medullaris"), ("radiculopathy", "nerve root"), ("root", "nerve root"), ("L5", "nerve root"),
         ("C8 root", "nerve root"), ("brachial plexus", "plexus"), ("plexopathy", "plexus"), ("lower trunk", "plexus"),
         ("ulnar", "peripheral nerve"), ("common peroneal nerve", "peripheral nerve"), ("mononeuropathy", "peripheral nerve"),
         ("myelopathy", "spinal cord"), ("cord", "spinal cord"), ("above the pons", "brain"), ("brainstem", "brain"),
         ("glove and stocking", "polyneuropathy"), ("peripheral neuropathy", "polyneuropathy")],
    )  # fmt: skip
    def test_every_spelling_reads_as_its_site(self, text: str, site: str) -> None:
        parsed = sites.parse_site(text)
        assert (parsed.kind, parsed.site) == ("site", site)

    def test_a_named_nerve_or_root_is_shown_with_its_site(self) -> None:
        assert sites.parse_site("ulnar").text == "peripheral nerve (ulnar nerve)"
        assert sites.parse_site("C8").text == "nerve root (C8)"

    @pytest.mark.parametrize(("typed", "accepted"), [("conus", "cauda equina"), ("CES", "conus medullaris"), ("root", "plexus"),
                                                    ("plexus", "peripheral nerve"), ("cord", "brain"), ("cauda equina", "nerve root")])  # fmt: skip
    def test_neighbouring_sites_are_one_level_off(self, typed: str, accepted: str) -> None:
        result = check_site(typed, [accepted])
        assert result.verdict is Verdict.ADJACENT and result.message.startswith("Close")

    @pytest.mark.parametrize(("typed", "accepted"), [("brain", "cauda equina"), ("ulnar", "spinal cord"), ("polyneuropathy", "nerve root")])
    def test_distant_sites_are_wrong(self, typed: str, accepted: str) -> None:
        assert check_site(typed, [accepted]).verdict is Verdict.WRONG

    def test_either_of_two_accepted_sites_is_right(self) -> None:
        assert check_site("cauda", ["conus medullaris", "cauda equina"]).verdict is Verdict.CORRECT

    def test_nonsense_is_wrong_and_lists_the_sites(self) -> None:
        result = check_site("banana", ["cauda equina"])
        assert result.verdict is Verdict.WRONG and "cauda equina" in result.message


class TestAis:
    @pytest.mark.parametrize(
        ("text", "grades"),
        [("C", ("C",)), ("c", ("C",)), ("AIS C", ("C",)), ("AIS-C", ("C",)), ("ASIA C", ("C",)), ("asia impairment scale c", ("C",)),
         ("grade C", ("C",)), ("(C)", ("C",)), ("AIS grade C", ("C",)), ("C.", ("C",)), ("complete", ("A",)), ("sensory incomplete", ("B",)),
         ("normal", ("E",)), ("motor incomplete", ("C", "D")), ("C or D", ("C", "D")), ("a", ("A",)), ("e", ("E",))],
    )  # fmt: skip
    def test_spellings(self, text: str, grades: tuple[str, ...]) -> None:
        assert ais.parse_ais(text).grades == grades

    @pytest.mark.parametrize("text", ["F", "AIS F", "Z", "banana", "3", "C5"])
    def test_other_letters_and_words_are_unknown(self, text: str) -> None:
        assert ais.parse_ais(text).kind == "unknown"
        assert check_ais(text, ["C"]).verdict is Verdict.WRONG

    @pytest.mark.parametrize(("typed", "accepted", "rule"), [("B", "C", "three levels"), ("D", "C", "half"), ("C", "D", "half"),
                                                            ("A", "B", "S4-5"), ("E", "D", "normal")])  # fmt: skip
    def test_a_neighbouring_grade_is_one_level_off_and_names_the_rule(self, typed: str, accepted: str, rule: str) -> None:
        result = check_ais(typed, [accepted])
        assert result.verdict is Verdict.ADJACENT and rule in result.message

    @pytest.mark.parametrize(("typed", "accepted"), [("A", "C"), ("E", "B"), ("motor incomplete", "D")])
    def test_far_grades_and_hedges_are_wrong(self, typed: str, accepted: str) -> None:
        assert check_ais(typed, [accepted]).verdict is Verdict.WRONG


class TestDispatchAndPreview:
    def _card(self, kind: CardKind, accepted: tuple[str, ...]) -> Card:
        return Card(id="d:1", deck_id="d", template="case", fact_key="case:x", kind=kind, prompt="?", answer=accepted[0],
                    accepted=accepted, explanation="", sources=("S",))  # fmt: skip

    def test_check_dispatches_on_the_card_kind(self) -> None:
        assert check(self._card(CardKind.TYPED_NERVE, ("ulnar",)), "ulnar nerve").verdict is Verdict.CORRECT
        assert check(self._card(CardKind.TYPED_SITE, ("cauda equina",)), "CES").verdict is Verdict.CORRECT
        assert check(self._card(CardKind.TYPED_AIS, ("C",)), "ais c").verdict is Verdict.CORRECT
        assert check(self._card(CardKind.TYPED_ROOT, ("L4",)), "l4").verdict is Verdict.CORRECT

    def test_the_typed_kinds_are_typed(self) -> None:
        for kind in (CardKind.TYPED_ROOT, CardKind.TYPED_NERVE, CardKind.TYPED_SITE, CardKind.TYPED_AIS):
            assert self._card(kind, ("x",)).is_typed
        assert not self._card(CardKind.CHOICE, ("x",)).is_typed
        assert all(len(kind.value) <= 20 for kind in CardKind)  # the store's kind column

    @pytest.mark.parametrize(
        ("text", "kind", "shown"),
        [("peroneal", CardKind.TYPED_NERVE, "common fibular (peroneal) nerve"), ("uln", CardKind.TYPED_NERVE, "\u2026"),
         ("C8", CardKind.TYPED_NERVE, "C8: a spinal root, not a peripheral nerve"), ("CES", CardKind.TYPED_SITE, "cauda equina"),
         ("cau", CardKind.TYPED_SITE, "\u2026"), ("c", CardKind.TYPED_AIS, "AIS C"), ("AI", CardKind.TYPED_AIS, "\u2026"),
         ("idk", CardKind.TYPED_AIS, "don't know"), ("L4", CardKind.TYPED_ROOT, "L4")],
    )  # fmt: skip
    def test_the_preview_reads_the_card_kind(self, text: str, kind: CardKind, shown: str) -> None:
        assert interpret(text, kind) == shown

    @pytest.mark.parametrize(("text", "kind", "unfinished"), [("uln", CardKind.TYPED_NERVE, True), ("ulnar", CardKind.TYPED_NERVE, False),
                                                             ("cau", CardKind.TYPED_SITE, True), ("ais", CardKind.TYPED_AIS, True),
                                                             ("L", CardKind.TYPED_ROOT, True), ("zzz", CardKind.TYPED_NERVE, False)])  # fmt: skip
    def test_half_typed_answers_are_unfinished(self, text: str, kind: CardKind, unfinished: bool) -> None:
        assert looks_unfinished(text, kind) is unfinished


class TestFuzzing:
    @given(st.text(max_size=300))
    def test_parsers_checks_and_previews_never_raise(self, text: str) -> None:
        n, s, a = nerves.parse_nerve(text), sites.parse_site(text), ais.parse_ais(text)
        assert n.kind in ("nerve", "root", "roots", "empty", "unknown")
        assert n.nerve is None or nerves.is_nerve(n.nerve)
        assert s.site is None or sites.is_site(s.site)
        assert all(ais.is_grade(g) for g in a.grades)
        for kind, accepted in ((CardKind.TYPED_NERVE, ["ulnar"]), (CardKind.TYPED_SITE, ["cauda equina"]), (CardKind.TYPED_AIS, ["C"])):
            assert isinstance(interpret(text, kind), str)
            assert isinstance(looks_unfinished(text, kind), bool)
        assert isinstance(check_nerve(text, ["ulnar"]).verdict, Verdict)
        assert isinstance(check_site(text, ["cauda equina"]).verdict, Verdict)
        assert isinstance(check_ais(text, ["C"]).verdict, Verdict)

    @given(st.sampled_from(nerves.NERVES), st.sampled_from(nerves.NERVES))
    def test_a_nerve_is_correct_exactly_when_accepted(self, typed: str, answer: str) -> None:
        verdict = check_nerve(typed, [answer]).verdict
        assert (verdict is Verdict.CORRECT) == (typed == answer)

    @given(st.sampled_from(ais.GRADES), st.sampled_from(ais.GRADES))
    def test_grades_are_correct_adjacent_or_wrong_by_distance(self, typed: str, answer: str) -> None:
        verdict = check_ais(typed, [answer]).verdict
        gap = abs(ais.GRADES.index(typed) - ais.GRADES.index(answer))
        assert verdict is (Verdict.CORRECT if gap == 0 else Verdict.ADJACENT if gap == 1 else Verdict.WRONG)

    @given(st.sampled_from(sites.SITES), st.sampled_from(sites.SITES))
    def test_sites_are_correct_adjacent_or_wrong_by_distance(self, typed: str, answer: str) -> None:
        verdict = check_site(typed, [answer]).verdict
        gap = abs(sites.SITES.index(typed) - sites.SITES.index(answer))
        assert verdict is (Verdict.CORRECT if gap == 0 else Verdict.ADJACENT if gap == 1 else Verdict.WRONG)

    @given(st.sampled_from(nerves.NERVES), st.text(alphabet=" .,!?'\"()-", max_size=3), st.text(alphabet=" .,!?'\"()-", max_size=3))
    def test_edge_punctuation_and_case_never_change_the_nerve(self, name: str, before: str, after: str) -> None:
        assert nerves.parse_nerve(before + name.upper() + after).nerve == name
