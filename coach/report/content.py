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
        sections=(_who(model), _pain(model), _done(model), _helped(model), _advice(model),
                  _notes(model), _soreness(model)),
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
    )
    return Section("", (Meta(rows),))


def _pain(model: ReportModel) -> Section:
    rows = []
    for area in model.areas:
        latest = area.latest
        flag = "-"
        if latest is not None:
            flag = FLAG_WORDS.get(latest.flag, latest.flag)
            if latest.change is not None:
                flag += f" ({number(latest.change, signed=True)})"
        rows.append((
            area.label, mean_text(area.mean), str(area.n),
            "-" if area.low is None else f"{area.low}-{area.high}",
            number(latest.mean if latest else None), flag,
        ))
    blocks: list = [Chart(*charts.pain_chart(model))]
    if rows:
        blocks.append(Table(
            ("Area", "Mean over period", "Ratings", "Range", "Last week",
             "Last week vs the week before"),
            tuple(rows), numeric=(1, 2, 3, 4), widths=(34, 14, 10, 9, 10, 23),
        ))
    else:
        blocks.append(Para("No resting pain ratings in this period."))
    blocks.append(Para(f"{SCALE} Resting pain is the mean of ratings given before a session and "
                       f"at check-ins. {FLAG_RULE}", "small"))
    return Section("Resting pain per area per week", tuple(blocks))


def _done(model: ReportModel) -> Section:
    rows = tuple(
        (week.week, str(week.sessions), f"{week.minutes:g}",
         "-" if week.completion is None else f"{week.completion}%",
         number(week.session_change, signed=True), str(week.reminders_sent),
         str(week.reminders_acted), str(week.reminders_skipped), str(week.reminders_snoozed),
         str(week.reminders_missed_away))
        for week in model.activity
    )
    muscles = ", ".join(f"{count.label} {count.count}" for count in model.muscles) or "-"
    techniques = ", ".join(f"{count.label} {count.count}" for count in model.techniques) or "-"
    return Section("What was done", (
        Table(("Week", "Sessions", "Minutes", "Steps done", "Change in session", "Breaks sent",
               "taken", "skipped", "snoozed", "missed, away"),
              rows, numeric=tuple(range(1, 10)), widths=(13, 9, 9, 9, 11, 9, 8, 8, 8, 9)),
        Para(f"Muscles worked (completed steps): {muscles}", "bold-lead"),
        Para(f"Techniques (completed steps): {techniques}", "bold-lead"),
        Para("Change in session: the mean of (pain right after - right before) in that week's "
             "sessions; negative means less pain after. Breaks: reminders sent, acted on, "
             "skipped by the person, snoozed, and not shown because the computer was asleep or "
             "the person was away.", "small"),
    ))


def _helped(model: ReportModel) -> Section:
    title = "What seemed to help (the person's own observations)"
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
    labels = {area.id: area.label for area in model.areas}
    if not model.advice:
        return Section("Advice coach gave",
                       (Para("coach gave no advice to see a clinician in this period."),))
    return Section("Advice coach gave", tuple(
        Para(f"{labels.get(item.area, item.area)}: {item.advice}. "
             f"{item.reason.removeprefix(item.area + ': ')}")
        for item in model.advice
    ))


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
    rows = tuple(
        (labels.get(area, area), *(str(counts.get(level, 0)) for level in SORENESS_WORDS),
         f"{SORENESS_WORDS.get(latest[area].level, latest[area].level)}, "
         f"{latest[area].at:%Y-%m-%d}")
        for area, counts in per_area.items()
    )
    return Section(title, (
        Table(("Area", *(word for word in SORENESS_WORDS.values()), "Latest answer"), rows,
              numeric=(1, 2, 3), widths=(34, 14, 16, 14, 22)),
        Para("Soreness like after exercise usually goes within 24-48 hours; soreness that lasts "
             "longer means the dose was too high: lower it next time.", "small"),
    ))
