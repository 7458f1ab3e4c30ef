"""Alerts after an import (SPEC §7 push): a region whose 红黄蓝 warning for a targeted indicator turned
红 this month, and a project of 10亿元 or more newly signed."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, select

from data_access.models import Project, Region
from labels import TARGET_INDICATORS
from metrics.period import Period
from metrics.ranking import county_ranking

INDICATOR_NAMES = {metric: name for name, metric in TARGET_INDICATORS.items()}
BIG_PROJECT = Decimal(10)  # 亿元


def turned_red(conn: Connection, period: Period, region_ids: set[int] | None = None) -> list[dict]:
    """Regions (all, or ``region_ids``) whose warning for an indicator is 红 in ``period`` and was not
    in the month before: region_id, region, metric, indicator (its name), value, completion_pct, gap_pp.
    January has nothing to turn from (and, at 8.33% 序时进度, nothing can be 10 points behind)."""
    if period.month == 1:
        return []
    before = {r["region_id"]: r["indicators"] for r in county_ranking(conn, period.previous_month())}
    out = []
    for row in county_ranking(conn, period):
        if region_ids is not None and row["region_id"] not in region_ids:
            continue
        for metric, status in row["indicators"].items():
            was = before.get(row["region_id"], {}).get(metric, {}).get("warning")
            if status["warning"] == "red" and was != "red":
                out.append({"region_id": row["region_id"], "region": row["region"], "metric": metric,
                            "indicator": INDICATOR_NAMES.get(metric, metric), "value": status["value"],
                            "completion_pct": status["completion_pct"], "gap_pp": status["gap_pp"]})
    return out


def big_signings(conn: Connection, codes: set[str]) -> list[dict]:
    """Of the projects ``codes``, those signed with a contract amount of 10亿元 or more: code, name,
    investor, region_id, region, contract_amount, sign_date."""
    if not codes:
        return []
    stmt = (select(Project.code, Project.name, Project.investor, Project.region_id, Region.name.label("region"),
                   Project.contract_amount, Project.sign_date).join(Region, Region.id == Project.region_id)
            .where(Project.code.in_(sorted(codes)), Project.contract_amount >= BIG_PROJECT,
                   Project.sign_date.is_not(None)).order_by(Project.sign_date, Project.code))
    return [dict(r) for r in conn.execute(stmt).mappings()]
