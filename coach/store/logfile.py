"""The reminder runner's log file, kept apart from files.py so that reading the store does
not import logging.handlers (and the socket and pickle modules it pulls in)."""

from __future__ import annotations

import logging.handlers
import os
from pathlib import Path

from coach.store.files import open_private


class PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 and never opened through a symlink."""

    def _open(self):
        return os.fdopen(open_private(Path(self.baseFilename), append=True), "a",
                         encoding=self.encoding or "utf-8")
