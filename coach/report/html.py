"""The clinician report as one self-contained HTML page: inline CSS and SVG, no scripts, no links.

Made for printing on one or two A4 or Letter pages in black and white: print CSS keeps each
chart and table whole on a page. Everything shown comes from the ReportModel.
"""

from __future__ import annotations

from html import escape

from coach.report import charts
from coach.report.content import Chart, Document, Meta, Para, Table, document
from coach.report.model import ReportModel

CSS = """
@page { size: PAPER; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 8.6pt;
       color: #000; background: #fff; margin: 0 auto; max-width: 186mm; line-height: 1.2; }
h1 { font-size: 14pt; margin: 0 0 1mm 0; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm 0; border-bottom: 0.6pt solid #000; }
p { margin: 0.6mm 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8mm 0; }
th, td { border-bottom: 0.4pt solid #999; padding: 0.15mm 1.2mm; text-align: left;
         vertical-align: top; line-height: 1.15; }
th { font-weight: bold; border-bottom: 0.8pt solid #000; }
td:first-child { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
svg { max-width: 100%; height: auto; display: block; }
td svg { display: inline-block; vertical-align: middle; }
.meta { display: grid; grid-template-columns: 26mm 1fr; gap: 0.2mm 2mm; }
.meta b { font-weight: bold; }
ul { margin: 0.5mm 0; padding-left: 5mm; }
.small { font-size: 7.6pt; color: #222; }
.caveat { font-size: 7.6pt; font-style: italic; }
.flag-worsening { font-weight: bold; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
footer { margin-top: 3mm; border-top: 0.6pt solid #000; padding-top: 1mm; font-size: 7.6pt; }
@media screen { body { padding: 8mm; } }
@media print { h2 { break-after: avoid; page-break-after: avoid; } }
"""


PAPERS = {"a4": "A4", "letter": "letter"}


def render_html(model: ReportModel, paper: str = "a4") -> str:
    return render_document(document(model), model, paper)


def render_document(doc: Document, model: ReportModel, paper: str = "a4") -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(doc.title)} {model.period.first} to {model.period.last}</title>",
        f"<style>{CSS.replace('PAPER', PAPERS[paper])}</style></head><body>",
        f"<h1>{escape(doc.title)}</h1>",
    ]
    for section in doc.sections:
        parts.append(f'<section class="{"keep" if section.keep_together else "flow"}">')
        if section.title:
            parts.append(f"<h2>{escape(section.title)}</h2>")
        parts += [_block(block) for block in section.blocks]
        parts.append("</section>")
    parts += [f"<footer>{escape(doc.footer)}</footer>", "</body></html>"]
    return "\n".join(parts)


def _block(block) -> str:
    if isinstance(block, Meta):
        rows = "".join(f"<b>{escape(key)}</b><span>{escape(value)}</span>"
                       for key, value in block.rows)
        return f'<div class="meta">{rows}</div>'
    if isinstance(block, Chart):
        if block.share < 1:
            svg = _strip_namespace(block.svg)
            return f'<div style="width:{block.share * 100:.0f}%">{svg}</div>'
        return _strip_namespace(block.svg)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Para):
        if block.style == "bold-lead" and ": " in block.text:
            lead, rest = block.text.split(": ", 1)
            return f"<p><b>{escape(lead)}:</b> {escape(rest)}</p>"
        style = f' class="{block.style}"' if block.style else ""
        return f"<p{style}>{escape(block.text)}</p>"
    raise TypeError(f"no HTML for {type(block).__name__}")


def _table(table: Table) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        numeric = ' class="n"' if index in table.numeric else ""
        return f"<{tag}{numeric}>{escape(text)}</{tag}>"

    total = sum(table.widths) or 1
    columns = "".join(f'<col style="width:{width / total * 100:.1f}%">'
                      for width in table.widths)
    head = "".join(cell("th", index, text) for index, text in enumerate(table.headers))
    rows = "".join(
        "<tr>" + "".join(cell("td", index, text) for index, text in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return (f"<table><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _strip_namespace(svg: str) -> str:
    """Inline SVG in HTML needs no namespace attribute (and the page then names no address)."""
    return svg.replace(f' xmlns="{charts.SVG_NAMESPACE}"', "", 1)
