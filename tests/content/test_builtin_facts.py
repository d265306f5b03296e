"""The built-in deck teaches what the sourced reference says (../shared/reference/dermatomes.md).

A wrong fact is the worst bug this product can have, so the facts students are examined on, and
every disagreement between sources (reference section 5), are pinned here card by card: an edit
to decks/dermatomes.toml that drops a defensible answer, or flips a preferred one, fails CI.
"""

from __future__ import annotations

import re

import pytest

from trainer.content.cards import Card, CardKind
from trainer.content.generate import load_compiled_deck
from trainer.paths import builtin_deck_path

CARDS: list[Card] = list(load_compiled_deck(builtin_deck_path()).cards)


def typed(pattern: str) -> Card:
    """The one typed-root card whose prompt matches `pattern`."""
    found = [c for c in CARDS if c.kind is CardKind.TYPED_ROOT and re.search(pattern, c.prompt, re.I)]
    assert len(found) == 1, (pattern, [c.prompt for c in found])
    return found[0]


# (prompt pattern, accept-set exactly, preferred first)
KEY_POINTS = [
    (r"^ISNCSCI key sensory point: .*occipital", ("C2",)),
    (r"^ISNCSCI key sensory point: .*supraclavicular fossa", ("C3",)),
    (r"^ISNCSCI key sensory point: .*acromioclavicular", ("C4",)),
    (r"^ISNCSCI key sensory point: .*(lateral|radial).*antecubital", ("C5",)),
    (r"^ISNCSCI key sensory point: .*thumb", ("C6",)),
    (r"^ISNCSCI key sensory point: .*middle finger", ("C7",)),
    (r"^ISNCSCI key sensory point: .*little finger", ("C8",)),
    (r"^ISNCSCI key sensory point: .*apex of the axilla", ("T2",)),
    (r"^ISNCSCI key sensory point: .*level with the xiphisternum", ("T6",)),
    (r"^ISNCSCI key sensory point: .*level with the umbilicus", ("T10",)),
    (r"^ISNCSCI key sensory point: over the medial femoral condyle", ("L3",)),
    (r"^ISNCSCI key sensory point: over the medial malleolus", ("L4",)),
    (r"^ISNCSCI key sensory point: .*third metatarsophalangeal", ("L5",)),
    (r"^ISNCSCI key sensory point: .*heel", ("S1",)),
    (r"^ISNCSCI key sensory point: .*popliteal fossa", ("S2",)),
    (r"^ISNCSCI key sensory point: .*ischial tuberosity", ("S3",)),
    (r"^ISNCSCI key sensory point: .*perianal", ("S4-5",)),
]

# Reference section 5: where sources disagree, every defensible answer is accepted, preferred first.
DISAGREEMENTS = [
    (r"includes the front of the knee", ("L3", "L4")),  # 5.6 knee
    (r"includes the nipple line", ("T4", "T5")),  # 5.7 nipple
    (r"includes the groin", ("L1", "T12")),  # 5.8 groin
    (r"includes the sole of the foot", ("S1", "S2")),  # 5.9 sole
    (r"includes the great toe", ("L5", "L4")),  # 5.5 great toe
    (r"includes the skin over the clavicle", ("C4", "C3", "C5")),  # 5.11 clavicle
    (r"^ISNCSCI motor exam: ankle dorsiflexion", ("L4",)),  # 5.3 ISNCSCI frame
    (r"weakness of foot dorsiflexion", ("L5", "L4")),  # 5.3 clinical frame: foot drop
    (r"^ISNCSCI motor exam: hip flexion", ("L2",)),
    (r"^ISNCSCI motor exam: knee extension", ("L3",)),
    (r"weakness of knee extension", ("L4", "L3")),  # quadriceps: L4 majority (Harrison's)
    (r"weakness of foot eversion", ("L5", "S1")),
    (r"^Which root does the patellar", ("L4", "L3", "L2")),  # issue 11: Loyola's L2-L4 is cited  # 5.4 reflexes
    (r"^Which root does the biceps reflex", ("C5", "C6")),
    (r"^Which root does the brachioradialis", ("C6", "C5")),
    (r"^Which root does the triceps reflex", ("C7", "C8", "C6")),
    (r"^Which root does the Achilles", ("S1", "S2")),
    (r"^Which root does the medial hamstring", ("L5", "S1")),
    (r"^Which root does the cremasteric", ("L1", "L2")),
]

DISCS = [
    ("posterolateral", "L3-L4", "L4"),
    ("posterolateral", "L4-L5", "L5"),
    ("posterolateral", "L5-S1", "S1"),
    ("far-lateral", "L3-L4", "L3"),
    ("far-lateral", "L4-L5", "L4"),
    ("far-lateral", "L5-S1", "L5"),
    ("posterolateral", "C5-C6", "C6"),
    ("posterolateral", "C6-C7", "C7"),
    ("posterolateral", "C7-T1", "C8"),
]


class TestIsncsciKeyPoints:
    @pytest.mark.parametrize(("pattern", "accepted"), KEY_POINTS)
    def test_each_key_point_has_its_single_isncsci_root(self, pattern: str, accepted: tuple[str, ...]) -> None:
        """Point -> root cards use the ISNCSCI key points, one root each (reference section 5.1)."""
        assert typed(pattern).accepted == accepted


class TestDisagreementsAcceptEveryDefensibleAnswer:
    @pytest.mark.parametrize(("pattern", "accepted"), DISAGREEMENTS)
    def test_accept_set_and_preferred_answer(self, pattern: str, accepted: tuple[str, ...]) -> None:
        """Preferred root first, minority roots accepted; the explanation says who says what."""
        card = typed(pattern)
        assert card.accepted == accepted
        if len(accepted) > 1:
            assert all(root in card.explanation for root in accepted), card.explanation

    def test_no_card_pins_the_lateral_thigh_to_one_root(self) -> None:
        """Reference 5.10: the lateral thigh is the lateral femoral cutaneous nerve's territory."""
        # (Radicular *pain* may reach the lateral thigh, as Harrison's says of L4 and L5; that is
        # not a dermatome claim, so only landmark and region cards are checked.)
        pinned = [
            c for c in CARDS
            if c.template in ("landmark-to-root", "region-to-root") and "lateral thigh" in c.prompt.lower()
        ]
        assert not pinned

    def test_frames_are_named_in_myotome_prompts(self) -> None:
        """ISNCSCI and clinical myotomes disagree, so every myotome prompt says which frame it uses.

        Items several roots supply together (the diaphragm, the anal sphincter) are not a
        radiculopathy question at all: they ask which roots supply them.
        """
        for card in CARDS:
            if card.fact_key.startswith("myotome:") and card.kind is CardKind.TYPED_ROOT:
                assert card.prompt.startswith(
                    ("ISNCSCI motor exam:", "ISNCSCI 2019 non-key", "In radiculopathy", "Which roots supply")
                ), card.prompt


class TestDiscLevels:
    @pytest.mark.parametrize(("herniation", "level", "root"), DISCS)
    def test_herniation_type_decides_traversing_or_exiting_root(self, herniation: str, level: str, root: str) -> None:
        """Posterolateral catches the traversing root (N+1), far-lateral the exiting root (N)."""
        assert typed(rf"^A {herniation} .*{level} disc").accepted == (root,)


class TestSeedArticle:
    """Reference section 6: the seed article's right claims are taught, its wrong one refuted."""

    def _claim(self, pattern: str) -> Card:
        (card,) = [c for c in CARDS if c.template == "true-or-false" and re.search(pattern, c.prompt, re.I)]
        return card

    @pytest.mark.parametrize(
        ("pattern", "verdict"),
        [
            (r"L1 dermatome supplies the groin", "True"),
            (r"L1 dermatome supplies the lower abdomen", "False"),
            (r"L2 dermatome supplies the upper anterior thigh", "True"),
            (r"L3 dermatome supplies the lower anterior thigh and the knee", "True"),
            (r"Low back pain on its own points to the L3 root", "False"),
        ],
    )
    def test_seed_claim_verdict(self, pattern: str, verdict: str) -> None:
        assert self._claim(pattern).answer == verdict

    def test_the_low_back_pain_card_teaches_why_l3_is_wrong(self) -> None:
        """A choice card whose right answer is that back pain alone localises no root, with the reasons."""
        (card,) = [c for c in CARDS if c.template == "card" and "back pain point to" in c.prompt]
        assert card.answer.startswith("None")
        assert "The L3 root" in card.distractors
        why = self._claim(r"Low back pain on its own").explanation.lower()
        assert "anterior thigh" in why and "l4" in why, why
