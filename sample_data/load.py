"""Loads the demo workbooks of sample_data/ through the importer, as a county clerk would."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, update

from data_access import accounts, calendar, db, geo
from data_access.config import add_region, regions
from data_access.importer import import_workbook
from data_access.models import ImportBatch
from sample_data.generate import REGIONS

HERE = Path(__file__).resolve().parent
BOUNDARIES = HERE / "演示市_县区边界.geojson"
# (name, password, role, regions): demo databases only; the login page lists them there and nowhere else
DEMO_ACCOUNTS = [("admin", "admin-demo", "admin", ()), ("leader", "leader-demo", "leader", ()),
                 ("staff", "staff-demo", "staff", (REGIONS[0][0],))]


def demo_workbooks() -> list[Path]:
    """The committed demo workbooks, oldest period first."""
    return sorted(HERE.glob("演示市_*.xlsx"))


def load_demo(engine: Engine) -> list[str]:
    """Create the demo regions and accounts, import every demo workbook and mark the database as demo.

    Returns the importer's summary line per workbook.
    """
    with engine.begin() as conn:
        existing = {r["name"] for r in regions(conn)}
        for name, kind, aliases in REGIONS:
            if name not in existing:
                add_region(conn, name, kind, tuple(aliases))
        db.set_meta(conn, "demo", "1")
    ensure_demo_accounts(engine)
    lines = []
    for path in demo_workbooks():
        result = import_workbook(engine, path.read_bytes(), path.name, user="演示数据")
        with engine.begin() as conn:  # uploaded the day before the month's deadline, as a punctual city would
            due_on = calendar.deadline(conn, result.year, result.month)
            conn.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(
                created_at=dt.datetime.combine(due_on - dt.timedelta(days=1), dt.time(16, 30))))
        lines.append(result.summary())
    with engine.begin() as conn:
        found = geo.save_boundaries(conn, BOUNDARIES.read_bytes(), "演示数据")
    lines.append(f"县区边界:{len(found.shapes)}个县区({BOUNDARIES.name})")
    return lines


def ensure_demo_accounts(engine: Engine) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Create the demo accounts that are missing (a demo database only); returns every demo account."""
    with engine.begin() as conn:
        if not db.is_demo(conn):
            raise ValueError("demo accounts belong in a demo database only")
        for name, password, role, region_names in DEMO_ACCOUNTS:
            if accounts.get_account(conn, name) is None:
                accounts.create_user(conn, name, role, password, region_names, actor="演示数据")
    return DEMO_ACCOUNTS
