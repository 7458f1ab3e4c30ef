"""驻点招商 funnel and 企业诉求 summary (metrics/resident.py), on SQLite and PostgreSQL.

The fixture is small enough to check by hand; the arithmetic is in the comments.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from data_access.models import EnterpriseProblem, ResidentActivity
from metrics.period import Period
from metrics.resident import problem_summary, resident_funnel, resident_signed_in_month
from tests import builders as b

D = dt.date
DEC = Decimal


def q(value) -> Decimal:
    return value.quantize(DEC("0.01"))


def activity(conn, team, region_id, year, month, contacted, visited, intended, amount):
    conn.execute(insert(ResidentActivity).values(team=team, region_id=region_id, year=year, month=month,
                                                 contacted=contacted, visited=visited, intended_count=intended,
                                                 intended_amount=DEC(str(amount))))


@pytest.fixture
def funnel_db(engine):
    """Two teams × two months of 2023, three 驻点招商 projects signed in January–February 2023."""
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        activity(conn, "深圳工作队", east, 2023, 1, 10, 4, 1, 2.5)
        activity(conn, "深圳工作队", east, 2023, 2, 6, 3, 2, 4.25)
        activity(conn, "上海工作队", west, 2023, 1, 8, 2, 0, 0)
        activity(conn, "上海工作队", west, 2023, 2, 12, 6, 1, 1.5)
        activity(conn, "深圳工作队", east, 2023, 3, 100, 50, 9, 99)  # after the window (through February)
        activity(conn, "深圳工作队", east, 2022, 2, 70, 30, 5, 50)  # last year
        b.project(conn, east, 3, D(2023, 1, 15), channel="驻点招商", code="R1")
        b.project(conn, west, 1.25, D(2023, 2, 10), channel="驻点招商", code="R2")
        b.project(conn, east, 0.5, D(2023, 2, 28), channel="驻点招商", code="R3")
        b.project(conn, east, 5, D(2023, 2, 1), channel="以商招商", code="N1")  # another channel
        b.project(conn, east, 7, D(2022, 12, 30), channel="驻点招商", code="R0")  # signed last year
        b.project(conn, east, 9, D(2023, 3, 1), channel="驻点招商", code="R4")  # signed after the window
        b.project(conn, east, None, None, stage="在谈", channel="驻点招商", code="R5")  # not signed
        b.target(conn, 2023, b.city_id(conn), "驻点签约额", 40)
        b.target(conn, 2023, east, "驻点签约额", 5)
        b.summarise(conn)
    return engine, east, west


def test_funnel_of_the_whole_city(funnel_db):
    engine, _, _ = funnel_db
    with engine.connect() as conn:
        f = resident_funnel(conn, Period(2023, 2), None)
    t = f["total"]
    # contacted 10 + 6 + 8 + 12 = 36; visited 4 + 3 + 2 + 6 = 15; 15 ÷ 36 = 41.666…%
    assert (t["contacted"], t["visited"], q(t["visit_rate_pct"])) == (36, 15, DEC("41.67"))
    # intention projects 1 + 2 + 0 + 1 = 4, amount 2.5 + 4.25 + 0 + 1.5 = 8.25
    assert (t["intended_projects"], t["intended_amount"]) == (4, DEC("8.2500"))
    # signed 驻点招商 in January–February: R1 3 + R2 1.25 + R3 0.5 = 4.75
    assert (t["signed_count"], t["signed_amount"]) == (3, DEC("4.7500"))
    # 4.75 ÷ 40 = 11.875%; time progress 2 ÷ 12 = 16.67%: behind by 4.79 points → yellow
    assert (t["signed_target"], t["completion_pct"]) == (DEC("40"), DEC("11.875"))
    assert (q(t["time_progress_pct"]), t["warning"]) == (DEC("16.67"), "yellow")
    stages = {s["stage"]: s for s in f["stages"]}
    assert [s["label"] for s in f["stages"]] == ["对接企业", "考察回访", "意向项目", "签约项目"]
    assert [s["count"] for s in f["stages"]] == [36, 15, 4, 3]
    assert stages["contacted"]["rate_pct"] is None
    assert q(stages["visited"]["rate_pct"]) == DEC("41.67")
    assert q(stages["intended"]["rate_pct"]) == DEC("26.67")  # 4 ÷ 15
    assert stages["signed"]["rate_pct"] == DEC("75")  # 3 ÷ 4
    assert (stages["intended"]["amount"], stages["signed"]["amount"]) == (DEC("8.2500"), DEC("4.7500"))


def test_funnel_by_team_and_month(funnel_db):
    engine, _, _ = funnel_db
    with engine.connect() as conn:
        f = resident_funnel(conn, Period(2023, 2), None)
    cells = {(r["team"], r["month"]): (r["contacted"], r["visited"], r["intended_projects"], r["intended_amount"])
             for r in f["rows"]}
    assert cells == {("上海工作队", 1): (8, 2, 0, DEC("0.0000")), ("上海工作队", 2): (12, 6, 1, DEC("1.5000")),
                     ("深圳工作队", 1): (10, 4, 1, DEC("2.5000")), ("深圳工作队", 2): (6, 3, 2, DEC("4.2500"))}
    teams = {t["team"]: t for t in f["teams"]}
    # 深圳: 10 + 6 = 16 contacted, 4 + 3 = 7 visited (43.75%), 3 intentions worth 6.75
    sz = teams["深圳工作队"]
    assert (sz["region"], sz["contacted"], sz["visited"], sz["visit_rate_pct"]) == ("东城区", 16, 7, DEC("43.75"))
    assert (sz["intended_projects"], sz["intended_amount"]) == (3, DEC("6.7500"))
    sh = teams["上海工作队"]  # 8 + 12 = 20, 2 + 6 = 8 (40%), 1 intention worth 1.5
    assert (sh["region"], sh["contacted"], sh["visited"], sh["visit_rate_pct"]) == ("西城区", 20, 8, DEC("40"))
    m1, m2 = f["months"]
    # January: 10 + 8 contacted, 4 + 2 visited (33.33%); signed R1 (3)
    assert (m1["month"], m1["contacted"], m1["visited"], q(m1["visit_rate_pct"])) == (1, 18, 6, DEC("33.33"))
    assert (m1["signed_count"], m1["signed_amount"]) == (1, DEC("3.0000"))
    # February: 6 + 12, 3 + 6 (50%), intentions 2 + 1 worth 5.75; signed R2 + R3 = 1.75
    assert (m2["contacted"], m2["visited"], m2["visit_rate_pct"]) == (18, 9, DEC("50"))
    assert (m2["intended_projects"], m2["intended_amount"]) == (3, DEC("5.7500"))
    assert (m2["signed_count"], m2["signed_amount"]) == (2, DEC("1.7500"))


def test_projects_signed_in_a_month_add_up_to_its_figure(funnel_db):
    engine, _, _ = funnel_db
    with engine.connect() as conn:
        assert [r["code"] for r in resident_signed_in_month(conn, 2023, 1, None)] == ["R1"]
        assert [r["code"] for r in resident_signed_in_month(conn, 2023, 2, None)] == ["R2", "R3"]
        assert resident_signed_in_month(conn, 2023, 3, None)[0]["code"] == "R4"


def test_funnel_scoped_to_a_region(funnel_db):
    engine, east, west = funnel_db
    with engine.connect() as conn:
        e = resident_funnel(conn, Period(2023, 2), east)
        w = resident_funnel(conn, Period(2023, 2), west)
        w_feb = resident_signed_in_month(conn, 2023, 2, west)
    # 东城区: only 深圳工作队; signed R1 3 + R3 0.5 = 3.5 against its own target 5 → 70%
    assert [t["team"] for t in e["teams"]] == ["深圳工作队"]
    assert (e["total"]["contacted"], e["total"]["visited"]) == (16, 7)
    assert (e["total"]["signed_count"], e["total"]["signed_amount"]) == (2, DEC("3.5000"))
    assert (e["total"]["signed_target"], e["total"]["completion_pct"]) == (DEC("5"), DEC("70"))
    assert e["total"]["warning"] == "blue"  # 70% ahead of 16.67%
    # 西城区: 上海工作队, R2 1.25, no target of its own
    assert (w["total"]["contacted"], w["total"]["signed_count"], w["total"]["signed_amount"]) == \
        (20, 1, DEC("1.2500"))
    assert (w["total"]["signed_target"], w["total"]["completion_pct"], w["total"]["warning"]) == (None, None, None)
    assert [r["code"] for r in w_feb] == ["R2"]


def test_funnel_of_an_empty_database(engine):
    with engine.connect() as conn:
        f = resident_funnel(conn, Period(2023, 3), None)
    assert (f["rows"], f["teams"]) == ([], [])
    assert [m["contacted"] for m in f["months"]] == [0, 0, 0]
    t = f["total"]
    assert (t["contacted"], t["visit_rate_pct"], t["signed_count"], t["signed_amount"]) == (0, None, 0, DEC(0))
    assert (t["signed_target"], t["completion_pct"]) == (None, None)
    assert [s["rate_pct"] for s in f["stages"]] == [None, None, None, None]


# --- 企业诉求 ---------------------------------------------------------------------------------

def problem(conn, enterprise, raised, status, *, region_id=None, unit=None, closed=None, project_id=None):
    conn.execute(insert(EnterpriseProblem).values(enterprise=enterprise, region_id=region_id, unit=unit,
                                                  description=f"{enterprise}的诉求", raised_on=raised, status=status,
                                                  closed_on=closed, project_id=project_id))


@pytest.fixture
def problems_db(engine):
    """As of 2023-06-30: 30 days back is 05-31, 31 is 05-30, 90 is 04-01, 91 is 03-31."""
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        pid = b.project(conn, west, 2, D(2023, 1, 10), code="W1")
        problem(conn, "企业甲", D(2023, 5, 31), "待办", region_id=east, unit="自然资源局")  # 30 days
        problem(conn, "企业乙", D(2023, 4, 1), "办理中", region_id=east, unit="自然资源局")  # 90 days
        problem(conn, "企业丙", D(2023, 3, 31), "待办", region_id=west, unit="供电公司")  # 91 days
        problem(conn, "企业丁", D(2023, 2, 1), "已办结", region_id=west, unit="供电公司", closed=D(2023, 3, 1))
        # closed after 06-30: still being handled on that day; 60 days
        problem(conn, "企业戊", D(2023, 5, 1), "已办结", region_id=east, closed=D(2023, 7, 15))
        problem(conn, "企业己", D(2023, 7, 2), "待办", region_id=east, unit="自然资源局")  # raised after 06-30
        # no region of its own: its project's (西城区); 31 days
        problem(conn, "企业庚", D(2023, 5, 30), "办理中", unit="供电公司", project_id=pid)
    return engine, east, west


def test_problems_by_status_unit_and_age(problems_db):
    engine, _, _ = problems_db
    with engine.connect() as conn:
        s = problem_summary(conn, D(2023, 6, 30), None)
    # raised by 06-30: 甲 乙 丙 丁 戊 庚 (己 came later); closed by then: 丁 only
    assert s["raised"] == 6
    assert s["by_status"] == {"待办": 2, "办理中": 3, "已办结": 1}  # 甲丙 / 乙戊庚 / 丁
    assert q(s["closed_rate_pct"]) == DEC("16.67")  # 1 ÷ 6
    assert s["by_unit"] == [
        {"unit": "供电公司", "raised": 3, "待办": 1, "办理中": 1, "已办结": 1, "open": 2},  # 丙 庚 丁
        {"unit": "自然资源局", "raised": 2, "待办": 1, "办理中": 1, "已办结": 0, "open": 2},  # 甲 乙
        {"unit": "未明确责任单位", "raised": 1, "待办": 0, "办理中": 1, "已办结": 0, "open": 1},  # 戊
    ]
    # open: 甲 30 days; 乙 90, 戊 60, 庚 31; 丙 91
    assert s["age_bands"] == [{"band": "30天以内", "count": 1}, {"band": "31-90天", "count": 3},
                              {"band": "90天以上", "count": 1}]
    assert [(p["enterprise"], p["days_open"], p["status"]) for p in s["open"]] == [
        ("企业丙", 91, "待办"), ("企业乙", 90, "办理中"), ("企业戊", 60, "办理中"), ("企业庚", 31, "办理中"),
        ("企业甲", 30, "待办")]
    gen = s["open"][3]
    assert (gen["region"], gen["project_code"], gen["unit"]) == ("西城区", "W1", "供电公司")


def test_problems_later_and_by_region(problems_db):
    engine, east, west = problems_db
    with engine.connect() as conn:
        later = problem_summary(conn, D(2023, 7, 31), None)
        e = problem_summary(conn, D(2023, 6, 30), east)
        w = problem_summary(conn, D(2023, 6, 30), west)
    # by 07-31: 己 raised (待办), 戊 closed on 07-15
    assert later["raised"] == 7
    assert later["by_status"] == {"待办": 3, "办理中": 2, "已办结": 2}
    # 东城区: 甲 待办, 乙 and 戊 办理中
    assert (e["raised"], e["by_status"]) == (3, {"待办": 1, "办理中": 2, "已办结": 0})
    # 西城区: 丙 待办, 庚 办理中 (by its project), 丁 已办结
    assert (w["raised"], w["by_status"]) == (3, {"待办": 1, "办理中": 1, "已办结": 1})
    assert [p["enterprise"] for p in w["open"]] == ["企业丙", "企业庚"]


def test_problems_of_an_empty_database(engine):
    with engine.connect() as conn:
        s = problem_summary(conn, D(2023, 6, 30), None)
    assert (s["raised"], s["closed_rate_pct"], s["by_unit"], s["open"]) == (0, None, [], [])
    assert s["by_status"] == {"待办": 0, "办理中": 0, "已办结": 0}
    assert [a["count"] for a in s["age_bands"]] == [0, 0, 0]
