"""Trends: resting pain per area over 8 weeks, this week against last, pain right after a
session against right before, advice.

The chart is textual-plotext: plotext draws real axes with tick labels and a legend in
plain characters, so it stays readable without colour (each area also has its own marker).
History loads in a thread worker; the screen paints at once and never freezes.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coach.tui.fit import fit_words
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.title_bar import TitleBar

WEEKS = 8
MARKERS = ("o", "x", "+", "*", "#", "@", "%", "&", "=", "~", "^", "$", "?", "!")
FLAG_WORDS = {
    "improving": "↓ improving",
    "worsening": "↑ worsening",
    "stable": "= stable",
    "too few": "· too few",
}


class TrendsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
        Binding("t", "app.pop_screen", "Back", show=False),
        Binding("r", "reload", "Reload"),
        Binding("s", "app.share_report", "Report"),  # "Share a report" in the palette
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: dict | None = None

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield TitleBar("Trends · last 8 weeks")
        yield Static("Loading your history...", id="trends-loading")
        with VerticalScroll(id="trends-body"):
            yield PlotextPlot(id="trends-chart")
            yield Static(id="trends-legend")
            with Horizontal(id="trends-side"):
                yield Static(id="trends-week", classes="panel")
                yield Static(id="trends-works", classes="panel")
            yield Static(id="trends-advice", classes="panel -hidden")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#trends-week").border_title = "This week vs last"
        self.query_one("#trends-works").border_title = "Pain right after vs right before (4 weeks)"
        self.query_one("#trends-advice").border_title = "See a clinician"
        self.reload()

    def reload(self) -> None:
        self.query_one("#trends-loading", Static).update("Loading your history...")
        self.run_worker(self._load, thread=True, exclusive=True, group="trends",
                        exit_on_error=False)

    def action_reload(self) -> None:
        self.reload()

    def _load(self) -> None:
        """Worker thread: read the store and compute the report (pure maths) off the UI."""
        from coach.trends import weekly_report

        app = self.app
        day = app.today()
        first = day - timedelta(days=day.weekday() + 7 * (WEEKS - 1))
        since = datetime.combine(first, time.min, tzinfo=app.tz) - timedelta(days=1)
        try:
            report = weekly_report(
                app.store.ratings(since=since), app.store.sessions(since=since),
                app.store.events(since=since), weeks=WEEKS, until=day, tz=app.tz,
            )
        except Exception as error:  # shown on screen; the app stays usable
            app.call_from_thread(self._failed, error)
            return
        app.call_from_thread(self._show, report)

    def _failed(self, error: Exception) -> None:
        self.query_one("#trends-loading", Static).update(f"Could not load trends: {error}")

    def _show(self, report: dict) -> None:
        self.report = report
        app = self.app
        weeks = report.get("weeks", [])
        areas = _areas_in(weeks, app.profile().areas)
        loading = self.query_one("#trends-loading", Static)
        total = sum(stats.get("n", 0) for week in weeks for stats in week.get("areas", {}).values())
        loading.update(f"{total} resting ratings over {len(weeks)} weeks · "
                       "l logs pain · s shares a report")
        self._draw_chart(weeks, areas)
        self.query_one("#trends-week", Static).update(week_table(weeks, areas, app.area_label))
        measured = works_text(report.get("after_vs_before", []), app.catalog)
        if report.get("after_vs_before"):
            measured += "\n" + report.get("caveat", "")
        self.query_one("#trends-works", Static).update(measured)
        advice = advice_text(report.get("advice", []), app.area_label)
        advice_panel = self.query_one("#trends-advice", Static)
        advice_panel.update(advice)
        advice_panel.set_class(not advice, "-hidden")

    def _draw_chart(self, weeks: list[dict], areas: list[str]) -> None:
        from textual_plotext import PlotextPlot

        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [week["week"].split("-")[-1] for week in weeks]  # "W47"
        positions = list(range(1, len(weeks) + 1))
        legend: list[str] = []
        for number, area in enumerate(areas):
            points = [
                (position, week["areas"][area]["mean"])
                for position, week in zip(positions, weeks, strict=True)
                if area in week.get("areas", {}) and week["areas"][area].get("mean") is not None
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            marker = MARKERS[number % len(MARKERS)]
            # Our own legend under the chart: plotext's would cover the top-left points.
            plt.plot(xs, ys, marker=marker)
            legend.append(f"{marker} {self.app.area_label(area)}")
        plt.xticks(positions, labels)
        plt.xlim(0.5, len(weeks) + 0.5)
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        plt.xlabel("ISO week")
        plt.ylabel("resting pain 0-10")
        plt.title("Resting pain per area, weekly mean (lower is better)")
        plot.refresh()
        self.query_one("#trends-legend", Static).update("   ".join(legend))


def _areas_in(weeks: list[dict], profile_areas) -> list[str]:
    seen = [area for area in profile_areas]
    for week in weeks:
        for area in week.get("areas", {}):
            if area not in seen:
                seen.append(area)
    return seen


def week_table(weeks: list[dict], areas: list[str], label) -> str:
    """Plain-text table: last week's and this week's mean per area, the change and the flag."""
    if not weeks:
        return "No weeks yet."
    this_week = weeks[-1].get("areas", {})
    last_week = weeks[-2].get("areas", {}) if len(weeks) > 1 else {}
    lines = [f"{'Area':<18} {'last':>4} {'this':>4} {'chg':>5}  flag"]
    for area in areas:
        now, before = this_week.get(area, {}), last_week.get(area, {})
        if not now and not before:
            continue
        change = shown_change(before.get("mean") if before else None,
                              now.get("mean") if now else None)
        lines.append(
            f"{fit_words(label(area), 18):<18} {_mean(before):>4} {_mean(now):>4} "
            f"{_signed(change):>5}  {FLAG_WORDS.get(now.get('flag'), now.get('flag') or '-')}"
        )
    if len(lines) == 1:
        return "No resting ratings in the last two weeks: press l to log one."
    return "\n".join(lines)


def works_text(works: list, catalog) -> str:
    """What helped most: mean pain change within a session (after - before), by muscle and
    by technique; negative numbers mean less pain after the session."""
    if not works:
        return "No session has lowered pain right after yet (only completed steps count)."
    muscles = [item for item in works if item.get("kind") == "muscle"][:5]
    techniques = [item for item in works if item.get("kind") == "technique"][:3]
    lines = []
    for item in muscles + techniques:
        lines.append(f"{fit_words(_works_name(item, catalog), 22):<22} "
                     f"{_signed(item.get('mean_change')):>5}"
                     f" ({item.get('count', 0)}x)")
    return "\n".join(lines)


def _works_name(item: dict, catalog) -> str:
    name = str(item.get("id", ""))
    if item.get("kind") == "muscle":
        target = catalog.targets.get(name)
        return target.name if target else name
    return name.replace("-", " ")


def advice_text(advice: list, label) -> str:
    lines = []
    for item in advice:
        area = str(item.get("area", ""))
        reason = str(item.get("reason", "")).removeprefix(f"{area}: ")
        lines.append(f"{label(area)}: {item.get('advice', 'see a clinician')}. {reason}")
    return "\n".join(lines)


def shown_change(before: float | None, now: float | None) -> float | None:
    """The change between the two numbers as shown (one decimal), so "3.3 3.7" says +0.4."""
    if before is None or now is None:
        return None
    return round(round(now, 1) - round(before, 1), 1)


def _mean(stats: dict) -> str:
    mean = stats.get("mean") if stats else None
    return "-" if mean is None else f"{mean:.1f}"


def _signed(value) -> str:
    return "-" if value is None else f"{value:+.1f}"
