"""Safety screening (pure): questions from the catalog's cautions, what a yes adds and says."""

from __future__ import annotations

import pytest

from coach import safety
from coach.catalog import load_catalog


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_user=False)


def test_every_caution_with_a_question_is_asked_once_urgent_ones_last(catalog):
    questions = safety.screening_questions(catalog)
    asked = [question.caution for question in questions]
    expected = [c.id for c in catalog.cautions.values() if c.question.strip()]
    assert sorted(asked) == sorted(expected)
    assert len(asked) == len(set(asked))
    urgency = [question.urgent for question in questions]
    assert urgency == sorted(urgency), "urgent red flags come after the calm questions"
    assert any(urgency), "the library must screen for at least one urgent red flag"
    assert all(question.text.endswith("?") for question in questions)


def test_the_issue_topics_are_screened(catalog):
    text = " ".join(q.text.lower() for q in safety.screening_questions(catalog))
    for topic in ("numb", "blood", "pregnan", "osteopor", "fever", "surgery", "bladder"):
        assert topic in text, f"no screening question mentions {topic!r}"


def test_a_yes_on_an_urgent_red_flag_says_to_see_a_clinician_first(catalog):
    questions = safety.screening_questions(catalog)
    urgent = next(q for q in questions if q.urgent)
    calm = next(q for q in questions if not q.urgent)
    assert safety.answer_text(urgent).startswith(safety.CLINICIAN_FIRST)
    assert urgent.meaning in safety.answer_text(urgent)
    assert safety.CLINICIAN_FIRST not in safety.answer_text(calm)
    assert calm.meaning in safety.answer_text(calm)
    lines = safety.clinician_first(questions, [urgent.caution, calm.caution])
    assert len(lines) == 1 and lines[0].startswith(urgent.label)
    assert safety.clinician_first(questions, [calm.caution]) == []


def test_yes_answers_add_cautions_in_order_without_repeats():
    assert safety.cautions_with(("a", "b"), ["b", "c", "a", "d"]) == ("a", "b", "c", "d")
    assert safety.cautions_with((), []) == ()


def test_a_yes_rules_muscles_out_of_the_routine(catalog):
    """What a yes adds is what the builder honours: a ruled-out muscle never appears."""
    from datetime import date

    from coach.builder import build_routine
    from coach.model import History, Profile

    ruling = {c for t in catalog.targets.values() for c in t.avoid_if}
    question = next(q for q in safety.screening_questions(catalog) if q.caution in ruling)
    profile = Profile(areas=tuple(catalog.areas), tools=tuple(catalog.tools), minutes=60,
                      cautions=safety.cautions_with((), [question.caution]))
    routine = build_routine(profile, date(2026, 3, 4), History(), catalog)
    for step in routine.steps:
        assert question.caution not in catalog.targets[step.muscle].avoid_if
