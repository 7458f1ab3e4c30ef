"""项目库 at the page boundary: cached list pages, project details and the Excel export, keyed by the
filters and the data version (bumped by every import)."""
from __future__ import annotations

from decimal import Decimal

import streamlit as st

from metrics.period import Period, Scope
from metrics.projects import PAGE_SIZE, project_detail, search_projects, with_warnings
from ui import data
from ui.export import export_projects

SORT_LABELS = {"sign_date": "签约日期", "contract_amount": "合同投资额", "code": "项目编号", "name": "项目名称",
               "investor": "投资方", "stage": "项目阶段", "start_date": "开工日期", "production_date": "投产日期"}


@st.cache_data(show_spinner=False, max_entries=256)
def page(text: str, scope: Scope, stages: tuple[str, ...], period_only: bool, period: Period, sort: str,
         descending: bool, page_number: int, version: int) -> tuple[list[dict], int, Decimal]:
    """One page of the list (rows with their 红黄蓝 warning at the end of the period), the number of
    matching projects and their total contract amount."""
    with data.engine().connect() as conn:
        rows, total, amount = search_projects(conn, text=text, scope=scope, stages=stages, period_only=period_only,
                                              period=period, sort=sort, descending=descending, page=page_number,
                                              page_size=PAGE_SIZE)
    return with_warnings(rows, period.end), total, amount


@st.cache_data(show_spinner=False, max_entries=256)
def detail(project_id: int, period: Period, version: int) -> dict | None:
    with data.engine().connect() as conn:
        return project_detail(conn, project_id, period.end)


@st.cache_data(show_spinner=False, max_entries=8)
def export(text: str, scope: Scope, stages: tuple[str, ...], period_only: bool, period: Period, sort: str,
           descending: bool, note: str, version: int) -> tuple[bytes, int, int]:
    """The whole filtered list as .xlsx (see ui.export.export_projects): (file, rows written, rows matching)."""
    with data.engine().connect() as conn:
        return export_projects(conn, text=text, scope=scope, stages=stages, period_only=period_only, period=period,
                               sort=sort, descending=descending, note=note)
