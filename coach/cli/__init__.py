"""The `coach` command line: a public contract, keep it stable.

Each command lives in its own module and is imported only when it runs, so
`coach today` never pays for Textual, APScheduler or plotting.
"""

from __future__ import annotations

import importlib
import sys

import click

from coach import __version__

# command name -> "module:attribute"; loaded on first use.
COMMANDS = {
    "today": "coach.cli.today:today",
    "catalog": "coach.cli.catalog:catalog",
    "log": "coach.cli.pain:log",
    "report": "coach.cli.pain:report",
    "export": "coach.cli.data:export",
    "import": "coach.cli.data:import_",
    "profile": "coach.cli.profile:profile",
    "doctor": "coach.cli.doctor:doctor",
    "remind": "coach.cli.remind:remind",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            return None  # a command whose module is not there yet
        return getattr(module, attribute)

    def resolve_command(self, ctx, args):
        cmd_name = args[0] if args else ""
        if cmd_name and cmd_name not in COMMANDS and not cmd_name.startswith("-"):
            from coach.errors import UsageError, closest

            hint = closest(cmd_name, list(COMMANDS))
            suggestion = f" (did you mean {hint}?)" if hint else ""
            raise UsageError(
                f"unknown command {cmd_name!r}{suggestion}; run 'coach --help' for the list."
            )
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.option(
    "--demo",
    is_flag=True,
    help="Open the app on a throw-away data directory with 8 weeks of sample history.",
)
@click.pass_context
def main(ctx: click.Context, debug: bool, demo: bool) -> None:
    """coach: a daily self-massage routine for desk workers, with timed sessions,
    a pain log, break reminders and weekly trends.

    Run without a command to open the app.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        from coach.cli.app import open_app

        open_app(demo=demo)


def run(argv: list[str] | None = None) -> None:
    """The console-script entry point: one line on stderr and a clear exit code."""
    from coach.errors import CoachError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        main.main(args=args, prog_name="coach", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("coach: stopped.", err=True)
        sys.exit(1)
    except click.UsageError as error:
        if debug:
            raise
        where = f" (run '{error.ctx.command_path} --help')" if error.ctx else ""
        _say(f"{error.format_message()}{where}")
        sys.exit(2)
    except click.ClickException as error:
        if debug:
            raise
        _say(error.format_message())
        sys.exit(error.exit_code)
    except CoachError as error:
        if debug:
            raise
        _say(str(error))
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("coach: stopped.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as error:  # the last line of defence: one sentence, no traceback
        if debug:
            raise
        _say(f"unexpected error: {type(error).__name__}: {error} "
             "(run again with --debug for details).")
        sys.exit(1)


def _say(message: str) -> None:
    """One line on stderr, whatever the message holds: a control character typed into an
    argument (a newline, a carriage return) is shown escaped, never as a line break."""
    shown = "".join(
        " " if char == "\n" else char if char.isprintable() else repr(char)[1:-1]
        for char in message.strip()
    )
    click.echo(f"coach: {shown}", err=True)
