"""Global filters in the sidebar, bound to the URL so a view can be bookmarked or forwarded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import streamlit as st

from data_access.models import CITY_REGION
from metrics.briefing import span
from metrics.period import Period, Scope
from ui import data

ALL_CHAINS = "全部产业链"
ALL_PROJECTS = "全部项目"
# label -> scope fields; the first is the default
SCOPES = {
    ALL_PROJECTS: {},
    "500万元以上": {"min_amount": Decimal("0.05")},
    "1亿元以上": {"min_amount": Decimal("1")},
    "10亿元以上": {"min_amount": Decimal("10")},
    "省外项目": {"origin": "省外"},
    "制造业项目": {"manufacturing_only": True},
}


@dataclass(frozen=True)
class Filters:
    period: Period
    scope: Scope
    region: str
    chain: str
    scope_label: str

    @property
    def breadcrumb(self) -> str:
        return " › ".join([span(self.period), self.region, self.chain, self.scope_label])

    @property
    def scope_text(self) -> str:
        """'全市', '临江区 · 木材加工', '全市 · 1亿元以上': the region, and chain and range when chosen."""
        chosen = [self.chain] if self.chain != ALL_CHAINS else []
        chosen += [self.scope_label] if self.scope_label != ALL_PROJECTS else []
        return " · ".join([self.region, *chosen])


def sidebar_filters() -> Filters:
    cfg = data.config(data.data_version())
    latest = cfg["latest"] or (dt.date.today().year, dt.date.today().month)
    years = sorted(set(cfg["years"]) | {latest[0]}, reverse=True)
    regions = {r["name"]: r["id"] for r in cfg["regions"]}
    chains = {c["name"]: c["id"] for c in cfg["chains"]}
    with st.sidebar:
        st.markdown("#### 筛选条件")
        year = st.selectbox("年份", years, index=years.index(latest[0]), key="year", bind="query-params")
        month = st.selectbox("截至月份", list(range(1, 13)), index=latest[1] - 1, key="month",
                             format_func=lambda m: f"{m}月", bind="query-params")
        region = st.selectbox("县区", [CITY_REGION, *regions], key="region", bind="query-params")
        chain = st.selectbox("产业链", [ALL_CHAINS, *chains], key="chain", bind="query-params")
        scope_label = st.selectbox("项目范围", list(SCOPES), key="scope", bind="query-params")
    scope = Scope(region_id=regions.get(region), chain_id=chains.get(chain), **SCOPES[scope_label])
    return Filters(Period(int(year), int(month)), scope, region, chain, scope_label)
