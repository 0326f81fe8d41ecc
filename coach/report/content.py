"""What the report says, as plain blocks: the HTML page and the PDF render these same blocks.

Deciding the words, the tables and the charts once here means the two files cannot drift: a
number the PDF prints is the number the HTML prints, and both come from the ReportModel.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.report import charts
from coach.report.model import FLAG_RULE, FOOTER, HELPED_CAVEAT, SCALE, ReportModel

FLAG_WORDS = {"improving": "improving", "worsening": "worsening", "stable": "stable",
              "too few": "too few ratings"}


@dataclass(frozen=True)
class Meta:
    """Label: value lines (who and when)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""  # "" | "small" | "caveat" | "bold-lead" (first sentence up to ':' in bold)


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # right-aligned columns
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Chart:
    svg: str  # with its SVG namespace; the HTML page drops it
    width: int  # the SVG's own width in its units
    height: int
    share: float = 1.0  # of the text width it is shown at


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple
    keep_together: bool = True


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    footer: str


def number(value, signed: bool = False, digits: int = 1) -> str:
    """A report number as text: "-" for none."""
    if value is None:
        return "-"
    if signed:
        return f"{value:+.{digits}f}"
    return f"{value:g}"


def mean_text(value) -> str:
    """An area's mean exactly as `coach report --json` gives it (two decimals at most)."""
    return "-" if value is None else f"{value:g}"


def document(model: ReportModel) -> Document:
    return Document(
        title="Pain and self-care report",
        sections=(_who(model), _pain(model), _body_map(model), _advice(model),
                  _soreness(model), _done(model), _helped(model), _notes(model)),
        footer=f"{FOOTER} Generated {model.generated_at.strftime('%Y-%m-%d %H:%M %z')}.",
    )


def _who(model: ReportModel) -> Section:
    period = model.period
    cautions = "; ".join(
        f"{caution.label}{' (urgent: see a clinician first)' if caution.urgent else ''}"
        for caution in model.cautions
    ) or "none answered yes in the safety questions"
    today = model.generated_at.date()
    if period.first <= today < period.last:
        shown = f"{period.first:%a %d %b %Y} to today, {today:%a %d %b %Y} ({period.weeks} " \
                "weeks, the last one so far)"
    else:
        shown = f"{period.first:%a %d %b %Y} to {period.last:%a %d %b %Y} ({period.weeks} weeks)"
    rows = (
        ("Period", shown),
        ("Generated", model.generated_at.strftime("%Y-%m-%d %H:%M %z")),
        ("Areas", ", ".join(area.label for area in model.areas) or "none rated yet"),
        ("Work habits", ", ".join(model.habits) or "-"),
        ("Tools", ", ".join(model.tools) or "-"),
        ("Sessions", f"{model.sessions} sessions, {model.minutes:g} minutes in total"),
        ("Cautions", cautions),
        ("Safety today", SAFETY_WORDS.get(model.safety.level, model.safety.level)),
    )
    blocks: list = [Meta(rows)]
    reasons = list(model.safety.reasons)
    if model.safety.clinician and model.safety.clinician not in reasons:
        reasons.insert(0, model.safety.clinician)
    blocks += [Para(f"- {reason}", "small") for reason in reasons]
    return Section("", tuple(blocks))


SAFETY_WORDS = {
    "ok": "ok: the routine as planned",
    "gentle": "gentle: lighter and shorter routines",
    "stretch-only": "stretch only: no pressure or rolling",
    "see-clinician": "see a clinician first: coach gives no routine",
}


def _flag_text(flag: str, change) -> str:
    text = FLAG_WORDS.get(flag, flag)
    if change is not None:
        text += f" ({number(change, signed=True)})"
    return text


def _pain(model: ReportModel) -> Section:
    rows = []
    for area in model.areas:
        latest = area.latest
        flag = baseline = "-"
        if latest is not None:
            flag = _flag_text(latest.flag, latest.change)
            baseline = _flag_text(latest.baseline_flag, latest.baseline_change)
        rows.append((
            area.label, mean_text(area.mean), str(area.n),
            "-" if area.low is None else f"{area.low}-{area.high}",
            number(latest.mean if latest else None), flag, baseline,
        ))
    blocks: list = [Chart(*charts.pain_chart(model))]
    if rows:
        blocks.append(Table(
            ("Area", "Mean over period", "Ratings", "Range", "Last week",
             "vs the week before", "vs its 4-week baseline"),
            tuple(rows), numeric=(1, 2, 3, 4), widths=(28, 11, 9, 8, 9, 17, 18),
        ))
    else:
        blocks.append(Para("No resting pain ratings in this period."))
    blocks.append(Para(f"{SCALE} Resting pain is the mean of ratings given before a session and "
                       f"at check-ins. {FLAG_RULE}", "small"))
    return Section("Resting pain per area per week", tuple(blocks))


def _body_map(model: ReportModel) -> Section:
    if all(area.mean is None for area in model.areas):
        return Section("Where it hurts", (Para("No resting pain ratings in this period."),))
    return Section("Where it hurts", (
        Chart(*charts.body_map_chart(model), share=0.6),
        Para("Each area shaded by its mean resting pain over the period (the number on it "
             "refers to the list beside the figures).", "small"),
    ))


def _done(model: ReportModel) -> Section:
    rows = tuple(
        (week.week, str(week.sessions), f"{week.minutes:g}",
         "-" if week.completion is None else f"{week.completion}%",
         number(week.session_change, signed=True), str(week.breaks_taken),
         str(week.breaks_skipped), str(week.breaks_snoozed), str(week.breaks_missed_away))
        for week in model.activity
    )
    muscles = ", ".join(f"{count.label} {count.count}" for count in model.muscles) or "-"
    techniques = ", ".join(f"{count.label} {count.count}" for count in model.techniques) or "-"
    return Section("What was done", (
        Table(("Week", "Sessions", "Minutes", "Steps done", "Change in session",
               "Breaks taken", "skipped", "snoozed", "missed, away"),
              rows, numeric=tuple(range(1, 9)), widths=(13, 10, 10, 10, 13, 12, 10, 10, 12)),
        Para(f"Muscles worked (completed steps): {muscles}", "bold-lead"),
        Para(f"Techniques (completed steps): {techniques}", "bold-lead"),
        Para("Sessions: those with at least 3 minutes of steps actually done. Change in "
             "session: the mean of (pain right after - right before) in that week's sessions; "
             "negative means less pain after. Break reminders: taken, skipped by the person, "
             "snoozed, and missed because the person was away.", "small"),
    ))


def _helped(model: ReportModel) -> Section:
    title = "What seemed to help: pain right after vs right before (own observations)"
    if not model.helped:
        blocks: tuple = (Para("No sessions with a rating right before and right after yet."),)
    else:
        rows = tuple((item.kind, item.label, str(item.n),
                      number(item.mean_change, signed=True, digits=2)) for item in model.helped)
        blocks = (Table(("Kind", "Muscle or technique", "Times rated",
                         "Mean change (after - before)"),
                        rows, numeric=(2, 3), widths=(12, 44, 14, 30)),)
    return Section(title, (*blocks, Para(HELPED_CAVEAT, "caveat")))


def _advice(model: ReportModel) -> Section:
    """One line per area (the reason coach gave); the general advice that follows each reason
    is printed once when it is the same for every area."""
    labels = {area.id: area.label for area in model.areas}
    if not model.advice:
        return Section("Advice coach gave",
                       (Para("coach gave no advice to see a clinician in this period."),))
    split = [item.reason.removeprefix(item.area + ": ").partition(". ") for item in model.advice]
    tails = {tail for _why, _dot, tail in split}
    shared = len(tails) == 1 and next(iter(tails))
    blocks = [
        Para(f"{labels.get(item.area, item.area)}: {item.advice}, because "
             f"{why if shared else item.reason.removeprefix(item.area + ': ')}.".replace("..", "."))
        for item, (why, _dot, _tail) in zip(model.advice, split, strict=True)
    ]
    if shared:
        blocks.append(Para(shared, "small"))
    return Section("Advice coach gave", tuple(blocks))


def _notes(model: ReportModel) -> Section:
    labels = {area.id: area.label for area in model.areas}
    title = f"The person's notes (most recent {len(model.notes)})"
    if not model.notes:
        return Section(title, (Para("No notes in this period."),))
    rows = tuple(
        (note.at.strftime("%Y-%m-%d %H:%M"), labels.get(note.area, note.area), str(note.rating),
         note.phase, note.text)
        for note in model.notes
    )
    return Section(title, (Table(("When", "Area", "Pain", "Phase", "Note"), rows,
                                 numeric=(2,), widths=(16, 18, 6, 9, 51)),),
                   keep_together=False)


SORENESS_WORDS = {"none": "not sore", "some": "a little sore", "a-lot": "very sore"}


def _soreness(model: ReportModel) -> Section:
    """Answers to "still sore from yesterday's session?", counted per area."""
    title = "Soreness the day after a session"
    if not model.soreness:
        return Section(title, (Para("No soreness answers in this period."),))
    labels = {area.id: area.label for area in model.areas}
    per_area: dict[str, dict[str, int]] = {}
    for answer in model.soreness:
        counts = per_area.setdefault(answer.area, {})
        counts[answer.level] = counts.get(answer.level, 0) + 1
    latest = {}
    for answer in model.soreness:  # most recent first
        latest.setdefault(answer.area, answer)
    # one paragraph, not a table: a few numbers per area, and the page count must hold
    text = "; ".join(
        f"{labels.get(area, area)}: "
        + ", ".join(f"{word} {counts.get(level, 0)}" for level, word in SORENESS_WORDS.items())
        + f" (latest: {SORENESS_WORDS.get(latest[area].level, latest[area].level)}, "
          f"{latest[area].at:%Y-%m-%d})"
        for area, counts in per_area.items()
    )
    return Section(title, (
        Para(text + "."),
        Para("Soreness like after exercise usually goes within 24-48 hours; soreness that lasts "
             "longer means the dose was too high: lower it next time.", "small"),
    ), keep_together=False)
