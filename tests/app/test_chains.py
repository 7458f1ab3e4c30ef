"""AppTest: the 产业链 page on the hand-built city of tests/unit/test_breakdowns.py (figures worked out
there), on an empty database and for a region with nothing; injected selections open exactly the
projects behind the figure clicked."""

import pytest

from tests.app.helpers import kpi_cards, opened
from tests.unit.test_breakdowns import small_city

NO_SELECTION = {"rows": [], "columns": [], "cells": []}


@pytest.fixture
def app(engine, monkeypatch):
    # the hand-built city's data runs to July 2024; June is the period the figures are worked out for
    return lambda month=6: opened(engine, monkeypatch, "views/chains.py", month)


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        return small_city(conn)


def table(at, key):
    return at.dataframe(key=key).value


def select(at, key, **selection):
    at.session_state[key] = {"selection": NO_SELECTION | selection}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def codes(at, after: str):
    """The project codes of the drill-down list drawn right after the table or chart keyed ``after``
    (drill-down lists are plain tables, which AppTest shows without their key)."""
    frames = list(at.dataframe)
    keys = [d.key for d in frames]
    # a chart's list (after the bar chart, which is no table) is the first on the page
    following = frames[keys.index(after) + 1:] if after in keys else frames
    lists = [d.value for d in following if "项目编号" in d.value.columns]
    assert lists, f"no project list after {after}"
    return lists[0]["项目编号"].tolist()


def captions(at):
    return [c.value for c in at.caption]


def test_chain_figures_with_yoy(city, app):
    at = app()
    rows = table(at, "chain_table").set_index("产业链")
    assert list(rows.index) == ["木材加工", "新能源电动车", "智能家电", "纺织服装", "生物医药", "其他"]
    assert rows.loc["木材加工"].tolist() == [3, "+50.00%", 8.75, "+16.67%", 2.3, "+53.33%"]
    assert rows.loc["智能家电"].tolist() == [1, "+0.00%", 3.0, "-50.00%", 1.2, "—"]
    assert rows.loc["生物医药"].tolist() == [2, "—", 10.0, "—", 0.0, "—"]
    assert rows.loc["新能源电动车"].tolist() == [0, "—", 0.0, "—", 0.0, "—"]


def test_matrix_cells_and_totals(city, app):
    at = app()
    matrix = table(at, "chain_region_matrix").set_index("产业链")
    assert list(matrix.columns) == ["东城区", "西城区", "南山县", "北湖区", "合计"]
    assert matrix.loc["木材加工"].tolist() == [5.0, 2.5, 1.25, 0.0, 8.75]
    assert matrix.loc["智能家电"].tolist() == [3.0, 0.0, 0.0, 0.0, 3.0]
    assert matrix.loc["生物医药"].tolist() == [0.0, 8.0, 2.0, 0.0, 10.0]
    assert matrix.loc["合计"].tolist() == [8.0, 10.5, 3.25, 0.0, 21.75]


def test_matrix_cell_opens_the_projects_of_that_chain_and_region(city, app):
    at = app()
    select(at, "chain_region_matrix", cells=[[0, "西城区"]])                  # 木材加工 × 西城区
    assert codes(at, "chain_region_matrix") == ["C03"]
    assert "共 1 个项目,合同投资额 2.50 亿元" in captions(at)
    assert any("2024年1-6月 › 西城区 › 木材加工" in m.value for m in at.markdown)
    select(at, "chain_region_matrix", rows=[4])                             # the 生物医药 row
    assert codes(at, "chain_region_matrix") == ["C04", "C08"]
    assert "共 2 个项目,合同投资额 10.00 亿元" in captions(at)
    select(at, "chain_region_matrix", cells=[[6, "东城区"]])                  # 合计 × 东城区
    assert codes(at, "chain_region_matrix") == ["C01", "C02"]
    assert "共 2 个项目,合同投资额 8.00 亿元" in captions(at)
    select(at, "chain_region_matrix", cells=[[2, "北湖区"]])                  # an empty cell
    assert any("没有符合条件的项目" in i.value for i in at.info)


def test_bar_click_opens_the_projects_of_the_chain(city, app):
    at = app()
    at.session_state["chain_bar"] = {"selection": {"chain_pick": [{"产业链": "生物医药"}]}}
    at.run()
    assert codes(at, "chain_bar") == ["C04", "C08"]
    assert "共 2 个项目,合同投资额 10.00 亿元" in captions(at)


def test_selected_chain_shows_its_stages(city, app):
    at = app()
    assert "签约项目数" not in kpi_cards(at)
    select(at, "chain_table", rows=[0])                                     # 木材加工
    shown = kpi_cards(at)
    assert shown["签约项目数"] == ("3 个", [("同比 ▲ +50.00%", "up")])
    assert shown["合同投资额"] == ("8.75 亿元", [("同比 ▲ +16.67%", "up")])
    assert shown["到位资金"] == ("2.30 亿元", [("同比 ▲ +53.33%", "up")])
    stages = table(at, "stage_table")
    assert stages.values.tolist() == [["在谈", 1, 1.5], ["签约", 1, 2.5], ["开工", 1, 5.0], ["投产", 0, 0.0],
                                      ["终止", 1, 1.25]]
    assert codes(at, "stage_table") == ["C01", "C03", "C09", "C05"]
    select(at, "stage_table", rows=[2])                                     # 开工
    assert codes(at, "stage_table") == ["C01"]
    assert "共 1 个项目,合同投资额 5.00 亿元" in captions(at)


def test_top_projects_per_chain(city, app):
    at = app()
    frames = list(at.dataframe)
    after_matrix = frames[[d.key for d in frames].index("chain_region_matrix") + 1:]
    assert [d.value["项目编号"].tolist() for d in after_matrix] == [["C01", "C03", "C05"], ["C02"], ["C04", "C08"]]
    assert [t.label for t in at.tabs] == ["木材加工", "智能家电", "生物医药"]


def test_sidebar_chain_filter_opens_the_chain_view(city, app):
    at = app()
    at.selectbox(key="chain").select("智能家电").run()
    assert table(at, "chain_table")["产业链"].tolist() == ["智能家电"]
    assert kpi_cards(at)["合同投资额"] == ("3.00 亿元", [("同比 ▼ -50.00%", "down")])
    assert codes(at, "stage_table") == ["C02"]
    assert table(at, "chain_region_matrix").set_index("产业链").loc["智能家电", "东城区"] == 3.0


def test_region_filter_changes_the_figures(city, app):
    at = app()
    at.selectbox(key="region").select("西城区").run()
    rows = table(at, "chain_table").set_index("产业链")
    assert rows.loc["木材加工"].tolist() == [1, "+0.00%", 2.5, "-28.57%", 0.0, "-100.00%"]
    assert rows.loc["智能家电"].tolist() == [0, "-100.00%", 0.0, "-100.00%", 1.2, "—"]
    matrix = table(at, "chain_region_matrix").set_index("产业链")
    assert list(matrix.columns) == ["西城区", "合计"]
    assert matrix.loc["合计"].tolist() == [10.5, 10.5]
    select(at, "chain_region_matrix", cells=[[4, "合计"]])                    # 生物医药 in 西城区
    assert codes(at, "chain_region_matrix") == ["C04"]


def test_region_with_nothing(city, app):
    at = app()
    at.selectbox(key="region").select("北湖区").run()
    assert not at.exception
    assert set(table(at, "chain_table")["签约项目数"]) == {0}
    assert any("暂无签约项目和到位资金" in i.value for i in at.info)
    assert any("暂无签约项目" in i.value for i in at.info)


def test_empty_database(app):
    at = app(month=None)
    assert any("暂无签约项目和到位资金" in i.value for i in at.info)
    assert any("尚未配置县区" in i.value for i in at.info)
