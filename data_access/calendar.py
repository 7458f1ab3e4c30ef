"""The reporting calendar (SPEC §3): when each month's report is due, and who reported when.

Month M is due on day ``report_deadline_day`` of month M+1 (the month's last day when it is
shorter); an admin may move one month's deadline (``set_deadline``, audited). A report is an
import batch carrying the ledger kind; the statuses built on these facts are in metrics.reporting.
"""
from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from data_access import audit, db, settings
from data_access.config import ConfigError
from data_access.models import BatchRegion, ImportBatch, ImportBatchKind, ReportDeadline


def default_deadline(year: int, month: int) -> dt.date:
    """Day ``report_deadline_day`` of the month after (year, month), within that month."""
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(y, m, min(max(settings.get("report_deadline_day"), 1), calendar.monthrange(y, m)[1]))


def deadline(conn: Connection, year: int, month: int) -> dt.date:
    moved = conn.scalar(select(ReportDeadline.due_on).where(ReportDeadline.year == year,
                                                            ReportDeadline.month == month))
    return moved or default_deadline(year, month)


def deadlines(conn: Connection, year: int) -> list[dict]:
    """The twelve months of ``year``: month, due_on, moved (by an admin: set_by, set_at)."""
    moved = {r.month: r for r in conn.execute(select(ReportDeadline.__table__).where(ReportDeadline.year == year))}
    return [{"month": m, "due_on": moved[m].due_on if m in moved else default_deadline(year, m),
             "default": default_deadline(year, m), "set_by": moved[m].set_by if m in moved else None,
             "set_at": moved[m].set_at if m in moved else None} for m in range(1, 13)]


def set_deadline(conn: Connection, year: int, month: int, due_on: dt.date | None, actor: str) -> None:
    """Move month (year, month)'s deadline to ``due_on`` (None: back to the default); audited."""
    if due_on is not None and due_on <= dt.date(year, month, calendar.monthrange(year, month)[1]):
        raise ConfigError(f"{year}年{month}月数据的截止日期须在{year}年{month}月之后")
    before = deadline(conn, year, month)
    conn.execute(delete(ReportDeadline).where(ReportDeadline.year == year, ReportDeadline.month == month))
    if due_on is not None and due_on != default_deadline(year, month):
        conn.execute(insert(ReportDeadline).values(year=year, month=month, due_on=due_on, set_by=actor[:50],
                                                   set_at=dt.datetime.now()))
    after = deadline(conn, year, month)
    if after != before:
        audit.record(conn, actor, "deadline", f"{year}年{month}月", before=before, after=after)
        db.bump_data_version(conn)


def first_reported_period(conn: Connection) -> tuple[int, int] | None:
    """The earliest (year, month) any ledger batch was uploaded for: the calendar starts there."""
    b = ImportBatch.__table__.c
    row = conn.execute(select(b.year, b.month).join(ImportBatchKind, ImportBatchKind.batch_id == b.id)
                       .where(ImportBatchKind.kind == "ledger", ImportBatchKind.status != "rolled_back")
                       .order_by(b.year, b.month).limit(1)).first()
    return None if row is None else (row[0], row[1])


def ledger_uploads(conn: Connection, year: int, month: int) -> list[dict]:
    """Per region, the ledger uploads for (year, month) not rolled back, whether their ledger is still
    current: region_id, batch_id, created_at, uploaded_by, active. A 全市 batch counts for each region
    its rows name, a county batch for its own region."""
    bt, kt, rt = ImportBatch.__table__, ImportBatchKind.__table__, BatchRegion.__table__
    b, k, r = bt.c, kt.c, rt.c
    stmt = (select(func.coalesce(b.region_id, r.region_id).label("region_id"), b.id.label("batch_id"),
                   b.created_at, b.uploaded_by, (k.status == "active").label("active"))
            .select_from(bt).join(kt, and_(k.batch_id == b.id, k.kind == "ledger"))
            .outerjoin(rt, and_(r.batch_id == b.id, b.region_id.is_(None)))
            .where(b.year == year, b.month == month, k.status != "rolled_back",
                   or_(b.region_id.is_not(None), r.region_id.is_not(None)))
            .order_by(b.created_at, b.id))
    return [dict(row) for row in conn.execute(stmt).mappings()]


def batch_regions(conn: Connection, batch_id: int) -> list[int]:
    """The regions a batch's rows name."""
    return list(conn.scalars(select(BatchRegion.region_id).where(BatchRegion.batch_id == batch_id)
                             .order_by(BatchRegion.region_id)))
