"""驻点招商 funnel and 企业诉求 (enterprise problems) — SPEC §4 "驻点招商 funnel", §6.6.

Funnel: enterprises contacted → visited (考察回访率 = visited ÷ contacted) → intention projects
(count, amount) → signed (projects of channel 驻点招商 signed in the window, the measures
``resident_signed_count`` / ``resident_signed_amount``) against the 驻点签约额 target.

Amounts are exact 4-place Decimals in 亿元, rates unrounded Decimals; None means undefined
(nothing to divide by, no target).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, literal, or_, select

from data_access.models import EnterpriseProblem, Project, Region, ResidentActivity
from metrics.figures import completion_pct, pct, resident_activity, targets
from metrics.measures import drill_down, measures, money
from metrics.period import Period, Scope
from metrics.ranking import warning_level

A = ResidentActivity.__table__.c
EP = EnterpriseProblem.__table__.c
PR = Project.__table__.c
R = Region.__table__.c

STATUSES = ("待办", "办理中", "已办结")
CLOSED = "已办结"
# open problems by days since raised: (label, lowest day, highest day or None)
AGE_BANDS = (("30天以内", 0, 30), ("31-90天", 31, 90), ("90天以上", 91, None))
NO_UNIT = "未明确责任单位"


def _activity(contacted, visited, count, amount) -> dict:
    return {"contacted": int(contacted or 0), "visited": int(visited or 0),
            "visit_rate_pct": pct(visited or 0, contacted), "intended_projects": int(count or 0),
            "intended_amount": money(amount)}


def _summed(parts: list[dict]) -> dict:
    return _activity(sum(p["contacted"] for p in parts), sum(p["visited"] for p in parts),
                     sum(p["intended_projects"] for p in parts),
                     sum((p["intended_amount"] for p in parts), Decimal(0)))


def resident_funnel(conn: Connection, period: Period, region_id: int | None) -> dict:
    """The 驻点招商 funnel of the window (1 January … end of the period's month).

    ``region_id`` None = the whole city (every team); otherwise the teams of that region and the
    projects signed there. Returns:

    - ``rows``: one per team and month (team, region, month, contacted, visited, visit_rate_pct,
      intended_projects, intended_amount), by team then month;
    - ``teams``: the same per team over the window;
    - ``months``: per month 1…M, activity of every team plus the 驻点招商 projects signed that month
      (signed_count, signed_amount);
    - ``total``: the window's activity, signed_count / signed_amount, signed_target (驻点签约额, None
      without one), completion_pct, time_progress_pct, warning (红黄蓝 of completion against time
      progress: 'blue' / 'yellow' / 'red', None without a target);
    - ``stages``: the four funnel stages (stage, label, count, amount, rate_pct = this stage's count ÷
      the previous stage's count).
    """
    sums = (func.sum(A.contacted), func.sum(A.visited), func.sum(A.intended_count), func.sum(A.intended_amount))
    where = [A.year == period.year, A.month <= period.month]
    if region_id is not None:
        where.append(A.region_id == region_id)
    team_months = (select(A.team, R.name, A.month, *sums).select_from(ResidentActivity.__table__.outerjoin(
        Region.__table__, R.id == A.region_id)).where(*where).group_by(A.team, R.name, A.month)
        .order_by(A.team, A.month))
    rows = [{"team": team, "region": region, "month": month, **_activity(*values)}
            for team, region, month, *values in conn.execute(team_months)]

    teams: dict[str, list] = {}
    for r in rows:
        teams.setdefault(r["team"], []).append(r)
    team_totals = [{"team": team, "region": parts[0]["region"], **_summed(parts)} for team, parts in teams.items()]

    scope = Scope(region_id=region_id)
    by_month_activity = {m: [r for r in rows if r["month"] == m] for m in range(1, period.month + 1)}
    months, before = [], {"resident_signed_count": 0, "resident_signed_amount": money(0)}
    for m in range(1, period.month + 1):
        cum = measures(conn, Period(period.year, m), scope)[None]
        months.append({"month": m, **_summed(by_month_activity[m]),
                       "signed_count": cum["resident_signed_count"] - before["resident_signed_count"],
                       "signed_amount": cum["resident_signed_amount"] - before["resident_signed_amount"]})
        before = cum

    activity = resident_activity(conn, period, region_id)
    signed = measures(conn, period, scope)[None]
    target = targets(conn, period.year, region_id).get("resident_signed_amount")
    total = {**_activity(activity["contacted"], activity["visited"], activity["intended_projects"],
                         activity["intended_amount"]),
             "signed_count": signed["resident_signed_count"], "signed_amount": signed["resident_signed_amount"],
             "signed_target": target, "completion_pct": completion_pct(signed["resident_signed_amount"], target),
             "time_progress_pct": period.time_progress_pct}
    completion = total["completion_pct"]
    total["warning"] = warning_level(None if completion is None else completion - period.time_progress_pct)
    stages = [
        {"stage": "contacted", "label": "对接企业", "count": total["contacted"], "amount": None, "rate_pct": None},
        {"stage": "visited", "label": "考察回访", "count": total["visited"], "amount": None,
         "rate_pct": total["visit_rate_pct"]},
        {"stage": "intended", "label": "意向项目", "count": total["intended_projects"],
         "amount": total["intended_amount"], "rate_pct": pct(total["intended_projects"], total["visited"])},
        {"stage": "signed", "label": "签约项目", "count": total["signed_count"], "amount": total["signed_amount"],
         "rate_pct": pct(total["signed_count"], total["intended_projects"])},
    ]
    return {"period": str(period), "region_id": region_id, "rows": rows, "teams": team_totals, "months": months,
            "total": total, "stages": stages}


def resident_signed_in_month(conn: Connection, year: int, month: int, region_id: int | None) -> list[dict]:
    """The 驻点招商 projects signed in one month: the window through ``month`` less the window
    through the month before (the same drill-down lists, so the total equals the month's figure)."""
    scope = Scope(region_id=region_id)
    rows = drill_down(conn, "resident_signed_amount", Period(year, month), scope)
    if month == 1:
        return rows
    earlier = {r["id"] for r in drill_down(conn, "resident_signed_amount", Period(year, month - 1), scope)}
    return [r for r in rows if r["id"] not in earlier]


def _region_of_problem():
    """A problem's region: its own, else its project's."""
    return func.coalesce(EP.region_id, PR.region_id)


def _status_at(as_of: dt.date):
    """A problem's status on ``as_of``: closed only if closed by then; a problem closed later was
    still being handled (办理中) on that day."""
    closed = and_(EP.status == CLOSED, or_(EP.closed_on.is_(None), EP.closed_on <= as_of))
    return case((closed, literal(CLOSED)), (EP.status == CLOSED, literal("办理中")), else_=EP.status)


def _problems_from():
    return EnterpriseProblem.__table__.outerjoin(Project.__table__, PR.id == EP.project_id)


def problem_summary(conn: Connection, as_of: dt.date, region_id: int | None) -> dict:
    """企业诉求 raised on or before ``as_of`` (region None = the whole city), by their status on that day.

    Returns ``by_status`` {待办, 办理中, 已办结: count}, ``raised`` (all of them), ``closed_rate_pct``;
    ``by_unit``: per responsible unit (raised, 待办, 办理中, 已办结, open), most open first;
    ``age_bands``: open problems (not closed on ``as_of``) by days since raised — ≤30 / 31–90 / >90
    days (label, count); ``open``: the open problems oldest first (enterprise, project, region,
    description, raised_on, unit, status, days_open).
    """
    status = _status_at(as_of)
    where = [EP.raised_on <= as_of]
    if region_id is not None:
        where.append(_region_of_problem() == region_id)
    unit = func.coalesce(EP.unit, literal(NO_UNIT))
    per_status = [func.sum(case((status == s, 1), else_=0)).label(s) for s in STATUSES]
    stmt = (select(unit.label("unit"), func.count().label("raised"), *per_status).select_from(_problems_from())
            .where(*where).group_by(unit))
    by_unit = []
    for r in conn.execute(stmt).mappings():
        counts = {s: int(r[s] or 0) for s in STATUSES}
        by_unit.append({"unit": r["unit"], "raised": int(r["raised"]), **counts,
                        "open": counts["待办"] + counts["办理中"]})
    by_unit.sort(key=lambda u: (-u["open"], -u["raised"], u["unit"]))
    by_status = {s: sum(u[s] for u in by_unit) for s in STATUSES}
    raised = sum(u["raised"] for u in by_unit)

    is_open = status != CLOSED
    bands = []
    for label, low, high in AGE_BANDS:
        cond = [EP.raised_on <= as_of - dt.timedelta(days=low)]
        if high is not None:
            cond.append(EP.raised_on >= as_of - dt.timedelta(days=high))
        bands.append(func.sum(case((and_(*cond), 1), else_=0)).label(label))
    counts = conn.execute(select(*bands).select_from(_problems_from()).where(*where, is_open)).mappings().one()
    age_bands = [{"band": label, "count": int(counts[label] or 0)} for label, _, _ in AGE_BANDS]

    region_name = select(R.name).where(R.id == _region_of_problem()).scalar_subquery()
    open_stmt = (select(EP.id, EP.enterprise, PR.code.label("project_code"), PR.name.label("project"),
                        region_name.label("region"), EP.description, EP.raised_on, EP.unit, status.label("status"))
                 .select_from(_problems_from()).where(*where, is_open).order_by(EP.raised_on, EP.id))
    open_rows = [dict(r) | {"days_open": (as_of - r["raised_on"]).days} for r in conn.execute(open_stmt).mappings()]
    return {"as_of": as_of, "raised": raised, "by_status": by_status,
            "closed_rate_pct": pct(by_status[CLOSED], raised), "by_unit": by_unit, "age_bands": age_bands,
            "open": open_rows}


def problems_in_window(conn: Connection, period: Period, region_id: int | None) -> dict:
    """企业诉求 raised in the window of ``period`` (SPEC §4; region None = the whole city): ``total``,
    ``projects`` (distinct projects named), ``closed`` (已办结 by the window's end), ``in_progress``
    (办理中 then) and ``pending`` (the rest)."""
    status = _status_at(period.end)
    where = [EP.raised_on.between(period.start, period.end)]
    if region_id is not None:
        where.append(_region_of_problem() == region_id)
    row = conn.execute(select(
        func.count().label("total"), func.count(func.distinct(EP.project_id)).label("projects"),
        func.sum(case((status == CLOSED, 1), else_=0)).label("closed"),
        func.sum(case((status == "办理中", 1), else_=0)).label("in_progress"),
    ).select_from(_problems_from()).where(*where)).mappings().one()
    total, closed, in_progress = int(row["total"]), int(row["closed"] or 0), int(row["in_progress"] or 0)
    return {"total": total, "projects": int(row["projects"]), "closed": closed, "in_progress": in_progress,
            "pending": total - closed - in_progress}
