"""Drill-down: the projects behind a figure, with the filters applied as a breadcrumb and totals
that equal the figure clicked."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from labels import METRIC_LABELS, PROJECT_COLUMNS, WARNING_LABELS
from metrics.measures import MEASURES
from metrics.period import Period, Scope
from reports import format as fmt
from ui import data

SHOWN = ["code", "name", "investor", "region", "chain", "stage", "sign_date", "contract_amount", "funds",
         "start_date", "production_date", "tags", "warning", "reason"]


def project_frame(rows: list[dict]) -> pd.DataFrame:
    """Project rows as a table with Chinese headers; amounts as floats (display rounds to 2 places)."""
    frame = pd.DataFrame(rows, columns=[c for c in SHOWN if rows and c in rows[0]] or SHOWN[:8])
    for col in ("contract_amount", "funds"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: None if v is None else float(v))
    if "warning" in frame:
        frame["warning"] = frame["warning"].map(lambda w: WARNING_LABELS.get(w, ""))
    return frame.rename(columns=PROJECT_COLUMNS)


MAX_SHOWN = 1000


def project_table(rows: list[dict], key: str, height: int | None = None) -> None:
    """The rows as a table; beyond MAX_SHOWN only the first (largest) are drawn, with a note — the
    totals above a list always cover every row."""
    if len(rows) > MAX_SHOWN:
        st.caption(f"按金额从大到小显示前 {MAX_SHOWN} 个;完整名单请在“项目库”中筛选并导出 Excel。")
        rows = rows[:MAX_SHOWN]
    frame = project_frame(rows)
    config = {PROJECT_COLUMNS[c]: st.column_config.NumberColumn(format="%.2f") for c in ("contract_amount", "funds")}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key,
                 height=height or "auto")


def totals_line(measure: str, rows: list[dict]) -> str:
    """'共 12 个项目,合同投资额 34.56 亿元' — the figure the list adds up to."""
    count = len(rows)
    if measure in MEASURES and MEASURES[measure].source == "funds":
        return f"共 {count} 个项目,到位资金 {fmt.amount(sum((r['funds'] for r in rows), Decimal(0)))}"
    total = sum((r["contract_amount"] or Decimal(0) for r in rows), Decimal(0))
    unit = "家企业" if measure.endswith("enterprises_new") else "个项目"
    return f"共 {count} {unit},合同投资额 {fmt.amount(total)}"


def show_projects_behind(measure: str, period: Period, scope: Scope, breadcrumb: str, key: str) -> list[dict]:
    """The list of projects making up ``measure`` under a breadcrumb; returns the rows."""
    rows = data.projects_behind(measure, period, scope, data.data_version())
    st.markdown(f"**{breadcrumb} › {METRIC_LABELS[measure][0]}**")
    st.caption(totals_line(measure, rows))
    if rows:
        project_table(rows, key=key)
    else:
        st.info("没有符合条件的项目。")
    return rows
