"""Where coach keeps its data.

COACH_HOME overrides the platform's user data directory. The directory is private
(0700): it holds health data.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

APP_NAME = "coach"


def data_dir(create: bool = True) -> Path:
    """The data and config directory, created private (0700) on first use."""
    override = os.environ.get("COACH_HOME")
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if create and not path.is_dir():
        try:
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, 0o700)
        except OSError as error:
            from coach.errors import CoachError

            what = ("is a file, not a folder" if path.exists() or error.errno == errno.EEXIST
                    else f"cannot be created ({error.strerror})")
            raise CoachError(f"the data folder {path} {what}; point COACH_HOME at a folder "
                             "you can write to.") from None
    return path


def cache_dir() -> Path:
    """Where coach keeps things it can always rebuild (the parsed routine library)."""
    if os.environ.get("COACH_HOME"):
        return data_dir() / "cache"  # created private first, never by the cache's mkdir
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_routines_dir() -> Path:
    """The folder where a person adds or overrides routine library entries."""
    return data_dir(create=False) / "routines"


def log_file() -> Path:
    """The reminder runner's log file."""
    return data_dir() / "coach.log"
