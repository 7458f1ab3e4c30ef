"""红黄蓝 warnings for projects (SPEC §4): signed but not started, started but past its planned
production date."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, or_, select

from data_access import settings
from data_access.models import Chain, Project, Region
from metrics.measures import P, scope_condition
from metrics.period import Period, Scope


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; a month end completes a month (31 Jan → 29 Feb is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _is_month_end(end, start.day):
        months -= 1
    return months


def _is_month_end(day: dt.date, wanted_day: int) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month and day.day < wanted_day


# the stages a project moves through, each entered on the date of the same name
PROGRESS = ("签约", "开工", "投产")


def stage_on(stage: str, sign_date, start_date, production_date, as_of: dt.date) -> str:
    """The stage a project was in on ``as_of``: its recorded stage, stepped back while that stage's
    date is after ``as_of`` (a project started in September was only signed at the end of June).
    在谈 and 终止 carry no date and stay as recorded; a missing date trusts the recorded stage."""
    if stage not in PROGRESS:
        return stage
    dates = dict(zip(PROGRESS, (sign_date, start_date, production_date)))
    i = PROGRESS.index(stage)
    while i >= 0 and dates[PROGRESS[i]] is not None and dates[PROGRESS[i]] > as_of:
        i -= 1
    return PROGRESS[i] if i >= 0 else "在谈"


def project_warning(stage: str, sign_date, start_date, planned_production_date, as_of: dt.date,
                    production_date=None):
    """(level, reason) for one project on ``as_of``, or (None, None) when nothing is late; judged on
    the stage the project was in on that day (``stage_on``).

    Signed but not started: blue under ``project_yellow_months`` since signing, yellow up to
    ``project_red_months``, red beyond. Started but not in production: the same bands counted
    from its planned production date, once that has passed.
    """
    stage = stage_on(stage, sign_date, start_date, production_date, as_of)
    yellow, red = settings.get("project_yellow_months"), settings.get("project_red_months")
    if stage == "签约" and sign_date and sign_date <= as_of:
        months = months_between(sign_date, as_of)
        reason = f"签约后{months}个月未开工" if months else "签约不足1个月未开工"
    elif stage == "开工" and planned_production_date and planned_production_date < as_of:
        months = months_between(planned_production_date, as_of)
        reason = f"超过计划投产日期{months}个月未投产" if months else "超过计划投产日期不足1个月未投产"
    else:
        return None, None
    level = "blue" if months < yellow else "yellow" if months <= red else "red"
    return level, reason


def _after(day, as_of: dt.date):
    """The date column is empty or later than ``as_of``: that step had not happened yet."""
    return or_(day.is_(None), day > as_of)


def project_warnings(conn: Connection, period: Period, scope: Scope = Scope()) -> list[dict]:
    """Every project in scope with a warning at the end of ``period`` (judged on its stage on that
    day), reddest and oldest first."""
    as_of = period.end
    stmt = (select(P.id, P.code, P.name, P.investor, Region.name.label("region"), Chain.name.label("chain"),
                   P.stage, P.sign_date, P.contract_amount, P.start_date, P.production_date,
                   P.planned_production_date)
            .select_from(Project.__table__.join(Region.__table__).join(Chain.__table__))
            .where(scope_condition(scope), P.stage.in_(PROGRESS),
                   or_(and_(P.sign_date <= as_of, _after(P.start_date, as_of)),
                       and_(P.planned_production_date < as_of, _after(P.production_date, as_of)))))
    order = {"red": 0, "yellow": 1, "blue": 2}
    rows = []
    for r in conn.execute(stmt).mappings():
        level, reason = project_warning(r["stage"], r["sign_date"], r["start_date"], r["planned_production_date"],
                                        as_of, r["production_date"])
        if level:
            rows.append(dict(r) | {"warning": level, "reason": reason})
    rows.sort(key=lambda r: (order[r["warning"]], r["sign_date"] or as_of, r["code"]))
    return rows
