"""Which periods have data: for default filters and year pickers."""
from __future__ import annotations

from sqlalchemy import Connection, func, select

from data_access.models import ImportBatch, MonthlyFact, Project


def latest_period(conn: Connection) -> tuple[int, int] | None:
    """The newest (year, month) of an active import batch, else of any summarised data."""
    row = conn.execute(select(ImportBatch.year, ImportBatch.month).where(ImportBatch.status == "active")
                       .order_by(ImportBatch.year.desc(), ImportBatch.month.desc()).limit(1)).first()
    if row is None:
        row = conn.execute(select(MonthlyFact.year, MonthlyFact.month)
                           .order_by(MonthlyFact.year.desc(), MonthlyFact.month.desc()).limit(1)).first()
    return tuple(row) if row else None


def data_years(conn: Connection) -> list[int]:
    return sorted({int(y) for y in conn.scalars(select(MonthlyFact.year).distinct())}, reverse=True)


def has_projects(conn: Connection) -> bool:
    return conn.scalar(select(func.count()).select_from(select(Project.id).limit(1).subquery())) > 0


def last_import_time(conn: Connection):
    """When the data last changed through an import (the newest active batch), or None."""
    return conn.scalar(select(func.max(ImportBatch.created_at)).where(ImportBatch.status == "active"))
