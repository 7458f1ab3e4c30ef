"""AppTest: the 重点企业 page on the hand-built city of tests/unit/test_breakdowns.py (figures worked out
there), on an empty database and for a region with nothing; the tag selector switches groups and
injected selections open exactly the projects behind the figure clicked."""

import pytest

from tests.app.helpers import kpi_cards, opened
from tests.unit.test_breakdowns import small_city

NO_SELECTION = {"rows": [], "columns": [], "cells": []}


@pytest.fixture
def app(engine, monkeypatch):
    # the hand-built city's data runs to July 2024; June is the period the figures are worked out for
    return lambda month=6: opened(engine, monkeypatch, "views/enterprises.py", month)


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        return small_city(conn)


def metrics_of(at):
    return {label: value for label, (value, _) in kpi_cards(at).items()}


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def project_lists(at, after: str) -> list[list[str]]:
    """Codes of each project list drawn after the table keyed ``after`` (drill-down lists are plain
    tables, which AppTest shows without their key)."""
    frames = list(at.dataframe)
    following = frames[[d.key for d in frames].index(after) + 1:]
    return [d.value["项目编号"].tolist() for d in following if "项目编号" in d.value.columns]


def captions(at):
    return [c.value for c in at.caption]


def test_top500_figures_by_region(city, app):
    at = app()
    assert at.button_group(key="tag_group").value == "top500"
    assert metrics_of(at) == {"新引进500强企业": "1 家", "500强企业签约项目": "3 个", "合同投资额": "15.00 亿元"}
    assert "本期有签约项目的500强企业共 2 家,名单见下方“企业名单”。" in captions(at)
    regions = at.dataframe(key="tag_region_table").value
    assert regions.values.tolist() == [["东城区", 1, 1, 5.0], ["西城区", 0, 1, 8.0], ["南山县", 0, 1, 2.0],
                                       ["北湖区", 0, 0, 0.0]]
    enterprises = at.dataframe(key="enterprise_table").value
    assert enterprises[["企业名称", "项目数", "合同投资额(亿元)", "新引进"]].values.tolist() == [
        ["华润集团", 2, 13.0, "是"], ["联想集团", 1, 2.0, ""]]
    # the 项目清单 and 新引进企业 tabs
    assert project_lists(at, "enterprise_table") == [["C04", "C01", "C08"], ["C01"]]
    assert "共 3 个项目,合同投资额 15.00 亿元" in captions(at)
    assert "共 1 家企业,合同投资额 5.00 亿元" in captions(at)


def test_region_row_and_bar_open_the_region(city, app):
    at = app()
    at.session_state["tag_region_table"] = {"selection": NO_SELECTION | {"rows": [1]}}   # 西城区
    rerun(at)
    # its 500强 project C04; no new enterprise (华润's first project is in 东城区)
    lists = project_lists(at, "tag_region_table")
    assert lists[0] == ["C04"]
    assert "共 1 个项目,合同投资额 8.00 亿元" in captions(at)
    assert "共 0 家企业,合同投资额 0.00 亿元" in captions(at)
    assert any("2024年1-6月 › 西城区" in m.value and "500强企业项目" in m.value for m in at.markdown)

    at.session_state["tag_region_table"] = {"selection": NO_SELECTION}
    at.session_state["tag_region_bar"] = {"selection": {"region_pick": [{"县区": "东城区"}]}}
    rerun(at)
    assert project_lists(at, "tag_region_table")[:2] == [["C01"], ["C01"]]
    assert captions(at).count("共 1 个项目,合同投资额 5.00 亿元") == 1
    assert "共 1 家企业,合同投资额 5.00 亿元" in captions(at)


def test_enterprise_row_opens_its_projects(city, app):
    at = app()
    at.session_state["enterprise_table"] = {"selection": NO_SELECTION | {"rows": [0]}}    # 华润集团
    rerun(at)
    assert project_lists(at, "enterprise_table")[0] == ["C04", "C01"]
    assert "共 2 个项目,合同投资额 13.00 亿元" in captions(at)
    assert any(m.value.endswith("› 华润集团**") for m in at.markdown)


def test_tag_selector_switches_the_group(city, app):
    at = app()
    at.button_group(key="tag_group").set_value("little_giant").run()
    assert metrics_of(at) == {"新引进专精特新小巨人企业": "1 家", "专精特新小巨人企业签约项目": "1 个",
                              "合同投资额": "3.00 亿元"}
    at.button_group(key="tag_group").set_value("瞪羚").run()
    assert metrics_of(at)["新引进瞪羚企业"] == "1 家"
    assert metrics_of(at)["瞪羚企业签约项目"] == "1 个"
    assert at.dataframe(key="tag_region_table").value["新引进(家)"].tolist() == [0, 1, 0, 0]
    assert project_lists(at, "enterprise_table") == [["C03"], ["C03"]]
    at.selectbox(key="month").select(7).run()                                 # C10 signs in July
    assert metrics_of(at)["瞪羚企业签约项目"] == "2 个"
    assert metrics_of(at)["合同投资额"] == "3.25 亿元"
    at.button_group(key="tag_group").set_value("上市公司").run()
    assert metrics_of(at)["新引进上市公司企业"] == "0 家"                      # 联想 came in 2023


def test_group_with_nothing(city, app):
    at = app()
    at.button_group(key="tag_group").set_value("独角兽").run()
    assert not at.exception
    assert metrics_of(at)["独角兽企业签约项目"] == "0 个"
    assert any("暂无独角兽企业的签约项目" in i.value for i in at.info)
    assert any("没有签约项目的独角兽企业" in i.value for i in at.info)


def test_region_filter(city, app):
    at = app()
    at.selectbox(key="region").select("西城区").run()
    assert metrics_of(at) == {"新引进500强企业": "0 家", "500强企业签约项目": "1 个", "合同投资额": "8.00 亿元"}
    assert "本期有签约项目的500强企业共 1 家,名单见下方“企业名单”。" in captions(at)
    assert at.dataframe(key="tag_region_table").value["县区"].tolist() == ["西城区"]
    at.selectbox(key="region").select("北湖区").run()
    assert not at.exception
    assert metrics_of(at)["500强企业签约项目"] == "0 个"
    assert any("暂无500强企业的签约项目" in i.value for i in at.info)


def test_empty_database(app):
    at = app(month=None)
    assert metrics_of(at)["新引进500强企业"] == "0 家"
    assert any("尚未配置县区" in i.value for i in at.info)
