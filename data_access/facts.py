"""Maintains ``monthly_fact``, the summary the metric engine reads (see MonthlyFact's docstring).

Rebuilt for the touched regions inside the importer's transaction, so it is never stale.
"""
from __future__ import annotations

from sqlalchemy import (
    Connection,
    Integer,
    Numeric,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    select,
    union_all,
)

from data_access.models import RESIDENT_CHANNEL, Funds, MonthlyFact, Project

P = Project.__table__.c
F = Funds.__table__.c
DIMS = (P.region_id, P.chain_id, P.is_manufacturing)
KEYS = ["region_id", "chain_id", "is_manufacturing", "year", "month"]
MEASURES = [c.name for c in MonthlyFact.__table__.c if c.name not in KEYS]


def _count(cond):
    return func.sum(case((cond, 1), else_=0))


def _amount(cond):
    return func.sum(case((cond, P.contract_amount), else_=0))


def rebuild_facts(conn: Connection, region_ids: set[int] | None = None) -> None:
    """Recompute the summary rows of ``region_ids`` (all regions when None) from the raw tables, in
    one INSERT … SELECT: each measure's grouped query, merged by cell in the database."""
    if region_ids is not None and not region_ids:
        return
    where = [] if region_ids is None else [P.region_id.in_(sorted(region_ids))]
    table = MonthlyFact.__table__
    conn.execute(delete(table).where(*([table.c.region_id.in_(sorted(region_ids))] if region_ids else [])))
    parts = []

    def add(stmt, year, month, **measures):
        """One grouped query: the cell (dimensions, year, month) and the measures it gives; 0 for the others."""
        parts.append(stmt.add_columns(
            cast(year, Integer).label("year"), cast(month, Integer).label("month"),
            *((measures[m] if m in measures else cast(literal(0), table.c[m].type)).label(m) for m in MEASURES))
            .group_by(*DIMS, year, month))

    sy, sm = extract("year", P.sign_date), extract("month", P.sign_date)
    resident = P.channel == RESIDENT_CHANNEL
    add(select(*DIMS).where(P.sign_date.is_not(None), *where), sy, sm,
        signed_count=func.count(), signed_amount=func.sum(P.contract_amount), top500_projects=_count(P.is_top500),
        over10_count=_count(P.contract_amount >= 10), over10_amount=_amount(P.contract_amount >= 10),
        over5_count=_count(P.contract_amount >= 5), over5_amount=_amount(P.contract_amount >= 5),
        resident_signed_count=_count(resident), resident_signed_amount=_amount(resident))

    # a project counts as started from the later of its signing and start month, within its signing year
    ty, tm = extract("year", P.start_date), extract("month", P.start_date)
    add(select(*DIMS).where(P.sign_date.is_not(None), P.start_date.is_not(None), ty <= sy, *where),
        sy, case((ty < sy, sm), (sm >= tm, sm), else_=tm), started_count=func.count())

    add(select(*DIMS).where(P.production_date.is_not(None), *where),
        extract("year", P.production_date), extract("month", P.production_date), production_count=func.count())

    add(select(*DIMS).select_from(Funds.__table__.join(Project.__table__)).where(and_(True, *where)),
        F.year, F.month, funds_in_place=func.sum(F.amount))

    cells = union_all(*parts).subquery()
    keys = [cells.c[k] for k in KEYS]
    conn.execute(insert(table).from_select(KEYS + MEASURES, select(*keys, *(
        func.round(func.sum(cells.c[m]), 4) if isinstance(table.c[m].type, Numeric) else func.sum(cells.c[m])
        for m in MEASURES)).group_by(*keys)))
