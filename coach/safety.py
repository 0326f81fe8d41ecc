"""Safety screening before the first routine: the questions, what a "yes" means, when to stop.

Pure: it reads the catalog's cautions (each has a yes/no question, what a yes means, advice,
and whether it is an urgent red flag) and never touches the store or the screen. The
onboarding screen and the settings screen both ask through here, so a "yes" always adds
the same cautions to the profile, and the builder then leaves out what they rule out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CLINICIAN_FIRST = (
    "Please see a doctor or physiotherapist before you use coach: "
    "these signs need a clinician's look first, not self-massage."
)


@dataclass(frozen=True)
class Question:
    """One yes/no screening question, tied to the caution a "yes" adds."""

    caution: str  # caution id
    label: str
    text: str  # the question, as asked
    meaning: str  # what a "yes" means for the routine
    advice: str
    urgent: bool


def screening_questions(catalog) -> list[Question]:
    """Every caution that asks the person something, in catalog order, urgent red flags last.

    Red flags come last so the calm, common questions (anticoagulants, pregnancy) set the
    tone, and the "see a clinician first" answer is the final thing read before going on.
    """
    questions = [
        Question(
            caution=caution.id,
            label=caution.label,
            text=caution.question.strip(),
            meaning=caution.meaning.strip(),
            advice=caution.advice.strip(),
            urgent=bool(caution.urgent),
        )
        for caution in catalog.cautions.values()
        if getattr(caution, "question", "").strip()
    ]
    return sorted(questions, key=lambda question: question.urgent)  # stable: keeps catalog order


def cautions_with(existing: Iterable[str], yes_to: Iterable[str]) -> tuple[str, ...]:
    """The profile's cautions after the person answered "yes" to `yes_to` (no repeats, in order)."""
    return tuple(dict.fromkeys([*existing, *yes_to]))


def answer_text(question: Question) -> str:
    """What the app says right after a "yes": what it means and what to do."""
    parts = [question.meaning]
    if question.advice:
        parts.append(question.advice)
    if question.urgent:
        parts.insert(0, CLINICIAN_FIRST)
    return "\n\n".join(part for part in parts if part)


def clinician_first(questions: Iterable[Question], yes_to: Iterable[str]) -> list[str]:
    """One line per urgent red flag answered "yes": these say plainly to see a clinician first."""
    chosen = set(yes_to)
    return [
        f"{question.label}: {question.advice or CLINICIAN_FIRST}"
        for question in questions
        if question.urgent and question.caution in chosen
    ]


def caution_labels(catalog, caution_ids: Iterable[str]) -> list[str]:
    """Readable labels for a profile's cautions (an id the catalog no longer knows shows as is)."""
    return [
        catalog.cautions[caution_id].label if caution_id in catalog.cautions else caution_id
        for caution_id in caution_ids
    ]
