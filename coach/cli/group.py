"""The click command group behind `coach`: commands are imported only when invoked."""

from __future__ import annotations

import importlib

import click

from coach import __version__
from coach.cli import COMMANDS


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
@click.option(
    "--voice",
    metavar="auto|speech-dispatcher|espeak-ng|off",
    default=None,
    help="Speak the session's cues with this speech service, or not at all (this run only).",
)
@click.pass_context
def main(ctx: click.Context, debug: bool, demo: bool, voice: str | None) -> None:
    """coach: a daily self-massage routine for desk workers, with timed sessions,
    a pain log, break reminders and weekly trends.

    Run without a command to open the app.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        from coach.cli import check_voice_option
        from coach.cli.app import open_app

        open_app(demo=demo, voice=check_voice_option(voice) if voice is not None else None)
