"""The clinician report: one ReportModel (model.py), rendered as HTML (html.py) and PDF (pdf.py).

Writing a report file: `write_private` creates it 0600 without following a link.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

FILE_MODE = 0o600


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, private (0600); a link at `path` is replaced, never followed.

    The bytes go to a new temporary file beside it (O_EXCL|O_NOFOLLOW), which then replaces
    `path` whole: a crash leaves the old file or the new one, and a report never lands in a
    file someone else pointed a symlink at.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    temp = folder / f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(temp, flags, FILE_MODE)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, FILE_MODE)
            os.fsync(fd)
        finally:
            os.close(fd)
        if path.is_dir() and not path.is_symlink():
            raise IsADirectoryError(21, "Is a directory", str(path))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


SHARE_FOLDER = "reports"


def share_report(store, catalog, now, tz, folder: Path | None = None) -> tuple[Path, Path]:
    """"Share a report": the last 8 weeks as HTML and PDF in the data folder's reports/.

    Returns the (HTML, PDF) paths; a report made earlier the same day is replaced.
    """
    from coach.report.html import render_html
    from coach.report.model import DEFAULT_WEEKS, Period, build_report
    from coach.report.pdf import render_pdf
    from coach.storage import ensure_dir

    model = build_report(store, catalog, Period.of(DEFAULT_WEEKS, now.date()), now, tz)
    folder = Path(folder) if folder is not None else Path(store.directory) / SHARE_FOLDER
    ensure_dir(folder)
    stem = f"coach-report-{now.date().isoformat()}"
    html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
    write_private(html_path, render_html(model).encode("utf-8"))
    write_private(pdf_path, render_pdf(model))
    return html_path, pdf_path
