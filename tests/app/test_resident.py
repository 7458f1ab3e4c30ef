"""AppTest: 驻点招商 / 企业诉求 on a hand-built city, on an empty database, for a region with nothing.

Through February 2023 (序时进度 2 ÷ 12 = 16.67%):
- 深圳工作队 (东城区): January 10 contacted / 4 visited / 1 intention 2.5亿; February 6 / 3 / 2, 4.25亿.
- 上海工作队 (西城区): January 8 / 2 / 0; February 12 / 6 / 1, 1.5亿.
  Totals 36 / 15 (41.67%) / 4 intentions worth 8.25亿.
- 驻点招商 projects: R1 东城区 3亿 (January), R2 西城区 1.25亿 and R3 东城区 0.5亿 (February) = 4.75亿;
  N1 (以商招商) does not count. Target 驻点签约额 全市 40 → 11.875%, 4.79 points behind; 东城区 5 → 70%.
- 企业诉求 as of 28 February: 甲 东城区 待办 (20 Feb, 8 days), 乙 西城区 办理中 (10 Jan, 49 days),
  丙 东城区 待办 (1 Oct 2022, 150 days), 丁 西城区 closed 1 Feb; 戊 raised in March does not count yet.
"""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from data_access.models import EnterpriseProblem, ResidentActivity
from tests import builders as b
from tests.app.helpers import app_on, kpi_cards

D = dt.date


@pytest.fixture
def open_page(engine, monkeypatch):
    monkeypatch.delenv("ZSDASH_WARNING_YELLOW_PP", raising=False)

    def run():
        at = app_on(engine, monkeypatch, "views/resident.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def activity(conn, team, region_id, month, contacted, visited, intended, amount):
    conn.execute(insert(ResidentActivity).values(team=team, region_id=region_id, year=2023, month=month,
                                                 contacted=contacted, visited=visited, intended_count=intended,
                                                 intended_amount=Decimal(str(amount))))


def problem(conn, enterprise, region_id, raised, status, unit, closed=None):
    conn.execute(insert(EnterpriseProblem).values(enterprise=enterprise, region_id=region_id, raised_on=raised,
                                                  status=status, unit=unit, closed_on=closed,
                                                  description=f"{enterprise}用地手续"))


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        b.region(conn, "南山县")
        activity(conn, "深圳工作队", east, 1, 10, 4, 1, 2.5)
        activity(conn, "深圳工作队", east, 2, 6, 3, 2, 4.25)
        activity(conn, "上海工作队", west, 1, 8, 2, 0, 0)
        activity(conn, "上海工作队", west, 2, 12, 6, 1, 1.5)
        b.project(conn, east, 3, D(2023, 1, 15), channel="驻点招商", code="R1")
        b.project(conn, west, 1.25, D(2023, 2, 10), channel="驻点招商", code="R2")
        b.project(conn, east, 0.5, D(2023, 2, 28), channel="驻点招商", code="R3")
        b.project(conn, east, 5, D(2023, 2, 1), channel="以商招商", code="N1")
        b.target(conn, 2023, b.city_id(conn), "驻点签约额", 40)
        b.target(conn, 2023, east, "驻点签约额", 5)
        problem(conn, "企业甲", east, D(2023, 2, 20), "待办", "自然资源局")
        problem(conn, "企业乙", west, D(2023, 1, 10), "办理中", "供电公司")
        problem(conn, "企业丙", east, D(2022, 10, 1), "待办", "供电公司")
        problem(conn, "企业丁", west, D(2023, 1, 5), "已办结", "供电公司", closed=D(2023, 2, 1))
        problem(conn, "企业戊", east, D(2023, 3, 5), "待办", "自然资源局")
        b.summarise(conn)


def shown(at) -> dict:
    return {label: value for label, (value, _) in kpi_cards(at).items()}


def table(at, first_column: str):
    """The table whose first column is ``first_column`` (read-only tables carry no key)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_funnel_target_and_tables(city, open_page):
    at = open_page()
    figures = shown(at)
    assert (figures["对接企业"], figures["考察回访企业"], figures["考察回访率"]) == ("36 家", "15 家", "41.67%")
    assert figures["意向项目"] == "4 个"
    assert (figures["驻点招商签约项目"], figures["驻点招商签约额"]) == ("3 个", "4.75 亿元")
    assert any(m.value == "年度目标 **40.00 亿元** · 已签约 **4.75 亿元**(驻点招商项目 3 个)" for m in at.markdown)
    # 4.75 ÷ 40 = 11.875% → 11.88%; 16.67 − 11.875 = 4.79 points behind (黄)
    assert any("11.88%</span> · 低于序时进度 4.79 个百分点" in m.value and "#e0a800" in m.value for m in at.markdown)

    grid = table(at, "工作队").set_index("工作队")
    assert grid.loc["深圳工作队", ["1月", "2月", "合计"]].tolist() == [10, 6, 16]
    assert grid.loc["上海工作队", ["1月", "2月", "合计"]].tolist() == [8, 12, 20]
    assert grid.loc["合计", ["1月", "2月", "合计"]].tolist() == [18, 18, 36]
    at.segmented_control(key="team_figure").set_value("intended_amount").run()
    grid = table(at, "工作队").set_index("工作队")
    assert grid.loc["深圳工作队", "合计"] == 6.75 and grid.loc["合计", "合计"] == 8.25

    months = table(at, "月份")
    assert list(months["对接企业数"]) == [18, 18]
    assert list(months["考察回访企业数"]) == [6, 9]
    assert [round(v, 2) for v in months["考察回访率(%)"]] == [33.33, 50.0]
    assert list(months["意向项目数"]) == [1, 3]
    assert list(months["驻点招商签约项目数"]) == [1, 2]
    assert list(months["驻点招商签约额(亿元)"]) == [3.0, 1.75]


def test_click_on_the_signed_stage_opens_the_resident_projects(city, open_page):
    at = open_page()
    at.session_state["funnel_chart"] = {"selection": {"stage_pick": [{"环节": "签约项目"}]}}
    at.run()
    assert not at.exception
    assert any(m.value == "**2023年1-2月 › 全市 › 驻点招商签约额**" for m in at.markdown)
    assert any(c.value == "共 3 个项目,合同投资额 4.75 亿元" for c in at.caption)  # = the stage's figure
    assert list(table(at, "项目编号")["项目编号"]) == ["R1", "R2", "R3"]  # not N1 (以商招商)

    at.session_state["funnel_chart"] = {"selection": {"stage_pick": [{"环节": "考察回访"}]}}
    at.run()
    rows = next(d.value for d in at.dataframe if list(d.value.columns[:3]) == ["工作队", "县区", "月份"])
    assert sum(rows["考察回访企业数"]) == 15 and len(rows) == 4


def test_a_month_row_opens_the_projects_signed_that_month(city, open_page):
    at = open_page()
    at.session_state["month_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any(m.value == "**2023年2月 › 全市 › 驻点招商签约项目**" for m in at.markdown)
    assert any(c.value == "共 2 个项目,合同投资额 1.75 亿元" for c in at.caption)
    assert list(table(at, "项目编号")["项目编号"]) == ["R2", "R3"]


def test_problems_by_status_unit_and_age(city, open_page):
    at = open_page()
    figures = shown(at)
    assert (figures["受理诉求"], figures["待办"], figures["办理中"], figures["已办结"]) == \
        ("4 件", "2 件", "1 件", "1 件")
    assert figures["办结率"] == "25.00%"
    units = table(at, "责任单位")
    assert units.to_dict("records") == [
        {"责任单位": "供电公司", "受理": 3, "待办": 1, "办理中": 1, "已办结": 1, "未办结": 2},
        {"责任单位": "自然资源局", "受理": 1, "待办": 1, "办理中": 0, "已办结": 0, "未办结": 1}]
    open_list = table(at, "企业")
    assert list(open_list["企业"]) == ["企业丙", "企业乙", "企业甲"]  # oldest first
    assert list(open_list["已过天数"]) == [150, 49, 8]

    at.session_state["unit_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert list(table(at, "企业")["企业"]) == ["企业丙", "企业乙"]
    at.session_state["age_chart"] = {"selection": {"age_pick": [{"账龄": "90天以上"}]}}
    at.run()
    assert list(table(at, "企业")["企业"]) == ["企业丙"]
    assert any(m.value.startswith("**2023年2月28日 › 全市 › 供电公司 › 90天以上 › 未办结诉求**") for m in at.markdown)


def test_region_filter_and_a_region_with_nothing(city, open_page):
    at = open_page()
    at.selectbox(key="region").select("东城区").run()
    figures = shown(at)
    # 深圳工作队 only; R1 3 + R3 0.5 = 3.5 against 5 → 70%, ahead of 16.67%
    assert (figures["对接企业"], figures["考察回访企业"], figures["考察回访率"]) == ("16 家", "7 家", "43.75%")
    assert (figures["驻点招商签约项目"], figures["驻点招商签约额"]) == ("2 个", "3.50 亿元")
    assert any("70.00%</span> · 达到序时进度" in m.value for m in at.markdown)
    assert (figures["受理诉求"], figures["待办"]) == ("2 件", "2 件")  # 甲 and 丙

    at.selectbox(key="region").select("南山县").run()
    assert not at.exception
    assert shown(at)["对接企业"] == "0 家"
    assert any("暂无驻点招商工作队填报数据" in i.value for i in at.info)
    assert any("未下达驻点签约额年度目标" in i.value for i in at.info)
    assert any("南山县暂无企业诉求记录" in i.value for i in at.info)

    at.selectbox(key="scope").select("制造业项目").run()
    assert any("不受“全部产业链 · 制造业项目”筛选影响" in c.value for c in at.caption)


def test_empty_database(open_page):
    at = open_page()
    assert shown(at)["对接企业"] == "0 家"
    assert any("暂无驻点招商工作队填报数据" in i.value for i in at.info)
    assert any("暂无企业诉求记录" in i.value for i in at.info)


def test_leaders_activities_and_the_events_projects_were_signed_at(engine, monkeypatch):
    """The Liuzhou-like city of tests/unit/test_activities.py through June 2019: 4 talks, 1 event held,
    2 coordination meetings, 2 500强 enterprises, 10 problems solved; 王书记 4 activities (1 talk,
    1 推介会, 2 协调会; solved 2 + 4 + 3 = 9); 柳州·深圳招商推介会 18.00亿 opens into L1 and L2."""
    from data_access.importer import import_workbook
    from tests.app.helpers import opened
    from tests.unit.test_activities import ACTIVITIES, LEDGER
    with engine.begin() as conn:
        b.region(conn, "柳南区")
        b.region(conn, "柳北区")
    import_workbook(engine, b.workbook({"项目台账": LEDGER, "招商活动": ACTIVITIES}), "全市.xlsx", 2019, 6)
    at = opened(engine, monkeypatch, "views/resident.py")
    at.selectbox(key="year").select(2019).run()
    at.selectbox(key="month").select(6).run()
    assert not at.exception
    cards = {label: value for label, (value, _) in kpi_cards(at).items()}
    assert (cards["对接洽谈"], cards["推介会"], cards["项目协调会"]) == ("4 次", "1 次", "2 次")
    assert (cards["对接500强企业"], cards["协调解决问题"]) == ("2 家", "10 个")
    leaders = next(d.value for d in at.dataframe if "领导" in d.value.columns)
    wang = leaders[leaders["领导"] == "王书记"].iloc[0]
    assert (wang["对接洽谈"], wang["推介会"], wang["项目协调会"], wang["解决问题"]) == (1, 1, 2, 9)
    at.session_state["event_chart"] = {"selection": {"event_pick": [{"签约活动": "柳州·深圳招商推介会"}]}}
    at.run()
    assert not at.exception
    assert any(m.value == "**2019年1-6月 › 全市 › 柳州·深圳招商推介会 › 签约项目**" for m in at.markdown)
    assert any(c.value == "共 2 个项目,合同投资额 18.00 亿元" for c in at.caption)
    assert list(at.dataframe[-1].value["项目编号"]) == ["L1", "L2"]
