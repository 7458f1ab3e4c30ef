"""County ranking and 红黄蓝 warnings for regions (SPEC §4 Rankings and warnings)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, select

from data_access import settings
from data_access.models import CITY_REGION, AnnualTarget, Region
from labels import SHARE_INDICATORS, TARGET_INDICATORS
from metrics.figures import derive, pct
from metrics.measures import empty_measures, measures
from metrics.period import Period, Scope

# the derived figure that measures each target, and its completion / gap keys in derive()'s output
RANKED = {
    "signed_count": ("signed_count", "signed_count_completion_pct"),
    "signed_amount": ("signed_amount", "signed_amount_completion_pct"),
    "funds_in_place": ("funds_in_place", "funds_completion_pct"),
    "manufacturing_share_pct": ("manufacturing_share_pct", "manufacturing_share_diff_pp"),
    "resident_signed_amount": ("resident_signed_amount", None),
}


def warning_level(gap_pp: Decimal | None) -> str | None:
    """红黄蓝 for a gap to time progress (or, for a share, to its target) in percentage points:
    blue on or ahead, yellow behind by less than the threshold, red behind by the threshold or more."""
    if gap_pp is None:
        return None
    if gap_pp >= 0:
        return "blue"
    return "yellow" if -gap_pp < settings.get("warning_yellow_pp") else "red"


def indicator_status(metric: str, value, target, period: Period) -> dict:
    """Completion, gap to time progress and warning of one targeted indicator."""
    if metric in SHARE_INDICATORS:
        gap = None if value is None or target is None else value - target
        return {"value": value, "target": target, "completion_pct": gap, "score_pct": pct(value, target),
                "gap_pp": gap, "warning": warning_level(gap)}
    completion = pct(value, target)
    gap = None if completion is None else completion - period.time_progress_pct
    return {"value": value, "target": target, "completion_pct": completion, "score_pct": completion,
            "gap_pp": gap, "warning": warning_level(gap)}


def _all_targets(conn: Connection, year: int) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict] = {}
    for rid, ind, value in conn.execute(select(AnnualTarget.region_id, AnnualTarget.indicator, AnnualTarget.value)
                                        .where(AnnualTarget.year == year)):
        if ind in TARGET_INDICATORS:
            out.setdefault(rid, {})[TARGET_INDICATORS[ind]] = Decimal(str(value))
    return out


def _scores(conn: Connection, period: Period, regions: list[tuple[int, str]]) -> list[dict]:
    empty = empty_measures()
    cur = measures(conn, period, Scope(), group_by="region")
    last = measures(conn, period.last_year(), Scope(), group_by="region")
    tgts = _all_targets(conn, period.year)
    weights = settings.get("ranking_weights")
    cap = settings.get("ranking_completion_cap")
    rows = []
    for rid, name in regions:
        figures = derive(cur.get(rid, empty), last.get(rid), tgts.get(rid, {}))
        indicators = {metric: indicator_status(metric, figures[RANKED[metric][0]], target, period)
                      for metric, target in tgts.get(rid, {}).items() if metric in RANKED}
        weighted = [(weights[m], min(s["score_pct"], cap)) for m, s in indicators.items()
                    if m in weights and s["score_pct"] is not None]
        total_weight = sum(w for w, _ in weighted)
        score = sum(w * v for w, v in weighted) / total_weight if total_weight else None
        rows.append({"region_id": rid, "region": name, "score": score, "indicators": indicators, **figures})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["signed_amount"], r["region"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def county_ranking(conn: Connection, period: Period) -> list[dict]:
    """Every region (not 全市) ranked by composite score; ties break on signed_amount.

    Each row: region, rank, rank_change (positive = up since the previous month, None when the
    previous month has no data), score (weighted completion, each capped, over the targeted indicators;
    None without targets), indicators {metric: value, target, completion_pct, gap_pp, warning},
    and every figure of ``derive``.
    """
    regions = [tuple(r) for r in conn.execute(select(Region.id, Region.name).where(Region.name != CITY_REGION)
                                              .order_by(Region.sort_order, Region.id))]
    rows = _scores(conn, period, regions)
    previous = _scores(conn, period.previous_month(), regions)
    # a month with targets but no signing and no funds yet (all at 0%) has no standing to compare with
    had_data = any(r["signed_count"] or r["funds_in_place"] for r in previous)
    before = {r["region_id"]: r["rank"] for r in previous}
    for row in rows:
        row["rank_change"] = before[row["region_id"]] - row["rank"] if had_data else None
    return rows
