"""Derived figures (rates, shares, completion, YoY) and the full 总览 figure set.

Every value is unrounded (Decimal) here; ``rounded`` rounds half up to 2 places for display and
JSON. None means "undefined" (no target, last year 0 or missing, divide by zero).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, func, select

from data_access.models import CITY_REGION, AnnualTarget, Chain, Region, ResidentActivity
from labels import TARGET_INDICATORS
from metrics.measures import measures, money, new_enterprises
from metrics.period import Period, Scope

HUNDRED = Decimal(100)


def pct(part, whole) -> Decimal | None:
    """part ÷ whole × 100; None when whole is 0 or missing."""
    if part is None or not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def yoy_pct(current, last) -> Decimal | None:
    """同比: (current − last) ÷ last × 100; None when last year is 0 or missing."""
    if current is None or not last:
        return None
    return (Decimal(current) - Decimal(last)) * HUNDRED / Decimal(last)


def completion_pct(value, target) -> Decimal | None:
    """完成率: value ÷ annual target × 100; None without a (non-zero) target."""
    return pct(value, target)


def rounded(value, places: int = 2):
    """Round half up for display; ints and None pass through; dicts and lists recursively."""
    if isinstance(value, dict):
        return {k: rounded(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, places) for v in value]
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return value


def city_region_id(conn: Connection) -> int:
    return conn.scalar(select(Region.id).where(Region.name == CITY_REGION))


def targets(conn: Connection, year: int, region_id: int | None) -> dict[str, Decimal]:
    """Annual targets of a region (None = 全市) keyed by metric name (unknown indicators by their
    own name)."""
    rid = region_id if region_id is not None else city_region_id(conn)
    rows = conn.execute(select(AnnualTarget.indicator, AnnualTarget.value)
                        .where(AnnualTarget.year == year, AnnualTarget.region_id == rid)).all()
    return {TARGET_INDICATORS.get(ind, ind): Decimal(str(v)) for ind, v in rows}


def resident_activity(conn: Connection, period: Period, region_id: int | None) -> dict:
    """驻点招商 work in the window: contacted, visited, intended_count, intended_amount."""
    c = ResidentActivity.__table__.c
    stmt = select(func.coalesce(func.sum(c.contacted), 0), func.coalesce(func.sum(c.visited), 0),
                  func.coalesce(func.sum(c.intended_count), 0), func.sum(c.intended_amount)
                  ).where(c.year == period.year, c.month <= period.month)
    if region_id is not None:
        stmt = stmt.where(c.region_id == region_id)
    contacted, visited, count, amount = conn.execute(stmt).one()
    return {"contacted": int(contacted), "visited": int(visited), "intended_projects": int(count),
            "intended_amount": money(amount)}


def derive(cur: dict, last: dict | None, tgt: dict) -> dict:
    """The derived figures of one window from its base measures, last year's and the targets."""
    last = last or {}
    share = pct(cur["manufacturing_amount"], cur["signed_amount"])
    share_target = tgt.get("manufacturing_share_pct")
    return {
        "signed_count": cur["signed_count"],
        "signed_count_target": tgt.get("signed_count"),
        "signed_count_completion_pct": completion_pct(cur["signed_count"], tgt.get("signed_count")),
        "signed_count_yoy_pct": yoy_pct(cur["signed_count"], last.get("signed_count")),
        "signed_amount": cur["signed_amount"],
        "signed_amount_target": tgt.get("signed_amount"),
        "signed_amount_completion_pct": completion_pct(cur["signed_amount"], tgt.get("signed_amount")),
        "signed_amount_yoy_pct": yoy_pct(cur["signed_amount"], last.get("signed_amount")),
        "manufacturing_count": cur["manufacturing_count"],
        "manufacturing_amount": cur["manufacturing_amount"],
        "manufacturing_share_pct": share,
        "manufacturing_share_target_pct": share_target,
        "manufacturing_share_diff_pp": None if share is None or share_target is None else share - share_target,
        "funds_in_place": cur["funds_in_place"],
        "funds_target": tgt.get("funds_in_place"),
        "funds_completion_pct": completion_pct(cur["funds_in_place"], tgt.get("funds_in_place")),
        "funds_yoy_pct": yoy_pct(cur["funds_in_place"], last.get("funds_in_place")),
        "manufacturing_funds": cur["manufacturing_funds"],
        "manufacturing_funds_share_pct": pct(cur["manufacturing_funds"], cur["funds_in_place"]),
        "started_count": cur["started_count"],
        "start_rate_pct": pct(cur["started_count"], cur["signed_count"]),
        "production_count": cur["production_count"],
        "funds_arrival_rate_pct": pct(cur["funds_in_place"], cur["signed_amount"]),
        "projects_over_10yi_count": cur["over10_count"],
        "projects_over_10yi_amount": cur["over10_amount"],
        "projects_over_5yi_count": cur["over5_count"],
        "projects_over_5yi_amount": cur["over5_amount"],
        "top500_projects": cur["top500_projects"],
        "resident_signed_count": cur["resident_signed_count"],
        "resident_signed_amount": cur["resident_signed_amount"],
    }


TEN_YI = Decimal(10)


def share_of_total(conn: Connection, period: Period, scope: Scope, cur: dict) -> dict | None:
    """占全市比重 (SPEC §4): the scope's signed_count, signed_amount and funds_in_place (``cur``, its
    base measures) as percentages of the same over all projects of the scope's region; None for a
    query over all projects."""
    if scope.is_whole_region:
        return None
    whole = measures(conn, period, Scope(region_id=scope.region_id))[None]
    return {f"{name}_pct": pct(cur[name], whole[name]) for name in ("signed_count", "signed_amount", "funds_in_place")}


def projects_over_10yi_funds(conn: Connection, period: Period, scope: Scope) -> Decimal:
    """10亿元项目到位资金 (SPEC §4): funds in place for months 1…M of year Y of the scope's projects
    whose contract amount is 10亿 or more, whenever they were signed (续建 included)."""
    floor = max(scope.min_amount or TEN_YI, TEN_YI)
    return measures(conn, period, replace(scope, min_amount=floor))[None]["funds_in_place"]


def scope_of(conn: Connection, scope: Scope, region_name: str) -> dict:
    """The scope as the CLI's JSON names it: region, chain (names), min_amount (亿元), origin,
    manufacturing_only."""
    chain = conn.scalar(select(Chain.name).where(Chain.id == scope.chain_id)) if scope.chain_id is not None else None
    return {"region": region_name, "chain": chain, "min_amount": scope.min_amount, "origin": scope.origin,
            "manufacturing_only": scope.manufacturing_only}


def overview(conn: Connection, period: Period, scope: Scope = Scope()) -> dict:
    """Every 总览 figure of SPEC §4 for one period and scope (the CLI's JSON before rounding)."""
    cur = measures(conn, period, scope)[None]
    last = measures(conn, period.last_year(), scope)[None]
    tgt = targets(conn, period.year, scope.region_id) if scope.is_whole_region else {}
    region_name = (conn.scalar(select(Region.name).where(Region.id == scope.region_id))
                   if scope.region_id is not None else CITY_REGION)
    out = {"period": str(period), "region": region_name, "time_progress_pct": period.time_progress_pct,
           "scope": scope_of(conn, scope, region_name)}
    out |= derive(cur, last, tgt)
    out["share_of_total"] = share_of_total(conn, period, scope, cur)
    out["projects_over_10yi_funds"] = projects_over_10yi_funds(conn, period, scope)
    out["top500_enterprises_new"] = new_enterprises(conn, period, scope, "is_top500")
    out["little_giant_enterprises_new"] = new_enterprises(conn, period, scope, "is_little_giant")
    activity = resident_activity(conn, period, scope.region_id)
    out["resident"] = activity | {
        "visit_rate_pct": pct(activity["visited"], activity["contacted"]),
        "signed_count": cur["resident_signed_count"],
        "signed_amount": cur["resident_signed_amount"],
        "signed_target": tgt.get("resident_signed_amount"),
        "completion_pct": completion_pct(cur["resident_signed_amount"], tgt.get("resident_signed_amount")),
    }
    return out
