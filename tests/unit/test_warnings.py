"""红黄蓝 project warnings (SPEC §4 "Rankings and warnings"): months_between, the pure band
function and the query over a small hand-built database."""
from __future__ import annotations

import datetime as dt

import pytest

from metrics.period import Period, Scope
from metrics.warnings import months_between, project_warning, project_warnings, stage_on
from tests import builders as b

D = dt.date


@pytest.fixture(autouse=True)
def default_thresholds(monkeypatch):
    """Every test starts from the documented defaults (yellow from 3 months, red beyond 6)."""
    monkeypatch.delenv("ZSDASH_PROJECT_YELLOW_MONTHS", raising=False)
    monkeypatch.delenv("ZSDASH_PROJECT_RED_MONTHS", raising=False)


# --- months_between --------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, months", [
    (D(2023, 1, 15), D(2023, 1, 15), 0),    # same day
    (D(2023, 1, 15), D(2023, 2, 14), 0),    # one day short of a month
    (D(2023, 1, 15), D(2023, 2, 15), 1),    # same day next month
    (D(2022, 12, 1), D(2023, 1, 1), 1),     # across the year end: (2023−2022)×12 + 1 − 12 = 1
    (D(2023, 3, 31), D(2023, 4, 29), 0),    # 29 Apr is not April's last day
    (D(2023, 3, 31), D(2023, 4, 30), 1),    # 30 Apr is April's last day: the month is complete
    (D(2023, 1, 31), D(2023, 2, 28), 1),    # month end of a common-year February
    (D(2024, 1, 31), D(2024, 2, 28), 0),    # 2024 is a leap year: 28 Feb is not the month end
    (D(2024, 1, 31), D(2024, 2, 29), 1),    # 29 Feb 2024 is the month end
    (D(2024, 1, 30), D(2024, 2, 29), 1),    # also for a start on the 30th
    (D(2024, 1, 29), D(2024, 2, 28), 0),    # 28 < 29 and not the month end
    (D(2024, 2, 29), D(2024, 3, 28), 0),    # from 29 Feb: 28 Mar is one day short
    (D(2024, 2, 29), D(2024, 3, 29), 1),
    (D(2024, 2, 29), D(2025, 2, 27), 11),   # 12 months − 1 (27 < 29, not the month end)
    (D(2024, 2, 29), D(2025, 2, 28), 12),   # 28 Feb 2025 is the month end: 12 whole months
    (D(2022, 11, 30), D(2023, 6, 30), 7),   # 12 + 6 − 11 = 7, day 30 ≥ 30
])
def test_months_between(start, end, months):
    assert months_between(start, end) == months


# --- project_warning (pure) ------------------------------------------------------------------

AS_OF = D(2023, 6, 15)


@pytest.mark.parametrize("sign, level, months", [
    (D(2023, 6, 15), "blue", 0),     # signed today
    (D(2023, 3, 16), "blue", 2),     # 2 months 30 days: still under 3
    (D(2023, 3, 15), "yellow", 3),   # exactly 3 months: yellow starts
    (D(2022, 12, 15), "yellow", 6),  # exactly 6 months: still yellow (3–6)
    (D(2022, 11, 16), "yellow", 6),  # 6 months 30 days: 7 − 1 = 6 whole months
    (D(2022, 11, 15), "red", 7),     # 7 whole months: over 6
    (D(2021, 6, 15), "red", 24),
])
def test_signed_not_started_bands(sign, level, months):
    after = f"后{months}个月" if months else "不足1个月"  # signed today: "签约不足1个月未开工"
    assert project_warning("签约", sign, None, None, AS_OF) == (level, f"签约{after}未开工")


@pytest.mark.parametrize("planned, level, months", [
    (D(2023, 6, 14), "blue", 0),     # one day past the plan
    (D(2023, 3, 16), "blue", 2),
    (D(2023, 3, 15), "yellow", 3),
    (D(2022, 12, 15), "yellow", 6),
    (D(2022, 11, 16), "yellow", 6),
    (D(2022, 11, 15), "red", 7),
])
def test_started_past_planned_production_bands(planned, level, months):
    assert project_warning("开工", D(2021, 1, 1), D(2021, 3, 1), planned, AS_OF) == \
        (level, f"超过计划投产日期{f'{months}个月' if months else '不足1个月'}未投产")


@pytest.mark.parametrize("stage, sign, start, planned", [
    ("开工", D(2021, 1, 1), D(2021, 3, 1), D(2023, 6, 15)),  # planned production is today: not late yet
    ("开工", D(2021, 1, 1), D(2021, 3, 1), D(2023, 12, 31)),  # planned in the future
    ("开工", D(2021, 1, 1), D(2021, 3, 1), None),  # no planned date given: never late
    ("签约", D(2023, 6, 16), None, None),  # signed after the as-of date
    ("签约", None, None, None),  # no sign date
    ("投产", D(2020, 1, 1), D(2020, 2, 1), D(2020, 3, 1)),  # in production: done
    ("终止", D(2020, 1, 1), None, D(2020, 3, 1)),  # terminated: no warning
    ("在谈", None, None, None),
])
def test_no_warning(stage, sign, start, planned):
    assert project_warning(stage, sign, start, planned, AS_OF) == (None, None)


def test_month_end_counts_as_a_whole_month_for_warnings():
    # signed 31 Mar, as of 30 Jun (June's last day): 3 whole months → yellow
    assert project_warning("签约", D(2023, 3, 31), None, None, D(2023, 6, 30)) == ("yellow", "签约后3个月未开工")
    # one day earlier it is 2 months → blue
    assert project_warning("签约", D(2023, 3, 31), None, None, D(2023, 6, 29)) == ("blue", "签约后2个月未开工")


def test_thresholds_from_environment(monkeypatch):
    monkeypatch.setenv("ZSDASH_PROJECT_YELLOW_MONTHS", "2")
    monkeypatch.setenv("ZSDASH_PROJECT_RED_MONTHS", "4")
    # yellow from 2 months, red beyond 4
    assert project_warning("签约", D(2023, 5, 15), None, None, AS_OF) == ("blue", "签约后1个月未开工")
    assert project_warning("签约", D(2023, 4, 15), None, None, AS_OF) == ("yellow", "签约后2个月未开工")
    assert project_warning("签约", D(2023, 2, 15), None, None, AS_OF) == ("yellow", "签约后4个月未开工")
    assert project_warning("签约", D(2023, 1, 15), None, None, AS_OF) == ("red", "签约后5个月未开工")
    assert project_warning("开工", None, None, D(2023, 1, 15), AS_OF) == ("red", "超过计划投产日期5个月未投产")
    assert project_warning("开工", None, None, D(2023, 2, 15), AS_OF) == ("yellow", "超过计划投产日期4个月未投产")


# --- project_warnings on a database ----------------------------------------------------------

PERIOD = Period(2023, 6)  # as of 2023-06-30


def _fixture(conn):
    """Two counties; the expected warning of each project as of 2023-06-30 is in its comment."""
    east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
    # 签约 2023-05-01 → 2023-06-30: 1 month → blue
    b.project(conn, east, 1, D(2023, 5, 1), code="W-BLUE")
    # 签约 2023-03-31 → 2023-06-30 (month end): 3 months → yellow; another chain, manufacturing
    b.project(conn, east, 2, D(2023, 3, 31), code="W-YEL-SIGN", chain="智能家电", manufacturing=True)
    # 签约 2022-11-30 → 2023-06-30: 12 + 6 − 11 = 7 months → red
    b.project(conn, west, 3, D(2022, 11, 30), code="W-RED-SIGN")
    # 开工, planned production 2023-01-10 → 2023-06-30: 5 months → yellow (signed 2022-03-01)
    b.project(conn, west, 4, D(2022, 3, 1), stage="开工", start=D(2022, 6, 1), planned_production=D(2023, 1, 10),
              code="W-YEL-PROD")
    # 开工, planned production 2022-10-31 → 2023-06-30 (month end): 12 + 6 − 10 = 8 months → red
    b.project(conn, east, 5, D(2021, 5, 1), stage="开工", start=D(2021, 8, 1), planned_production=D(2022, 10, 31),
              code="W-RED-PROD")
    # no warning:
    b.project(conn, east, 6, D(2022, 1, 1), stage="开工", start=D(2022, 2, 1), planned_production=D(2023, 6, 30),
              code="N-PLAN-TODAY")  # planned date is the as-of date: not past it
    b.project(conn, east, 7, D(2022, 1, 1), stage="开工", start=D(2022, 2, 1), code="N-NO-PLAN")
    b.project(conn, east, 8, D(2022, 1, 1), stage="投产", start=D(2022, 2, 1), production=D(2022, 9, 1),
              code="N-PRODUCING")
    b.project(conn, east, 9, D(2022, 1, 1), stage="终止", code="N-STOPPED")
    b.project(conn, east, 10, D(2023, 7, 1), code="N-SIGNED-LATER")  # after the period
    b.project(conn, west, None, None, stage="在谈", code="N-TALKING")
    b.summarise(conn)
    return east, west


def _codes(rows):
    return [(r["code"], r["warning"], r["reason"]) for r in rows]


def test_project_warnings_whole_city(engine):
    with engine.begin() as conn:
        _fixture(conn)
        rows = project_warnings(conn, PERIOD)
    # red, then yellow, then blue; within a level the oldest signing first
    assert _codes(rows) == [
        ("W-RED-PROD", "red", "超过计划投产日期8个月未投产"),  # signed 2021-05-01
        ("W-RED-SIGN", "red", "签约后7个月未开工"),  # signed 2022-11-30
        ("W-YEL-PROD", "yellow", "超过计划投产日期5个月未投产"),  # signed 2022-03-01
        ("W-YEL-SIGN", "yellow", "签约后3个月未开工"),  # signed 2023-03-31
        ("W-BLUE", "blue", "签约后1个月未开工"),
    ]
    first = rows[0]
    assert first["region"] == "东城区" and first["chain"] == "木材加工" and first["stage"] == "开工"
    assert first["planned_production_date"] == D(2022, 10, 31)


def test_project_warnings_scope(engine):
    with engine.begin() as conn:
        east, west = _fixture(conn)
        west_rows = project_warnings(conn, PERIOD, Scope(region_id=west))
        east_rows = project_warnings(conn, PERIOD, Scope(region_id=east))
        chain_rows = project_warnings(conn, PERIOD, Scope(chain_id=b.chain_id(conn, "智能家电")))
        manufacturing_rows = project_warnings(conn, PERIOD, Scope(manufacturing_only=True))
        big_rows = project_warnings(conn, PERIOD, Scope(min_amount=3))
    assert _codes(west_rows) == [("W-RED-SIGN", "red", "签约后7个月未开工"),
                                 ("W-YEL-PROD", "yellow", "超过计划投产日期5个月未投产")]
    assert [r["code"] for r in east_rows] == ["W-RED-PROD", "W-YEL-SIGN", "W-BLUE"]
    assert [r["code"] for r in chain_rows] == ["W-YEL-SIGN"]
    assert [r["code"] for r in manufacturing_rows] == ["W-YEL-SIGN"]
    # contract amount ≥ 3亿: W-RED-SIGN (3), W-YEL-PROD (4), W-RED-PROD (5)
    assert [r["code"] for r in big_rows] == ["W-RED-PROD", "W-RED-SIGN", "W-YEL-PROD"]


def test_project_warnings_earlier_period(engine):
    with engine.begin() as conn:
        _fixture(conn)
        rows = project_warnings(conn, Period(2023, 4))  # as of 2023-04-30
    # W-BLUE (signed 2023-05-01) is not signed yet; W-YEL-SIGN: 31 Mar → 30 Apr = 1 month → blue;
    # W-RED-SIGN: 2022-11-30 → 2023-04-30 = 5 months → yellow; W-YEL-PROD: 2023-01-10 → 04-30 = 3 → yellow;
    # W-RED-PROD: 2022-10-31 → 2023-04-30 = 6 months → yellow; N-PLAN-TODAY: planned 2023-06-30 not yet passed
    assert _codes(rows) == [
        ("W-RED-PROD", "yellow", "超过计划投产日期6个月未投产"),
        ("W-YEL-PROD", "yellow", "超过计划投产日期3个月未投产"),
        ("W-RED-SIGN", "yellow", "签约后5个月未开工"),
        ("W-YEL-SIGN", "blue", "签约后1个月未开工"),
    ]


def test_project_warnings_thresholds_from_environment(engine, monkeypatch):
    monkeypatch.setenv("ZSDASH_PROJECT_YELLOW_MONTHS", "1")
    monkeypatch.setenv("ZSDASH_PROJECT_RED_MONTHS", "4")
    with engine.begin() as conn:
        _fixture(conn)
        rows = project_warnings(conn, PERIOD)
    # yellow from 1 month, red beyond 4: 8 → red, 7 → red, 5 → red, 3 → yellow, 1 → yellow
    assert _codes(rows) == [
        ("W-RED-PROD", "red", "超过计划投产日期8个月未投产"),
        ("W-YEL-PROD", "red", "超过计划投产日期5个月未投产"),
        ("W-RED-SIGN", "red", "签约后7个月未开工"),
        ("W-YEL-SIGN", "yellow", "签约后3个月未开工"),
        ("W-BLUE", "yellow", "签约后1个月未开工"),
    ]


# --- the stage on the day judged ----------------------------------------------------------------

@pytest.mark.parametrize("stage, sign, start, production, expected", [
    ("开工", D(2023, 3, 1), D(2023, 9, 1), None, "签约"),  # started after 30 June: only signed then
    ("投产", D(2023, 1, 1), D(2023, 2, 1), D(2023, 8, 1), "开工"),  # producing since August: started then
    ("投产", D(2023, 7, 1), D(2023, 8, 1), D(2023, 9, 1), "在谈"),  # signed after 30 June
    ("开工", D(2023, 3, 1), D(2023, 6, 30), None, "开工"),  # started on the day itself
    ("开工", D(2023, 3, 1), None, None, "开工"),  # no start date recorded: trust the stage
    ("终止", D(2023, 1, 1), None, None, "终止"),
    ("在谈", None, None, None, "在谈"),
])
def test_stage_on_a_day(stage, sign, start, production, expected):
    assert stage_on(stage, sign, start, production, D(2023, 6, 30)) == expected


def test_project_warnings_judge_the_stage_at_the_period_end(engine):
    with engine.begin() as conn:
        east = b.region(conn, "东城区")
        # started in September: at 2023-06-30 signed 2023-02-28 and not started, 4 months → yellow
        b.project(conn, east, 1, D(2023, 2, 28), stage="开工", start=D(2023, 9, 1), code="H-STARTED-LATER")
        # in production since August, planned 2023-03-15: at 2023-06-30 started and 3 months late → yellow
        b.project(conn, east, 2, D(2022, 1, 1), stage="投产", start=D(2022, 3, 1), planned_production=D(2023, 3, 15),
                  production=D(2023, 8, 1), code="H-PRODUCING-LATER")
        # in production since May: nothing late at the end of June
        b.project(conn, east, 3, D(2022, 1, 1), stage="投产", start=D(2022, 3, 1), planned_production=D(2023, 3, 15),
                  production=D(2023, 5, 1), code="H-PRODUCING")
        b.summarise(conn)
        june, september = project_warnings(conn, PERIOD), project_warnings(conn, Period(2023, 9))
    assert _codes(june) == [("H-PRODUCING-LATER", "yellow", "超过计划投产日期3个月未投产"),
                            ("H-STARTED-LATER", "yellow", "签约后4个月未开工")]
    assert september == []  # by the end of September both had moved on
