"""The `coach` command line: a public contract, keep it stable.

Each command lives in its own module and is imported only when it runs, so
`coach today` never pays for Textual, APScheduler or plotting, and plain `coach`
(the app) never pays for click.
"""

from __future__ import annotations

import gc
import sys

# command name -> "module:attribute"; loaded on first use (coach.cli.group).
COMMANDS = {
    "today": "coach.cli.today:today",
    "catalog": "coach.cli.catalog:catalog",
    "show": "coach.cli.show:show",
    "log": "coach.cli.pain:log",
    "history": "coach.cli.history:history",
    "report": "coach.cli.pain:report",
    "export": "coach.cli.data:export",
    "import": "coach.cli.data:import_",
    "profile": "coach.cli.profile:profile",
    "doctor": "coach.cli.doctor:doctor",
    "remind": "coach.cli.remind:remind",
}
APP_OPTIONS = {"--demo", "--debug"}
VOICE_OPTION = "--voice"  # --voice auto|speech-dispatcher|espeak-ng|off, for the app only


def run(argv: list[str] | None = None) -> None:
    """The console-script entry point: one line on stderr and a clear exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app_options = _app_options(args)
        if app_options is not None:
            # No garbage collection while the app's modules load: they make many objects
            # and almost no garbage (a few hundred objects), and each collection would walk
            # them all again. The app starts it again once its first screen is painted.
            gc.disable()
            try:
                from coach.cli.app import open_app

                flags, voice = app_options
                open_app(demo="--demo" in flags, voice=voice)
            finally:
                gc.enable()
        else:
            _run_command(args)
    except SystemExit:
        raise
    except BaseException as error:
        if debug and not isinstance(error, KeyboardInterrupt):
            raise
        sys.exit(_report(error))


def _app_options(args: list[str]) -> tuple[set[str], str | None] | None:
    """(flags, --voice value) when args only hold the app's options; None for a command."""
    flags: set[str] = set()
    voice = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in APP_OPTIONS:
            flags.add(arg)
        elif arg == VOICE_OPTION or arg.startswith(VOICE_OPTION + "="):
            value = arg.partition("=")[2] if "=" in arg else (rest.pop(0) if rest else "")
            voice = check_voice_option(value)
        else:
            return None
    return flags, voice


def check_voice_option(value: str) -> str:
    from coach.errors import UsageError
    from coach.voice import OPTION_CHOICES

    if value not in OPTION_CHOICES:
        raise UsageError(f"--voice takes one of {', '.join(OPTION_CHOICES)}, not {value!r}; "
                         "for example 'coach --voice off'.")
    return value


def _run_command(args: list[str]) -> None:
    import click

    from coach.cli.group import main

    try:
        main.main(args=args, prog_name="coach", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)


def _report(error: BaseException) -> int:
    """Say what went wrong in one line; the exit code to leave with."""
    from coach.errors import CoachError

    click = sys.modules.get("click")
    if click is not None:
        if isinstance(error, click.exceptions.Abort):
            _say("stopped.")
            return 1
        if isinstance(error, click.UsageError):
            where = f" (run '{error.ctx.command_path} --help')" if error.ctx else ""
            _say(f"{error.format_message()}{where}")
            return 2
        if isinstance(error, click.ClickException):
            _say(error.format_message())
            return error.exit_code
    if isinstance(error, CoachError):
        _say(str(error))
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        _say("stopped.")
        return 130
    if isinstance(error, BrokenPipeError):
        return 1
    # The last line of defence: one sentence, no traceback.
    _say(f"unexpected error: {type(error).__name__}: {error} "
         "(run again with --debug for details).")
    return 1


def _say(message: str) -> None:
    """One line on stderr, whatever the message holds: a control character typed into an
    argument (a newline, a carriage return) is shown escaped, never as a line break."""
    shown = "".join(
        " " if char == "\n" else char if char.isprintable() else repr(char)[1:-1]
        for char in message.strip()
    )
    sys.stderr.write(f"coach: {shown}\n")
    sys.stderr.flush()
