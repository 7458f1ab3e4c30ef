"""The edges of the window 1 January Y … last day of month M (SPEC §4), each on a tiny fixture."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metrics.figures import overview
from metrics.measures import drill_down, measures
from metrics.period import Period, Scope
from tests.builders import city_id, funds, project, region, summarise, target

D = Decimal
d = dt.date


def both(conn, period, scope=Scope(), group_by=None):
    """The measures, after checking that the summary path and the raw path agree."""
    fact = measures(conn, period, scope, group_by=group_by, use_fact=True)
    raw = measures(conn, period, scope, group_by=group_by, use_fact=False)
    assert fact == raw
    return fact


def signed(conn, period, scope=Scope()):
    m = both(conn, period, scope)[None]
    return m["signed_count"], m["signed_amount"]


def codes(conn, name, period, scope=Scope()):
    return sorted(r["code"] for r in drill_down(conn, name, period, scope))


# ---------------------------------------------------------------- Period

def test_period_parse():
    assert Period.parse("2023-05") == Period(2023, 5)
    assert Period.parse("2023-5") == Period(2023, 5)
    assert Period.parse(" 2023-12 ") == Period(2023, 12)
    for bad in ("2023-13", "2023-0", "abc", "", "2023/05", "23-05", "2023-005"):
        with pytest.raises(ValueError):
            Period.parse(bad)
    with pytest.raises(ValueError):
        Period(2023, 0)


def test_period_bounds_and_neighbours():
    assert Period(2024, 1).start == d(2024, 1, 1)
    assert Period(2024, 1).end == d(2024, 1, 31)
    assert Period(2024, 2).end == d(2024, 2, 29)   # leap year
    assert Period(2023, 2).end == d(2023, 2, 28)
    assert Period(2024, 4).end == d(2024, 4, 30)
    assert Period(2024, 12).end == d(2024, 12, 31)
    assert Period(2025, 1).previous_month() == Period(2024, 12)
    assert Period(2024, 5).previous_month() == Period(2024, 4)
    assert Period(2025, 1).last_year() == Period(2024, 1)
    assert Period(2024, 2).last_year() == Period(2023, 2)
    assert str(Period(2025, 1)) == "2025-01"
    assert Period(2024, 1).time_progress_pct.quantize(D("0.000001")) == D("8.333333")  # 1 ÷ 12
    assert Period(2024, 12).time_progress_pct == D("100")


# ---------------------------------------------------------------- signing dates

def test_signed_on_1_january_counts_from_month_1(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "2.0000", d(2024, 1, 1), code="JAN1")
        project(conn, a, "3.0000", d(2023, 12, 31), code="DEC31")
        summarise(conn)
    with engine.connect() as conn:
        assert signed(conn, Period(2024, 1)) == (1, D("2.0000"))
        assert signed(conn, Period(2024, 12)) == (1, D("2.0000"))
        assert signed(conn, Period(2023, 12)) == (1, D("3.0000"))
        assert codes(conn, "signed_count", Period(2024, 1)) == ["JAN1"]


def test_last_day_of_month_in_first_day_of_next_month_out(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "1.5000", d(2024, 4, 30), code="APR30")
        project(conn, a, "2.2500", d(2024, 5, 1), code="MAY1")
        summarise(conn)
    with engine.connect() as conn:
        assert signed(conn, Period(2024, 3)) == (0, D("0"))
        assert signed(conn, Period(2024, 4)) == (1, D("1.5000"))
        assert signed(conn, Period(2024, 5)) == (2, D("3.7500"))   # 1.5 + 2.25
        assert codes(conn, "signed_amount", Period(2024, 4)) == ["APR30"]


def test_29_february(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "4.0000", d(2024, 2, 29), code="LEAP", start=d(2024, 2, 29),
                production=d(2024, 2, 29))
        summarise(conn)
    with engine.connect() as conn:
        m = both(conn, Period(2024, 2))[None]
        assert (m["signed_count"], m["signed_amount"], m["started_count"], m["production_count"]) == \
               (1, D("4.0000"), 1, 1)
        assert signed(conn, Period(2024, 1)) == (0, D("0"))
        assert codes(conn, "started_count", Period(2024, 2)) == ["LEAP"]


def test_december_to_january(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "5.0000", d(2024, 12, 31), code="DEC")
        project(conn, a, "3.0000", d(2025, 1, 1), code="JAN25")
        project(conn, a, "2.0000", d(2024, 1, 20), code="JAN24")
        summarise(conn)
    with engine.connect() as conn:
        jan = Period(2025, 1)
        assert signed(conn, jan) == (1, D("3.0000"))
        assert codes(conn, "signed_count", jan) == ["JAN25"]
        assert signed(conn, jan.previous_month()) == (2, D("7.0000"))   # DEC 5 + JAN24 2
        assert signed(conn, jan.last_year()) == (1, D("2.0000"))         # JAN24 only
        o = overview(conn, jan)
    assert o["signed_count_yoy_pct"] == D("0")          # (1 − 1) ÷ 1
    assert o["signed_amount_yoy_pct"] == D("50")        # (3 − 2) ÷ 2
    assert o["time_progress_pct"].quantize(D("0.01")) == D("8.33")


# ---------------------------------------------------------------- start dates

def test_start_in_a_later_month(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "1.0000", d(2024, 2, 10), start=d(2024, 5, 15), code="LATE")
        project(conn, a, "1.0000", d(2024, 2, 20), start=d(2024, 2, 20), code="SAME")
        summarise(conn)
    with engine.connect() as conn:
        assert both(conn, Period(2024, 4))[None]["started_count"] == 1
        assert codes(conn, "started_count", Period(2024, 4)) == ["SAME"]
        assert overview(conn, Period(2024, 4))["start_rate_pct"] == D("50")    # 1 ÷ 2
        assert both(conn, Period(2024, 5))[None]["started_count"] == 2
        assert codes(conn, "started_count", Period(2024, 5)) == ["LATE", "SAME"]
        assert overview(conn, Period(2024, 5))["start_rate_pct"] == D("100")   # 2 ÷ 2
        assert both(conn, Period(2024, 12))[None]["started_count"] == 2


def test_start_in_the_next_year_never_counts(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "1.0000", d(2024, 11, 20), start=d(2025, 1, 10), code="NEXT")
        summarise(conn)
    with engine.connect() as conn:
        m = both(conn, Period(2024, 12))[None]
        assert (m["signed_count"], m["started_count"]) == (1, 0)
        assert codes(conn, "started_count", Period(2024, 12)) == []
        m = both(conn, Period(2025, 1))[None]
        assert (m["signed_count"], m["started_count"]) == (0, 0)
        m = both(conn, Period(2025, 12))[None]
        assert (m["signed_count"], m["started_count"]) == (0, 0)


# ---------------------------------------------------------------- empty last year, targets, empty region

def test_last_year_empty_gives_no_yoy(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        p = project(conn, a, "2.0000", d(2024, 3, 1), code="ONLY")
        funds(conn, p, 2024, 3, "0.5000")
        summarise(conn)
    with engine.connect() as conn:
        both(conn, Period(2023, 6))
        o = overview(conn, Period(2024, 6))
    assert (o["signed_count"], o["signed_amount"], o["funds_in_place"]) == (1, D("2.0000"), D("0.5000"))
    assert o["signed_count_yoy_pct"] is None
    assert o["signed_amount_yoy_pct"] is None
    assert o["funds_yoy_pct"] is None


def test_zero_and_missing_targets(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "2.0000", d(2024, 3, 1), manufacturing=True, code="ONLY")
        target(conn, 2024, city_id(conn), "合同投资额", 0)
        target(conn, 2024, city_id(conn), "驻点签约额", 0)
        summarise(conn)
    with engine.connect() as conn:
        o = overview(conn, Period(2024, 6))
    assert o["signed_amount_target"] == D("0")
    assert o["signed_amount_completion_pct"] is None                 # target 0
    assert o["signed_count_target"] is None                          # no target row
    assert o["signed_count_completion_pct"] is None
    assert o["funds_target"] is None and o["funds_completion_pct"] is None
    assert o["manufacturing_share_pct"] == D("100")
    assert o["manufacturing_share_target_pct"] is None and o["manufacturing_share_diff_pp"] is None
    assert o["resident"]["signed_target"] == D("0") and o["resident"]["completion_pct"] is None


def test_region_with_no_projects(engine):
    with engine.begin() as conn:
        a, empty = region(conn, "甲县"), region(conn, "丙县")
        p = project(conn, a, "3.0000", d(2024, 2, 1), manufacturing=True, start=d(2024, 2, 2), code="A1")
        funds(conn, p, 2024, 2, "1.0000")
        project(conn, a, "1.0000", d(2023, 2, 1), code="A0")
        summarise(conn)
    with engine.connect() as conn:
        scope = Scope(region_id=empty)
        zero = both(conn, Period(2024, 6), scope)
        assert zero == {None: {
            "signed_count": 0, "signed_amount": D("0"), "manufacturing_count": 0,
            "manufacturing_amount": D("0"), "started_count": 0, "production_count": 0,
            "top500_projects": 0, "over10_count": 0, "over10_amount": D("0"), "over5_count": 0,
            "over5_amount": D("0"), "resident_signed_count": 0, "resident_signed_amount": D("0"),
            "funds_in_place": D("0"), "manufacturing_funds": D("0"),
        }}
        both(conn, Period(2023, 6), scope)
        assert set(both(conn, Period(2024, 6), group_by="region")) == {a}
        assert drill_down(conn, "signed_count", Period(2024, 6), scope) == []
        assert drill_down(conn, "funds_in_place", Period(2024, 6), scope) == []
        o = overview(conn, Period(2024, 6), scope)
    assert o["region"] == "丙县"
    assert o["signed_count"] == 0 and o["signed_amount"] == D("0")
    for key in ("manufacturing_share_pct", "manufacturing_funds_share_pct", "start_rate_pct",
                "funds_arrival_rate_pct", "signed_count_yoy_pct", "signed_amount_yoy_pct", "funds_yoy_pct",
                "signed_count_completion_pct", "signed_amount_completion_pct", "funds_completion_pct"):
        assert o[key] is None, key
    assert o["top500_enterprises_new"] == 0 and o["little_giant_enterprises_new"] == 0
    assert o["resident"] == {"contacted": 0, "visited": 0, "intended_projects": 0, "intended_amount": D("0"),
                             "visit_rate_pct": None, "signed_count": 0, "signed_amount": D("0"),
                             "signed_target": None, "completion_pct": None}


# ---------------------------------------------------------------- stage and funds

def test_signed_then_terminated_still_counts_as_signed(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "6.0000", d(2024, 3, 1), stage="终止", code="STOP")
        summarise(conn)
    with engine.connect() as conn:
        assert signed(conn, Period(2024, 3)) == (1, D("6.0000"))
        assert both(conn, Period(2024, 3))[None]["over5_count"] == 1
        rows = drill_down(conn, "signed_count", Period(2024, 3))
    assert [(r["code"], r["stage"]) for r in rows] == [("STOP", "终止")]


def test_funds_after_month_m_excluded(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        p = project(conn, a, "9.0000", d(2023, 6, 1), code="OLD")   # 续建: signed last year
        funds(conn, p, 2023, 12, "5.0000")   # last year: never in 2024
        funds(conn, p, 2024, 3, "1.0000")
        funds(conn, p, 2024, 6, "0.2500")
        funds(conn, p, 2024, 7, "2.0000")
        funds(conn, p, 2025, 1, "7.0000")
        summarise(conn)
    with engine.connect() as conn:
        assert both(conn, Period(2024, 2))[None]["funds_in_place"] == D("0")
        assert both(conn, Period(2024, 6))[None]["funds_in_place"] == D("1.2500")   # 1 + 0.25
        assert both(conn, Period(2024, 7))[None]["funds_in_place"] == D("3.2500")   # + 2
        assert both(conn, Period(2024, 12))[None]["funds_in_place"] == D("3.2500")
        assert both(conn, Period(2023, 12))[None]["funds_in_place"] == D("5.0000")
        rows = drill_down(conn, "funds_in_place", Period(2024, 6))
        assert [(r["code"], r["funds"]) for r in rows] == [("OLD", D("1.2500"))]
        o = overview(conn, Period(2024, 6))
    assert o["signed_count"] == 0
    assert o["funds_arrival_rate_pct"] is None          # nothing signed in 2024: divide by zero
    assert o["funds_yoy_pct"] is None                   # 2023-01…06 had no funds


def test_production_in_window_whatever_the_signing_year(engine):
    with engine.begin() as conn:
        a = region(conn, "甲县")
        project(conn, a, "2.0000", d(2022, 5, 1), start=d(2022, 9, 1), production=d(2024, 6, 30), code="IN")
        project(conn, a, "2.0000", d(2023, 5, 1), start=d(2023, 9, 1), production=d(2024, 7, 1), code="OUT")
        summarise(conn)
    with engine.connect() as conn:
        assert both(conn, Period(2024, 6))[None]["production_count"] == 1
        assert codes(conn, "production_count", Period(2024, 6)) == ["IN"]
        assert both(conn, Period(2024, 7))[None]["production_count"] == 2
        by_region = both(conn, Period(2024, 7), group_by="region")
        assert by_region[a] == both(conn, Period(2024, 7), Scope(region_id=a))[None]
