"""上报进度 and the reporting calendar (SPEC §3 reporting calendar, §4 上报进度), on both engines.

The city: 甲区, 乙县, 丙县 reporting November 2026, due 2026-12-05 (day 5 of the next month).
"""
import datetime as dt

import pytest
from sqlalchemy import update

from data_access import audit, calendar
from data_access.batches import rollback_batch
from data_access.config import ConfigError
from data_access.importer import import_workbook
from data_access.models import ImportBatch
from metrics.period import Period
from metrics.reporting import not_reported, reporting, reporting_json
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
NOV = Period(2026, 11)
COUNTIES = ("甲区", "乙县", "丙县")


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        for name in COUNTIES:
            region(conn, name)
    return engine


def upload(engine, rows: list[list], at: dt.datetime, period: Period = NOV, user: str = "clerk",
           region: str | None = None) -> int:
    """Import a ledger of ``rows`` as uploaded at ``at`` (the batch's time is set to it afterwards:
    the importer stamps the real clock)."""
    result = import_workbook(engine, workbook({"项目台账": [LEDGER_HEAD, *rows]}), f"{period}.xlsx", period.year,
                             period.month, region, user=user)
    with engine.begin() as conn:
        conn.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(created_at=at))
    return result.batch_id


def statuses(engine, today: dt.date, period: Period = NOV) -> dict[str, str]:
    with engine.connect() as conn:
        return {r["region"]: r["status"] for r in reporting(conn, period, today)["rows"]}


def test_deadline_is_day_five_of_the_next_month_and_fits_short_months(engine, monkeypatch):
    with engine.connect() as conn:
        assert calendar.deadline(conn, 2026, 11) == D(2026, 12, 5)
        assert calendar.deadline(conn, 2026, 12) == D(2027, 1, 5)  # December: January of the next year
    monkeypatch.setenv("ZSDASH_REPORT_DEADLINE_DAY", "31")
    with engine.connect() as conn:
        assert calendar.deadline(conn, 2027, 1) == D(2027, 2, 28)  # no 31 February
        assert calendar.deadline(conn, 2027, 3) == D(2027, 4, 30)


def test_on_time_late_missing_and_pending(city):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3))], dt.datetime(2026, 12, 3, 10, 0), user="甲区录入员")
    upload(city, [ledger_row("Y1", "乙县", 1, D(2026, 11, 9))], dt.datetime(2026, 12, 7, 16, 30))
    # before the deadline, 丙县 is still to come; after it, missing
    assert statuses(city, D(2026, 12, 4)) == {"甲区": "on_time", "乙县": "late", "丙县": "pending"}
    assert statuses(city, D(2026, 12, 5)) == {"甲区": "on_time", "乙县": "late", "丙县": "pending"}
    assert statuses(city, D(2026, 12, 6)) == {"甲区": "on_time", "乙县": "late", "丙县": "missing"}
    with city.connect() as conn:
        found = reporting(conn, NOV, D(2026, 12, 8))
        assert found["counts"] == {"on_time": 1, "late": 1, "missing": 1, "pending": 0, "regions": 3, "reported": 2}
        assert found["due_on"] == D(2026, 12, 5) and found["overdue"] is True
        jia = found["rows"][0]
        assert (jia["region"], jia["uploaded_by"], jia["uploaded_at"]) == ("甲区", "甲区录入员",
                                                                           dt.datetime(2026, 12, 3, 10, 0))
        assert not_reported(conn, NOV, D(2026, 12, 8)) == ["丙县"]
        assert reporting_json(conn, NOV, D(2026, 12, 8)) == {
            "甲区": {"reported": True, "on_time": True, "status": "on_time", "uploaded_at": "2026-12-03T10:00:00"},
            "乙县": {"reported": True, "on_time": False, "status": "late", "uploaded_at": "2026-12-07T16:30:00"},
            "丙县": {"reported": False, "on_time": None, "status": "missing", "uploaded_at": None}}


def test_a_correction_keeps_the_first_report_on_time_and_a_rollback_unreports(city):
    first = upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3))], dt.datetime(2026, 12, 4, 9, 0))
    fix = upload(city, [ledger_row("J1", "甲区", 2.5, D(2026, 11, 3))], dt.datetime(2026, 12, 9, 9, 0))
    with city.connect() as conn:
        jia = reporting(conn, NOV, D(2026, 12, 10))["rows"][0]
    assert (jia["status"], jia["uploads"], jia["uploaded_at"], jia["updated_at"]) == (
        "on_time", 2, dt.datetime(2026, 12, 4, 9, 0), dt.datetime(2026, 12, 9, 9, 0))
    rollback_batch(city, fix)  # the first upload is current again: still on time
    assert statuses(city, D(2026, 12, 10))["甲区"] == "on_time"
    rollback_batch(city, first)  # nothing of 甲区's November is left
    assert statuses(city, D(2026, 12, 10))["甲区"] == "missing"


def test_a_city_wide_file_reports_for_each_county_its_rows_name(city):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3)), ledger_row("B1", "丙县", 1, D(2026, 10, 3))],
           dt.datetime(2026, 12, 2, 11, 0), user="市局")
    assert statuses(city, D(2026, 12, 6)) == {"甲区": "on_time", "乙县": "missing", "丙县": "on_time"}


def test_other_months_and_rows_of_other_kinds_do_not_count(city):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 10, 3))], dt.datetime(2026, 11, 2, 9, 0),
           period=Period(2026, 10))
    targets = [["年度", "县区", "指标", "目标值"], [2026, "乙县", "合同投资额", 10]]
    import_workbook(city, workbook({"年度目标": targets}), "目标.xlsx", 2026, 11, "乙县")
    assert statuses(city, D(2026, 12, 6)) == {"甲区": "missing", "乙县": "missing", "丙县": "missing"}
    assert statuses(city, D(2026, 12, 6), Period(2026, 10)) == {"甲区": "on_time", "乙县": "missing",
                                                                 "丙县": "missing"}


def test_an_admin_moves_one_months_deadline_audited(city):
    upload(city, [ledger_row("Y1", "乙县", 1, D(2026, 11, 9))], dt.datetime(2026, 12, 7, 16, 30))
    with city.begin() as conn:
        calendar.set_deadline(conn, 2026, 11, D(2026, 12, 8), "admin")
    assert statuses(city, D(2026, 12, 7)) == {"甲区": "pending", "乙县": "on_time", "丙县": "pending"}
    with city.connect() as conn:
        assert calendar.deadline(conn, 2026, 10) == D(2026, 11, 5)  # the other months keep theirs
        entry = audit.entries(conn, action="deadline")[0]
        assert (entry["actor"], entry["target"], entry["before"], entry["after"]) == (
            "admin", "2026年11月", "2026-12-05", "2026-12-08")
    with city.begin() as conn:
        calendar.set_deadline(conn, 2026, 11, None, "admin")  # back to the default
    assert statuses(city, D(2026, 12, 7))["乙县"] == "late"
    with city.begin() as conn, pytest.raises(ConfigError, match="须在2026年11月之后"):
        calendar.set_deadline(conn, 2026, 11, D(2026, 11, 30), "admin")


def test_a_past_month_before_any_upload_has_no_calendar(city):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3))], dt.datetime(2026, 12, 3, 10, 0))
    with city.connect() as conn:
        assert reporting_json(conn, Period(2026, 6), D(2026, 12, 8)) is None  # before the first upload's month
        assert not_reported(conn, Period(2026, 6), D(2026, 12, 8)) == []  # the 大屏 marks no one 未报 then
        assert not_reported(conn, NOV, D(2026, 12, 8)) == ["乙县", "丙县"]
        assert reporting(conn, Period(2026, 12), D(2026, 12, 8))["has_calendar"] is True  # still to come
        assert reporting_json(conn, NOV, D(2026, 12, 8)) is not None


def test_cli_reporting_deadline_and_briefing_json(city, cli_on):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3))], dt.datetime(2026, 12, 3, 10, 0))
    cli = cli_on(city)
    code, out, _ = cli("reporting", "--period", "2026-11", "--today", "2026-12-06")
    assert code == 0
    assert out.splitlines()[0] == ("2026年11月 上报截止 2026-12-05:已报 1/3 · 按时 1 · 逾期上报 0 · 逾期未报 2 · "
                                   "未到截止日未报 0")
    assert out.splitlines()[1] == "甲区\t按时上报\t2026-12-03 10:00\tclerk"
    assert out.splitlines()[2].startswith("乙县\t逾期未报")
    code, out, _ = cli("deadline", "--period", "2026-11", "--on", "2026-12-10")
    assert (code, out.strip()) == (0, "2026年11月数据的上报截止日期:2026-12-10")
    code, _, err = cli("deadline", "--period", "2026-11", "--on", "2026-11-20")
    assert code == 1 and "须在2026年11月之后" in err
    code, out, _ = cli("briefing", "--period", "2026-11", "--format", "json")
    import json
    assert json.loads(out)["reporting"]["甲区"] == {"reported": True, "on_time": True, "status": "on_time",
                                                   "uploaded_at": "2026-12-03T10:00:00"}
