"""Maintains ``monthly_fact``, the summary the metric engine reads (see MonthlyFact's docstring).

Rebuilt for the touched regions inside the importer's transaction, so it is never stale.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection, and_, case, delete, extract, func, insert, select

from data_access.models import RESIDENT_CHANNEL, Funds, MonthlyFact, Project

P = Project.__table__.c
F = Funds.__table__.c
DIMS = (P.region_id, P.chain_id, P.is_manufacturing)


def _count(cond):
    return func.sum(case((cond, 1), else_=0))


def _amount(cond):
    return func.sum(case((cond, P.contract_amount), else_=0))


def rebuild_facts(conn: Connection, region_ids: set[int] | None = None) -> None:
    """Recompute the summary rows of ``region_ids`` (all regions when None) from the raw tables."""
    if region_ids is not None and not region_ids:
        return
    where = [] if region_ids is None else [P.region_id.in_(sorted(region_ids))]
    table = MonthlyFact.__table__
    conn.execute(delete(table).where(*([table.c.region_id.in_(sorted(region_ids))] if region_ids else [])))
    cells: dict = defaultdict(dict)

    def add(stmt, names):
        for row in conn.execute(stmt):
            key, values = tuple(row[:5]), row[5:]
            for name, value in zip(names, values):
                cells[key][name] = cells[key].get(name, 0) + (value or 0)

    sy, sm = extract("year", P.sign_date), extract("month", P.sign_date)
    signed = ["signed_count", "signed_amount", "top500_projects", "over10_count", "over10_amount",
              "over5_count", "over5_amount", "resident_signed_count", "resident_signed_amount"]
    resident = P.channel == RESIDENT_CHANNEL
    add(select(*DIMS, sy, sm, func.count(), func.sum(P.contract_amount), _count(P.is_top500),
               _count(P.contract_amount >= 10), _amount(P.contract_amount >= 10),
               _count(P.contract_amount >= 5), _amount(P.contract_amount >= 5),
               _count(resident), _amount(resident))
        .where(P.sign_date.is_not(None), *where).group_by(*DIMS, sy, sm), signed)

    # a project counts as started from the later of its signing and start month, within its signing year
    ty, tm = extract("year", P.start_date), extract("month", P.start_date)
    started_month = case((ty < sy, sm), (sm >= tm, sm), else_=tm)
    add(select(*DIMS, sy, started_month, func.count())
        .where(P.sign_date.is_not(None), P.start_date.is_not(None), ty <= sy, *where)
        .group_by(*DIMS, sy, started_month), ["started_count"])

    py, pm = extract("year", P.production_date), extract("month", P.production_date)
    add(select(*DIMS, py, pm, func.count()).where(P.production_date.is_not(None), *where)
        .group_by(*DIMS, py, pm), ["production_count"])

    add(select(*DIMS, F.year, F.month, func.sum(F.amount))
        .select_from(Funds.__table__.join(Project.__table__)).where(and_(True, *where))
        .group_by(*DIMS, F.year, F.month), ["funds_in_place"])

    rows = [dict(zip(("region_id", "chain_id", "is_manufacturing", "year", "month"),
                     (k[0], k[1], bool(k[2]), int(k[3]), int(k[4]))))
            | {name: (Decimal(str(v)).quantize(Decimal("0.0001")) if "amount" in name or "funds" in name else int(v))
               for name, v in values.items()}
            for k, values in cells.items()]
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        # executemany needs one shape: fill the measures a cell did not get
        names = {c.name for c in table.c} - {"region_id", "chain_id", "is_manufacturing", "year", "month"}
        for row in chunk:
            for name in names:
                row.setdefault(name, 0)
        conn.execute(insert(table), chunk)
