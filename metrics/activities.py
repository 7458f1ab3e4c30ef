"""招商活动 and the events projects were signed at (SPEC §4 activities, events), each defined once."""
from __future__ import annotations

from sqlalchemy import Connection, and_, func, select

from data_access.models import ACTIVITY_TYPES, Activity, Chain, Project, Region
from metrics.measures import DRILL_COLUMNS, money, scope_condition
from metrics.period import Period, Scope

A = Activity.__table__.c
P = Project.__table__.c
# activity type -> its key in the CLI's JSON, in the order the briefing names them
ACTIVITY_KEYS = {"外出招商": "trips", "对接洽谈": "talks", "接待考察": "visits_received", "推介会": "events_held",
                 "项目协调会": "coordination_meetings", "工作会议": "work_meetings", "企业调研": "enterprise_visits"}


def _in(period: Period, region_id: int | None) -> list:
    where = [A.activity_date.between(period.start, period.end)]
    if region_id is not None:
        where.append(A.region_id == region_id)
    return where


def activities(conn: Connection, period: Period, region_id: int | None) -> dict:
    """招商活动 dated in the window, in the region (None: every row, 全市's own included): the count of
    each type (ACTIVITY_KEYS; 其他 is counted nowhere), ``top500_enterprises_contacted`` (distinct
    enterprises carrying a 500强 tag named on those rows) and ``problems_solved`` (their sum)."""
    where = _in(period, region_id)
    counts = dict(conn.execute(select(A.activity_type, func.count()).where(*where).group_by(A.activity_type)).all())
    out = {key: int(counts.get(kind, 0)) for kind, key in ACTIVITY_KEYS.items()}
    out["top500_enterprises_contacted"] = int(conn.scalar(
        select(func.count(func.distinct(A.enterprise))).where(*where, A.is_top500, A.enterprise != "")))
    out["problems_solved"] = int(conn.scalar(select(func.coalesce(func.sum(A.problems_solved), 0)).where(*where)))
    return out


def activities_by(conn: Connection, period: Period, region_id: int | None, by: str) -> list[dict]:
    """The window's 招商活动 counted by ``by`` ("leader" or "month") and type: one dict per leader or
    month with each type's count (by its Chinese name) and ``solved`` (problems solved)."""
    key = A.leader if by == "leader" else func.extract("month", A.activity_date)
    rows = conn.execute(select(key.label("key"), A.activity_type, func.count().label("n"),
                               func.coalesce(func.sum(A.problems_solved), 0).label("solved"))
                        .where(*_in(period, region_id)).group_by(key, A.activity_type)).mappings()
    found: dict = {}
    for r in rows:
        k = r["key"] if by == "leader" else int(r["key"])
        entry = found.setdefault(k, {by: k, **dict.fromkeys(ACTIVITY_TYPES, 0), "solved": 0})
        entry[r["activity_type"]] += int(r["n"])
        entry["solved"] += int(r["solved"])
    return [found[k] for k in sorted(found, key=str if by == "leader" else int)]


def _signed_at_events(period: Period, scope: Scope):
    return and_(scope_condition(scope), P.sign_date.between(period.start, period.end), P.signed_event.is_not(None))


def events(conn: Connection, period: Period, scope: Scope) -> list[dict]:
    """活动签约: each 签约活动 named by projects signed in the window and scope, with its date (the first
    招商活动 row of that name, None when there is none), signed_count and signed_amount; largest first."""
    rows = conn.execute(select(P.signed_event, func.count(), func.sum(P.contract_amount))
                        .where(_signed_at_events(period, scope)).group_by(P.signed_event)).all()
    names = sorted(name for name, _, _ in rows)
    dates = dict(conn.execute(select(A.event_name, func.min(A.activity_date)).where(A.event_name.in_(names))
                              .group_by(A.event_name)).all()) if names else {}
    found = [{"name": name, "date": dates.get(name), "signed_count": int(count), "signed_amount": money(amount)}
             for name, count, amount in rows]
    return sorted(found, key=lambda e: (-e["signed_amount"], e["name"]))


def projects_at_event(conn: Connection, period: Period, scope: Scope, name: str) -> list[dict]:
    """The projects behind an event's figures (drill-down): signed at ``name`` in the window and scope."""
    stmt = (select(*DRILL_COLUMNS).select_from(Project.__table__.join(Region.__table__).join(Chain.__table__))
            .where(_signed_at_events(period, scope), P.signed_event == name)
            .order_by(P.contract_amount.desc(), P.code))
    return [dict(r) for r in conn.execute(stmt).mappings()]
