"""The base measures of SPEC §4, each defined once as a condition on projects (or funds rows).

Every measure is answered two ways from the same definition:
- from ``monthly_fact`` (the summary the importer maintains) when the scope is one the summary
  covers (region, chain, manufacturing only), and
- from the raw tables otherwise (minimum amount, origin) — and always for drill-down lists.
``tests/unit/test_measures.py`` checks that both ways agree.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from data_access.models import RESIDENT_CHANNEL, Chain, Funds, MonthlyFact, Project, Region
from metrics.period import Period, Scope

P = Project.__table__.c
F = Funds.__table__.c
MF = MonthlyFact.__table__.c
CENT = Decimal("0.0001")


def money(value) -> Decimal:
    """A summed amount as an exact 4-place Decimal (SQLite sums NUMERIC as binary floats)."""
    return Decimal(str(value or 0)).quantize(CENT)


@dataclass(frozen=True)
class Measure:
    name: str
    kind: str  # "count" | "amount" (亿元)
    source: str  # "project" | "funds"
    when: Callable[[Period], object]  # condition on project columns for the period's window
    fact: str  # column of monthly_fact
    manufacturing: bool = False  # restricted to is_manufacturing


def _signed(p: Period):
    return P.sign_date.between(p.start, p.end)


def _signed_and(extra):
    return lambda p: and_(_signed(p), extra(p))


MEASURES: dict[str, Measure] = {m.name: m for m in [
    Measure("signed_count", "count", "project", _signed, "signed_count"),
    Measure("signed_amount", "amount", "project", _signed, "signed_amount"),
    Measure("manufacturing_count", "count", "project", _signed, "signed_count", manufacturing=True),
    Measure("manufacturing_amount", "amount", "project", _signed, "signed_amount", manufacturing=True),
    Measure("started_count", "count", "project", _signed_and(lambda p: P.start_date <= p.end), "started_count"),
    Measure("production_count", "count", "project", lambda p: P.production_date.between(p.start, p.end),
            "production_count"),
    Measure("top500_projects", "count", "project", _signed_and(lambda p: P.is_top500), "top500_projects"),
    Measure("over10_count", "count", "project", _signed_and(lambda p: P.contract_amount >= 10), "over10_count"),
    Measure("over10_amount", "amount", "project", _signed_and(lambda p: P.contract_amount >= 10),
            "over10_amount"),
    Measure("over5_count", "count", "project", _signed_and(lambda p: P.contract_amount >= 5), "over5_count"),
    Measure("over5_amount", "amount", "project", _signed_and(lambda p: P.contract_amount >= 5), "over5_amount"),
    Measure("resident_signed_count", "count", "project",
            _signed_and(lambda p: P.channel == RESIDENT_CHANNEL), "resident_signed_count"),
    Measure("resident_signed_amount", "amount", "project",
            _signed_and(lambda p: P.channel == RESIDENT_CHANNEL), "resident_signed_amount"),
    Measure("funds_in_place", "amount", "funds", lambda p: and_(F.year == p.year, F.month <= p.month),
            "funds_in_place"),
    Measure("manufacturing_funds", "amount", "funds", lambda p: and_(F.year == p.year, F.month <= p.month),
            "funds_in_place", manufacturing=True),
]}

# group -> (raw column, summary column); "month" (each month's own figure, not the window's) exists
# only in the summary: a month's measures each sit in their own month there (see MonthlyFact)
GROUPS = {"region": ((P.region_id,), (MF.region_id,)), "chain": ((P.chain_id,), (MF.chain_id,)),
          "chain_region": ((P.chain_id, P.region_id), (MF.chain_id, MF.region_id)), "month": (None, (MF.month,))}


def _keyed(columns) -> list:
    return [c.label(f"k{i}") for i, c in enumerate(columns)]


def _key(row, width: int):
    """The group key of a result row: one value, or a tuple for a group of several columns."""
    return row["k0"] if width == 1 else tuple(row[f"k{i}"] for i in range(width))


def scope_condition(scope: Scope):
    """The scope as a condition on project columns."""
    conds = []
    if scope.region_id is not None:
        conds.append(P.region_id == scope.region_id)
    if scope.chain_id is not None:
        conds.append(P.chain_id == scope.chain_id)
    if scope.min_amount is not None:
        conds.append(P.contract_amount >= scope.min_amount)
    if scope.origin is not None:
        conds.append(P.origin == scope.origin)
    if scope.manufacturing_only:
        conds.append(P.is_manufacturing)
    return and_(true(), *conds)


def measure_condition(measure: Measure, period: Period):
    cond = measure.when(period)
    return and_(cond, P.is_manufacturing) if measure.manufacturing else cond


def empty_measures() -> dict:
    """Every base measure at zero: a group with nothing in it."""
    return {name: (money(0) if m.kind == "amount" else 0) for name, m in MEASURES.items()}


def fact_covers(scope: Scope) -> bool:
    return scope.min_amount is None and scope.origin is None


def measures(conn: Connection, period: Period, scope: Scope = Scope(), group_by: str | None = None,
             use_fact: bool = True) -> dict:
    """Every base measure for the window of ``period``.

    Returns ``{group_key: {measure_name: value}}``; the group key is None without ``group_by``,
    a (chain id, region id) pair for "chain_region",
    else a region or chain id (groups with nothing at all are absent). Counts are ints, amounts
    exact 4-place Decimals.
    """
    if use_fact and fact_covers(scope):
        rows = _from_fact(conn, period, scope, group_by)
    else:
        rows = _from_raw(conn, period, scope, group_by)
    out: dict = {}
    for key, values in rows:
        out[key] = {name: (money(v) if MEASURES[name].kind == "amount" else int(v or 0))
                    for name, v in values.items()}
    if group_by is None and None not in out:
        out[None] = empty_measures()
    return out


def _from_fact(conn, period, scope, group_by):
    conds = [MF.year == period.year, MF.month <= period.month]
    if scope.region_id is not None:
        conds.append(MF.region_id == scope.region_id)
    if scope.chain_id is not None:
        conds.append(MF.chain_id == scope.chain_id)
    if scope.manufacturing_only:
        conds.append(MF.is_manufacturing)
    cols = []
    for m in MEASURES.values():
        col = MF[m.fact]
        expr = func.sum(case((MF.is_manufacturing, col), else_=0)) if m.manufacturing else func.sum(col)
        cols.append(expr.label(m.name))
    keys = GROUPS[group_by][1] if group_by else (literal(None),)
    stmt = select(*_keyed(keys), *cols).where(*conds)
    if group_by:
        stmt = stmt.group_by(*keys)
    for row in conn.execute(stmt).mappings():
        yield _key(row, len(keys)), {m: row[m] for m in MEASURES}


def _from_raw(conn, period, scope, group_by):
    if group_by == "month":
        raise ValueError("group_by='month' needs a scope the summary covers (see fact_covers)")
    scope_cond = scope_condition(scope)
    keys = GROUPS[group_by][0] if group_by else (literal(None),)
    project_measures = [m for m in MEASURES.values() if m.source == "project"]
    cols = [func.sum(case((measure_condition(m, period),
                           1 if m.kind == "count" else P.contract_amount), else_=0)).label(m.name)
            for m in project_measures]
    window = or_(_signed(period), P.production_date.between(period.start, period.end))
    stmt = select(*_keyed(keys), *cols).where(scope_cond, window)
    if group_by:
        stmt = stmt.group_by(*keys)
    result: dict = {}
    for row in conn.execute(stmt).mappings():
        result[_key(row, len(keys))] = {m.name: row[m.name] for m in project_measures}
    fund_measures = [m for m in MEASURES.values() if m.source == "funds"]
    fcols = [func.sum(case((P.is_manufacturing, F.amount), else_=0) if m.manufacturing else F.amount).label(m.name)
             for m in fund_measures]
    fstmt = (select(*_keyed(keys), *fcols).select_from(Funds.__table__.join(Project.__table__))
             .where(scope_cond, fund_measures[0].when(period)))
    if group_by:
        fstmt = fstmt.group_by(*keys)
    for row in conn.execute(fstmt).mappings():
        key = _key(row, len(keys))
        result.setdefault(key, {m.name: 0 for m in project_measures})
        result[key].update({m.name: row[m.name] for m in fund_measures})
    for k, values in result.items():
        for m in fund_measures:
            values.setdefault(m.name, 0)
        yield k, values


def new_enterprises(conn: Connection, period: Period, scope: Scope, tag_flag: str) -> int:
    """新引进500强 / 小巨人企业数: distinct enterprises carrying the tag (on any of their projects)
    whose first signed project in the city (any region, any chain) falls in the window and is in scope."""
    stmt = select(func.count(func.distinct(P.investor))).where(*new_enterprise_conds(period, scope, _flag(tag_flag)))
    return conn.scalar(stmt)


def new_enterprise_conds(period: Period, scope: Scope, is_tagged: Callable):
    """This project is the first signed project (by date, then id) of an enterprise that carries the
    tag on any of its projects; ``is_tagged(table)`` is the tag condition on a project table alias.
    Driven from the few tagged projects, each an index lookup."""
    tagged, earlier = aliased(Project.__table__), aliased(Project.__table__)
    first_of_tagged = (select(earlier.c.id)
                       .where(earlier.c.investor == tagged.c.investor, earlier.c.sign_date.is_not(None))
                       .order_by(earlier.c.sign_date, earlier.c.id).limit(1).scalar_subquery())
    return [P.id.in_(select(first_of_tagged).where(is_tagged(tagged))), _signed(period), scope_condition(scope)]


def _flag(tag_flag: str) -> Callable:
    return lambda table: table.c[tag_flag]


DRILL_COLUMNS = [P.id, P.code, P.name, P.investor, Region.__table__.c.name.label("region"),
                 Chain.__table__.c.name.label("chain"), P.stage, P.sign_date, P.contract_amount, P.start_date,
                 P.production_date, P.is_manufacturing, P.tags, P.origin, P.channel]


def drill_down(conn: Connection, name: str, period: Period, scope: Scope = Scope()) -> list[dict]:
    """The project rows behind measure ``name`` (or 'top500_enterprises_new' /
    'little_giant_enterprises_new'). For funds measures each row carries ``funds`` (its funds in
    the window). Sorted by amount, largest first; the rows' total equals the figure."""
    base = (select(*DRILL_COLUMNS).select_from(Project.__table__.join(Region.__table__).join(Chain.__table__)))
    if name in ("top500_enterprises_new", "little_giant_enterprises_new"):
        flag = "is_top500" if name.startswith("top500") else "is_little_giant"
        stmt = base.where(*new_enterprise_conds(period, scope, _flag(flag)))
        return [dict(r) for r in conn.execute(stmt.order_by(P.contract_amount.desc(), P.code)).mappings()]
    m = MEASURES[name]
    if m.source == "funds":
        funds = func.sum(F.amount).label("funds")
        stmt = (select(*DRILL_COLUMNS, funds)
                .select_from(Project.__table__.join(Region.__table__).join(Chain.__table__).join(Funds.__table__))
                .where(scope_condition(scope), m.when(period), P.is_manufacturing if m.manufacturing else true())
                .group_by(*DRILL_COLUMNS).order_by(funds.desc(), P.code))
        return [dict(r) | {"funds": money(r["funds"])} for r in conn.execute(stmt).mappings()]
    stmt = base.where(scope_condition(scope), measure_condition(m, period))
    return [dict(r) for r in conn.execute(stmt.order_by(P.contract_amount.desc(), P.code)).mappings()]
