"""Excel export of project lists: Chinese headers, amounts as numbers (0.00), dates as dates, and no
cell that a spreadsheet could evaluate (CSV/formula injection)."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Connection

from labels import PROJECT_COLUMNS, WARNING_LABELS
from metrics.period import Period, Scope
from metrics.projects import EXPORT_CAP, search_projects, with_warnings

# a text starting with one of these is read as a formula (or the start of one) by Excel / LibreOffice
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="FFE8EEF7")
WIDE = {"name", "investor", "tags", "note", "reason"}

# every attribute of a project, in reading order, with its Chinese label
PROJECT_LABELS = {k: PROJECT_COLUMNS[k] for k in (
    "code", "name", "investor", "region", "chain", "stage", "sign_date", "contract_amount", "start_date",
    "production_date", "planned_production_date", "is_manufacturing", "tags", "origin", "channel", "leader", "note")}
EXPORT_COLUMNS = PROJECT_LABELS | {k: PROJECT_COLUMNS[k] for k in ("warning", "reason")}


def safe_cell(value):
    """``value`` as it may be written to a cell: a text starting with = + - @ (or a tab / carriage
    return) gets a leading ``'`` so that it stays text ("'=HYPERLINK(…)" is stored as exactly that),
    characters a workbook cannot hold are dropped; anything else is returned unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_projects(conn: Connection, *, text: str | None, scope: Scope, stages, period_only: bool, period: Period,
                    sort: str, descending: bool, note: str | None = None, cap: int = EXPORT_CAP
                    ) -> tuple[bytes, int, int]:
    """The whole filtered list of the 项目库 (every matching project, not one page; at most ``cap``,
    in the list's order) as .xlsx with each project's 红黄蓝 status at the end of ``period``.
    Returns (file, rows written, projects matching)."""
    rows, total, _ = search_projects(conn, text=text, scope=scope, stages=stages, period_only=period_only,
                                     period=period, sort=sort, descending=descending, page=1, page_size=cap)
    rows = [r | {"warning": WARNING_LABELS.get(r["warning"])} for r in with_warnings(rows, period.end)]
    content = projects_workbook(rows, EXPORT_COLUMNS, amount_columns=["contract_amount"], note=note)
    return content, len(rows), total


def projects_workbook(rows: list[dict], columns: dict[str, str], *, amount_columns=(), title: str = "项目清单",
                      note: str | None = None) -> bytes:
    """An .xlsx of ``rows`` with one column per key of ``columns`` (header: its Chinese label).

    Amounts (``amount_columns``) are numbers shown with 2 decimals, dates are dates, booleans 是/否,
    every text passes through :func:`safe_cell`. ``note`` (e.g. the filters) goes in a first row
    above the header.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    keys = list(columns)
    for i, key in enumerate(keys, 1):
        ws.column_dimensions[get_column_letter(i)].width = 32 if key in WIDE else max(12, 2 * len(columns[key]) + 2)
    ws.freeze_panes = "A3" if note else "A2"
    if note:
        ws.append([_styled(ws, safe_cell(note), font=Font(bold=True))])
    ws.append([_styled(ws, safe_cell(columns[k]), font=Font(bold=True), fill=HEADER_FILL) for k in keys])
    amounts = set(amount_columns)
    for row in rows:
        ws.append([_value(ws, row.get(k), k in amounts) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _value(ws, value, is_amount: bool):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if is_amount:
        return _styled(ws, Decimal(value), number_format=AMOUNT_FORMAT)
    if isinstance(value, dt.date):
        return _styled(ws, value, number_format=DATE_FORMAT)
    return safe_cell(value)


def _styled(ws, value, *, number_format=None, font=None, fill=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell
