"""The uploaded workbook handed back with every bad cell highlighted and commented, plus a sheet
listing all problems, so a clerk can fix the file and upload it again."""
from __future__ import annotations

import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from data_access import upload_guard
from data_access.excel import Problem, norm, sheet_spec

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
LIST_SHEET = "错误清单"


def _column_of(ws, name: str | None) -> int | None:
    """1-based column whose header (in the first 15 rows) names ``name``."""
    if not name:
        return None
    wanted = norm(name).split("(")[0]
    for row in ws.iter_rows(min_row=1, max_row=min(15, ws.max_row)):
        for cell in row:
            if isinstance(cell.value, str) and norm(cell.value).split("(")[0] == wanted:
                return cell.column
    return None


def annotate(content: bytes, problems: list[Problem]) -> tuple[bytes, bool]:
    """``content`` with the problems marked on its cells, as .xlsx; and whether that is a copy of the
    sheets the import read rather than the file itself (an .xls, .xlsb or .ods upload, or an .xlsx
    openpyxl cannot open: Strict Open XML, odd part paths, macro sheets)."""
    try:
        if upload_guard.identify(content) != upload_guard.XLSX:
            raise ValueError("not an .xlsx")
        wb, copied = openpyxl.load_workbook(io.BytesIO(content)), False
    except Exception:  # any file openpyxl cannot open: the values as the import read them
        wb, copied = _copy_of_read_sheets(content), True
    notes: dict[tuple[str, int, int], list[str]] = {}
    for p in problems:
        if p.sheet not in wb.sheetnames or not p.row:
            continue
        ws = wb[p.sheet]
        col = p.col + 1 if p.col is not None else _column_of(ws, p.column) or 1
        notes.setdefault((p.sheet, p.row, col), []).append(p.message)
    for (sheet, row, col), messages in notes.items():
        cell = wb[sheet].cell(row, col)
        cell.fill = BAD_FILL
        cell.comment = Comment("\n".join(messages), "数据检查", width=320, height=60 + 20 * len(messages))
    listing = wb.create_sheet(LIST_SHEET, 0)
    listing.append(["工作表", "行号", "列", "填写的值", "问题及修改建议"])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for p in problems:
        listing.append([p.sheet, p.row, p.column, None if p.value is None else str(p.value), p.message])
    for letter, width in zip("ABCDE", (14, 8, 20, 24, 80)):
        listing.column_dimensions[letter].width = width
    listing.freeze_panes = "A2"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), copied


def _copy_of_read_sheets(content: bytes) -> openpyxl.Workbook:
    """A new workbook holding the recognised sheets' values as the reader gives them (same sheet
    names, same cells), so the rows and columns of the problems point at the same places."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    read = sorted(upload_guard.SheetReader(content, lambda title: sheet_spec(title) is not None),
                  key=lambda raw: raw.position)
    for raw in read:
        ws = wb.create_sheet(raw.name)
        for c, column in enumerate(raw.columns, start=1):
            for r, value in enumerate(column, start=1):
                if value not in (None, ""):
                    ws.cell(r, c, value)
    return wb
