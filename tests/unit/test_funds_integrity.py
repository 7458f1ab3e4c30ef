"""到位资金 rows always name an existing project, on both engines: SQLite by its foreign key,
PostgreSQL by the statement-level triggers of migration 0007 that replace it (same guarantees,
checked once per statement)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from data_access.db import bulk_insert
from data_access.models import Funds, Project
from tests import builders as b

# a bulk insert on PostgreSQL (COPY) goes through the driver itself, whose error SQLAlchemy does not wrap
REFUSED = (IntegrityError, psycopg.errors.IntegrityError)


def _two_projects(engine) -> tuple[int, int]:
    with engine.begin() as conn:
        rid = b.region(conn, "甲区")
        first = b.project(conn, rid, 2, dt.date(2024, 3, 1))
        second = b.project(conn, rid, 3, dt.date(2024, 4, 1))
        b.funds(conn, first, 2024, 3, 1)
        b.funds(conn, first, 2024, 4, "0.5")
        b.funds(conn, second, 2024, 4, 2)
    return first, second


def _funds(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(Funds.project_id, Funds.month, Funds.amount)
                                               .order_by(Funds.project_id, Funds.month))]


def test_funds_for_a_missing_project_are_refused(engine):
    first, second = _two_projects(engine)
    missing = second + 100
    with pytest.raises(IntegrityError), engine.begin() as conn:
        b.funds(conn, missing, 2024, 5, 1)
    with pytest.raises(REFUSED), engine.begin() as conn:  # in bulk (COPY on PostgreSQL): one bad row
        bulk_insert(conn, Funds.__table__, ("project_id", "year", "month", "amount"),
                     [(first, 2024, 6, Decimal("1")), (missing, 2024, 6, Decimal("1")), (second, 2024, 6, Decimal(1))])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(update(Funds).where(Funds.project_id == second).values(project_id=missing))
    assert _funds(engine) == [(first, 3, Decimal("1")), (first, 4, Decimal("0.5")), (second, 4, Decimal("2"))]


def test_deleting_a_project_deletes_its_funds(engine):
    first, second = _two_projects(engine)
    with engine.begin() as conn:
        conn.execute(delete(Project).where(Project.id == first))
    assert _funds(engine) == [(second, 4, Decimal("2"))]


def test_a_project_named_by_funds_keeps_its_id(engine):
    first, second = _two_projects(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(update(Project).where(Project.id == first).values(id=second + 100))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Project).where(Project.id == first)) == 1


def test_concurrent_deletion_and_funds_wait_for_each_other(request, tmp_path):
    """PostgreSQL: funds being written lock their projects against deletion, as the foreign key's
    check does, and funds cannot be written for a project whose deletion is not yet committed.
    (Each side gives up after 200 ms instead of waiting for the other to end.)"""
    from tests.conftest import make_test_engine
    engine = make_test_engine("postgresql", tmp_path, request)
    first, second = _two_projects(engine)
    with engine.connect() as writer, engine.connect() as deleter:
        with writer.begin():
            b.funds(writer, second, 2024, 5, 1)  # not committed yet
            with deleter.begin():
                deleter.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock"):
                    deleter.execute(delete(Project).where(Project.id == second))
        with deleter.begin():
            deleter.execute(delete(Project).where(Project.id == first))  # not committed yet
            with writer.begin():
                writer.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock"):
                    writer.execute(insert(Funds).values(project_id=first, year=2024, month=6, amount=1))
    engine.dispose()
    assert _funds(engine) == [(second, 4, Decimal("2")), (second, 5, Decimal("1"))]
