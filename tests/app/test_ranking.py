"""AppTest: 县区排名 on a hand-built three-region city, on an empty database, without targets.

Through June 2023 (序时进度 6 ÷ 12 = 50%), default weights 合同投资额 40, 到位资金 40:
- 东城区: targets 合同投资额 10, 到位资金 4. Signed E1 4 (March) + E2 2 (June) = 6 → 60%, gap +10 → 蓝;
  funds 1 (April) + 1 (June) = 2 → 50%, gap 0 → 蓝. Score (40 × 60 + 40 × 50) ÷ 80 = 55.
  Last year E0 3 (April 2022): YoY (6 − 3) ÷ 3 = +100%.
- 西城区: targets 10 and 5. Signed W1 4.5 → 45%, gap −5 → 黄; funds 1.5 → 30%, gap −20 → 红.
  Score (40 × 45 + 40 × 30) ÷ 80 = 37.5.
- 南山县: target 合同投资额 20 only. Signed S1 3 (30 June) → 15%, gap −35 → 红. Score 15.
May (序时进度 41.67%): 东城区 4 → 40%, funds 1 → 25%, score 32.5; 西城区 37.5; 南山县 0. So in June
东城区 rose from 2nd to 1st (↑1), 西城区 fell to 2nd (↓1), 南山县 stayed 3rd (—).
"""
import datetime as dt
import re

import pytest

from labels import WARNING_COLORS
from tests import builders as b
from tests.app.helpers import app_on
from ui.ranking_data import rank_change_text

D = dt.date
BLUE, YELLOW, RED = WARNING_COLORS["blue"], WARNING_COLORS["yellow"], WARNING_COLORS["red"]


@pytest.fixture
def open_page(engine, monkeypatch):
    for name in ("WARNING_YELLOW_PP", "RANKING_WEIGHTS", "RANKING_COMPLETION_CAP"):
        monkeypatch.delenv(f"ZSDASH_{name}", raising=False)

    def run():
        at = app_on(engine, monkeypatch, "views/ranking.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        east, west, south = b.region(conn, "东城区"), b.region(conn, "西城区"), b.region(conn, "南山县")
        e1 = b.project(conn, east, 4, D(2023, 3, 1), code="E1")
        b.project(conn, east, 2, D(2023, 6, 10), code="E2")
        b.project(conn, east, 3, D(2022, 4, 1), code="E0")
        w1 = b.project(conn, west, 4.5, D(2023, 2, 1), code="W1")
        b.project(conn, south, 3, D(2023, 6, 30), code="S1")
        b.funds(conn, e1, 2023, 4, 1)
        b.funds(conn, e1, 2023, 6, 1)
        b.funds(conn, w1, 2023, 3, 1.5)
        for rid, amount, funds in ((east, 10, 4), (west, 10, 5), (south, 20, None)):
            b.target(conn, 2023, rid, "合同投资额", amount)
            if funds is not None:
                b.target(conn, 2023, rid, "到位资金", funds)
        b.summarise(conn)


def ranking_table(at):
    return next(d for d in at.dataframe if d.key == "ranking_table")


def drill_codes(at) -> list[str]:
    """Project codes of the drill-down list (the last table on the page)."""
    return list(at.dataframe[-1].value["项目编号"])


def cell_colours(table) -> dict[tuple[int, str], str]:
    """(row, column) → background colour, from the Styler's CSS sent with the table."""
    columns = list(table.value.columns)
    out = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", table.proto.arrow_data.styler.styles):
        colour = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", body)
        for row, col in re.findall(r"row(\d+)_col(\d+)", selectors):
            if colour:
                out[(int(row), columns[int(col)])] = colour.group(1)
    return out


def test_ranks_scores_and_warning_colours(city, open_page):
    at = open_page()
    assert any(c.value == "2023年1-6月 · 全市各县区 · 序时进度 50.00%" for c in at.caption)
    table = ranking_table(at)
    frame = table.value
    assert list(frame["排名"]) == [1, 2, 3]
    assert list(frame["县区"]) == ["东城区", "西城区", "南山县"]
    assert list(frame["升降"]) == ["↑1", "↓1", "—"]
    assert list(frame["综合得分"]) == [55.0, 37.5, 15.0]
    assert list(frame["合同额(亿元)"]) == [6.0, 4.5, 3.0]
    assert frame["合同额同比"][0] == 100.0 and frame["合同额同比"][1:].isna().all()
    assert list(frame["合同额完成率"]) == [60.0, 45.0, 15.0]
    assert list(frame["合同额较序时"]) == [10.0, -5.0, -35.0]
    assert list(frame["到位资金完成率"][:2]) == [50.0, 30.0] and frame["到位资金完成率"].isna()[2]
    assert list(frame["到位资金较序时"][:2]) == [0.0, -20.0]
    colours = cell_colours(table)
    assert [colours.get((r, "合同额完成率")) for r in range(3)] == [BLUE, YELLOW, RED]
    assert [colours.get((r, "合同额较序时")) for r in range(3)] == [BLUE, YELLOW, RED]
    assert [colours.get((r, "到位资金较序时")) for r in range(3)] == [BLUE, RED, None]  # 南山县: no target
    assert colours.get((0, "综合得分")) is None
    # the weights in use, with Chinese indicator names
    assert any("权重:合同投资额 40、到位资金 40、制造业占比 10、签约项目数 10" in c.value for c in at.caption)


def test_selected_row_opens_exactly_that_regions_projects(city, open_page):
    at = open_page()
    at.session_state["ranking_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any(m.value == "**2023年1-6月 › 东城区 › 合同投资额**" for m in at.markdown)
    assert any(c.value == "共 2 个项目,合同投资额 6.00 亿元" for c in at.caption)  # = the row's 合同额
    assert drill_codes(at) == ["E1", "E2"]  # not E0 (2022) nor other regions

    at.session_state["ranking_table"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert any(c.value == "共 1 个项目,合同投资额 3.00 亿元" for c in at.caption)
    assert drill_codes(at) == ["S1"]


def test_a_click_on_a_score_bar_opens_that_regions_projects(city, open_page):
    at = open_page()
    at.session_state["score_chart"] = {"selection": {"score_pick": [{"县区": "西城区"}]}}
    at.run()
    assert not at.exception
    assert any(c.value == "共 1 个项目,合同投资额 4.50 亿元" for c in at.caption)
    assert drill_codes(at) == ["W1"]


def test_filters_month_region_and_chain(city, open_page):
    at = open_page()
    at.selectbox(key="month").select(5).run()
    frame = ranking_table(at).value
    # May: 西城区 37.5, 东城区 32.5, 南山县 0; April had the same order
    assert list(frame["县区"]) == ["西城区", "东城区", "南山县"]
    assert list(frame["综合得分"]) == [37.5, 32.5, 0.0]
    assert list(frame["升降"]) == ["—", "—", "—"]

    at.selectbox(key="month").select(6).run()
    at.selectbox(key="region").select("南山县").run()
    assert any(m.value == "南山县 位列第 **3** 名(共 3 个县区),较上月 —" for m in at.markdown)
    at.selectbox(key="chain").select("新能源电动车").run()
    assert any("排名按全市全部项目计算" in c.value for c in at.caption)
    assert list(ranking_table(at).value["综合得分"]) == [55.0, 37.5, 15.0]  # the chain does not apply


def test_custom_weights_are_shown_and_used(city, open_page, monkeypatch):
    monkeypatch.setenv("ZSDASH_RANKING_WEIGHTS", "funds_in_place:3,signed_amount:1")
    at = open_page()
    assert any("权重:到位资金 3、合同投资额 1。" in c.value for c in at.caption)
    # 东城区 (3 × 50 + 1 × 60) ÷ 4 = 52.5; 西城区 (3 × 30 + 45) ÷ 4 = 33.75; 南山县 15 (合同投资额 only)
    assert list(ranking_table(at).value["综合得分"]) == [52.5, 33.75, 15.0]


def test_without_targets_ranks_by_contract_amount(engine, open_page):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        b.region(conn, "北湖区")  # nothing at all
        b.project(conn, east, 1, D(2023, 3, 1))
        b.project(conn, west, 2, D(2023, 3, 1))
        b.summarise(conn)
    at = open_page()
    assert any("2023年尚未设置县区年度目标" in i.value for i in at.info)
    frame = ranking_table(at).value
    assert list(frame["县区"]) == ["西城区", "东城区", "北湖区"]
    assert list(frame["合同额(亿元)"]) == [2.0, 1.0, 0.0]
    assert frame["综合得分"].isna().all()
    assert not cell_colours(ranking_table(at))

    at.selectbox(key="region").select("北湖区").run()
    assert not at.exception
    assert any(m.value == "北湖区 位列第 **3** 名(共 3 个县区),上月无排名" for m in at.markdown)
    at.session_state["ranking_table"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert any(c.value == "共 0 个项目,合同投资额 0.00 亿元" for c in at.caption)
    assert any(i.value == "没有符合条件的项目。" for i in at.info)


@pytest.mark.parametrize("change, text", [(2, "↑2"), (-1, "↓1"), (0, "—"), (None, "新")])
def test_rank_change_text(change, text):
    assert rank_change_text(change) == text


def test_empty_database(open_page):
    at = open_page()
    assert any("尚未配置县区" in i.value for i in at.info)
    assert not at.dataframe
