"""Cached queries of the 产业链 and 重点企业 pages, keyed by the filters and the data version
(the pattern of ui/data.py: a new upload bumps the version and shows at once)."""
from __future__ import annotations

import streamlit as st

from metrics import breakdowns
from metrics.period import Period, Scope
from ui import data


@st.cache_data(show_spinner=False, max_entries=256)
def chain_summary(period: Period, scope: Scope, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.chain_summary(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def chain_region_matrix(period: Period, scope: Scope, version: int) -> dict[tuple[int, int], dict]:
    with data.engine().connect() as conn:
        return breakdowns.chain_region_matrix(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def top_projects_by_chain(period: Period, scope: Scope, version: int) -> dict[int, list[dict]]:
    with data.engine().connect() as conn:
        return breakdowns.top_projects_by_chain(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def stage_breakdown(period: Period, scope: Scope, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.stage_breakdown(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def stage_projects(period: Period, scope: Scope, stage: str | None, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.stage_projects(conn, period, scope, stage)


@st.cache_data(show_spinner=False)
def tag_groups(version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.tag_groups(conn)


@st.cache_data(show_spinner=False, max_entries=256)
def tag_summary(period: Period, scope: Scope, group: str, version: int) -> dict:
    with data.engine().connect() as conn:
        return breakdowns.tag_summary(conn, period, scope, group)


@st.cache_data(show_spinner=False, max_entries=256)
def tag_by_region(period: Period, scope: Scope, group: str, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.tag_by_region(conn, period, scope, group)


@st.cache_data(show_spinner=False, max_entries=256)
def tag_projects(period: Period, scope: Scope, group: str, investor: str | None, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.tag_projects(conn, period, scope, group, investor)


@st.cache_data(show_spinner=False, max_entries=256)
def tag_new_enterprise_projects(period: Period, scope: Scope, group: str, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.tag_new_enterprise_projects(conn, period, scope, group)


@st.cache_data(show_spinner=False, max_entries=256)
def tag_enterprises(period: Period, scope: Scope, group: str, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return breakdowns.tag_enterprises(conn, period, scope, group)
