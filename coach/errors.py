"""The two kinds of failure the command line reports, each as one plain sentence.

UsageError: the person asked for something wrong (exit 2); nothing was changed.
CoachError: something went wrong that is not the person's input (exit 1).
"""


class CoachError(Exception):
    """A failure that is not the person's fault; the CLI exits 1."""

    exit_code = 1


class UsageError(CoachError):
    """Bad input from the person (a wrong rating, an unknown area...); the CLI exits 2."""

    exit_code = 2


def closest(word: str, choices: list[str]) -> str | None:
    """The choice nearest to a mistyped word, for "did you mean ...?" hints."""
    import difflib

    lowered = {choice.lower(): choice for choice in choices}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.5)
    return lowered[match[0]] if match else None
