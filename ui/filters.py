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
    "省外500万元以上": {"origin": "省外", "min_amount": Decimal("0.05")},  # a provincial statistic (Guizhou)
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


def sidebar_filters(draw: bool = True) -> Filters:
    """The filters chosen in the sidebar (and the URL). With ``draw`` False the widgets are left
    out and the choice is read from the URL alone, as the widgets would read it on a session's
    first run (a page's first view, see ui/first_paint.py, shows its figures before the widgets)."""
    cfg = data.config(data.data_version())
    latest = cfg["latest"] or (dt.date.today().year, dt.date.today().month)
    years = sorted(set(cfg["years"]) | {latest[0]}, reverse=True)
    regions = {r["name"]: r["id"] for r in cfg["regions"]}
    chains = {c["name"]: c["id"] for c in cfg["chains"]}

    def choose(label: str, options: list, key: str, index: int = 0, format_func=str):
        if not draw:
            wanted = st.query_params.get(key)
            return next((o for o in options if format_func(o) == wanted), options[index])
        return st.selectbox(label, options, index=index, key=key, format_func=format_func, bind="query-params")

    with st.sidebar:
        if draw:
            st.markdown("#### 筛选条件")
        year = choose("年份", years, "year", years.index(latest[0]))
        month = choose("截至月份", list(range(1, 13)), "month", latest[1] - 1, lambda m: f"{m}月")
        region = choose("县区", [CITY_REGION, *regions], "region")
        chain = choose("产业链", [ALL_CHAINS, *chains], "chain")
        scope_label = choose("项目范围", list(SCOPES), "scope")
    scope = Scope(region_id=regions.get(region), chain_id=chains.get(chain), **SCOPES[scope_label])
    return Filters(Period(int(year), int(month)), scope, region, chain, scope_label)
