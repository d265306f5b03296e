"""Map cards: generated for every root, with stable ids, checked as a student would answer them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.content.answers import Verdict
from trainer.content.bodymap import load_bodymap
from trainer.content.cards import CardKind, card_id
from trainer.content.generate import load_compiled_deck
from trainer.content.map_cards import answer_figure_of, check_map, compile_map_deck, feedback_figure, figure_of, generate_map_cards
from trainer.content.roots import LEVELS
from trainer.paths import builtin_deck_path, builtin_decks_dir


@pytest.fixture(scope="module")
def bodymap():
    """The built-in body map."""
    return load_bodymap(builtin_decks_dir() / "maps" / "bodymap.toml")


@pytest.fixture(scope="module")
def cards(bodymap):
    """Every generated map card, by (template, fact key)."""
    return {(c.template, c.fact_key): c for c in generate_map_cards(bodymap)}


class TestGeneration:
    """Which cards exist and what they say."""

    def test_every_root_gets_a_zone_card_and_a_cursor_card(self, cards) -> None:
        """28 "which root?" and 28 "move the cursor to" cards, one pair per ISNCSCI level."""
        for root in LEVELS:
            zone = cards[("zone-to-root", f"zone:{root}")]
            locate = cards[("root-to-zone", f"zone:{root}")]
            assert zone.kind == CardKind.MAP_ZONE and zone.answer == root
            assert locate.kind == CardKind.MAP_LOCATE and root in locate.prompt
            assert zone.siblings == (locate.id,) and locate.siblings == (zone.id,)
            assert zone.sources and "KSP08" in zone.sources

    def test_root_or_nerve_cards_follow_the_nerves_contrasts(self, bodymap, cards) -> None:
        """One card per (root, nerve taught against it); the answer area is A or B, both used."""
        contrasts = {(root, n.id) for n in bodymap.nerves for root in n.contrasts}
        made = {tuple(k.split(":")[1:]) for t, k in cards if t == "root-or-nerve"}
        assert made == contrasts and len(made) >= 10
        answers = {c.answer for c in cards.values() if c.kind == CardKind.MAP_ROOT_OR_NERVE}
        assert answers == {"A", "B"}
        card = cards[("root-or-nerve", "contrast:L2:lateral-femoral-cutaneous")]
        assert "lateral femoral cutaneous nerve" in card.prompt and "Which is the L2 dermatome?" in card.prompt
        assert card.choices == ("A", "B") and card.choice_roots[card.choices.index(card.answer)] == "L2"

    def test_ids_are_stable_and_do_not_touch_the_built_in_deck(self, bodymap, cards) -> None:
        """Map cards live in the "bodymap" deck; ids come from template and fact key only."""
        card = cards[("zone-to-root", "zone:L4")]
        assert card.id == card_id("bodymap", "zone-to-root", "zone:L4")
        builtin = {c.id for c in load_compiled_deck(builtin_deck_path()).cards}
        assert builtin.isdisjoint(c.id for c in cards.values())
        deck = compile_map_deck(bodymap)
        assert deck.info.id == "bodymap" and len(deck.cards) == len(cards)
        assert {s for c in deck.cards for s in c.sources} <= {s.key for s in deck.info.sources}
        assert all(len(c.kind.value) <= 20 for c in deck.cards)


class TestFigures:
    """What the map shows with each card, before and after answering."""

    def test_a_zone_question_highlights_the_zone_without_naming_it(self, bodymap, cards) -> None:
        """The label on the map is "?", never the answer."""
        figure = figure_of(cards[("zone-to-root", "zone:L4")], bodymap)
        assert [h.target for h in figure.highlights] == ["L4"]
        assert "L4" not in figure.highlights[0].label

    def test_root_or_nerve_areas_match_the_options(self, bodymap, cards) -> None:
        """Area A on the map is option A: the root's area is the card's answer."""
        card = cards[("root-or-nerve", "contrast:C8:ulnar")]
        figure = figure_of(card, bodymap)
        by_letter = {h.label.split()[0]: h.target for h in figure.highlights}
        assert by_letter[card.answer] == "C8"
        assert set(by_letter.values()) == {"C8", "ulnar"}
        after = answer_figure_of(card, bodymap)
        assert any("ulnar nerve" in h.label for h in after.highlights)
        assert figure_of(cards[("root-to-zone", "zone:L5")], bodymap).highlights == ()


class TestChecking:
    """Answers as a student gives them."""

    def test_typed_zone_answers_are_forgiving(self, cards) -> None:
        """"l 4" is L4; "L5" is one level away."""
        card = cards[("zone-to-root", "zone:L4")]
        assert check_map(card, "l 4").verdict == Verdict.CORRECT
        assert check_map(card, "L5").verdict == Verdict.ADJACENT

    def test_cursor_answers(self, cards) -> None:
        """On the zone: right; in the knee overlap: right for both; a neighbour: close; nothing: blank."""
        card = cards[("root-to-zone", "zone:L4")]
        assert check_map(card, "L4").verdict == Verdict.CORRECT
        assert check_map(card, "L3,L4").verdict == Verdict.CORRECT
        result = check_map(card, "L5")
        assert result.verdict == Verdict.ADJACENT and result.given_root == "L5"
        assert check_map(card, "C6").verdict == Verdict.WRONG
        assert check_map(card, "").verdict == Verdict.BLANK

    def test_root_or_nerve_answers(self, cards) -> None:
        """Picking the nerve's area is wrong; the root's area is right."""
        card = cards[("root-or-nerve", "contrast:L5:superficial-fibular")]
        other = "B" if card.answer == "A" else "A"
        assert check_map(card, card.answer).verdict == Verdict.CORRECT
        assert check_map(card, other).verdict == Verdict.WRONG

    def test_a_card_that_is_not_a_map_card_is_refused(self) -> None:
        """check_map is only for map cards."""
        deck = load_compiled_deck(builtin_deck_path())
        with pytest.raises(ValueError, match="not a map card"):
            check_map(deck.cards[0], "L4")


class TestFeedbackFigure:
    """What the feedback's map shows after any card: the answer's zone, or both zones of a confusion."""

    def test_a_dermatome_card_shows_its_zone_and_a_confusion_both_zones(self, bodymap) -> None:
        """Right: L4 alone, "the answer"; L5 given for L4: A is L5 (your answer), B is L4."""
        card = next(c for c in load_compiled_deck(builtin_deck_path()).cards if c.answer_root == "L4" and "dermatome" in c.tags)
        assert [h.label for h in feedback_figure(card, bodymap, "L4").highlights] == ["L4  the answer"]
        labels = [h.label for h in feedback_figure(card, bodymap, "L5", correct=False).highlights]
        assert labels == ["A  L5  your answer", "B  L4  the answer"]

    def test_a_card_about_muscles_says_the_map_shows_the_dermatome(self, bodymap) -> None:
        """A myotome card's root is drawn as its skin zone, and the label says so."""
        card = next(c for c in load_compiled_deck(builtin_deck_path()).cards if c.answer_root == "C5" and "myotome" in c.tags)
        assert [h.label for h in feedback_figure(card, bodymap, "C5").highlights] == ["C5  the answer (dermatome)"]

    def test_no_map_for_a_root_the_map_does_not_draw_and_no_confusion_with_a_nerve(self, bodymap, cards) -> None:
        """C1 has no zone: no figure. Picking the nerve's area names both areas, not a confusion."""
        card = next(c for c in load_compiled_deck(builtin_deck_path()).cards if c.answer_root == "L4")
        assert feedback_figure(replace(card, answer_root="C1"), bodymap) is None
        nerve_card = cards[("root-or-nerve", "contrast:L5:superficial-fibular")]
        assert feedback_figure(nerve_card, bodymap, None, correct=False) == answer_figure_of(nerve_card, bodymap)
