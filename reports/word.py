"""The briefing as a Word 月通报 (python-docx): title, date, the paragraphs, the county table with
红黄蓝 shading, the charts as images."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from data_access import settings
from labels import BULLETIN, WARNING_COLORS
from metrics.activities import ACTIVITY_KEYS
from reports import format as fmt
from reports.content import Briefing
from reports.images import chart_png
from reports.png import picture_charts

TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"
# the county table: header, then how each cell is read off a ranking row; the warning of the
# indicator a cell belongs to shades it
COUNTY_COLUMNS = ["排名", "县区", "签约项目(个)", "合同投资额(亿元)", "合同额完成率(%)", "较序时(百分点)",
                  "到位资金(亿元)", "到位资金完成率(%)", "综合得分"]


def _font(run, name: str, size: float, bold: bool = False, colour: str | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=None, indent: bool = True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(size * 1.75)
    _font(p.add_run(text), font, size, bold)
    return p


def shade(cell, colour: str) -> None:
    """Fill a table cell (``colour`` as #rrggbb)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shd)


def _pct(value) -> str:
    return "—" if value is None else fmt.two(value)


def county_rows(b: Briefing) -> list[tuple[list[str], list[str | None]]]:
    """Per county in rank order: the table's cell texts and each cell's warning level (or None)."""
    out = []
    for r in b.ranking:
        amount = r["indicators"].get("signed_amount") or {}
        funds = r["indicators"].get("funds_in_place") or {}
        cells = [str(r["rank"]), r["region"], str(r["signed_count"]), fmt.two(r["signed_amount"]),
                 _pct(amount.get("completion_pct")), _pct(amount.get("gap_pp")), fmt.two(r["funds_in_place"]),
                 _pct(funds.get("completion_pct")), _pct(r["score"])]
        levels = [None, None, None, None, amount.get("warning"), amount.get("warning"), None, funds.get("warning"),
                  None]
        out.append((cells, levels))
    return out


def _table(doc, head: list[str], rows: list[list[str]], levels: list[list[str | None]] | None = None,
           size: float = 10) -> None:
    """A centred grid table: a shaded header, then the rows; a cell with a 红黄蓝 level (``levels``)
    is shaded in it, in white type on blue and red."""
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, head):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, size, bold=True)
        shade(cell, "#EEEEEE")
    for r, cells in enumerate(rows):
        for cell, text, level in zip(table.add_row().cells, cells, levels[r] if levels else [None] * len(cells)):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            ink = "#1A1A1A" if level in (None, "yellow") else "#FFFFFF"
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5, colour=ink)
            if level:
                shade(cell, WARNING_COLORS[level])


def activity_section(doc, b: Briefing) -> None:
    """招商活动 by type and the events with their signings, when the window has any."""
    counts = [[kind, str(b.figures["activities"][key])] for kind, key in ACTIVITY_KEYS.items()
              if b.figures.get("activities", {}).get(key)]
    events = b.figures.get("events") or []
    if not counts and not events:
        return
    _paragraph(doc, BULLETIN["activities"], HEADING_FONT, 16)
    if counts:
        a = b.figures["activities"]
        counts += [["对接500强企业(家)", str(a["top500_enterprises_contacted"])],
                   ["协调解决问题(个)", str(a["problems_solved"])]]
        _table(doc, BULLETIN["activity_columns"], counts)
    if events:
        _paragraph(doc, "", size=6, indent=False)
        _table(doc, BULLETIN["event_columns"],
               [[e["name"], e["date"].isoformat() if e["date"] else "—", str(e["signed_count"]),
                 fmt.two(e["signed_amount"])] for e in events])


def briefing_docx(b: Briefing) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)

    _paragraph(doc, b.title.replace("简报", "月通报"), TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER,
               indent=False)
    _paragraph(doc, f"({b.span})", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, f"{BULLETIN['issuer']}    {b.generated_at.year}年{b.generated_at.month}月{b.generated_at.day}日",
               BODY_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    _paragraph(doc, BULLETIN["overall"], HEADING_FONT, 16, indent=True)
    _paragraph(doc, b.text)

    if b.ranking:
        _paragraph(doc, BULLETIN["counties"], HEADING_FONT, 16)
        note = BULLETIN["table_note"].format(tp=fmt.percent(b.period.time_progress_pct),
                                             pp=fmt.two(settings.get("warning_yellow_pp")).removesuffix(".00"))
        _paragraph(doc, note, size=12, indent=False)
        rows = county_rows(b)
        _table(doc, COUNTY_COLUMNS, [cells for cells, _ in rows], [levels for _, levels in rows], size=9)

    _paragraph(doc, BULLETIN["charts"], HEADING_FONT, 16)
    for chart in picture_charts(b, 860, 400):
        doc.add_picture(io.BytesIO(chart_png(chart, scale=2)), width=Cm(15.8))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    if b.county_texts:
        _paragraph(doc, BULLETIN["each_county"], HEADING_FONT, 16)
        for text in b.county_texts:
            _paragraph(doc, text)
    activity_section(doc, b)
    _paragraph(doc, b.footer, BODY_FONT, 10, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

