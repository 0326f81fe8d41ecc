"""The learning's whole-number maths against exact fractions (issue 11).

helps(), helped_text() and best_technique() once took the mean as a Fraction; they now keep
to whole numbers so `coach today` starts without importing fractions. These properties hold
them to the Fraction definitions, written out here as they were.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from coach import response
from coach.model import Response

PROPERTY = settings(max_examples=300, deadline=None)
TECHNIQUES = ("sustained-pressure", "short-strokes", "rolling")
changes = st.lists(st.integers(-10, 10), max_size=8).map(tuple)
records = st.builds(
    Response, changes,
    st.dictionaries(st.sampled_from(TECHNIQUES), st.lists(st.integers(-10, 10), max_size=6)
                    .map(tuple), max_size=3),
    st.one_of(st.none(), st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1))))


def fraction_mean(values) -> Fraction | None:
    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


def helps_by_fractions(record: Response) -> bool:
    average = fraction_mean(record.changes)
    return (len(record.changes) >= response.MIN_SESSIONS and average is not None
            and average <= -response.HELPS_POINTS and not response.made_worse(record))


def helped_text_by_fractions(record: Response) -> str:
    helped = sum(1 for change in record.changes if change < 0)
    average = -float(fraction_mean(record.changes) or 0)
    points = f"{average:.0f}" if abs(average - round(average)) < 0.05 else f"{average:.1f}"
    unit = "point" if points == "1" else "points"
    return (f"helped you in {helped} of {len(record.changes)} sessions, by {points} {unit} "
            "on average")


def best_by_fractions(record: Response, techniques) -> str | None:
    scored = [(fraction_mean(record.by_technique[technique]), technique)
              for technique in techniques
              if len(record.by_technique.get(technique, ())) >= response.MIN_SESSIONS]
    return min(scored)[1] if scored else None


@PROPERTY
@given(record=records)
def test_helps_is_the_fraction_rule(record):
    assert response.helps(record) == helps_by_fractions(record)


@PROPERTY
@given(record=records)
def test_helped_text_gives_the_fraction_average(record):
    assert response.helped_text(record) == helped_text_by_fractions(record)


@PROPERTY
@given(record=records, techniques=st.lists(st.sampled_from(TECHNIQUES), max_size=4))
def test_best_technique_is_the_lowest_fraction_mean(record, techniques):
    assert response.best_technique(record, techniques) == best_by_fractions(record, techniques)
    assert response.best_technique(None, techniques) is None


def test_the_mean_stays_exact():
    assert response.mean([1, 2]) == Fraction(3, 2)
    assert response.mean([]) is None


def test_the_builder_imports_no_fractions():
    """fractions (with decimal and numbers) costs `coach today` start-up time."""
    code = ("import sys, coach.builder, coach.response, coach.safety; "
            "print(sorted({'fractions', 'decimal', 'numbers'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
