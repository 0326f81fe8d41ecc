"""Weekly pain trends: `report_for` reads the store once, pure functions make the report.

A rating belongs to the ISO week (Monday to Sunday) of its own local date, the date
at the offset it was given with, so travel and daylight-saving changes never move
old ratings between weeks.

Resting pain is the mean of the "before" and "check-in" ratings; "after" ratings
measure what a session did, not how the week felt. The arithmetic is exact
(fractions) so a change of exactly 2 points is never 1.9999 on the wrong side of
a threshold; numbers are rounded only for output.

Thresholds for a change that matters: 2 points, or 30 % with at least 1 point
(Farrar et al. 2001; IMMPACT, Dworkin 2008). Each week is compared with last week ("flag")
and with the mean of the 4 weeks before it ("baseline_flag"), so a slow, steady climb is
seen too.

"after_vs_before" is what it measures: pain right after a session against right before,
per muscle and technique, credited only to the muscles completed in that area in that
session. It says nothing about the weeks after (CAVEAT).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction

from coach.response import session_changes
from coach.sessions import counts_as_done

RESTING_PHASES = ("before", "check-in")
MIN_RATINGS = 3
POINTS_THRESHOLD = 2
PERCENT_THRESHOLD = 30
PERCENT_MIN_POINTS = 1
HIGH_PAIN = 7
# A flag in words, with an arrow so it reads without colour (home and the trends screen).
FLAG_WORDS = {
    "improving": "↓ improving",
    "worsening": "↑ worsening",
    "stable": "= stable",
    "too few": "· too few",
}
WORKS_WEEKS = 4
BASELINE_WEEKS = 4
WORSENING_WEEKS = 3  # worse than the baseline this many weeks running: see a clinician
REGULAR_SESSIONS = 2  # sessions a week that count as regular
NO_IMPROVEMENT_WEEKS = 4
CAVEAT = ("Pain right after a session against right before it: a short-term effect. Pressure "
          "mostly raises how much pressure you tolerate; it lowers pain ratings less "
          "reliably, so use your weekly resting pain to judge the weeks.")


def week_start(day: date) -> date:
    """The Monday of the ISO week that contains `day`."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _round(value: Fraction | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _mean(values: list[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def classify(
    previous: list[int], current: list[int]
) -> tuple[Fraction | None, Fraction | None, str]:
    """(change in points, change in percent, flag): this week's resting ratings vs last week's."""
    # Exact, in whole numbers: a report decides hundreds of flags, and a step in Fractions
    # cost microseconds each.
    previous_total, previous_n = sum(previous), len(previous)
    current_total, current_n = sum(current), len(current)
    if not previous_n or not current_n:
        return None, None, "too few"
    # change = current mean - previous mean = change_top / change_bottom (bottom > 0)
    change_top = current_total * previous_n - previous_total * current_n
    change_bottom = current_n * previous_n
    # percent = change / previous mean * 100 = 100 * change_top / percent_bottom
    percent_bottom = current_n * previous_total
    change = Fraction(change_top, change_bottom)
    percent = None if previous_total == 0 else Fraction(100 * change_top, percent_bottom)
    if previous_n < MIN_RATINGS or current_n < MIN_RATINGS:
        return change, percent, "too few"
    return change, percent, _flag(change_top, change_bottom, percent_bottom)


def _flag(change_top: int, change_bottom: int, percent_bottom: int) -> str:
    """The 2-point or 30 % rule on a change of change_top / change_bottom points and
    100 * change_top / percent_bottom percent (no percent when percent_bottom is 0)."""
    size = abs(change_top)
    matters = size >= POINTS_THRESHOLD * change_bottom or (
        percent_bottom != 0
        and 100 * size >= PERCENT_THRESHOLD * abs(percent_bottom)
        and size >= PERCENT_MIN_POINTS * change_bottom
    )
    if not matters:
        return "stable"
    return "improving" if change_top < 0 else "worsening"


def _credited(change: dict, sessions_by_id: dict) -> tuple[set[str], set[str]]:
    """The muscles and techniques done for the change's area in its session."""
    session = sessions_by_id.get(change["session_id"])
    muscles: set[str] = set()
    techniques: set[str] = set()
    if session is not None:
        for step in session.steps:
            if step.get("area") == change["area"] and step.get("completed"):
                if step.get("muscle"):
                    muscles.add(step["muscle"])
                if step.get("technique"):
                    techniques.add(step["technique"])
    # Only completed steps count: a session whose steps were all skipped credits nothing.
    return muscles, techniques


def after_vs_before(changes: list[dict], sessions_by_id: dict) -> list[dict]:
    """Mean within-session change (after - before) per muscle and per technique, most
    relief first; only muscles completed in the rated area are credited."""
    credit: dict[tuple[str, str], list[int]] = {}
    for change in changes:
        muscles, techniques = _credited(change, sessions_by_id)
        for muscle in muscles:
            credit.setdefault(("muscle", muscle), []).append(change["change"])
        for technique in techniques:
            credit.setdefault(("technique", technique), []).append(change["change"])
    works = [
        {"kind": kind, "id": name, "mean_change": _round(_mean(values)), "count": len(values)}
        for (kind, name), values in credit.items()
    ]
    works.sort(key=lambda item: (item["kind"], item["mean_change"], -item["count"], item["id"]))
    return works


@dataclass(frozen=True)
class AreaWeek:
    """One area's week: resting pain (mean of "before" and "check-in" ratings), its change
    against last week and against the 4 weeks before, and the mean "after" rating."""

    mean: float | None
    n: int
    min: int | None
    max: int | None
    change: float | None
    change_pct: float | None
    flag: str
    baseline: float | None
    baseline_change: float | None
    baseline_flag: str
    high: bool
    after_mean: float | None = None  # pain right after sessions that week (the chart)
    after_n: int = 0

    def to_json(self) -> dict:
        """The `coach report --json` keys, as they have always been (the after means are
        drawn on the trends chart; "session_change" carries them in the JSON)."""
        shown = asdict(self)
        del shown["after_mean"], shown["after_n"]
        return shown


@dataclass(frozen=True)
class WeekStats:
    """One ISO week of the report."""

    week: str  # "2026-W47"
    start: str  # its Monday, ISO date
    end: str  # its Sunday
    areas: dict[str, AreaWeek]
    sessions: int
    minutes: float
    session_change: float | None
    reminders_acted: int
    breaks: dict[str, int]

    def to_json(self) -> dict:
        return {
            "week": self.week, "start": self.start, "end": self.end,
            "areas": {area: stats.to_json() for area, stats in self.areas.items()},
            "sessions": self.sessions, "minutes": self.minutes,
            "session_change": self.session_change, "reminders_acted": self.reminders_acted,
            "breaks": dict(self.breaks),
        }


@dataclass(frozen=True)
class TrendReport:
    """The weekly trends, as `coach report` prints them and the trends screen draws them."""

    weeks: tuple[WeekStats, ...]
    after_vs_before: tuple[dict, ...]  # {"kind", "id", "mean_change", "count"}, most relief first
    pain_rose_after: tuple[dict, ...]
    caveat: str
    patterns: tuple[dict, ...]  # {"kind", "id", "text"}
    advice: tuple[dict, ...]  # {"area", "advice", "reason"}

    @property
    def this_week(self) -> WeekStats:
        return self.weeks[-1]

    def to_json(self) -> dict:
        return {
            "weeks": [week.to_json() for week in self.weeks],
            "after_vs_before": [dict(item) for item in self.after_vs_before],
            "pain_rose_after": [dict(item) for item in self.pain_rose_after],
            "caveat": self.caveat,
            "patterns": [dict(item) for item in self.patterns],
            "advice": [dict(item) for item in self.advice],
        }


def read_window(weeks: int, until: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """What a report of `weeks` weeks ending with the week of `until` reads: the weeks
    themselves, the whole weeks before the first one (its change against last week and its
    baseline) and the 4 weeks "what works" looks at, with a day of margin either side (a
    rating's own offset may differ from ours)."""
    last_monday = week_start(until)
    first_monday = last_monday - timedelta(weeks=max(weeks, WORKS_WEEKS) - 1 + BASELINE_WEEKS)
    since = datetime.combine(first_monday, time(), tz) - timedelta(days=1)
    end = datetime.combine(last_monday + timedelta(days=7), time(), tz) + timedelta(days=1)
    return since, end


def report_for(store, weeks: int, until: date, tz: tzinfo) -> TrendReport:
    """The trend report for `weeks` ISO weeks ending with the week of `until`: the one place
    that decides what to read, for `coach report`, the trends screen and home alike."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    since, end = read_window(weeks, until, tz)
    return weekly_report(store.ratings(since, end), store.sessions(since, end),
                         store.events(since, end), weeks=weeks, until=until, tz=tz)


def weekly_report(
    ratings: Iterable,
    sessions: Iterable,
    events: Iterable,
    weeks: int = 4,
    until: date | None = None,
    tz: tzinfo | None = None,
) -> TrendReport:
    """The report for the `weeks` ISO weeks ending with the week of `until`, from records
    already read (`report_for` reads them); anything outside the window is ignored."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if until is None:
        until = datetime.now(tz).date()
    ratings = list(ratings)
    sessions = list(sessions)
    last_monday = week_start(until)
    # extra weeks in front: the first reported week needs its previous week and its baseline
    front = BASELINE_WEEKS
    mondays = [last_monday - timedelta(weeks=back)
               for back in range(weeks + front - 1, -1, -1)]
    index_of = {monday + timedelta(days=offset): index for index, monday in enumerate(mondays)
                for offset in range(7)}  # every day of the window: one lookup per rating

    week_index = index_of.get  # the week of a local date, None outside the window

    resting: list[dict[str, list[int]]] = [{} for _ in mondays]
    after: list[dict[str, list[int]]] = [{} for _ in mondays]
    for rating in ratings:
        index = week_index(rating.at.date())
        if index is None:
            continue
        if rating.phase in RESTING_PHASES:
            resting[index].setdefault(rating.area, []).append(rating.rating)
        elif rating.phase == "after":
            after[index].setdefault(rating.area, []).append(rating.rating)
    areas = sorted({area for week in resting[front:] for area in week})

    session_count = [0 for _ in mondays]
    seconds = [0 for _ in mondays]
    for session in sessions:
        index = week_index(session.started_at.date())
        if index is not None and counts_as_done(session):
            session_count[index] += 1
            seconds[index] += session.done_s

    acted = [0 for _ in mondays]
    breaks = [dict.fromkeys(BREAK_COUNTS, 0) for _ in mondays]
    for event in events:
        index = week_index(event.at.date())
        if index is None:
            continue
        if event.kind == "acted":
            acted[index] += 1
        if event.reminder == "break":
            counted = _break_count(event)
            if counted is not None:
                breaks[index][counted] += 1

    changes = session_changes(ratings)
    changes_by_week: list[list[int]] = [[] for _ in mondays]
    for change in changes:
        index = week_index(change["day"])
        if index is not None:
            changes_by_week[index].append(change["change"])

    report_weeks = []
    for index in range(front, len(mondays)):
        monday = mondays[index]
        area_stats = {}
        for area in areas:
            values = resting[index].get(area, [])
            change, percent, flag = classify(resting[index - 1].get(area, []), values)
            baseline, baseline_change, baseline_flag = against_baseline(
                [resting[back].get(area, []) for back in range(index - BASELINE_WEEKS, index)],
                values)
            mean = _mean(values)
            afters = after[index].get(area, [])
            area_stats[area] = AreaWeek(
                mean=_round(mean),
                n=len(values),
                min=min(values) if values else None,
                max=max(values) if values else None,
                change=_round(change),
                change_pct=_round(percent, 1),
                flag=flag,
                baseline=_round(baseline),
                baseline_change=_round(baseline_change),
                baseline_flag=baseline_flag,
                high=mean is not None and mean >= HIGH_PAIN,
                after_mean=_round(_mean(afters)),
                after_n=len(afters),
            )
        report_weeks.append(WeekStats(
            week=week_label(monday),
            start=monday.isoformat(),
            end=(monday + timedelta(days=6)).isoformat(),
            areas=area_stats,
            sessions=session_count[index],
            minutes=round(seconds[index] / 60, 1),
            session_change=_round(_mean(changes_by_week[index])),
            reminders_acted=acted[index],
            breaks=breaks[index],
        ))

    works_from = last_monday - timedelta(weeks=WORKS_WEEKS - 1)
    works_until = last_monday + timedelta(days=6)
    recent = [change for change in changes if works_from <= change["day"] <= works_until]
    sessions_by_id = {session.id: session for session in sessions}
    measured = after_vs_before(recent, sessions_by_id)
    return TrendReport(
        weeks=tuple(report_weeks),
        after_vs_before=tuple(item for item in measured if item["mean_change"] < 0),
        pain_rose_after=tuple(item for item in measured if item["mean_change"] > 0),
        caveat=CAVEAT,
        patterns=tuple(worse_patterns(recent, sessions_by_id)),
        advice=tuple(advice(resting[front - 1:], mondays[front - 1:], report_weeks, areas,
                            session_count[front:])),
    )


BREAK_COUNTS = ("taken", "skipped", "snoozed", "missed_away")


def _break_count(event) -> str | None:
    """Which weekly break count a break reminder's event adds to (None: none).

    Taken: acted on (a button, `coach remind done`, or a session started soon after);
    skipped: by the person (the planner's own drops are not the person skipping);
    missed while away: the person's absence stood in for the break.
    """
    kind = event.kind
    if kind == "acted":
        return "taken"
    if kind == "skipped" and event.by == "person":
        return "skipped"
    if kind == "snoozed":
        return "snoozed"
    if kind == "missed-away":
        return "missed_away"
    return None


def against_baseline(before: list[list[int]], current: list[int]
                     ) -> tuple[Fraction | None, Fraction | None, str]:
    """(baseline mean, change, flag): this week against the mean of the weekly means of
    the weeks before it (those with ratings); the same 2-point or 30 % rule as `classify`."""
    # exact, in whole numbers, as in classify
    rated = [(sum(values), len(values)) for values in before if values]
    current_total, current_n = sum(current), len(current)
    if not rated or not current_n:
        return None, None, "too few"
    # baseline = (sum of the weekly means) / weeks = baseline_top / baseline_bottom
    common = math.lcm(*(n for _, n in rated))
    baseline_top = sum(total * (common // n) for total, n in rated)
    baseline_bottom = len(rated) * common
    # change = current mean - baseline = change_top / change_bottom (bottom > 0)
    change_top = current_total * baseline_bottom - baseline_top * current_n
    change_bottom = current_n * baseline_bottom
    baseline = Fraction(baseline_top, baseline_bottom)
    change = Fraction(change_top, change_bottom)
    if current_n < MIN_RATINGS or sum(n for _, n in rated) < MIN_RATINGS:
        return baseline, change, "too few"
    # percent = change / baseline * 100 = 100 * change_top / (current_n * baseline_top)
    return baseline, change, _flag(change_top, change_bottom, current_n * baseline_top)


def worse_patterns(changes: list[dict], sessions_by_id: dict) -> list[dict]:
    """A muscle, or an area's sessions, after which pain was worse than before twice in a row."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for change in sorted(changes, key=lambda item: item["day"]):
        by_key.setdefault(("area", change["area"]), []).append(change["change"])
        muscles, _ = _credited(change, sessions_by_id)
        for muscle in sorted(muscles):
            by_key.setdefault(("muscle", muscle), []).append(change["change"])
    found = []
    for (kind, name), values in sorted(by_key.items()):
        if len(values) >= 2 and values[-1] > 0 and values[-2] > 0:
            what = "sessions for your" if kind == "area" else "working on"
            found.append({"kind": kind, "id": name,
                          "text": f"pain was worse after than before in the last two "
                                  f"{what} {name}"})
    return found


def advice(
    resting: list[dict[str, list[int]]], mondays: list[date], report_weeks: list[WeekStats],
    areas,
    sessions_per_week: list[int] | None = None,
) -> list[dict]:
    """"See a clinician" when resting pain stays at 7 or more for 2 weeks, gets worse over 3
    or more weeks, or shows no improvement after 4 weeks of regular sessions."""
    sessions_per_week = sessions_per_week or [0] * len(report_weeks)
    found = []
    for area in areas:
        reasons = []
        for index in range(1, len(mondays)):
            earlier = _mean(resting[index - 1].get(area, []))
            later = _mean(resting[index].get(area, []))
            if earlier is not None and later is not None and min(earlier, later) >= HIGH_PAIN:
                reasons.append(
                    f"resting pain averaged {HIGH_PAIN} or more in both "
                    f"{week_label(mondays[index - 1])} and {week_label(mondays[index])}"
                )
        flags = [week.areas[area].flag for week in report_weeks]
        for index in range(1, len(flags)):
            if flags[index - 1] == flags[index] == "worsening":
                reasons.append(
                    f"it got worse two weeks running ({report_weeks[index - 1].week} and "
                    f"{report_weeks[index].week})"
                )
        baseline_flags = [week.areas[area].baseline_flag for week in report_weeks]
        for index in range(WORSENING_WEEKS - 1, len(baseline_flags)):
            run = baseline_flags[index - WORSENING_WEEKS + 1:index + 1]
            if all(flag == "worsening" for flag in run):
                reasons.append(f"it has been getting worse for {WORSENING_WEEKS} weeks or more "
                               f"(to {report_weeks[index].week})")
        # Judged on the latest week only: a week that improved answers an older plateau.
        regular = [count >= REGULAR_SESSIONS for count in sessions_per_week]
        last = len(report_weeks) - 1
        if last >= NO_IMPROVEMENT_WEEKS - 1:
            window = range(last - NO_IMPROVEMENT_WEEKS + 1, last + 1)
            stats = report_weeks[last].areas[area]
            if all(regular[week] for week in window) and stats.mean is not None and (
                    stats.baseline_flag in ("stable", "worsening")) and stats.mean >= 1:
                reasons.append(f"no improvement after {NO_IMPROVEMENT_WEEKS} weeks of regular "
                               f"sessions (to {report_weeks[last].week})")
        if reasons:
            found.append({
                "area": area,
                "advice": "see a clinician",
                "reason": f"{area}: {reasons[-1]}. Pain that stays severe, keeps getting worse "
                "or does not improve should be checked by a doctor or physiotherapist; get "
                "urgent help for numbness, weakness, or new bladder or bowel problems.",
            })
    return found
