"""项目库: search, filter, sort and page the project list in the database; one project's detail.

The list never loads all rows: a page is ``LIMIT``/``OFFSET`` and the totals are a ``COUNT``/``SUM``
over the same condition (for a text search, in the same statement as the page). Search text is a
bound parameter with ``%``, ``_`` and the escape character escaped, so it matches literally.
bench/projects_bench.py times it on 200,000 projects.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, or_, select, true

from data_access.models import STAGES, Chain, Project, Region, StageChange
from metrics.measures import MEASURES, F, P, measure_condition, money, scope_condition
from metrics.period import Period, Scope
from metrics.warnings import project_warning

PAGE_SIZE = 50
EXPORT_CAP = 100_000  # most rows written to one Excel export

R = Region.__table__.c
C = Chain.__table__.c
S = StageChange.__table__.c

COLUMNS = [P.id, P.code, P.name, P.investor, R.name.label("region"), C.name.label("chain"), P.stage, P.sign_date,
           P.contract_amount, P.start_date, P.production_date, P.planned_production_date, P.is_manufacturing,
           P.tags, P.origin, P.channel, P.leader, P.note]

# the orders a user may choose (nothing else reaches ORDER BY); ties go by id so pages never overlap
SORTS = {
    "sign_date": P.sign_date,
    "contract_amount": P.contract_amount,
    "code": P.code,
    "name": P.name,
    "investor": P.investor,
    "stage": case({s: i for i, s in enumerate(STAGES)}, value=P.stage, else_=len(STAGES)),  # pipeline order
    "start_date": P.start_date,
    "production_date": P.production_date,
}


def search_text(text: str | None) -> str:
    """The search text as matched: surrounding spaces removed."""
    return (text or "").strip()


def search_condition(text: str | None, dialect: str = "postgresql"):
    """Case-insensitive substring of name, investor or code; ``%``, ``_`` and ``/`` match themselves
    (bound parameter, escaped with ``/``).

    Plain LIKE where it gives the same answer faster: on SQLite (its LIKE ignores ASCII case, the
    only case its ``lower()`` knows) and for text without cased letters (Chinese, digits), which
    matches the same rows either way. Otherwise ILIKE (PostgreSQL; served by the trigram indexes).
    """
    text = search_text(text)
    if not text:
        return true()
    cols = (P.name, P.investor, P.code)
    if dialect == "sqlite" or text.lower() == text.upper():
        return or_(*(col.contains(text, autoescape=True) for col in cols))
    return or_(*(col.icontains(text, autoescape=True) for col in cols))


def list_condition(*, text: str | None, scope: Scope, stages=(), period_only: bool = False,
                   period: Period | None = None, dialect: str = "postgresql"):
    """The projects the list shows: search text, scope, stages (empty = every stage) and, with
    ``period_only``, signed in the window of ``period`` (the same condition as 新签约项目数)."""
    conds = [search_condition(text, dialect), scope_condition(scope)]
    if stages:
        conds.append(P.stage.in_(list(stages)))
    if period_only:
        if period is None:
            raise ValueError("period_only needs a period")
        conds.append(measure_condition(MEASURES["signed_count"], period))
    return and_(*conds)


def _ordered(key, tie, descending: bool) -> list:
    """ORDER BY ``key`` (empty values last in either direction), then ``tie``."""
    if descending:
        return [key.desc().nulls_last(), tie.desc()]
    return [key.asc().nulls_last(), tie.asc()]


def totals_statement(cond):
    """``COUNT`` and ``SUM(contract_amount)`` of the projects matching ``cond``."""
    return select(func.count(), func.sum(P.contract_amount)).select_from(Project.__table__).where(cond)


def page_statement(cond, *, sort: str = "sign_date", descending: bool = True, page: int = 1,
                   page_size: int = PAGE_SIZE, with_totals: bool = False):
    """One page of ``COLUMNS`` rows of the projects matching ``cond``.

    ``with_totals`` adds ``total_count`` and ``total_amount`` over all matches to every row, from
    the same pass: the matches are selected once (a materialised CTE, so the planner filters by the
    search indexes instead of walking an order index past every row), then counted and summed, and
    the page taken from them.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort column: {sort!r}")
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    order = _ordered(SORTS[sort], P.id, descending)
    if not with_totals:
        # the ids alone on the project table, so that an index on the order can serve the page
        ids = (select(P.id).where(cond).order_by(*order).limit(page_size).offset((page - 1) * page_size)
               .subquery("page_ids"))
        return (select(*COLUMNS).select_from(_with_names(ids.join(Project.__table__, P.id == ids.c.id)))
                .order_by(*order))
    matches = (select(P.id, P.contract_amount, SORTS[sort].label("sort_key"))
               .where(cond).cte("matches").prefix_with("MATERIALIZED"))
    totals = select(func.count().label("total_count"),
                    func.sum(matches.c.contract_amount).label("total_amount")).subquery("totals")
    ids = (select(matches.c.id).order_by(*_ordered(matches.c.sort_key, matches.c.id, descending))
           .limit(page_size).offset((page - 1) * page_size).subquery("page_ids"))
    joined = _with_names(ids.join(Project.__table__, P.id == ids.c.id)).join(totals, true())
    return select(*COLUMNS, totals.c.total_count, totals.c.total_amount).select_from(joined).order_by(*order)


def _with_names(projects):
    return projects.join(Region.__table__).join(Chain.__table__)


def search_projects(conn: Connection, *, text: str | None = None, scope: Scope = Scope(), stages=(),
                    period_only: bool = False, period: Period | None = None, sort: str = "sign_date",
                    descending: bool = True, page: int = 1, page_size: int = PAGE_SIZE
                    ) -> tuple[list[dict], int, Decimal]:
    """One page of the project list and the totals of every matching project.

    Returns ``(rows, total_count, total_amount)``: ``rows`` are at most ``page_size`` dicts
    (``COLUMNS`` keys) of page ``page`` (1-based) in the order of ``sort`` (a key of ``SORTS``;
    empty values last in either direction, ties by id in the same direction); ``total_amount`` is
    the sum of contract_amount (亿元, exact) over all matching projects. Raises ValueError for an
    unknown ``sort`` or a page below 1.
    """
    cond = list_condition(text=text, scope=scope, stages=stages, period_only=period_only, period=period,
                          dialect=conn.dialect.name)
    order = {"sort": sort, "descending": descending, "page": page, "page_size": page_size}
    if search_text(text):
        # a substring search reads every candidate row anyway: count, sum and page them in one pass
        rows = [dict(r) for r in conn.execute(page_statement(cond, **order, with_totals=True)).mappings()]
        if rows:
            total_count, total_amount = rows[0].pop("total_count"), rows[0].pop("total_amount")
            for r in rows[1:]:
                del r["total_count"], r["total_amount"]
            return rows, total_count, money(total_amount)
        if page == 1:
            return [], 0, money(0)
    total_count, total_amount = conn.execute(totals_statement(cond)).one()
    if total_count <= (page - 1) * page_size:
        return [], total_count, money(total_amount)
    rows = conn.execute(page_statement(cond, **order)).mappings()
    return [dict(r) for r in rows], total_count, money(total_amount)


def with_warnings(rows: list[dict], as_of: dt.date) -> list[dict]:
    """Each row with its 红黄蓝 ``warning`` level (None when nothing is late) and ``reason``."""
    out = []
    for r in rows:
        level, reason = project_warning(r["stage"], r["sign_date"], r["start_date"], r["planned_production_date"],
                                        as_of, r["production_date"])
        out.append(r | {"warning": level, "reason": reason})
    return out


def project_detail(conn: Connection, project_id: int, as_of: dt.date) -> dict | None:
    """Everything about one project, or None when it does not exist.

    ``project``: every attribute (region and chain by name); ``stages``: the stage history
    (``stage``, ``changed_on``) oldest first; ``funds``: funds in place per month (``year``,
    ``month``, ``amount``) oldest first; ``funds_total``: their sum; ``warning`` / ``reason``: the
    红黄蓝 status on ``as_of``.
    """
    row = conn.execute(select(*COLUMNS).select_from(Project.__table__.join(Region.__table__).join(Chain.__table__))
                       .where(P.id == project_id)).mappings().first()
    if row is None:
        return None
    project = dict(row)
    stages = [dict(r) for r in conn.execute(
        select(S.stage, S.changed_on).where(S.project_id == project_id).order_by(S.changed_on, S.id)).mappings()]
    funds = [{"year": r["year"], "month": r["month"], "amount": money(r["amount"])} for r in conn.execute(
        select(F.year, F.month, F.amount).where(F.project_id == project_id).order_by(F.year, F.month)).mappings()]
    level, reason = project_warning(row["stage"], row["sign_date"], row["start_date"],
                                    row["planned_production_date"], as_of, row["production_date"])
    return {"project": project, "stages": stages, "funds": funds,
            "funds_total": money(sum((f["amount"] for f in funds), Decimal(0))), "warning": level, "reason": reason}
