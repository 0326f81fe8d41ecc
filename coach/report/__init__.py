"""The clinician report: one ReportModel (model.py), rendered as HTML (html.py) and PDF (pdf.py).

Writing a report file: `write_private` (coach.store.files) creates it 0600 without following a
link.
"""

from __future__ import annotations

from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, private (0600), through coach.store.files.atomic_write: a new
    file (O_EXCL|O_NOFOLLOW) replaces `path` whole, so a crash leaves the old file or the
    new one, and a link at `path` is replaced, never followed."""
    from coach.store.files import atomic_write

    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(21, "Is a directory", str(path))
    atomic_write(path, data)


SHARE_FOLDER = "reports"


def share_report(store, catalog, now, tz, folder: Path | None = None) -> tuple[Path, Path]:
    """"Share a report": the last 8 weeks as HTML and PDF in the data folder's reports/.

    Returns the (HTML, PDF) paths; a report made earlier the same day is replaced.
    """
    from coach.report.html import render_html
    from coach.report.model import DEFAULT_WEEKS, Period, build_report
    from coach.report.pdf import render_pdf
    from coach.store.files import ensure_dir

    model = build_report(store, catalog, Period.of(DEFAULT_WEEKS, now.date()), now, tz)
    folder = Path(folder) if folder is not None else Path(store.directory) / SHARE_FOLDER
    ensure_dir(folder)
    stem = f"coach-report-{now.date().isoformat()}"
    html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
    write_private(html_path, render_html(model).encode("utf-8"))
    write_private(pdf_path, render_pdf(model))
    return html_path, pdf_path
