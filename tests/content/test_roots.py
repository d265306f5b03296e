"""The spinal-root vocabulary and the forgiving parser (reference section 7: every spelling, every trap)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.content.roots import (
    ALL_ROOTS,
    LEVELS,
    ParsedRoot,
    distance,
    is_adjacent,
    is_root,
    looks_incomplete,
    neighbours,
    parse_root,
    position,
    region_of,
    suggest_root,
)


class TestTheVocabulary:
    def test_there_are_28_isncsci_levels_from_c2_to_s4_5(self) -> None:
        assert len(LEVELS) == 28
        assert LEVELS[0] == "C2"
        assert LEVELS[-1] == "S4-5"
        assert LEVELS == (
            *(f"C{n}" for n in range(2, 9)),
            *(f"T{n}" for n in range(1, 13)),
            *(f"L{n}" for n in range(1, 6)),
            "S1", "S2", "S3", "S4-5",
        )  # fmt: skip

    def test_all_roots_lists_31_nerves_plus_the_combined_s4_5_level_in_order(self) -> None:
        assert len(ALL_ROOTS) == 32
        assert ALL_ROOTS[:8] == tuple(f"C{n}" for n in range(1, 9))
        assert ALL_ROOTS[-5:] == ("S3", "S4", "S4-5", "S5", "Co1")
        assert set(LEVELS) <= set(ALL_ROOTS)

    def test_all_roots_are_in_cranio_caudal_order(self) -> None:
        positions = [position(r) for r in ALL_ROOTS]
        assert positions == sorted(positions)
        assert len(set(positions)) == len(positions)

    @pytest.mark.parametrize("name", ALL_ROOTS)
    def test_every_canonical_name_is_a_root(self, name: str) -> None:
        assert is_root(name)

    @pytest.mark.parametrize("name", ["l4", "L 4", "L6", "C9", "T13", "S6", "S45", "S4/5", "", "Co2", "co1", " L4"])
    def test_only_exact_canonical_names_are_roots(self, name: str) -> None:
        assert not is_root(name)

    @pytest.mark.parametrize(
        ("root", "region"),
        [("C1", "cervical"), ("C8", "cervical"), ("T1", "thoracic"), ("T12", "thoracic"), ("L1", "lumbar"),
         ("L5", "lumbar"), ("S1", "sacral"), ("S4", "sacral"), ("S4-5", "sacral"), ("S5", "sacral"),
         ("Co1", "coccygeal")],
    )  # fmt: skip
    def test_region_of_names_the_region(self, root: str, region: str) -> None:
        assert region_of(root) == region

    @pytest.mark.parametrize("bad", ["l4", "L6", "", "X1"])
    def test_functions_over_roots_reject_non_canonical_names(self, bad: str) -> None:
        for call in (lambda: position(bad), lambda: region_of(bad), lambda: distance(bad, "L4"),
                     lambda: is_adjacent("L4", bad), lambda: neighbours(bad, 3)):  # fmt: skip
            with pytest.raises(ValueError):
                call()


class TestPositionsAndAdjacency:
    def test_consecutive_isncsci_levels_are_exactly_one_apart(self) -> None:
        for a, b in zip(LEVELS, LEVELS[1:]):
            assert distance(a, b) == 1, (a, b)

    def test_s4_5_sits_between_s4_and_s5_half_a_level_from_each(self) -> None:
        assert position("S4") < position("S4-5") < position("S5")
        assert distance("S4-5", "S4") == 0.5
        assert distance("S4-5", "S5") == 0.5

    def test_distance_is_symmetric_and_zero_for_the_same_root(self) -> None:
        assert distance("L4", "S1") == distance("S1", "L4") == 2
        assert distance("T10", "T10") == 0

    @pytest.mark.parametrize(
        ("a", "b"),
        [("L4", "L5"), ("L5", "L4"), ("C8", "T1"), ("T12", "L1"), ("L5", "S1"), ("S3", "S4-5"),
         ("S4", "S5"), ("S4", "S4-5"), ("S5", "Co1"), ("C1", "C2")],
    )  # fmt: skip
    def test_neighbouring_roots_are_adjacent_across_junctions(self, a: str, b: str) -> None:
        assert is_adjacent(a, b)

    @pytest.mark.parametrize(("a", "b"), [("L4", "S1"), ("L4", "L4"), ("C7", "T1"), ("S2", "S4-5"), ("C2", "Co1")])
    def test_roots_two_or_more_levels_apart_or_identical_are_not_adjacent(self, a: str, b: str) -> None:
        assert not is_adjacent(a, b)


class TestNeighbours:
    def test_nearest_come_first_and_ties_go_to_the_more_cranial_root(self) -> None:
        assert neighbours("L4", 4) == ["L3", "L5", "L2", "S1"]

    def test_the_root_itself_is_never_a_neighbour(self) -> None:
        assert "T6" not in neighbours("T6", 27)

    def test_at_the_end_of_the_levels_all_neighbours_are_cranial(self) -> None:
        assert neighbours("S4-5", 3) == ["S3", "S2", "S1"]
        assert neighbours("C2", 3) == ["C3", "C4", "C5"]

    def test_neighbours_cross_the_cervicothoracic_junction(self) -> None:
        assert neighbours("C8", 2) == ["C7", "T1"]

    def test_within_restricts_the_pool_and_the_root_need_not_be_in_it(self) -> None:
        assert neighbours("S4", 2) == ["S3", "S4-5"]
        assert neighbours("L4", 3, within=["S1", "C5", "L2", "not-a-root"]) == ["L2", "S1", "C5"]

    def test_all_roots_pool_orders_the_sacral_tail_by_half_steps(self) -> None:
        assert neighbours("S4-5", 4, within=ALL_ROOTS) == ["S4", "S5", "S3", "Co1"]

    def test_it_returns_at_most_n_and_nothing_for_zero(self) -> None:
        assert len(neighbours("T6", 100)) == 27
        assert neighbours("T6", 0) == []
        assert neighbours("T6", -1) == []


class TestSuggestRoot:
    @pytest.mark.parametrize(
        ("text", "suggestion"),
        [("L7", "L5"), ("L6", "L5"), ("T13", "T12"), ("C9", "C8"), ("S6", "S5"), ("L0", "L1"), ("C0", "C1"),
         ("Co2", "Co1"), ("l4", "L4"), ("S4/5", "S4-5"), ("Th10", "T10"), ("D10", "T10"), ("L4", "L4")],
    )  # fmt: skip
    def test_it_suggests_the_root_meant(self, text: str, suggestion: str) -> None:
        assert suggest_root(text) == suggestion

    @pytest.mark.parametrize("text", ["", "garbage", "L4-5", "C5, C6", "S2-S4", "LIV", "L5-L6", "L5 vertebra"])
    def test_it_suggests_nothing_for_garbage_discs_and_ranges(self, text: str) -> None:
        assert suggest_root(text) is None


def _root(name: str) -> ParsedRoot:
    return ParsedRoot("root", (name,), name)


class TestSingleRootSpellings:
    @pytest.mark.parametrize(
        "text",
        ["L4", "l4", "L 4", "L-4", "L.4", "L_4", "L４", "Ｌ４", "Ｌ-４", "L\u00a04", "L\u20094", "L\u30004",
         "\u00a0L4\u00a0", "L\u200b4", "  l4  ", "L4.", "L4!", "L4?", "(L4)", "“L4”", "'L4'", "L4;",
         "fourth lumbar", "Fourth Lumbar", "4th lumbar", "lumbar 4", "lumbar four", "Lumbar-4", "L four",
         "L4 root", "L4 nerve root", "the L4 nerve root", "The L4 root.", "L4 dermatome", "L4 myotome",
         "L4 segment", "L4 level", "L4 spinal nerve", "L4 nerve", "left L4", "right L4 root", "root L4",
         "fourth lumbar nerve root", "the fourth lumbar root", "L4root"],
    )  # fmt: skip
    def test_every_spelling_of_l4_reads_as_l4(self, text: str) -> None:
        assert parse_root(text) == _root("L4")

    @pytest.mark.parametrize(
        ("text", "root"),
        [("fifth lumbar", "L5"), ("first sacral", "S1"), ("sacral one", "S1"), ("sacral 1", "S1"),
         ("first thoracic", "T1"), ("eighth cervical", "C8"), ("tenth thoracic nerve root", "T10"),
         ("second cervical", "C2"), ("twelfth thoracic", "T12"), ("cervical six", "C6"), ("thoracic 4", "T4"),
         ("coccygeal 1", "Co1"), ("first coccygeal", "Co1"), ("Co1", "Co1"), ("co 1", "Co1"), ("CO1", "Co1"),
         ("C8", "C8"), ("c8 root", "C8"), ("C1", "C1"), ("S1 dermatome", "S1"), ("1st sacral", "S1")],
    )  # fmt: skip
    def test_words_and_ordinals_name_roots(self, text: str, root: str) -> None:
        assert parse_root(text) == _root(root)

    @pytest.mark.parametrize(
        "text", ["Th10", "th10", "TH 10", "Th 10", "Th-10", "D10", "d10", "D 10", "D-10", "dorsal 10", "tenth dorsal",
                 "T10", "t 10", "Ｔ１０", "Th10 dermatome"],
    )  # fmt: skip
    def test_th_and_d_prefixes_mean_thoracic(self, text: str) -> None:
        assert parse_root(text) == _root("T10")

    def test_plain_s4_and_s5_stay_separate_roots(self) -> None:
        assert parse_root("S4") == _root("S4")
        assert parse_root("s5") == _root("S5")
        assert parse_root("fourth sacral") == _root("S4")


class TestTheS45Level:
    @pytest.mark.parametrize(
        "text",
        ["S4-5", "s4-5", "S4–5", "S4—5", "S4−5", "S4/5", "S4-S5", "S4–S5", "S4/S5", "S45", "s45", "S4,5", "S4, 5",
         "S4 and S5", "S4 & S5", "S4_5", "s4 5", "S4 5", "S4+S5", "S4 - 5", "S４-５", "S4-5 dermatome",
         "the S4-5 level", "sacral 4-5", "S4 and S5 roots", "S4-5.", "S4/5 root"],
    )  # fmt: skip
    def test_every_spelling_is_the_single_isncsci_level(self, text: str) -> None:
        assert parse_root(text) == _root("S4-5")

    def test_s4_or_s5_is_a_choice_of_two_roots_not_the_combined_level(self) -> None:
        assert parse_root("S4 or S5") == ParsedRoot("roots", ("S4", "S5"), "S4, S5")


class TestDiscLabelsAreNeverARoot:
    @pytest.mark.parametrize(
        ("text", "roots", "shown"),
        [("L4-5", ("L4", "L5"), "L4-5 disc"), ("L4/L5", ("L4", "L5"), "L4-5 disc"),
         ("L4–L5", ("L4", "L5"), "L4-5 disc"), ("L4-L5", ("L4", "L5"), "L4-5 disc"),
         ("L4/5", ("L4", "L5"), "L4-5 disc"), ("l4 - l5", ("L4", "L5"), "L4-5 disc"),
         ("L5/S1", ("L5", "S1"), "L5-S1 disc"), ("L5-S1", ("L5", "S1"), "L5-S1 disc"),
         ("L5–S1", ("L5", "S1"), "L5-S1 disc"), ("T12/L1", ("T12", "L1"), "T12-L1 disc"),
         ("C5-6", ("C5", "C6"), "C5-6 disc"), ("C6/7", ("C6", "C7"), "C6-7 disc"),
         ("C7-T1", ("C7", "T1"), "C7-T1 disc"), ("L4-5 disc", ("L4", "L5"), "L4-5 disc"),
         ("L4/5 disc", ("L4", "L5"), "L4-5 disc"), ("L4-L5 interspace", ("L4", "L5"), "L4-5 disc"),
         ("the L5-S1 disc", ("L5", "S1"), "L5-S1 disc"), ("L4-5 disk", ("L4", "L5"), "L4-5 disc"),
         ("L4-5 disc space", ("L4", "L5"), "L4-5 disc"), ("L4-5 intervertebral disc", ("L4", "L5"), "L4-5 disc"),
         ("L4 and L5 disc", ("L4", "L5"), "L4-5 disc"), ("L4-5 segment", ("L4", "L5"), "L4-5 disc"),
         ("L4-5 level", ("L4", "L5"), "L4-5 disc"), ("disc L3-4", ("L3", "L4"), "L3-4 disc")],
    )  # fmt: skip
    def test_a_disc_label_is_a_disc_with_its_two_bounding_roots(
        self, text: str, roots: tuple[str, str], shown: str
    ) -> None:
        parsed = parse_root(text)
        assert parsed == ParsedRoot("disc", roots, shown)
        assert parsed.note == "a disc, not a root"

    @pytest.mark.parametrize("text", ["L5 disc", "C3-5 disc", "C8-T1 disc", "S2-3 disc", "S4-5 disc"])
    def test_a_disc_word_without_a_real_disc_level_is_unknown(self, text: str) -> None:
        parsed = parse_root(text)
        assert parsed.kind == "unknown"
        assert "disc" in parsed.note


class TestRangesAndLists:
    @pytest.mark.parametrize(
        ("text", "roots", "shown"),
        [("S2-S4", ("S2", "S3", "S4"), "S2–S4"), ("S2–4", ("S2", "S3", "S4"), "S2–S4"),
         ("S2-4", ("S2", "S3", "S4"), "S2–S4"), ("L2-L4", ("L2", "L3", "L4"), "L2–L4"),
         ("C5 to C7", ("C5", "C6", "C7"), "C5–C7"), ("C5 through C7", ("C5", "C6", "C7"), "C5–C7"),
         ("L4-L2", ("L2", "L3", "L4"), "L2–L4"), ("T12-L2", ("T12", "L1", "L2"), "T12–L2"),
         ("C7-T1 roots", ("C7", "C8", "T1"), "C7–T1"), ("S3-S5", ("S3", "S4", "S5"), "S3–S5"),
         ("S2, S3, S4", ("S2", "S3", "S4"), "S2, S3, S4")],
    )  # fmt: skip
    def test_a_range_that_is_not_a_neighbouring_pair_covers_every_root(
        self, text: str, roots: tuple[str, ...], shown: str
    ) -> None:
        assert parse_root(text) == ParsedRoot("roots", roots, shown)

    @pytest.mark.parametrize(
        ("text", "roots"),
        [("C5, C6", ("C5", "C6")), ("C5 and C6", ("C5", "C6")), ("L4 or L5", ("L4", "L5")),
         ("C5,C6", ("C5", "C6")), ("C5 C6", ("C5", "C6")), ("C6 & C5", ("C5", "C6")),
         ("L4-L5 roots", ("L4", "L5")), ("L4 and L5 roots", ("L4", "L5")), ("the L4-L5 nerve roots", ("L4", "L5")),
         ("L5-S1 roots", ("L5", "S1")), ("L3, L4 and L5", ("L3", "L4", "L5")), ("C5-C6, C8", ("C5", "C6", "C8")),
         ("fifth lumbar and first sacral roots", ("L5", "S1")), ("L4 to L5", ("L4", "L5")),
         ("C8-T1", ("C8", "T1")), ("C7-8", ("C7", "C8")), ("S2-3", ("S2", "S3")), ("S1-S2", ("S1", "S2")),
         ("S3, S45", ("S3", "S4-5"))],
    )  # fmt: skip
    def test_lists_and_root_pairs_cover_every_root_named(self, text: str, roots: tuple[str, ...]) -> None:
        parsed = parse_root(text)
        assert parsed.kind == "roots"
        assert parsed.roots == roots

    def test_a_pair_of_roots_is_shown_as_a_list(self) -> None:
        assert parse_root("C5 and C6").text == "C5, C6"

    def test_naming_the_same_root_twice_is_one_root(self) -> None:
        assert parse_root("L4-L4") == _root("L4")
        assert parse_root("L4, L4") == _root("L4")


class TestNotARoot:
    @pytest.mark.parametrize(
        ("text", "suggestion"),
        [("L6", "L5"), ("L7", "L5"), ("C9", "C8"), ("T13", "T12"), ("S6", "S5"), ("L0", "L1"), ("C0", "C1"),
         ("Co2", "Co1"), ("sixth lumbar", "L5"), ("l 6", "L5"), ("L4-L6", "L5")],
    )  # fmt: skip
    def test_nonexistent_roots_are_unknown_with_the_nearest_real_root_noted(self, text: str, suggestion: str) -> None:
        parsed = parse_root(text)
        assert parsed.kind == "unknown"
        assert parsed.roots == ()
        assert parsed.note == f"not a spinal root ({suggestion}?)"

    @pytest.mark.parametrize("text", ["L5 vertebra", "L5 vertebral body", "C8 vertebra", "the T12 vertebra", "L4 vertebrae"])
    def test_naming_the_bone_is_unknown_and_says_vertebra(self, text: str) -> None:
        parsed = parse_root(text)
        assert parsed.kind == "unknown"
        assert "vertebra" in parsed.text.lower()
        assert "vertebra" in parsed.note

    def test_there_is_no_c8_vertebra_but_c8_is_a_root(self) -> None:
        assert parse_root("C8") == _root("C8")

    @pytest.mark.parametrize(
        "text",
        ["LIV", "L IV", "lumbar", "L", "fourth", "root", "hello", "cone", "done", "lone", "tone", "4", "45", "L4-",
         "L4 or", "S", "idk", "L4 foo", "x" * 1000, "L" + "4" * 50, "— —", "C5 to"],
    )  # fmt: skip
    def test_text_that_is_not_a_root_is_unknown(self, text: str) -> None:
        parsed = parse_root(text)
        assert parsed.kind == "unknown"
        assert parsed.roots == ()

    def test_unknown_text_is_shown_back_cleaned(self) -> None:
        assert parse_root("  LIV\u00a0 ").text == "LIV"

    @pytest.mark.parametrize("text", ["", " ", "\t\n", "\u00a0", "\u3000", "?", "...", "“”"])
    def test_nothing_typed_is_empty(self, text: str) -> None:
        assert parse_root(text) == ParsedRoot("empty", (), "")


class TestLooksIncomplete:
    @pytest.mark.parametrize("text", ["L", "lum", "fourt", "L4-", "L4/", "C5 and", "C5,", "the"])
    def test_half_typed_answers_look_incomplete(self, text: str) -> None:
        assert looks_incomplete(text)

    @pytest.mark.parametrize("text", ["", "xyz", "hello world", "LIV4"])
    def test_nonsense_does_not(self, text: str) -> None:
        assert not looks_incomplete(text)


_SINGLE_ROOTS = [r for r in ALL_ROOTS if r != "S4-5"]


class TestProperties:
    @given(st.text())
    def test_parse_root_never_raises_and_returns_a_known_kind(self, text: str) -> None:
        parsed = parse_root(text)
        assert parsed.kind in {"root", "roots", "disc", "empty", "unknown"}
        assert all(is_root(r) for r in parsed.roots)
        if parsed.kind == "root":
            assert len(parsed.roots) == 1 and parsed.text == parsed.roots[0]
        elif parsed.kind == "roots":
            assert len(parsed.roots) >= 2
        elif parsed.kind == "disc":
            assert len(parsed.roots) == 2
        else:
            assert parsed.roots == ()

    @given(st.text(alphabet="CTLSDHco0123456789 -–/.,_&andortheroot"))
    def test_parse_root_never_raises_on_root_like_noise(self, text: str) -> None:
        parse_root(text)
        suggest_root(text)
        looks_incomplete(text)

    @given(st.sampled_from(_SINGLE_ROOTS), st.sampled_from(["", " ", "-", ".", "_", " - ", "\u00a0"]), st.booleans())
    def test_every_root_survives_case_and_a_separator_after_its_letter(self, root: str, sep: str, lower: bool) -> None:
        prefix = "Co" if root.startswith("Co") else root[0]
        spelled = f"{prefix}{sep}{root[len(prefix):]}"
        assert parse_root(spelled.lower() if lower else spelled) == _root(root)

    @given(st.sampled_from(ALL_ROOTS))
    def test_parsing_a_canonical_name_gives_it_back(self, root: str) -> None:
        assert parse_root(root) == _root(root)
        assert parse_root(root.lower()) == _root(root)
        assert suggest_root(root) == root

    @given(st.sampled_from(_SINGLE_ROOTS))
    def test_every_root_survives_full_width_characters(self, root: str) -> None:
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in root)
        assert parse_root(full_width) == _root(root)
