"""Trends: resting pain per area over 8 weeks, this week against last, pain right after a
session against right before, advice.

The chart is textual-plotext: plotext draws real axes with tick labels and a legend in
plain characters, so it stays readable without colour (each area also has its own marker).
History loads in a thread worker; the screen paints at once and never freezes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coach.trends import FLAG_WORDS
from coach.tui.fit import fit_words
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.title_bar import TitleBar

WEEKS = 8
MARKERS = ("o", "x", "+", "*", "#", "@", "%", "&", "=", "~", "^", "$", "?", "!")


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
        self.report = None  # the TrendReport on screen

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
        """Worker thread: the core reads the store and computes the report, off the UI."""
        from coach.trends import report_for

        app = self.app
        try:
            report = report_for(app.store, WEEKS, app.today(), app.tz)
        except Exception as error:  # shown on screen; the app stays usable
            app.call_from_thread(self._failed, error)
            return
        app.call_from_thread(self._show, report)

    def _failed(self, error: Exception) -> None:
        self.query_one("#trends-loading", Static).update(f"Could not load trends: {error}")

    def _show(self, report) -> None:
        self.report = report
        app = self.app
        weeks = report.weeks
        areas = _areas_in(weeks, app.profile().areas)
        loading = self.query_one("#trends-loading", Static)
        total = sum(stats.n for week in weeks for stats in week.areas.values())
        loading.update(f"{total} resting ratings over {len(weeks)} weeks · "
                       "l logs pain · s shares a report")
        self._draw_chart(weeks, areas)
        self.query_one("#trends-week", Static).update(week_table(weeks, areas, app.area_label))
        measured = works_text(report.after_vs_before, app.catalog)
        if report.after_vs_before:
            measured += "\n" + report.caveat
        self.query_one("#trends-works", Static).update(measured)
        advice = advice_text(report.advice, app.area_label)
        advice_panel = self.query_one("#trends-advice", Static)
        advice_panel.update(advice)
        advice_panel.set_class(not advice, "-hidden")

    def _draw_chart(self, weeks, areas: list[str]) -> None:
        """Each area's weekly resting mean as a line, and its mean right after sessions as
        points in the same marker: how far a session brings the week's pain down."""
        from textual_plotext import PlotextPlot

        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [week.week.split("-")[-1] for week in weeks]  # "W47"
        positions = list(range(1, len(weeks) + 1))
        legend: list[str] = []
        for number, area in enumerate(areas):
            marker = MARKERS[number % len(MARKERS)]
            resting = _points(positions, weeks, area, "mean")
            after = _points(positions, weeks, area, "after_mean")
            if resting:
                # Our own legend under the chart: plotext's would cover the top-left points.
                plt.plot(*zip(*resting, strict=True), marker=marker)
            if after:
                plt.scatter(*zip(*after, strict=True), marker=marker.upper()
                            if marker.isalpha() else marker)
            if resting or after:
                legend.append(f"{marker} {self.app.area_label(area)}")
        plt.xticks(positions, labels)
        plt.xlim(0.5, len(weeks) + 0.5)
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        plt.xlabel("ISO week")
        plt.ylabel("pain 0-10")
        plt.title("Resting pain per area, weekly mean (lines); right after sessions (points)")
        plot.refresh()
        self.query_one("#trends-legend", Static).update("   ".join(legend))


def _points(positions: list[int], weeks, area: str, field: str) -> list[tuple[int, float]]:
    """(position, value) for the weeks where the area has that value."""
    points = []
    for position, week in zip(positions, weeks, strict=True):
        stats = week.areas.get(area)
        value = getattr(stats, field) if stats is not None else None
        if value is not None:
            points.append((position, value))
    return points


def _areas_in(weeks, profile_areas) -> list[str]:
    seen = [area for area in profile_areas]
    for week in weeks:
        for area in week.areas:
            if area not in seen:
                seen.append(area)
    return seen


def week_table(weeks, areas: list[str], label) -> str:
    """Plain-text table: last week's and this week's mean per area, the change and the flag."""
    if not weeks:
        return "No weeks yet."
    this_week = weeks[-1].areas
    last_week = weeks[-2].areas if len(weeks) > 1 else {}
    lines = [f"{'Area':<18} {'last':>4} {'this':>4} {'chg':>5}  flag"]
    for area in areas:
        now, before = this_week.get(area), last_week.get(area)
        if now is None and before is None:
            continue
        change = shown_change(before.mean if before else None, now.mean if now else None)
        flag = now.flag if now else None
        lines.append(
            f"{fit_words(label(area), 18):<18} {_mean(before):>4} {_mean(now):>4} "
            f"{_signed(change):>5}  {FLAG_WORDS.get(flag, flag or '-')}"
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


def _mean(stats) -> str:
    mean = stats.mean if stats is not None else None
    return "-" if mean is None else f"{mean:.1f}"


def _signed(value) -> str:
    return "-" if value is None else f"{value:+.1f}"
