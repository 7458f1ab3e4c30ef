"""上报进度 (SPEC §4): per region and month, reported or not, when and by whom, on time or late;
missing once the deadline has passed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from data_access import calendar
from data_access.config import regions
from metrics.period import Period

# a region's status for a month: reported by the deadline, reported after it, not reported and the
# deadline has passed, not reported and the deadline is still to come
STATUSES = ("on_time", "late", "missing", "pending")


def reporting(conn: Connection, period: Period, today: dt.date) -> dict:
    """The month's calendar and every region's report (全市 excluded), in the regions' order.

    ``rows``: region_id, region, status (one of STATUSES), reported, on_time (None when not
    reported), uploaded_at / uploaded_by (the first upload of the month not rolled back, so a
    correction keeps an on-time report on time), updated_at (the latest upload whose ledger is
    current, when later than the first), uploads (how many, corrections included).
    ``counts``: regions, reported, on_time, late, missing, pending. ``due_on``: the deadline;
    ``overdue``: whether it has passed on ``today``; ``has_calendar``: False for a month before the
    first one any ledger was uploaded for, whose deadline has passed (the product was not in use).
    """
    due_on = calendar.deadline(conn, period.year, period.month)
    uploads: dict[int, list[dict]] = {}
    for u in calendar.ledger_uploads(conn, period.year, period.month):
        uploads.setdefault(u["region_id"], []).append(u)
    overdue = today > due_on
    rows = []
    for region in regions(conn):
        mine = uploads.get(region["id"], [])
        active = [u for u in mine if u["active"]]
        first = mine[0] if active else None
        on_time = None if first is None else first["created_at"].date() <= due_on
        status = ("on_time" if on_time else "late") if first else ("missing" if overdue else "pending")
        latest = active[-1] if active else None
        rows.append({"region_id": region["id"], "region": region["name"], "status": status,
                     "reported": first is not None, "on_time": on_time,
                     "uploaded_at": first and first["created_at"], "uploaded_by": first and first["uploaded_by"],
                     "updated_at": latest["created_at"] if latest and latest is not first else None,
                     "uploads": len(mine) if active else 0})
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    counts |= {"regions": len(rows), "reported": counts["on_time"] + counts["late"]}
    first_period = calendar.first_reported_period(conn)
    has_calendar = not overdue or (first_period is not None and first_period <= (period.year, period.month))
    return {"period": period, "due_on": due_on, "overdue": overdue, "has_calendar": has_calendar,
            "rows": rows, "counts": counts}


def not_reported(conn: Connection, period: Period, today: dt.date) -> list[str]:
    """The names of the regions that have not reported ``period`` (reminders name them, the 大屏 marks
    them 未报); none for a past month with no calendar."""
    found = reporting(conn, period, today)
    return [r["region"] for r in found["rows"] if not r["reported"]] if found["has_calendar"] else []


def reporting_json(conn: Connection, period: Period, today: dt.date) -> dict | None:
    """``briefing --format json``'s ``reporting``: region -> reported, on_time, uploaded_at (ISO), status;
    None for a past month with no calendar."""
    found = reporting(conn, period, today)
    if not found["has_calendar"]:
        return None
    return {r["region"]: {"reported": r["reported"], "on_time": r["on_time"], "status": r["status"],
                          "uploaded_at": r["uploaded_at"] and r["uploaded_at"].isoformat(timespec="seconds")}
            for r in found["rows"]}
