"""The exam core: blueprint, exam conditions, the timer, scoring, resuming and the trend.

Everything runs on the built-in deck's real cards, with instants passed in as the injected clock
would give them, so the figures asserted are the ones a student would see in the report.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from trainer.clock import FixedClock
from trainer.content.cards import Card, CardKind
from trainer.content.generate import load_compiled_deck
from trainer.content.loader import load_deck
from trainer.content.places import dermatome_places, explain_confusion
from trainer.content.roots import LEVELS, region_of
from trainer.paths import builtin_deck_path
from trainer.study.exam import (
    Blueprint,
    DeckRef,
    ExamAttempt,
    ExamStateError,
    StudentRef,
    SubmittedBy,
    blueprint,
    clock_text,
    in_scope,
    parse_scope,
    start_exam,
    trend,
    weakness_weights,
)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
STUDENT = StudentRef(id="s-3f9a1c2b", profile="default")


@pytest.fixture(scope="module")
def deck():
    """The built-in deck, compiled once for the module."""
    return load_compiled_deck(builtin_deck_path())


@pytest.fixture(scope="module")
def places(deck):
    """Root -> region from the built-in deck."""
    return dermatome_places(deck.cards)


def find(deck, template: str, *, root: str | None = None, fact: str | None = None) -> Card:
    """The built-in card of this template about this root or fact."""
    return next(
        c for c in deck.cards
        if c.template == template and (root is None or c.answer_root == root) and (fact is None or c.fact_key == fact)
    )


def at(seconds: float) -> datetime:
    """T0 plus some seconds."""
    return T0 + timedelta(seconds=seconds)


def root_counts(plan: Blueprint) -> Counter[str | None]:
    return Counter(c.answer_root for c in plan.cards)


def facts_per_root(cards, scope: str) -> Counter[str | None]:
    eligible = [c for c in cards if c.kind is not CardKind.REVEAL and in_scope(c, scope)]
    return Counter(root for root, _ in {(c.answer_root, (c.deck_id, c.fact_key)) for c in eligible})


class TestBlueprint:
    @pytest.mark.parametrize(("questions", "scope"), [(10, "all"), (40, "all"), (100, "all"), (20, "cervical"), (30, "lumbosacral"), (15, "thoracic")])
    def test_per_root_counts_differ_by_at_most_one_unless_a_root_has_run_out_of_facts(self, deck, questions, scope) -> None:
        """Balanced across roots: a root with fewer questions than another minus one has no unused fact left."""
        plan = blueprint(deck.cards, questions=questions, seed=7, scope=scope)
        assert len(plan.cards) == questions
        counts = root_counts(plan)
        capacity = facts_per_root(deck.cards, scope)
        buckets = set(capacity)
        if questions >= len(buckets):
            assert set(counts) == buckets, "every root in scope is asked at least once"
        most = max(counts[b] for b in buckets)
        for bucket in buckets:
            if counts[bucket] < most - 1:
                assert counts[bucket] == capacity[bucket], f"{bucket} under-asked with facts left"

    def test_thirty_lumbosacral_questions_are_three_per_root_except_where_facts_run_out(self, deck) -> None:
        """S3 has two facts, so it gets two; the slot goes to one other root (here L5); the rest get three."""
        plan = blueprint(deck.cards, questions=30, seed=3, scope="lumbosacral")
        counts = root_counts(plan)
        assert counts["S3"] == 2 == facts_per_root(deck.cards, "lumbosacral")["S3"]
        assert sorted(counts.values()) == [2] + [3] * 8 + [4] and counts["L5"] == 4
        assert {region_of(r) for r in counts if r} == {"lumbar", "sacral"}

    def test_templates_and_kinds_are_balanced(self, deck) -> None:
        """40 questions over all roots use many templates, none more than twice the fair share, kinds near half and half."""
        plan = blueprint(deck.cards, questions=40, seed=11)
        templates = Counter(c.template for c in plan.cards)
        assert len(templates) >= 15
        assert max(templates.values()) <= 4
        kinds = Counter(c.kind for c in plan.cards)
        assert abs(kinds[CardKind.TYPED_ROOT] - kinds[CardKind.CHOICE]) <= 4

    def test_the_same_seed_gives_the_same_exam_whatever_the_input_order(self, deck) -> None:
        """Reproducible: same seed, same questions in the same order, even from shuffled candidates."""
        a = blueprint(deck.cards, questions=40, seed=42)
        b = blueprint(list(reversed(deck.cards)), questions=40, seed=42)
        assert [c.id for c in a.cards] == [c.id for c in b.cards]

    def test_another_seed_gives_another_exam(self, deck) -> None:
        """Different seeds choose (and order) differently."""
        a = blueprint(deck.cards, questions=40, seed=1)
        b = blueprint(deck.cards, questions=40, seed=2)
        assert [c.id for c in a.cards] != [c.id for c in b.cards]
        assert set(c.id for c in a.cards) != set(c.id for c in b.cards)

    def test_never_a_reveal_card_and_never_two_siblings_when_avoidable(self, deck) -> None:
        """Self-graded cards are never asked; 100 questions still ask 100 different facts."""
        plan = blueprint(deck.cards, questions=100, seed=5)
        assert all(c.kind in (CardKind.TYPED_ROOT, CardKind.CHOICE) for c in plan.cards)
        facts = [(c.deck_id, c.fact_key) for c in plan.cards]
        assert len(set(facts)) == len(facts)
        ids = {c.id for c in plan.cards}
        assert not any(set(c.siblings) & ids for c in plan.cards)

    def test_true_or_false_cards_are_exam_questions(self, deck) -> None:
        """True/false claims are two-option choice cards and are eligible."""
        plan = blueprint(deck.cards, questions=10, seed=1, scope="tag:claim")
        assert {c.template for c in plan.cards} == {"true-or-false"}
        assert all(c.choices == ("True", "False") for c in plan.cards)

    def test_a_scope_keeps_to_its_roots_tags_or_deck(self, deck) -> None:
        """Region, tag and deck scopes select only what they name; asking for more than there is gives all of it."""
        cervical = blueprint(deck.cards, questions=20, seed=1, scope="cervical")
        assert {region_of(c.answer_root) for c in cervical.cards} == {"cervical"}
        reflexes = blueprint(deck.cards, questions=500, seed=1, scope="tag:reflex")
        expected = [c for c in deck.cards if "reflex" in c.tags and c.kind is not CardKind.REVEAL]
        assert reflexes.available == len(expected) == len(reflexes.cards)
        assert blueprint(deck.cards, questions=5, seed=1, scope="deck:dermatomes").scope == "deck:dermatomes"

    def test_an_empty_or_malformed_scope_is_a_clear_error(self, deck) -> None:
        """No traceback-level surprises: one sentence naming the scope or the accepted forms."""
        with pytest.raises(ValueError, match="No typed, choice or true/false card is in scope 'deck:nope'"):
            blueprint(deck.cards, questions=5, seed=1, scope="deck:nope")
        with pytest.raises(ValueError, match="use all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID"):
            parse_scope("lumbar")
        assert parse_scope(" Cervical ") == "cervical"
        with pytest.raises(ValueError, match="at least one question"):
            blueprint(deck.cards, questions=0, seed=1)

    def test_weak_weights_tilt_the_exam_toward_missed_roots(self, deck) -> None:
        """A root missed every time gets about twice the questions of an untried root; a mastered one fewer."""
        weights = weakness_weights({"L5": 10, "L4": 0}, {"L5": 10, "L4": 30})
        assert weights["L5"] == pytest.approx(2 * 11 / 12)
        assert weights["L4"] == 0.25
        plan = blueprint(deck.cards, questions=30, seed=3, scope="lumbosacral", weights=weights)
        counts = root_counts(plan)
        assert plan.weak
        assert counts["L5"] == 6 and counts["L4"] == 1
        assert blueprint(deck.cards, questions=5, seed=3, weights={}).weak  # asked for, no history yet
        assert not blueprint(deck.cards, questions=5, seed=3).weak
        assert all(counts[r] == 3 for r in counts if r not in ("L4", "L5", "S3"))


def scripted_cards(deck) -> list[Card]:
    return [
        find(deck, "keypoint-to-root", root="L5"),
        find(deck, "region-to-root", root="L5"),
        find(deck, "root-to-region", root="L4"),
        find(deck, "keypoint-to-root", root="L4"),
        find(deck, "true-or-false", fact="claim:maps-agree"),
        find(deck, "keypoint-to-root", root="C6"),
        find(deck, "landmark-to-root", fact="landmark:lateral-calf"),
    ]


def new_attempt(deck, *, minutes: int = 10) -> ExamAttempt:
    return ExamAttempt(
        attempt_id="0b6c2f",
        cards=scripted_cards(deck),
        time_limit_s=minutes * 60,
        started_at=T0,
        seed=42,
        student=STUDENT,
        decks=[DeckRef.of(deck.info)],
    )


def sit_scripted_exam(deck, places) -> tuple[ExamAttempt, dict]:
    """Answer, flag, go back, change an answer, leave one blank, submit."""
    exam = new_attempt(deck)
    l5_region = find(deck, "root-to-region", root="L5").answer
    exam.answer("L5", at(10))          # Q1, first try (right)...
    exam.next(at(12))                  # 12 s on Q1 so far
    exam.answer("L 4", at(30))         # Q2 wrong
    exam.next(at(32))                  # 20 s on Q2
    exam.answer(l5_region, at(40))     # Q3: chose the L5 region for L4
    exam.next(at(41))                  # 9 s on Q3
    exam.answer("fourth lumbar", at(45))
    exam.toggle_flag(at(46))
    exam.next(at(47))                  # 6 s on Q4
    exam.answer("False", at(50))
    exam.next(at(51))                  # 4 s on Q5
    exam.answer("idk", at(52))         # "don't know" leaves Q6 unanswered
    exam.next(at(54))                  # 3 s on Q6
    exam.answer("S1", at(60))
    exam.go_to(0, at(61))              # 7 s on Q7, back to Q1
    exam.answer("l4", at(66))          # ...changed to L4 (wrong)
    mid = exam.to_dict(at(68))         # 7 s more on Q1 (61 to 68)
    assert exam.submit(at(70))         # 2 s more on Q1
    return exam, mid


class TestScriptedAttempt:
    def test_the_report_has_exactly_the_expected_score_roots_kinds_and_confusions(self, deck, places) -> None:
        """A scripted attempt scores 2/7, with per-root, per-kind, confusions and times as worked out by hand."""
        exam, _ = sit_scripted_exam(deck, places)
        report = exam.report(places)
        assert report.submitted_by is SubmittedBy.STUDENT
        assert report.submitted_at == at(70)
        assert report.time_used_s == 70
        assert (report.score.correct, report.score.total, report.score.answered, report.score.flagged) == (2, 7, 6, 1)
        assert report.score.percent == 28.6
        assert [(t.key, t.correct, t.total) for t in report.per_root] == [("C6", 0, 1), ("L4", 1, 2), ("L5", 0, 3)]
        assert [(t.key, t.correct, t.total) for t in report.per_kind] == [("typed-root", 1, 5), ("choice", 1, 2)]
        assert [(c.expected, c.given, c.count) for c in report.confusions] == [("L5", "L4", 2), ("L4", "L5", 1), ("L5", "S1", 1)]
        assert report.confusions[0].explanation == (
            "you answered L4 where the answer was L5 (twice): L4 is the medial shin and calf down to the "
            "medial malleolus, L5 the lateral calf and the dorsum of the foot"
        )
        assert [q.time_ms for q in report.questions] == [21_000, 20_000, 9_000, 6_000, 4_000, 3_000, 7_000]
        assert sum(q.time_ms for q in report.questions) == 70_000
        assert [q.verdict for q in report.questions] == ["adjacent", "adjacent", "adjacent", "correct", "correct", "blank", "adjacent"]
        assert [q.given for q in report.questions][:2] == ["l4", "L 4"]
        assert [q.given_root for q in report.questions] == ["L4", "L4", "L5", "L4", None, None, "S1"]
        assert report.questions[5].given is None
        cards = scripted_cards(deck)
        assert report.missed_card_ids == tuple(cards[i].id for i in (0, 1, 2, 5, 6))
        assert report.decks == (DeckRef("dermatomes", deck.info.version, deck.info.title),)

    def test_the_screen_figures_follow_the_student(self, deck) -> None:
        """Position, flagged and unanswered counts, and the timer text, as the exam screen shows them."""
        exam = new_attempt(deck, minutes=5)
        assert exam.position_text() == "1/7" and clock_text(exam.time_left_ms(T0)) == "5:00"
        exam.answer("L5", at(3))
        exam.toggle_flag(at(4))
        exam.next(at(5))
        exam.next(at(6))
        assert exam.position_text() == "3/7"
        assert (exam.answered_count, exam.unanswered_count, exam.flagged_count) == (1, 6, 1)
        assert clock_text(exam.time_left_ms(at(6.2))) == "4:54"
        assert not exam.warning(at(239)) and exam.warning(at(240.5))
        assert clock_text(exam.time_left_ms(at(299.1))) == "0:01"
        assert exam.previous(at(7))  # back one is allowed
        assert exam.position_text() == "2/7"
        exam.clear(at(8))
        exam.go_to(0, at(9))
        exam.clear(at(10))
        assert exam.answered_count == 0
        assert exam.previous(at(11)) is False
        with pytest.raises(IndexError, match="No question 8: the exam has 7"):
            exam.go_to(7, at(12))


class TestTimer:
    def test_time_out_submits_the_exam_at_the_instant_the_time_ran_out(self, deck) -> None:
        """A tick after the limit submits by timeout; time used is the limit, credited to the question on screen."""
        exam = new_attempt(deck, minutes=1)
        exam.answer("L5", at(20))
        exam.next(at(25))
        assert not exam.check_time(at(59.9))
        assert not exam.expired(at(59.9)) and exam.expired(at(60))
        assert exam.check_time(at(61.5))
        assert exam.submitted_by is SubmittedBy.TIMEOUT
        assert exam.submitted_at == at(60)
        report = exam.report({})
        assert report.time_used_s == 60
        assert [q.time_ms for q in report.questions][:2] == [25_000, 35_000]
        assert report.score.correct == 1

    def test_the_injected_clock_drives_the_timer_as_a_face_would(self, deck) -> None:
        """With the app's FixedClock: ticks every second, the warning in the last minute, then timeout."""
        clock = FixedClock(T0)
        exam = start_exam(blueprint(deck.cards, questions=5, seed=1), time_limit_s=90, now=clock.now(), student=STUDENT)
        shown = []
        while not exam.check_time(clock.now()):
            shown.append((clock_text(exam.time_left_ms(clock.now())), exam.warning(clock.now())))
            clock.advance(timedelta(seconds=1))
        assert shown[0] == ("1:30", False) and shown[29] == ("1:01", False) and shown[30] == ("1:00", True)
        assert shown[-1] == ("0:01", True) and len(shown) == 90
        assert exam.submitted_by is SubmittedBy.TIMEOUT and exam.submitted_at == T0 + timedelta(seconds=90)

    def test_an_answer_after_the_time_is_up_is_refused_and_submits(self, deck) -> None:
        """Answering past the limit changes nothing: the exam is submitted by timeout instead."""
        exam = new_attempt(deck, minutes=1)
        assert exam.answer("L5", at(61)) is False
        assert exam.submitted_by is SubmittedBy.TIMEOUT
        assert exam.answered_count == 0
        assert exam.submit(at(62)) is False
        assert exam.report().submitted_by is SubmittedBy.TIMEOUT

    def test_a_paused_exam_keeps_its_time_left(self, deck) -> None:
        """Time does not run while paused (the student closed the exam)."""
        exam = new_attempt(deck, minutes=1)
        exam.pause(at(20))
        assert exam.time_left_ms(at(5000)) == 40_000
        exam.resume(at(5000))
        assert exam.time_left_ms(at(5010)) == 30_000
        assert exam.check_time(at(5040))
        assert exam.submitted_at == at(5040)

    def test_a_report_before_submission_is_refused(self, deck) -> None:
        """Scoring needs a submitted attempt: no feedback until the end."""
        with pytest.raises(ExamStateError, match="only once submitted"):
            new_attempt(deck).report()


class TestResume:
    def test_an_attempt_saved_mid_way_resumes_with_its_answers_flags_place_and_time_left(self, deck, places) -> None:
        """Killed at 68 s and resumed a day later: same answers, flags, question, and 532 s left."""
        _, saved = sit_scripted_exam(deck, places)
        saved = json.loads(json.dumps(saved))  # as the store would keep it
        cards = {c.id: c for c in deck.cards}
        later = at(86_400)
        exam = ExamAttempt.from_dict(saved, cards, later)
        assert not exam.submitted
        assert exam.index == 0 and exam.position_text() == "1/7"
        assert exam.time_left_ms(later) == 600_000 - 68_000
        assert [q.given for q in exam.questions] == ["l4", "L 4", find(deck, "root-to-region", root="L5").answer, "fourth lumbar", "False", None, "S1"]
        assert [q.flagged for q in exam.questions] == [False, False, False, True, False, False, False]
        assert exam.submit(later + timedelta(seconds=2))
        report = exam.report(places)
        assert report.time_used_s == 70
        assert report.score.correct == 2
        assert [q.time_ms for q in report.questions][0] == 21_000
        assert report.started_at == T0

    def test_an_attempt_saved_with_no_time_left_resumes_straight_into_its_report(self, deck) -> None:
        """Saved exactly at the limit: restoring submits it by timeout."""
        exam = new_attempt(deck, minutes=1)
        exam.answer("L5", at(10))
        saved = exam.to_dict(at(60))
        restored = ExamAttempt.from_dict(saved, {c.id: c for c in deck.cards}, at(9999))
        assert restored.submitted_by is SubmittedBy.TIMEOUT
        assert restored.report().score.correct == 1

    def test_a_missing_card_is_a_clear_error(self, deck) -> None:
        """A deck removed since the exam started: the student is told, nothing crashes."""
        saved = new_attempt(deck).to_dict(at(5))
        with pytest.raises(ExamStateError, match="no longer in your decks"):
            ExamAttempt.from_dict(saved, {}, at(10))

    @pytest.mark.parametrize(
        ("damage", "message"),
        [
            (lambda d: d.update(format=2), "saved in format 2"),
            (lambda d: d.pop("time_used_ms"), "saved state is damaged"),
            (lambda d: d.update(started_at="yesterday"), "saved state is damaged"),
            (lambda d: d["questions"][0].update(time_ms="lots"), "saved state is damaged"),
        ],
    )
    def test_a_damaged_saved_state_is_a_clear_error(self, deck, damage, message) -> None:
        """A corrupted row gives one sentence, never a traceback."""
        saved = new_attempt(deck).to_dict(at(5))
        damage(saved)
        with pytest.raises(ExamStateError, match=message):
            ExamAttempt.from_dict(saved, {c.id: c for c in deck.cards}, at(10))


def test_start_exam_records_the_blueprint_and_only_the_decks_it_uses(deck) -> None:
    """The attempt carries seed, scope and the versions of the decks its questions come from."""
    plan = blueprint(deck.cards, questions=5, seed=9, scope="cervical")
    other = DeckRef("other", "2.0")
    exam = start_exam(plan, time_limit_s=300, now=T0, student=STUDENT, decks=[deck.info, other])
    assert (exam.seed, exam.scope, exam.weak, exam.time_limit_s) == (9, "cervical", False, 300)
    assert exam.decks == (DeckRef.of(deck.info),)
    assert len(exam.id) == 32
    with pytest.raises(ValueError, match="Self-graded cards cannot be exam questions"):
        ExamAttempt(attempt_id="x", cards=[find(deck, "root-to-findings", root="L5")], time_limit_s=60, started_at=T0, seed=1, student=STUDENT)


class TestTrend:
    def test_a_first_attempt_has_no_trend(self) -> None:
        """Nothing to compare with."""
        t = trend(60.0, [])
        assert t.direction == "first" and t.change is None
        assert t.sentence() == "60.0%: your first attempt."

    def test_later_attempts_compare_with_the_last_and_the_best(self) -> None:
        """Up, down or the same, against the previous attempt; best and mean of earlier ones."""
        t = trend(77.5, [60.0, 80.0, 72.5])
        assert (t.direction, t.change, t.best_before, t.mean_before, t.attempts) == ("up", 5.0, 80.0, 70.8, 4)
        assert t.sentence() == "77.5%, up 5.0 points on last time (72.5%); best before 80.0% over 3 earlier attempts."
        assert trend(50.0, [55.0]).sentence() == "50.0%, down 5.0 points on last time (55.0%); best before 55.0% over 1 earlier attempt."
        assert trend(55.0, [55.0]).direction == "same"


class TestPlaces:
    def test_every_isncsci_level_has_its_place_from_the_deck_facts(self, deck, places) -> None:
        """The place text is the `region` of each [[dermatome]] fact, for all 28 levels."""
        facts = load_deck(builtin_deck_path()).items("dermatome")
        assert places == {f.root: f.region for f in facts}
        assert set(places) == set(LEVELS)

    def test_a_root_without_a_place_is_named_without_one(self, places) -> None:
        """C1 has no dermatome: the sentence says only what is known."""
        assert explain_confusion("C2", "C1", 1, places) == (
            "you answered C1 where the answer was C2 (once): C2 is the back of the head (the occiput)"
        )
        assert explain_confusion("C1", "Co1", 3, {}) == "you answered Co1 where the answer was C1 (3 times)"
