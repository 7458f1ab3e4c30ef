"""Cumulative monthly trend against the target and the time-progress line."""
import datetime as dt
from decimal import Decimal as D

import pytest

from metrics.period import Period, Scope
from metrics.trend import cumulative_trend
from tests.builders import city_id, funds, project, region, summarise, target


def test_cumulative_values_last_year_target_and_time_progress(engine):
    with engine.begin() as conn:
        rid = region(conn, "甲县")
        project(conn, rid, 2, dt.date(2024, 1, 10))
        project(conn, rid, 3, dt.date(2024, 3, 31))
        p = project(conn, rid, 1.5, dt.date(2023, 2, 1))
        funds(conn, p, 2024, 2, 0.5)
        target(conn, 2024, city_id(conn), "合同投资额", 12)
        summarise(conn)
    with engine.connect() as conn:
        rows = cumulative_trend(conn, Period(2024, 3), Scope(), "signed_amount")
        assert [(r["month"], r["value"], r["last_year"]) for r in rows] == [
            (1, D("2.0000"), D("0.0000")), (2, D("2.0000"), D("1.5000")), (3, D("5.0000"), D("1.5000"))]
        assert [r["time_progress_line"] for r in rows] == [D(1), D(2), D(3)]  # 12 × m ÷ 12
        assert {r["target"] for r in rows} == {D(12)}
        funds_rows = cumulative_trend(conn, Period(2024, 3), Scope(region_id=rid), "funds_in_place")
        assert [r["value"] for r in funds_rows] == [D("0.0000"), D("0.5000"), D("0.5000")]
        assert {r["target"] for r in funds_rows} == {None}  # no 到位资金 target for 甲县
        with pytest.raises(ValueError):
            cumulative_trend(conn, Period(2024, 3), Scope(), "started_count")


def test_scopes_only_the_raw_tables_answer_give_the_same_kind_of_rows(engine):
    with engine.begin() as conn:
        rid = region(conn, "乙县")
        project(conn, rid, 2, dt.date(2024, 1, 10))
        project(conn, rid, 3, dt.date(2024, 3, 31))
        project(conn, rid, 4, dt.date(2023, 2, 1))
        summarise(conn)
    with engine.connect() as conn:
        rows = cumulative_trend(conn, Period(2024, 3), Scope(min_amount=D("2.5")), "signed_amount")
        # ≥2.5亿 only: the 3亿 of March this year; last year's 4亿 from February on
        assert [(r["value"], r["last_year"]) for r in rows] == [
            (D("0.0000"), D("0.0000")), (D("0.0000"), D("4.0000")), (D("3.0000"), D("4.0000"))]
        assert {r["target"] for r in rows} == {None}
