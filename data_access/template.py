"""The upload template workbook: every sheet, notes on the headers, drop-downs from the current
configuration, formats, an example row, frozen headers."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Connection, select

from data_access.config import chains, regions
from data_access.excel import OPTIONS_SHEET, SHEETS, Column
from data_access.models import ACTIVITY_TYPES, CHANNELS, CITY_REGION, ORIGINS, PROBLEM_STATUSES, STAGES, Tag
from labels import COLUMN_HELP, TARGET_INDICATORS, TEMPLATE_EXAMPLE_PREFIX

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
EXAMPLE_FONT = Font(italic=True, color="808080")
EXAMPLES = {
    "项目台账": [f"{TEMPLATE_EXAMPLE_PREFIX}-删除本行", "年产10万台智能家电项目", None, None, "某某科技有限公司",
             "专精特新小巨人", "是", "省外", "驻点招商", "开工", dt.date(2023, 3, 5), 5.2, dt.date(2023, 4, 18),
             None, None, 0.8, "张副市长", None],
}


def header_text(col: Column) -> str:
    return f"{col.header}(亿元)" if col.kind == "amount" else col.header


def build_template(conn: Connection) -> bytes:
    """The template as .xlsx bytes, drop-downs filled from the database's configuration."""
    region_names = [r["name"] for r in regions(conn)]
    choices = {
        "县区": region_names, "产业链": [c["name"] for c in chains(conn)], "项目阶段": list(STAGES),
        "是否制造业": ["是", "否"], "招商方式": list(CHANNELS), "投资来源": list(ORIGINS),
        "办理状态": list(PROBLEM_STATUSES), "指标": list(TARGET_INDICATORS), "活动类型": list(ACTIVITY_TYPES),
    }
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    lists = wb.create_sheet(OPTIONS_SHEET)
    ranges = {}
    for i, (name, values) in enumerate(choices.items(), 1):
        letter = get_column_letter(i)
        lists.cell(1, i, name)
        for j, value in enumerate(values, 2):
            lists.cell(j, i, value)
        ranges[name] = f"{OPTIONS_SHEET}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    tags = ", ".join(conn.scalars(select(Tag.name)))
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name, len(wb.sheetnames) - 1)
        for c, col in enumerate(spec.columns, 1):
            cell = ws.cell(1, c, header_text(col))
            cell.fill = HEADER_FILL
            cell.font = REQUIRED_FONT if col.required else Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            note = COLUMN_HELP.get(col.header, "")
            if col.header == "企业标签":
                note = f"可多选,用“、”分隔:{tags}"
            if col.header == "县区" and spec.name in ("年度目标", "驻点招商", "招商活动"):
                note += f";全市目标填“{CITY_REGION}”"
            cell.comment = Comment(note, "模板说明", width=300, height=90)
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = max(12, len(header_text(col)) * 2 + 4)
            body = f"{letter}2:{letter}5000"
            if col.header in ranges:
                dv = DataValidation(type="list", formula1=f"={ranges[col.header]}", allow_blank=True,
                                    showErrorMessage=True, errorTitle="请从下拉列表选择",
                                    error=f"“{col.header}”请从下拉列表中选择")
                ws.add_data_validation(dv)
                dv.add(body)
            if col.kind in ("date", "amount"):
                ws.column_dimensions[letter].number_format = "yyyy-mm-dd" if col.kind == "date" else "0.00"
        example = EXAMPLES.get(spec.name)
        if example:
            example = list(example)
            example[2] = region_names[0] if region_names else None
            example[3] = choices["产业链"][0] if choices["产业链"] else None
            ws.append(example)
            for cell in ws[2]:
                cell.font = EXAMPLE_FONT
        ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
