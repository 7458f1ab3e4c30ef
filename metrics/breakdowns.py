"""Breakdowns for the 产业链 and 重点企业 screens (SPEC §6.2, §6.3), built on the definitions of
``metrics.measures`` so that every cell equals the drill-down list behind it.

Amounts are exact 4-place Decimals in 亿元, counts ints, percentages unrounded Decimals (None when
undefined, e.g. a YoY against an empty last year).
"""
from __future__ import annotations

from sqlalchemy import Connection, and_, func, literal, or_, select

from data_access.config import chains, regions
from data_access.models import STAGES, Chain, Project, Region, Tag
from metrics.figures import yoy_pct
from metrics.measures import (
    DRILL_COLUMNS,
    MEASURES,
    drill_down,
    measure_condition,
    measures,
    money,
    new_enterprise_conds,
    new_enterprises,
    scope_condition,
)
from metrics.period import Period, Scope

P = Project.__table__.c
PROJECTS = Project.__table__.join(Region.__table__).join(Chain.__table__)

# ---- 产业链

CHAIN_FIGURES = ("signed_count", "signed_amount", "funds_in_place")
MATRIX_MEASURES = ("signed_count", "signed_amount")


def chain_summary(conn: Connection, period: Period, scope: Scope = Scope()) -> list[dict]:
    """One row per configured chain (only the scope's chain when it names one), in the configured
    order: ``chain_id``, ``chain`` and, for each of signed_count, signed_amount, funds_in_place, its
    value, ``<name>_last`` (same window last year) and ``<name>_yoy_pct``."""
    cur = measures(conn, period, scope, group_by="chain")
    last = measures(conn, period.last_year(), scope, group_by="chain")
    rows = []
    for chain in chains(conn):
        if scope.chain_id is not None and chain["id"] != scope.chain_id:
            continue
        row = {"chain_id": chain["id"], "chain": chain["name"]}
        for name in CHAIN_FIGURES:
            zero = money(0) if MEASURES[name].kind == "amount" else 0
            value = cur.get(chain["id"], {}).get(name, zero)
            before = last.get(chain["id"], {}).get(name, zero)
            row |= {name: value, f"{name}_last": before, f"{name}_yoy_pct": yoy_pct(value, before)}
        rows.append(row)
    return rows


def chain_region_matrix(conn: Connection, period: Period, scope: Scope = Scope(),
                        use_fact: bool = True) -> dict[tuple[int, int], dict]:
    """Signed count and contract amount per (chain id, region id); cells with nothing are absent.

    Answered from ``monthly_fact`` when the scope allows it (as ``measures`` does), else from the
    projects; each cell equals ``drill_down('signed_amount', period, scope with that chain and
    region)``."""
    cells = measures(conn, period, scope, group_by="chain_region", use_fact=use_fact)
    return {key: {name: values[name] for name in MATRIX_MEASURES}
            for key, values in cells.items() if values["signed_count"]}


def top_projects_by_chain(conn: Connection, period: Period, scope: Scope = Scope(),
                          limit: int = 10) -> dict[int, list[dict]]:
    """Per chain id, its ``limit`` largest projects (by contract amount, then code) signed in the
    window and in scope, each a drill-down row with its ``rank`` (1 = largest)."""
    rank = func.row_number().over(partition_by=P.chain_id,
                                  order_by=(P.contract_amount.desc().nulls_last(), P.code)).label("rank")
    inner = (select(*DRILL_COLUMNS, P.chain_id, rank).select_from(PROJECTS)
             .where(scope_condition(scope), measure_condition(MEASURES["signed_amount"], period)).subquery())
    out: dict[int, list[dict]] = {}
    stmt = select(inner).where(inner.c.rank <= limit).order_by(inner.c.chain_id, inner.c.rank)
    for row in conn.execute(stmt).mappings():
        out.setdefault(row["chain_id"], []).append(dict(row))
    return out


def _pipeline(period: Period, scope: Scope):
    """Projects signed in the window, plus those not signed at all (在谈, or 终止 before signing)."""
    return and_(scope_condition(scope), or_(MEASURES["signed_count"].when(period), P.sign_date.is_(None)))


def stage_breakdown(conn: Connection, period: Period, scope: Scope = Scope()) -> list[dict]:
    """A chain's (or any scope's) projects by current stage, one row per stage in STAGES order:
    ``stage``, ``count``, ``amount`` (contract amounts, missing ones as 0). Covers projects signed in
    the window plus those with no signing date, so the stages other than unsigned ones add up to
    signed_count."""
    stmt = (select(P.stage, func.count().label("count"), func.sum(P.contract_amount).label("amount"))
            .where(_pipeline(period, scope)).group_by(P.stage))
    found = {r["stage"]: r for r in conn.execute(stmt).mappings()}
    return [{"stage": stage, "count": int(found[stage]["count"]) if stage in found else 0,
             "amount": money(found[stage]["amount"] if stage in found else 0)} for stage in STAGES]


def stage_projects(conn: Connection, period: Period, scope: Scope = Scope(), stage: str | None = None) -> list[dict]:
    """The projects behind ``stage_breakdown`` (one stage, or all when None), largest first."""
    cond = _pipeline(period, scope)
    if stage is not None:
        cond = and_(cond, P.stage == stage)
    stmt = (select(*DRILL_COLUMNS).select_from(PROJECTS).where(cond)
            .order_by(P.contract_amount.desc().nulls_last(), P.code))
    return [dict(r) for r in conn.execute(stmt).mappings()]


# ---- 重点企业

# tag group key -> (label, project flag column, measure of its projects, measure of its new enterprises)
FLAG_GROUPS = {
    "top500": ("500强", "is_top500", "top500_projects", "top500_enterprises_new"),
    "little_giant": ("专精特新小巨人", "is_little_giant", None, "little_giant_enterprises_new"),
}


def tag_groups(conn: Connection) -> list[dict]:
    """The enterprise groups of the 重点企业 screen: 500强 (any 500强 tag), 专精特新小巨人, then each
    other configured tag by name. Each: ``key`` (pass to the functions below) and ``label``."""
    others = conn.scalars(select(Tag.name).where(Tag.kind.not_in(["top500", "little_giant"])).order_by(Tag.id))
    return [{"key": k, "label": v[0]} for k, v in FLAG_GROUPS.items()] + [{"key": n, "label": n} for n in others]


def _tagged(table, group: str):
    """Condition on ``table`` (the project table or an alias): the project carries the group's tag."""
    if group in FLAG_GROUPS:
        return table.c[FLAG_GROUPS[group][1]]
    # tags are names joined by "、": match whole names only
    return (literal("、") + table.c.tags + literal("、")).contains(f"、{group}、", autoescape=True)


def _projects_cond(period: Period, scope: Scope, group: str):
    """Projects of the group signed in the window and in scope (for 500强: the top500_projects measure)."""
    signed = MEASURES["top500_projects"] if group == "top500" else MEASURES["signed_count"]
    return and_(scope_condition(scope), measure_condition(signed, period), _tagged(Project.__table__, group))


def _new_conds(period: Period, scope: Scope, group: str):
    """The first signed project of each enterprise new in the window (as ``new_enterprises`` defines it)."""
    return new_enterprise_conds(period, scope, lambda table: _tagged(table, group))


def tag_new_enterprises(conn: Connection, period: Period, scope: Scope, group: str) -> int:
    """新引进企业数 of the group: distinct enterprises carrying the tag whose first signed project in
    the city falls in the window and in scope."""
    if group in FLAG_GROUPS:
        return new_enterprises(conn, period, scope, FLAG_GROUPS[group][1])
    return conn.scalar(select(func.count(func.distinct(P.investor))).where(*_new_conds(period, scope, group)))


def tag_new_enterprise_projects(conn: Connection, period: Period, scope: Scope, group: str) -> list[dict]:
    """The first project of each new enterprise of the group (one row per enterprise), largest first."""
    if group in FLAG_GROUPS:
        return drill_down(conn, FLAG_GROUPS[group][3], period, scope)
    stmt = (select(*DRILL_COLUMNS).select_from(PROJECTS).where(*_new_conds(period, scope, group))
            .order_by(P.contract_amount.desc(), P.code))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def tag_summary(conn: Connection, period: Period, scope: Scope, group: str) -> dict:
    """``new_enterprises``, ``projects`` (signed in the window), ``amount`` (their contract amount) and
    ``enterprises`` (distinct investors of those projects) of the group."""
    count, amount, enterprises = conn.execute(
        select(func.count(), func.sum(P.contract_amount), func.count(func.distinct(P.investor)))
        .where(_projects_cond(period, scope, group))).one()
    return {"new_enterprises": tag_new_enterprises(conn, period, scope, group), "projects": int(count),
            "amount": money(amount), "enterprises": int(enterprises)}


def tag_by_region(conn: Connection, period: Period, scope: Scope, group: str) -> list[dict]:
    """Per region (every configured region, or the scope's one), in the configured order:
    ``region_id``, ``region``, ``new_enterprises``, ``projects``, ``amount``."""
    projects = {r["region_id"]: r for r in conn.execute(
        select(P.region_id, func.count().label("projects"), func.sum(P.contract_amount).label("amount"))
        .where(_projects_cond(period, scope, group)).group_by(P.region_id)).mappings()}
    new = dict(conn.execute(select(P.region_id, func.count(func.distinct(P.investor)))
                            .where(*_new_conds(period, scope, group)).group_by(P.region_id)).all())
    return [{"region_id": r["id"], "region": r["name"], "new_enterprises": int(new.get(r["id"], 0)),
             "projects": int(projects[r["id"]]["projects"]) if r["id"] in projects else 0,
             "amount": money(projects[r["id"]]["amount"] if r["id"] in projects else 0)}
            for r in regions(conn) if scope.region_id is None or r["id"] == scope.region_id]


def tag_projects(conn: Connection, period: Period, scope: Scope, group: str,
                 investor: str | None = None) -> list[dict]:
    """The group's projects signed in the window and in scope (of one enterprise when ``investor``
    is given), largest first; for 500强 the same rows as ``drill_down('top500_projects')``."""
    cond = _projects_cond(period, scope, group)
    if investor is not None:
        cond = and_(cond, P.investor == investor)
    stmt = select(*DRILL_COLUMNS).select_from(PROJECTS).where(cond).order_by(P.contract_amount.desc(), P.code)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def tag_enterprises(conn: Connection, period: Period, scope: Scope, group: str) -> list[dict]:
    """The group's enterprises with projects signed in the window and in scope, largest first:
    ``investor``, ``tags`` (as written on one of its projects), ``projects``, ``amount``, ``first_sign``
    (earliest signing in the window) and ``is_new`` (newly brought in, as ``tag_new_enterprises``)."""
    new = {r["investor"] for r in tag_new_enterprise_projects(conn, period, scope, group)}
    amount = func.sum(P.contract_amount)
    stmt = (select(P.investor, func.max(P.tags).label("tags"), func.count().label("projects"),
                   amount.label("amount"), func.min(P.sign_date).label("first_sign"))
            .where(_projects_cond(period, scope, group)).group_by(P.investor)
            .order_by(amount.desc(), P.investor))
    return [{"investor": r["investor"], "tags": r["tags"], "projects": int(r["projects"]), "amount": money(r["amount"]),
             "first_sign": r["first_sign"], "is_new": r["investor"] in new} for r in conn.execute(stmt).mappings()]
