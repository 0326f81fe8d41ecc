"""`coach remind ...`: break and routine reminders.

Settings live in the store under settings["reminders"]; a running runner picks up a
change within a minute. Every command validates all its input before changing anything.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import click

from coach.errors import CoachError, UsageError


def _store():
    from coach.store import Store

    return Store()


def _settings_and_now(store):
    from coach.reminders.runner import read_settings

    settings = read_settings(store)
    return settings, datetime.now(settings.zone())


def _save(store, change) -> dict:
    """Apply change(stored reminder dict) -> new dict, validated as a whole before saving."""
    from coach.reminders.actions import save_reminder_settings

    return save_reminder_settings(store, change)


def _when(moment: datetime, now: datetime) -> str:
    from coach.reminders.actions import when_text

    return when_text(moment, now)


def _summary(settings) -> str:
    from coach.reminders.settings import format_days

    parts = [f"{format_days(settings.working_days)} {settings.work_start:%H:%M}-"
             f"{settings.work_end:%H:%M}"]
    parts.append(f"a break every {settings.break_interval_min} min" if settings.breaks
                 else "break reminders off")
    times = ", ".join(f"{moment:%H:%M}" for moment in settings.routine_times)
    parts.append(f"routine at {times}" if times else "no routine reminder")
    if settings.quiet:
        parts.append("quiet " + ", ".join(period.label() for period in settings.quiet))
    parts.append(f"snooze {settings.snooze_min} min")
    if settings.timezone:
        parts.append(f"time zone {settings.timezone}")
    return "; ".join(parts)


@click.group()
def remind() -> None:
    """Break reminders through the working day and the daily routine reminder."""


@remind.command()
@click.option("--tick-seconds", type=float, default=60.0, hidden=True,
              help="Testing: how often to look at the settings and the clock.")
@click.option("--fast", is_flag=True, hidden=True,
              help="Testing: a break-interval minute lasts one second.")
def run(tick_seconds: float, fast: bool) -> None:
    """Send reminders in the foreground until Ctrl+C (one runner per user)."""
    from coach.reminders.runner import run_foreground

    if not 0.2 <= tick_seconds <= 60:
        raise UsageError("--tick-seconds must be between 0.2 and 60.")
    minute = timedelta(seconds=1) if fast else timedelta(minutes=1)
    run_foreground(_store(), tick_s=tick_seconds, minute=minute,
                   say=lambda text: click.echo(text))


@remind.command(name="set")
@click.option("--days", help="Working days, e.g. mon-fri or mon,tue,thu.")
@click.option("--hours", help="Working hours, e.g. 09:00-17:30.")
@click.option("--every", help="Minutes between break reminders (5-240).")
@click.option("--breaks", type=click.Choice(["on", "off"]), help="Break reminders on or off.")
@click.option("--routine-at", multiple=True,
              help="Daily routine reminder time, e.g. 12:30 (repeat for more; 'none' for none).")
@click.option("--quiet", multiple=True,
              help="Quiet period, e.g. 12:00-13:00 or 'mon,wed 10:00-10:30' (repeat; 'none').")
@click.option("--snooze-minutes", help="Default snooze length in minutes (1-120).")
@click.option("--timezone", help="Time zone, e.g. Europe/London ('local' for the computer's).")
def set_(days, hours, every, breaks, routine_at, quiet, snooze_minutes, timezone) -> None:
    """Change the reminder settings (with no option: show them)."""
    from coach.reminders import settings as parse
    from coach.reminders.settings import ReminderSettings

    changes: dict = {}
    if days is not None:
        changes["working_days"] = list(parse.parse_days(days))
    if hours is not None:
        start, end = parse.parse_span(hours, "the working hours")
        changes["hours"] = f"{start:%H:%M}-{end:%H:%M}"
    if every is not None:
        changes["break_interval_min"] = parse.parse_interval(every)
    if breaks is not None:
        changes["breaks"] = breaks == "on"
    if routine_at:
        if [text.strip().lower() for text in routine_at] == ["none"]:
            changes["routine_times"] = []
        else:
            clocks = sorted({parse.parse_clock(text) for text in routine_at})
            changes["routine_times"] = [f"{clock:%H:%M}" for clock in clocks]
    if quiet:
        if [text.strip().lower() for text in quiet] == ["none"]:
            changes["quiet"] = []
        else:
            changes["quiet"] = [parse.parse_quiet(text).label() for text in quiet]
    if snooze_minutes is not None:
        changes["snooze_min"] = parse.parse_snooze_minutes(snooze_minutes)
    if timezone is not None:
        changes["timezone"] = (None if timezone.strip().lower() == "local"
                               else parse.parse_timezone(timezone.strip()))

    store = _store()
    if not changes:
        settings, _ = _settings_and_now(store)
        click.echo(f"Reminders: {_summary(settings)}.")
        return
    saved = _save(store, lambda current: {**current, **changes})
    click.echo(f"Saved. Reminders: {_summary(ReminderSettings.from_dict(saved))}.")
    click.echo("A running runner (or the open app) picks this up within a minute.")


@remind.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Whether reminders run, whether notifications show, and what comes next."""
    from coach.reminders.runner import status as runner_status

    store = _store()
    settings, now = _settings_and_now(store)
    state = runner_status(store, now=now)
    if as_json:
        click.echo(json.dumps({**state, "settings": settings.to_dict()}, indent=2))
        return
    if state["runner_pid"]:
        click.echo(f"Runner: running (pid {state['runner_pid']}, {state.get('runner_mode')}).")
    else:
        click.echo("Runner: not running; start it with 'coach remind run' (or at login: "
                   "'coach remind install'). Reminders also come while the app is open.")
    if state["backend_ok"]:
        click.echo(f"Notifications: shown through {state['backend']}.")
    else:
        click.echo(f"Notifications: not shown ({state['backend']}): {state['reason']}.")
    if state["paused_until"]:
        until = datetime.fromisoformat(state["paused_until"])
        click.echo(f"Paused until {_when(until, now)}; 'coach remind resume' ends the pause.")
    idle = state.get("idle")
    if idle:
        locked = ", screen locked" if idle["locked"] else ""
        click.echo(f"Away: idle {idle['seconds']} s{locked} (from {idle['source']}).")
    else:
        click.echo("Away: not known here (no idle source answers); breaks follow the clock.")
    busy = state.get("busy")
    if busy:
        click.echo(f"Busy: {busy['reason']} ({busy['source']}); due reminders wait.")
    for item in state.get("deferred", []):
        due = _when(datetime.fromisoformat(item["due"]), now)
        click.echo(f"Waiting: the {item['kind']} reminder due {due} ({item['reason']}).")
    upcoming = [f"{item['kind']} at {_when(datetime.fromisoformat(item['at']), now)}"
                for item in state["next"]]
    click.echo("Next: " + ("; ".join(upcoming) if upcoming else "nothing planned") + ".")
    click.echo(f"Settings: {_summary(settings)}.")


@remind.command()
def test() -> None:
    """Send one notification now, through the same path as real reminders."""
    from coach.reminders.notifier import PlyerNotifier

    notifier = PlyerNotifier()
    state = notifier.check()
    if not state.ok:
        raise CoachError(f"notifications cannot be shown: {state.reason}.")
    if not notifier.send("coach: test reminder",
                         "Reminders will look like this. Nothing to do now.", timeout_s=10):
        reason = notifier.check().reason or "the notification service did not accept it"
        raise CoachError(f"the test notification could not be shown: {reason}.")
    click.echo(f"Sent a test notification through {state.name}.")


@remind.command()
@click.argument("minutes", required=False)
def snooze(minutes: str | None) -> None:
    """Put the last reminder off for MINUTES (default: the snooze setting; 3 times in a row)."""
    from coach.reminders.actions import snooze_last
    from coach.reminders.settings import parse_snooze_minutes

    store = _store()
    settings, now = _settings_and_now(store)
    length = parse_snooze_minutes(minutes) if minutes is not None else settings.snooze_min
    click.echo(snooze_last(store, now, length))


@remind.command()
def skip() -> None:
    """Skip the last reminder (no snooze; the next one comes as planned)."""
    from coach.reminders.actions import skip_last

    store = _store()
    _, now = _settings_and_now(store)
    click.echo(skip_last(store, now))


@remind.command()
def done() -> None:
    """Say you acted on the last reminder (took the break, did the routine)."""
    from coach.reminders.actions import done_last

    store = _store()
    _, now = _settings_and_now(store)
    click.echo(done_last(store, now))


@remind.command()
@click.argument("length", metavar="30m|2h|tomorrow")
def pause(length: str) -> None:
    """Pause all reminders for a while (30m, 2h, 1h30m) or until tomorrow."""
    from coach.reminders import actions

    store = _store()
    _, now = _settings_and_now(store)
    click.echo(actions.pause(store, length, now))


@remind.command()
def resume() -> None:
    """End a pause now."""
    from coach.reminders import actions

    store = _store()
    _, now = _settings_and_now(store)
    click.echo(actions.resume(store, now))


@remind.command()
@click.option("--using", type=click.Choice(["auto", "systemd", "autostart"]), default="auto",
              show_default=True,
              help="A systemd user unit, an XDG autostart entry, or whichever this system has.")
def install(using: str) -> None:
    """Start the reminder runner at login."""
    from coach.reminders.service import install as write

    path, steps = write(using)
    click.echo(f"Wrote {path}.")
    if len(steps) > 1:
        click.echo("Turn it on with:")
        for step in steps:
            click.echo(f"  {step}")
    else:
        click.echo(f"It {steps[0].removeprefix('it ')}")


@remind.command()
def uninstall() -> None:
    """Stop starting the runner at login (removes what install wrote)."""
    from coach.reminders.service import UNIT_NAME
    from coach.reminders.service import uninstall as remove

    removed = remove()
    if not removed:
        click.echo("Nothing to remove: reminders were not installed.")
        return
    for path in removed:
        click.echo(f"Removed {path}.")
    if any(path.name == UNIT_NAME for path in removed):
        click.echo(f"If it is running now: systemctl --user stop {UNIT_NAME} && "
                   "systemctl --user daemon-reload")
