"""The clinician report as a PDF, from the same blocks as the HTML page (coach.report.content).

Drawn with fpdf2: pure Python, draws our SVG charts as vectors (so the PDF's charts are the
page's charts, sharp in print), embeds a Unicode TrueType font, and lays out tables that
break across pages. DejaVu Sans is used when the system has it (fonts-dejavu-core); without
it the PDF falls back to the built-in Helvetica, and characters outside Latin-1 are replaced.
"""

from __future__ import annotations

import io
from pathlib import Path

from coach.report.content import Chart, Document, Meta, Para, Table, document
from coach.report.model import ReportModel

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
MARGIN_MM = 12
BASE_PT = 8.4


def _font_dir() -> Path | None:
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    return None


PAPERS = {"a4": "A4", "letter": "Letter"}


def render_pdf(model: ReportModel, paper: str = "a4") -> bytes:
    return render_document(document(model), paper)


def render_document(doc: Document, paper: str = "a4") -> bytes:
    from fpdf import FPDF

    class ReportPDF(FPDF):
        def footer(self) -> None:
            """Every page: self-recorded data, not a diagnosis; and the page number."""
            self.set_y(-MARGIN_MM - 2)
            self.set_font(family, "", 6.8)
            self.multi_cell(0, 2.8, clean(f"{doc.footer} Page {self.page_no()}."),
                            new_x="LMARGIN", new_y="NEXT")

    pdf = ReportPDF(orientation="portrait", unit="mm", format=PAPERS[paper])
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM + 4)
    pdf.set_title(doc.title)
    pdf.set_creator("coach")
    folder = _font_dir()
    if folder is not None:
        for style, name in FONT_FILES.items():
            pdf.add_font("report", style, str(folder / name))
        family, clean = "report", str
    else:
        family = "helvetica"

        def clean(text: str) -> str:
            return text.encode("latin-1", "replace").decode("latin-1")

    writer = _Writer(pdf, family, clean, doc.footer)
    pdf.add_page()
    writer.title(doc.title)
    for section in doc.sections:
        writer.section(section)
    return bytes(pdf.output())


class _Writer:
    def __init__(self, pdf, family: str, clean, footer: str):
        self.pdf = pdf
        self.family = family
        self.clean = clean
        self.footer_text = footer

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def font(self, style: str = "", size: float = BASE_PT) -> None:
        self.pdf.set_font(self.family, style, size)

    def title(self, text: str) -> None:
        self.font("B", 14)
        self.pdf.cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def section(self, section) -> None:
        if section.keep_together:
            self._keep_on_one_page(section)
        if section.title:
            self.pdf.ln(1.5)
            self.font("B", 10.5)
            self.pdf.cell(0, 5.5, self.clean(section.title), new_x="LMARGIN", new_y="NEXT")
            y = self.pdf.get_y()
            self.pdf.set_line_width(0.2)
            self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
            self.pdf.ln(1)
        for block in section.blocks:
            self.block(block)

    def _keep_on_one_page(self, section) -> None:
        """Start a new page when the section would not fit: a chart or table is never cut."""
        trial = self.pdf.get_y()
        with self.pdf.offset_rendering() as dummy:
            writer = _Writer(dummy, self.family, self.clean, self.footer_text)
            if section.title:
                writer.font("B", 10.5)
                dummy.cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
            for block in section.blocks:
                writer.block(block)
        if dummy.page_break_triggered:
            self.pdf.add_page()
        del trial

    def block(self, block) -> None:
        if isinstance(block, Meta):
            self._meta(block)
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Para):
            self._para(block)
        else:
            raise TypeError(f"no PDF for {type(block).__name__}")

    def _meta(self, meta: Meta) -> None:
        for key, value in meta.rows:
            self.font("B")
            self.pdf.cell(26, 4, self.clean(key))
            self.font()
            self.pdf.multi_cell(0, 4, self.clean(value), new_x="LMARGIN", new_y="NEXT")

    def _chart(self, chart: Chart) -> None:
        width = self.width * chart.share
        height = width * chart.height / chart.width
        self.pdf.image(io.BytesIO(chart.svg.encode("utf-8")), x=self.pdf.l_margin,
                       y=self.pdf.get_y(), w=width, h=height)
        self.pdf.set_y(self.pdf.get_y() + height + 1)

    def _para(self, para: Para) -> None:
        size = 7.2 if para.style in ("small", "caveat") else BASE_PT
        style = "I" if para.style == "caveat" else ""
        if para.style == "bold-lead" and ": " in para.text:
            lead, rest = para.text.split(": ", 1)
            self.font("", size)
            self.pdf.multi_cell(0, 3.8, self.clean(f"**{lead}:** {rest}"), markdown=True,
                                new_x="LMARGIN", new_y="NEXT")
            return
        self.font(style, size)
        self.pdf.multi_cell(0, 3.3 if size < BASE_PT else 3.8, self.clean(para.text),
                            new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(0.6)

    def _table(self, table: Table) -> None:
        from fpdf.enums import TableBordersLayout
        from fpdf.fonts import FontFace

        self.font("", 7.8)
        widths = table.widths or tuple(1 for _ in table.headers)
        total = sum(widths)
        with self.pdf.table(
            col_widths=tuple(width / total * self.width for width in widths),
            width=self.width, text_align=tuple(
                "RIGHT" if index in table.numeric else "LEFT" for index in range(len(widths))
            ),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=3.4,
            headings_style=FontFace(emphasis="BOLD"), padding=(0.2, 1), v_align="TOP",
        ) as grid:
            row = grid.row()
            for text in table.headers:
                row.cell(self.clean(text))
            for values in table.rows:
                row = grid.row()
                for text in values:
                    row.cell(self.clean(text))
        self.pdf.ln(1)
