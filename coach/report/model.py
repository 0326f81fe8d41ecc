"""The clinician report as one typed value, built by one function from the store for a period.

`build_report` is the only place the report's numbers are computed: `coach report --json`
prints its `to_json()`, and the HTML page and the PDF both render the same ReportModel, so
the three can never disagree. The weekly pain numbers, their flags (against last week and against
the 4-week baseline), the break counts and the advice come from coach.trends.weekly_report
unchanged, and this module is the one place that reads that dict; it adds what a clinician
asks next: who, when, the safety level today (coach.safety.assess, as `coach today` gives it),
what was done (sessions that count as done, coach.sessions), what seemed to help, and the
person's own words.

A period is whole ISO weeks (Monday to Sunday), as the weekly trends count them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from fractions import Fraction

DEFAULT_WEEKS = 8
MAX_NOTES = 20
FOOTER = (
    "Self-recorded data from coach, a self-care aid: the person's own ratings and notes, "
    "not a diagnosis or a clinical measurement."
)
HELPED_CAVEAT = (
    "These are the person's own observations: pain rated right after a session against right "
    "before it, in the same session. They are not a controlled comparison. In trials, "
    "self-applied pressure improved pressure tolerance, but pain ratings did not differ "
    "significantly from control (meta-analysis 2022, PMC9434898)."
)
SCALE = (
    "Numeric Rating Scale 0-10: 0 no pain, 10 worst imaginable; 1-3 mild, 4-6 moderate, "
    "7-10 severe."
)
FLAG_RULE = (
    "Flags compare a week's resting mean with the week before, and with its baseline (the mean "
    "of the 4 weeks before it): improving or worsening means a change of at least 2 points, or "
    "30 % and at least 1 point (Farrar 2001; IMMPACT); too few means fewer than 3 ratings to "
    "compare."
)


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks: first is a Monday, last the Sunday of the last week."""

    first: date
    last: date

    @property
    def weeks(self) -> int:
        return ((self.last - self.first).days + 1) // 7

    @classmethod
    def of(cls, weeks: int, until: date) -> Period:
        last_monday = until - timedelta(days=until.weekday())
        return cls(last_monday - timedelta(weeks=weeks - 1), last_monday + timedelta(days=6))

    @classmethod
    def between(cls, since: date, until: date) -> Period:
        """The ISO weeks from the week of `since` to the week of `until`, both included."""
        first = since - timedelta(days=since.weekday())
        return cls(first, until - timedelta(days=until.weekday()) + timedelta(days=6))


@dataclass(frozen=True)
class AreaWeek:
    week: str  # "2026-W47"
    start: date
    mean: float | None
    n: int
    change: float | None
    change_pct: float | None
    flag: str  # against the week before: "improving" | "worsening" | "stable" | "too few"
    baseline: float | None  # the mean of the 4 weeks before it
    baseline_change: float | None
    baseline_flag: str  # against that baseline, the same words


@dataclass(frozen=True)
class AreaSummary:
    """One area over the period: its resting mean (before and check-in ratings) and its weeks."""

    id: str
    label: str
    mean: float | None
    n: int
    low: int | None
    high: int | None
    weeks: tuple[AreaWeek, ...]
    snomed: str = ""

    @property
    def latest(self) -> AreaWeek | None:
        return self.weeks[-1] if self.weeks else None


@dataclass(frozen=True)
class WeekActivity:
    """What was done in one ISO week: sessions that count as done, minutes, completion, breaks."""

    week: str
    start: date
    sessions: int
    minutes: float
    steps_done: int
    steps_planned: int
    session_change: float | None  # mean (after - before) within a session, that week
    breaks_taken: int
    breaks_skipped: int
    breaks_snoozed: int
    breaks_missed_away: int

    @property
    def completion(self) -> float | None:
        """Share of planned steps completed, 0-100, None without sessions."""
        if not self.steps_planned:
            return None
        return round(100 * self.steps_done / self.steps_planned)


@dataclass(frozen=True)
class Count:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Helped:
    """Pain right after against right before, over the period, for one muscle or technique."""

    kind: str  # "muscle" | "technique"
    id: str
    label: str
    n: int  # sessions with both ratings
    mean_change: float | None  # after - before; negative means less pain after


@dataclass(frozen=True)
class Note:
    at: datetime
    area: str
    rating: int
    phase: str
    text: str


@dataclass(frozen=True)
class Soreness:
    """An answer to "still sore from yesterday's session?" for one area."""

    at: datetime
    area: str
    level: str  # "none" | "some" | "a-lot"


@dataclass(frozen=True)
class Caution:
    id: str
    label: str
    advice: str
    urgent: bool


@dataclass(frozen=True)
class Advice:
    area: str
    advice: str
    reason: str


@dataclass(frozen=True)
class Safety:
    """The safety level on the day the report is made, and why (coach.safety.assess)."""

    level: str  # "ok" | "gentle" | "stretch-only" | "see-clinician"
    reasons: tuple[str, ...]
    clinician: str  # the sentence shown first, or ""


@dataclass(frozen=True)
class ReportModel:
    generated_at: datetime
    period: Period
    safety: Safety
    weeks: tuple[tuple[str, date], ...]  # (ISO week label, its Monday), oldest first
    areas: tuple[AreaSummary, ...]  # profile areas first, then any other rated area
    habits: tuple[str, ...]  # labels
    tools: tuple[str, ...]  # labels
    cautions: tuple[Caution, ...]
    activity: tuple[WeekActivity, ...]
    muscles: tuple[Count, ...]  # completed steps per muscle, most first
    techniques: tuple[Count, ...]
    helped: tuple[Helped, ...]
    notes: tuple[Note, ...]  # most recent first, at most MAX_NOTES
    soreness: tuple[Soreness, ...]  # every answer in the period, most recent first
    advice: tuple[Advice, ...]
    caveat: str  # coach.trends' caveat on pain right after against right before
    trend_report: object  # coach.trends' TrendReport for the period: its to_json() is
    # `coach report --json` as before, and the text and CSV views read it

    @property
    def sessions(self) -> int:
        return sum(week.sessions for week in self.activity)

    @property
    def minutes(self) -> float:
        return round(sum(week.minutes for week in self.activity), 1)

    def to_json(self) -> dict:
        """The weekly report's keys unchanged, plus the rest of the clinician report."""
        return {
            **self.trend_report.to_json(),
            "period": {
                "first": self.period.first.isoformat(),
                "last": self.period.last.isoformat(),
                "weeks": self.period.weeks,
                "generated_at": self.generated_at.isoformat(timespec="seconds"),
            },
            "areas": {
                area.id: {"label": area.label, "mean": area.mean, "n": area.n, "min": area.low,
                          "max": area.high, "snomed": area.snomed or None}
                for area in self.areas
            },
            "safety": {"level": self.safety.level, "reasons": list(self.safety.reasons),
                       "clinician": self.safety.clinician},
            "habits": list(self.habits),
            "tools": list(self.tools),
            "cautions": [{"id": c.id, "label": c.label, "advice": c.advice, "urgent": c.urgent}
                         for c in self.cautions],
            "activity": [
                {"week": week.week, "sessions": week.sessions, "minutes": week.minutes,
                 "steps_done": week.steps_done, "steps_planned": week.steps_planned,
                 "completion_pct": week.completion, "session_change": week.session_change,
                 "breaks": {"taken": week.breaks_taken, "skipped": week.breaks_skipped,
                            "snoozed": week.breaks_snoozed,
                            "missed_away": week.breaks_missed_away}}
                for week in self.activity
            ],
            "muscles_done": {count.id: count.count for count in self.muscles},
            "techniques_done": {count.id: count.count for count in self.techniques},
            "helped": [{"kind": item.kind, "id": item.id, "n": item.n,
                        "mean_change": item.mean_change} for item in self.helped],
            "notes": [{"at": note.at.isoformat(), "area": note.area, "rating": note.rating,
                       "phase": note.phase, "note": note.text} for note in self.notes],
            "soreness": [{"at": answer.at.isoformat(), "area": answer.area,
                          "level": answer.level} for answer in self.soreness],
        }


def read_window(store, period: Period, tz: tzinfo) -> tuple[list, list, list]:
    """Ratings, sessions and events the period needs: its weeks and the 4 weeks before it.

    At least the last WORKS_WEEKS weeks: the weekly report's "after vs before" looks that far
    back; the BASELINE_WEEKS before the first week: its flags against the week before and
    against its baseline.
    """
    from coach.trends import read_window as trends_window

    since, until = trends_window(period.weeks, period.last, tz)  # the one place that decides
    return store.ratings(since, until), store.sessions(since, until), store.events(since, until)


def build_report(store, catalog, period: Period, now: datetime, tz: tzinfo) -> ReportModel:
    """The report for `period` from the store; `now` is when it is generated."""
    ratings, sessions, events = read_window(store, period, tz)
    profile = store.load_profile()
    safety = safety_today(profile, catalog, store.builder_history(now.date(), tz), now.date())
    return build_from(ratings, sessions, events, profile, catalog, period, now, tz, safety)


def safety_today(profile, catalog, history, day: date) -> Safety:
    """The level `coach today --json` gives for `day`: the same profile (a desk-worker default
    when none is saved), the same history, the same coach.safety.assess."""
    from coach.model import Profile
    from coach.safety import assess

    gate = assess(profile or Profile(), catalog, history, day)
    return Safety(gate.level, tuple(gate.reasons), gate.clinician)


def build_from(ratings, sessions, events, profile, catalog, period: Period, now: datetime,
               tz: tzinfo, safety: Safety | None = None) -> ReportModel:
    """Pure: the report from records already read (ratings outside the period are ignored).

    `safety` is today's assessment (build_report asks coach.safety with the store's history);
    without it, it is assessed on an empty history.
    """
    from coach.model import History
    from coach.sessions import counts_as_done
    from coach.trends import (
        CAVEAT,
        RESTING_PHASES,
        after_vs_before,
        session_changes,
        weekly_report,
    )

    if safety is None:
        safety = safety_today(profile, catalog, History(), now.date())

    trend_report = weekly_report(ratings, sessions, events, weeks=period.weeks,
                                 until=period.last, tz=tz)

    def inside(day: date) -> bool:
        return period.first <= day <= period.last

    def area_label(area_id: str) -> str:
        area = catalog.areas.get(area_id)
        return area.label if area else area_id

    resting: dict[str, list[int]] = {}
    noted = []
    first, last = period.first, period.last
    for rating in ratings:  # one pass, no call a rating: a period can hold thousands
        if not first <= rating.at.date() <= last:
            continue
        if rating.phase in RESTING_PHASES:
            resting.setdefault(rating.area, []).append(rating.rating)
        if rating.note and not rating.note.isspace():
            noted.append(rating)
    profile_areas = tuple(profile.areas) if profile else ()
    order = list(dict.fromkeys([*profile_areas, *sorted(resting)]))
    areas = []
    for area_id in order:
        values = resting.get(area_id, [])
        weeks = tuple(
            AreaWeek(week.week, date.fromisoformat(week.start), stats.mean, stats.n,
                     stats.change, stats.change_pct, stats.flag, stats.baseline,
                     stats.baseline_change, stats.baseline_flag)
            for week in trend_report.weeks
            if (stats := week.areas.get(area_id)) is not None
        )
        area = catalog.areas.get(area_id)
        areas.append(AreaSummary(
            id=area_id, label=area_label(area_id),
            mean=_round(Fraction(sum(values), len(values))) if values else None,
            n=len(values), low=min(values) if values else None,
            high=max(values) if values else None, weeks=weeks,
            snomed=area.snomed if area is not None else "",
        ))

    in_period = [s for s in sessions if inside(s.started_at.date()) and counts_as_done(s)]
    activity = _activity(trend_report.weeks, in_period)

    muscles: Counter = Counter()
    techniques: Counter = Counter()
    for session in in_period:
        for step in session.steps:
            if step.get("completed"):
                if step.get("muscle"):
                    muscles[step["muscle"]] += 1
                if step.get("technique"):
                    techniques[step["technique"]] += 1

    def target_name(target_id: str) -> str:
        target = catalog.targets.get(target_id)
        return target.name if target else target_id

    changes = [change for change in session_changes(ratings) if inside(change["day"])]
    works = after_vs_before(changes, {session.id: session for session in sessions})
    helped = tuple(
        Helped(item["kind"], item["id"],
               target_name(item["id"]) if item["kind"] == "muscle" else technique_label(item["id"]),
               item["count"], item["mean_change"])
        for item in works
    )

    noted.sort(key=lambda rating: rating.at, reverse=True)
    notes = tuple(Note(r.at, r.area, r.rating, r.phase, r.note.strip())
                  for r in noted[:MAX_NOTES])

    answers = []
    for event in events:
        if event.kind == "soreness" and inside(event.at.date()):
            answers.append(Soreness(event.at, event.area, event.level))
    answers.sort(key=lambda answer: answer.at, reverse=True)

    cautions = tuple(
        Caution(cid, catalog.cautions[cid].label, catalog.cautions[cid].advice.strip(),
                bool(catalog.cautions[cid].urgent))
        if cid in catalog.cautions else Caution(cid, cid, "", False)
        for cid in (profile.cautions if profile else ())
    )
    return ReportModel(
        generated_at=now,
        period=period,
        safety=safety,
        weeks=tuple((week.week, date.fromisoformat(week.start))
                    for week in trend_report.weeks),
        areas=tuple(areas),
        habits=tuple(catalog.habits[h].label if h in catalog.habits else h
                     for h in (profile.habits if profile else ())),
        tools=tuple(catalog.tools[t].label if t in catalog.tools else t
                    for t in (profile.tools if profile else ())),
        cautions=cautions,
        activity=activity,
        muscles=tuple(Count(m, target_name(m), n) for m, n in _most_first(muscles)),
        techniques=tuple(Count(t, technique_label(t), n) for t, n in _most_first(techniques)),
        helped=helped,
        notes=notes,
        soreness=tuple(answers),
        advice=tuple(Advice(item["area"], item["advice"], item["reason"])
                     for item in trend_report.advice),
        caveat=CAVEAT,
        trend_report=trend_report,
    )


def technique_label(technique: str) -> str:
    return technique.replace("-", " ")


def _most_first(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def _round(value: Fraction) -> float:
    return round(float(value), 2)


def _activity(weeks, sessions: list) -> tuple[WeekActivity, ...]:
    """Per week (coach.trends' WeekStats): its sessions, minutes and break counts, and the
    steps done of the sessions that count as done."""
    steps: dict[str, list[int]] = {week.start: [0, 0] for week in weeks}
    for session in sessions:
        start = _monday(session.started_at.date()).isoformat()
        if start in steps:
            steps[start][0] += sum(1 for step in session.steps if step.get("completed"))
            steps[start][1] += len(session.steps)
    return tuple(
        WeekActivity(
            week=week.week, start=date.fromisoformat(week.start),
            sessions=week.sessions, minutes=week.minutes,
            steps_done=steps[week.start][0], steps_planned=steps[week.start][1],
            session_change=week.session_change,
            breaks_taken=week.breaks["taken"], breaks_skipped=week.breaks["skipped"],
            breaks_snoozed=week.breaks["snoozed"],
            breaks_missed_away=week.breaks["missed_away"],
        )
        for week in weeks
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
