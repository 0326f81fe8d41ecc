"""`coach log` (one pain rating) and `coach report` (weekly trends)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import click

from coach.errors import UsageError

MAX_FUTURE = timedelta(days=1)
EARLIEST_YEAR = 2000  # a pain rating from before then is a typing slip
LATEST_YEAR = 9000
MAX_REPORT_WEEKS = 520
SPARK = "▁▂▃▄▅▆▇█"


def now_local() -> datetime:
    """Now, carrying the local offset (the TZ variable is honoured)."""
    return datetime.now().astimezone()


def parse_rating(text: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text.strip()) or int(text) > 10:
        raise UsageError(
            f"the rating must be a whole number from 0 (no pain) to 10 (worst imaginable), "
            f"not {text!r}."
        )
    return int(text)


def parse_at(text: str, now: datetime) -> datetime:
    """An ISO 8601 time; without an offset it is local time where the person is."""
    hint = "use ISO 8601, e.g. 2026-11-22T09:30 or 2026-11-22T09:30+01:00"
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--at {text!r} is not a date and time; {hint}.") from None
    if moment.year < EARLIEST_YEAR:
        raise UsageError(f"--at {text!r} is too far in the past; {hint}.")
    if moment.year > LATEST_YEAR:
        raise UsageError(f"--at {text!r} is too far in the future; {hint}.")
    if moment.tzinfo is None:
        from coach.transfer import local_time

        # local rules at that moment; a skipped or doubled hour is refused, never moved
        moment = local_time(moment, f"--at {text!r}")
    if moment - now > MAX_FUTURE:
        raise UsageError(
            f"--at {text!r} is more than a day in the future; log pain you have felt, "
            "not pain you expect."
        )
    return moment


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("area", required=False)
@click.argument("rating", metavar="RATING", required=False)
@click.option("--phase", type=click.Choice(["before", "after", "check-in"]), default="check-in",
              show_default=True, help="before or after a session, or a check-in at any time.")
@click.option("--at", "at_text", metavar="ISO-8601",
              help="When you felt it (default now); without an offset it is your local time.")
@click.option("--note", default="", help="A short note (at most 2,000 characters).")
@click.option("--undo", is_flag=True,
              help="Delete the last rating you gave (the deletion is kept in the history).")
def log(area: str | None, rating: str | None, phase: str, at_text: str | None, note: str,
        undo: bool) -> None:
    """Log a pain RATING (0 no pain to 10 worst imaginable) for an AREA: `coach log neck 4`.

    `coach log --undo` deletes the last rating given.
    """
    from coach.store import MAX_NOTE_CHARS, Rating, Store

    if undo:
        if area is not None or rating is not None:
            raise UsageError("--undo takes no area or rating; run 'coach log --undo' alone.")
        _undo_last()
        return
    if area is None or rating is None:
        raise UsageError("give an area and a rating, e.g. 'coach log neck 4' "
                         "('coach catalog' lists the areas).")
    value = parse_rating(rating)
    if len(note) > MAX_NOTE_CHARS:
        raise UsageError(
            f"the note is {len(note)} characters long; keep it to {MAX_NOTE_CHARS:,} or fewer."
        )
    now = now_local()
    moment = parse_at(at_text, now) if at_text is not None else now
    from coach.catalog import load_catalog

    area_id = load_catalog().resolve_area(area)
    stored = Store().add_rating(Rating(area_id, value, phase, moment, note=note))
    click.echo(
        f"Logged {area_id} {stored.rating}/10 ({phase}) at "
        f"{stored.at.strftime('%a %d %b %Y %H:%M %z')}."
    )


def _undo_last() -> None:
    from coach.history import delete_rating, last_rating
    from coach.store import Store

    store = Store()
    now = now_local()
    last = last_rating(store.ratings(until=now + MAX_FUTURE))
    if last is None:
        raise UsageError("there is no rating to undo yet.")
    delete_rating(store, last.id, now)
    click.echo(f"Deleted {last.area} {last.rating}/10 ({last.phase}) from "
               f"{last.at:%a %d %b %Y %H:%M}; the deletion is kept in your history.")


def sparkline(means: list[float | None]) -> str:
    """One character per week on the fixed 0-10 scale ("·" for a week without ratings)."""
    marks = []
    for mean in means:
        if mean is None:
            marks.append("·")
        else:
            marks.append(SPARK[round(mean / 10 * (len(SPARK) - 1))])
    return "".join(marks)


def _number(value, suffix: str = "") -> str:
    """One format everywhere: one decimal ("6.0", "4.5", "3.3"), signed for a change."""
    if value is None:
        return "-"
    return f"{value:+.1f}{suffix}" if suffix else f"{value:.1f}"


def _signed(value) -> str:
    return "-" if value is None else f"{value:+.1f}"


def _count(value) -> str:
    return "-" if value is None else f"{round(value)}"


def shown_change(before: float | None, now: float | None) -> tuple:
    """(points, percent) between two weekly means as shown (one decimal): the arithmetic on
    the screen adds up."""
    if before is None or now is None:
        return None, None
    change = round(round(now, 1) - round(before, 1), 1)
    shown_before = round(before, 1)
    percent = round(change / shown_before * 100) if shown_before else None
    return change, percent


def format_report(report) -> str:
    """The TrendReport as text: one row per area, then the week's counts, then what works."""
    weeks = report.weeks
    areas = sorted({area for week in weeks for area in week.areas})
    labels = [week.week for week in weeks]
    width = max(8, *(len(label) for label in labels))
    lines = [
        f"Resting pain by week, 0-10 ({weeks[0].start} to {weeks[-1].end}; "
        "mean of before and check-in ratings)",
        "",
        f"{'':<24}" + "".join(f"{label:>{width + 2}}" for label in labels) + "   trend",
    ]
    if not areas:
        lines.append("  No pain ratings in these weeks yet; log one with 'coach log neck 4'.")
    for area in areas:
        means = [week.areas[area].mean for week in weeks]
        cells = "".join(f"{_number(mean):>{width + 2}}" for mean in means)
        latest = weeks[-1].areas[area]
        change = ""
        points, percent = shown_change(means[-2] if len(means) > 1 else None, means[-1])
        if latest.change is not None and points is not None:
            shown_percent = "-" if percent is None else f"{percent:+d}%"
            change = f" ({_number(points, ' pts')}, {shown_percent})"
        lines.append(f"  {area:<22}{cells}   {sparkline(means)}  {latest.flag}{change}")
    lines.append("")
    rows = [
        ("sessions", lambda week: _count(week.sessions)),
        ("minutes", lambda week: _count(week.minutes)),
        ("session effect", lambda week: _signed(week.session_change)),
        ("reminders acted on", lambda week: _count(week.reminders_acted)),
    ]
    for title, shown in rows:
        cells = "".join(f"{shown(week):>{width + 2}}" for week in weeks)
        lines.append(f"  {title:<22}{cells}")
    for title, key in (("breaks taken", "taken"), ("breaks skipped", "skipped"),
                       ("breaks snoozed", "snoozed"), ("breaks missed away", "missed_away")):
        cells = "".join(f"{_number(week.breaks[key]):>{width + 2}}" for week in weeks)
        lines.append(f"  {title:<22}{cells}")
    for items, title in ((report.after_vs_before, "Less pain right after than right before"),
                         (report.pain_rose_after, "More pain right after than right before")):
        if items:
            lines += ["", f"{title} (mean change within a session, last 4 weeks):"]
            for item in items:
                lines.append(
                    f"  {item['kind']:<10} {item['id']:<28} "
                    f"{_number(item['mean_change'], ' pts'):>9}"
                    f"   {item['count']} time{'s' if item['count'] != 1 else ''}"
                )
    if report.after_vs_before or report.pain_rose_after:
        lines += [f"  ({report.caveat})"]
    if report.patterns:
        lines += ["", "Watch out:"]
        lines += [f"  {item['text']}" for item in report.patterns]
    if report.advice:
        lines += ["", "Advice:"]
        for item in report.advice:
            lines.append(f"  See a clinician about your {item['area']}: {item['reason']}")
    return "\n".join(lines)


def report_csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = ["mean", "n", "min", "max", "change", "change_pct", "flag"]
    writer.writerow(["week", "start", "end", "area", *fields])
    for week in report.weeks:
        for area, stats in sorted(week.areas.items()):
            values = [getattr(stats, name) for name in fields]
            writer.writerow([week.week, week.start, week.end, area,
                             *("" if value is None else value for value in values)])
    return buffer.getvalue()


@click.command()
@click.option("--weeks", type=click.IntRange(1, MAX_REPORT_WEEKS), default=None,
              help="How many ISO weeks to show (default 4; 8 for --html and --pdf).")
@click.option("--since", "since_text", metavar="YYYY-MM-DD",
              help="Start with the week of this day (instead of --weeks).")
@click.option("--until", "until_text", metavar="YYYY-MM-DD",
              help="Show the weeks ending with the week of this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, one row per week and area.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the clinician report as one self-contained HTML page (private, 0600).")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the clinician report as a PDF (private, 0600).")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4",
              show_default=True, help="The page size of --html and --pdf.")
def report(weeks: int | None, since_text: str | None, until_text: str | None, as_json: bool,
           as_csv: bool, html_file: Path | None, pdf_file: Path | None, paper: str) -> None:
    """Weekly pain trends per area, sessions, and pain right after against right before; or
    the clinician report to print or share (--html FILE, --pdf FILE)."""
    from coach.cli.common import parse_day, print_json
    from coach.store import Store

    if as_json and as_csv:
        raise UsageError("choose one of --json and --csv, not both.")
    if weeks is not None and since_text is not None:
        raise UsageError("give --weeks or --since, not both.")
    now = now_local()
    until = parse_day(until_text, "--until") or now.date()
    if not EARLIEST_YEAR <= until.year <= LATEST_YEAR:
        raise UsageError(f"--until {until_text!r} is out of range; give a date like 2026-11-22.")
    since = parse_day(since_text, "--since")
    files = [path for path in (html_file, pdf_file) if path is not None]
    for path in files:
        check_output_file(path)
    from coach.report.model import DEFAULT_WEEKS, Period

    if since is not None:
        if since > until:
            raise UsageError(f"--since {since_text} is after --until {until}; give an earlier "
                             "start.")
        period = Period.between(since, until)
        if period.weeks > MAX_REPORT_WEEKS:
            raise UsageError(f"--since {since_text} is more than {MAX_REPORT_WEEKS} weeks back; "
                             "give a later start.")
    else:
        period = Period.of(weeks or (DEFAULT_WEEKS if files else 4), until)
    model = build_model(Store(), period, now)
    if html_file is not None:
        from coach.report.html import render_html

        write_report(html_file, render_html(model, paper.lower()).encode("utf-8"), "HTML", model)
    if pdf_file is not None:
        from coach.report.pdf import render_pdf

        write_report(pdf_file, render_pdf(model, paper.lower()), "PDF", model)
    if as_json:
        print_json(model.to_json())
    elif as_csv:
        click.echo(report_csv(model.trend_report), nl=False)
    elif not files:
        click.echo(format_report(model.trend_report))


def build_model(store, period, now: datetime):
    """The one report for the period: `--json`, the text, the HTML and the PDF all show it."""
    from coach.catalog import load_catalog
    from coach.report.model import build_report as build

    return build(store, load_catalog(), period, now, now.tzinfo)


def check_output_file(path: Path) -> None:
    """Refuse, before any work, a report file that cannot be written; one sentence on why."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the report.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"the folder {folder} does not exist; create it or choose another file.")


def write_report(path: Path, data: bytes, kind: str, model) -> None:
    from coach.report import write_private

    try:
        write_private(path, data)
    except OSError as error:
        raise UsageError(f"cannot write {path} ({error.strerror}); choose another file.") \
            from None
    period = model.period
    weeks = f"{period.weeks} week{'s' if period.weeks != 1 else ''}"
    click.echo(f"Wrote the {kind} report ({weeks}, {period.first} to "
               f"{period.last}) to {path}.", err=True)
