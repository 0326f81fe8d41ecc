"""Safety screening before the first routine: the questions, what a "yes" means, when to stop.

Pure: it reads the catalog's cautions (each has a yes/no question, what a yes means, advice,
and whether it is an urgent red flag) and never touches the store or the screen. The
onboarding screen and the settings screen both ask through here, so a "yes" always adds
the same cautions to the profile, and the builder then leaves out what they rule out.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation into a ForwardRef as the class is made, about 50k instructions a field, and
# this module's named tuples are made at every start. (Quoted: a class named in its own
# body.)

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from coach.model import NOTHING

CLINICIAN_FIRST = (
    "Please see a doctor or physiotherapist before you use coach: "
    "these signs need a clinician's look first, not self-massage."
)


class Question(NamedTuple):
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


# --- the safety level of today's routine ---------------------------------------------------

LEVELS = ("ok", "gentle", "stretch-only", "see-clinician")
# Cautions that stop the routine even though the catalog does not mark them urgent: self-
# massage is not advised with a fever or an infection (Delphi consensus 2021, AHCPR).
STOP_CAUTIONS = frozenset({"fever-infection"})
# Cautions that ask where: those areas are left out entirely.
WHERE_CAUTIONS = ("wound-fracture", "recent-injury-surgery")
ANTICOAGULANTS = "anticoagulants"
PREGNANCY = "pregnancy"
CALF_NOW = "calf-swollen-now"
CANCER = "cancer-treatment"
# Pregnancy: no pressure on the low back or the belly (DOMAIN.md, expert guidance).
PREGNANCY_NO_PRESSURE_AREAS = frozenset({"low-back", "belly", "abdomen"})
# A calf that is swollen, warm, red or tender now: no calf or leg work (NHS DVT).
LEG_AREAS = frozenset({"calves", "feet-heel", "legs", "thighs"})
ANTICOAGULANT_HOLD_S = 30
HIGH_PAIN = 7  # resting pain from here: gentle, and a clinician prompt
SEVERE_PAIN = 9  # from here: stretches only in that area today
NERVE_WORDS = ("numb", "tingl", "pins and needles", "weak", "shooting")
BRUISE_CAUTION = "Press lightly with your hand only, and stop at once if it bruises."
CLOT_CAUTION = ("In pregnancy clots are more likely: if one calf is swollen, warm, red or "
                "tender, do not work on it and get same-day care.")
CALF_NOW_SENTENCE = ("A swollen, warm, red or tender calf can be a blood clot: get same-day "
                     "care (your doctor or urgent care) and do not massage your legs.")
SEE_CLINICIAN_SENTENCE = ("No routine today: {why}. Please see a doctor or physiotherapist "
                          "first; you can still log your pain and see your trends.")
PAIN_PROMPT = ("If pain at rest stays at {level}/10 or more, or keeps getting worse, ask a "
               "doctor or physiotherapist to check it.")


class SafetyAssessment(NamedTuple):
    """What today's routine may do, and why, in plain words.

    level: "ok", "gentle" (lighter and shorter), "stretch-only" (no pressure or rolling), or
    "see-clinician" (no routine); the strictest that applies anywhere in the routine.
    reasons: one sentence per gate that applies, strictest first.
    clinician: the sentence shown first (home, `coach today`, report), or "".
    avoided_areas: left out entirely; area_levels: "gentle" or "stretch-only" per area.
    A named tuple, as immutable as the frozen dataclass it was and cheaper to define.
    """

    level: str = "ok"
    reasons: tuple[str, ...] = ()
    clinician: str = ""
    avoided_areas: tuple[str, ...] = ()
    area_levels: Mapping[str, str] = NOTHING
    area_reasons: Mapping[str, str] = NOTHING
    gentle_everywhere: bool = False
    hands_only: bool = False  # blood thinners: hands, no body weight, light, short holds
    max_hold_s: int | None = None
    no_lying_on_back: bool = False
    no_pressure_areas: frozenset = frozenset()
    step_cautions: tuple[str, ...] = ()
    calf_cautions: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}


def _strictest(levels: Iterable[str]) -> str:
    return max(levels, key=LEVELS.index, default="ok")


def nerve_words(note: str) -> bool:
    """True when a note mentions numbness, tingling, weakness or shooting pain."""
    lowered = note.lower()
    return any(word in lowered for word in NERVE_WORDS)


def assess(profile, catalog, history, day) -> SafetyAssessment:
    """Today's safety level for this person: pure, the same answer for every face.

    `history` is a model.History (recent resting pain, the latest rating, notes per area);
    `day` is today's date (kept for the signature every caller uses; the gates read
    history already summarised for that day).
    """
    del day  # the history is already summarised for the day
    cautions = [c for c in profile.cautions]
    known = catalog.cautions
    label = {area: catalog.areas[area].label if area in catalog.areas else area
             for area in {*profile.areas, *profile.avoid_areas, *history.pain,
                          *history.latest, *history.notes}}

    stopping = [c for c in cautions
                if (c in known and known[c].urgent) or c in STOP_CAUTIONS]
    if stopping:
        names = [known[c].label.lower() if c in known else c for c in stopping]
        sentence = SEE_CLINICIAN_SENTENCE.format(why=f"you told coach about {_listed(names)}")
        reasons = [sentence] + [known[c].advice for c in stopping if c in known and
                                known[c].advice]
        return SafetyAssessment(level="see-clinician", reasons=tuple(reasons),
                                clinician=sentence, avoided_areas=tuple(profile.avoid_areas))

    reasons: list[str] = []
    clinician = ""
    avoided = list(dict.fromkeys(profile.avoid_areas))
    area_levels: dict[str, str] = {}
    area_reasons: dict[str, str] = {}
    gentle_everywhere = False
    if avoided:
        reasons.append(f"Left out: {_listed([label[a].lower() for a in avoided])}, as you "
                       "asked (an injury, surgery, an implant or a wound there).")
    where = [c for c in WHERE_CAUTIONS if c in cautions]
    if where and not avoided:
        gentle_everywhere = True
        reasons.append("Gentle: you told coach about an injury, surgery, an implant or a "
                       "wound; say where with 'coach profile set --avoid-areas' (or in "
                       "Settings) so coach leaves those areas out.")
    if CALF_NOW in cautions:
        clinician = CALF_NOW_SENTENCE
        reasons.insert(0, CALF_NOW_SENTENCE)
        avoided.extend(area for area in LEG_AREAS if area in catalog.areas
                       and area not in avoided)
    if not profile.screened:
        gentle_everywhere = True
        reasons.append("Gentle until you answer the safety questions: run 'coach profile "
                       "screen' or open the app.")
    if CANCER in cautions:
        gentle_everywhere = True
        reasons.append("Gentle: during cancer or tumour treatment, ask your oncology team "
                       "before pressing on muscles.")
    if "widespread-pain" in cautions:
        reasons.append("Pain in many places for months needs a clinician's diagnosis; "
                       "coach can only ease muscle aches.")
    hands_only = ANTICOAGULANTS in cautions
    if hands_only:
        reasons.append(f"Blood thinners: hands only, light pressure, holds of at most "
                       f"{ANTICOAGULANT_HOLD_S} s; stop if it bruises.")
    pregnant = PREGNANCY in cautions
    if pregnant:
        reasons.append("Pregnancy: nothing lying on your back, no pressure on your low back "
                       "or belly.")

    for area in dict.fromkeys([*profile.areas, *history.pain, *history.latest, *history.notes]):
        if area in avoided:
            continue
        mean = history.pain.get(area)
        latest = history.latest.get(area)
        worst = max(value for value in (mean, latest, 0) if value is not None)
        notes = [note for note in history.notes.get(area, ()) if nerve_words(note)]
        name = label[area]
        if worst >= SEVERE_PAIN or notes:
            why = (f"you noted {notes[-1].strip()!r}" if notes
                   else f"your pain there is at {round(worst)}/10")
            area_levels[area] = "stretch-only"
            area_reasons[area] = f"stretches only today: {why}"
            if area in profile.areas:
                    reasons.append(f"{name}: stretches only today, no pressure; {why}. "
                               + PAIN_PROMPT.format(level=HIGH_PAIN))
        elif worst >= HIGH_PAIN:
            your = catalog.areas[area].your if area in catalog.areas else area
            area_levels[area] = "gentle"
            area_reasons[area] = f"lighter: {your} has been at {HIGH_PAIN}/10 or more this week"
            if area in profile.areas:
                reasons.append(f"{name}: lighter today, your pain there is at "
                               f"{round(worst)}/10. " + PAIN_PROMPT.format(level=HIGH_PAIN))

    levels = list(area_levels.values())
    if gentle_everywhere or hands_only:
        levels.append("gentle")
    level = _strictest(levels)
    if not clinician and any(value == "stretch-only" for value in area_levels.values()):
        clinician = PAIN_PROMPT.format(level=HIGH_PAIN)
    ordered = sorted(reasons, key=lambda reason: 0 if reason == clinician else 1)
    return SafetyAssessment(
        level=level, reasons=tuple(ordered), clinician=clinician,
        avoided_areas=tuple(avoided), area_levels=area_levels, area_reasons=area_reasons,
        gentle_everywhere=gentle_everywhere, hands_only=hands_only,
        max_hold_s=ANTICOAGULANT_HOLD_S if hands_only else None,
        no_lying_on_back=pregnant,
        no_pressure_areas=PREGNANCY_NO_PRESSURE_AREAS if pregnant else frozenset(),
        step_cautions=(BRUISE_CAUTION,) if hands_only else (),
        calf_cautions=(CLOT_CAUTION,) if pregnant else (),
    )


def _listed(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
