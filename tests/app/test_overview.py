"""AppTest: the 总览 page on a hand-built database, on an empty one, and for a region with nothing."""
import datetime as dt
from pathlib import Path

import pytest

from data_access.importer import import_workbook
from tests.app.helpers import app_on, kpi_cards
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

APP = str(Path(__file__).resolve().parents[2] / "app.py")
D = dt.date


@pytest.fixture
def app(engine, monkeypatch):

    def run():
        at = app_on(engine, monkeypatch)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def metrics_of(at):
    return {label: value for label, (value, _) in kpi_cards(at).items()}


def test_figures_of_a_small_city(engine, app):
    with engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
        region(conn, "南山县")
    content = workbook({
        "项目台账": [LEDGER_HEAD,
                 ledger_row("A1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                 ledger_row("A2", "西城区", 1.25, D(2023, 5, 31), stage="开工", start=D(2023, 5, 31)),
                 ledger_row("A3", "西城区", 3, D(2022, 4, 1), manufacturing="否")],
        "年度目标": [["年度", "县区", "指标", "目标值"], [2023, "全市", "合同投资额", 10]]})
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    at = app()
    shown = metrics_of(at)
    assert shown["新签约项目"] == "2 个"  # A1, A2 (A3 was signed in 2022)
    assert shown["合同投资额"] == "3.75 亿元"  # 2.5 + 1.25
    assert shown["到位资金"] == "0.40 亿元"
    assert shown["制造业占比"] == "100.00%"
    assert shown["开工率"] == "50.00%"  # 1 of 2
    # 3.75 / 10 = 37.50% < 41.67%, behind by 4.17 points
    # last year through May: A3 only (3 亿元, 1 project): 3.75 / 3 = +25.00%, 2 / 1 = +100.00%
    assert kpi_cards(at)["合同投资额"][1] == [("同比 ▲ +25.00%", "up"), ("年度目标 10.00 亿元 · 完成 37.50%", "behind"),
                                         ("低于序时进度 4.17 个百分点", "behind")]
    assert kpi_cards(at)["新签约项目"][1] == [("同比 ▲ +100.00%", "up"), ("无年度目标", "muted")]
    assert kpi_cards(at)["到位资金"][1] == [("无上年同期数据", "muted"), ("无年度目标", "muted")]
    assert any("2023年1-5月,全市新签约项目2个,合同投资额3.75亿元" in m.value for m in at.markdown)

    # a click on 西城区's bar opens its projects: A2 only (A3 was signed in 2022), total = its bar
    at.session_state["region_chart"] = {"selection": {"region_pick": [{"县区": "西城区"}]}}
    at.run()
    assert not at.exception
    assert any(m.value == "**2023年1-5月 › 西城区 › 全部产业链 › 全部项目 › 合同投资额**" for m in at.markdown)
    assert any(c.value == "共 1 个项目,合同投资额 1.25 亿元" for c in at.caption)
    assert list(next(d.value for d in at.dataframe if "项目编号" in d.value.columns)["项目编号"]) == ["A2"]

    at.selectbox(key="region").select("西城区").run()
    shown = metrics_of(at)
    assert (shown["新签约项目"], shown["合同投资额"]) == ("1 个", "1.25 亿元")

    at.selectbox(key="region").select("南山县").run()
    assert not at.exception
    assert metrics_of(at)["新签约项目"] == "0 个"
    assert any("暂无签约项目" in i.value for i in at.info)


def test_a_scope_shows_its_share_of_the_whole(engine, app):
    """B1 3.00亿 (funds 0.30) and B2 0.50亿 (funds 0.20), both 2023: ≥1亿 is B1 alone — 1 of 2 projects
    (50.00%), 3.00 of 3.50亿 (85.71%), 0.30 of 0.50亿 of funds (60.00%)."""
    with engine.begin() as conn:
        region(conn, "东城区")
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("B1", "东城区", 3, D(2023, 3, 5), funds=0.3),
                                  ledger_row("B2", "东城区", 0.5, D(2023, 4, 5), funds=0.2)]})
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    at = app()
    at.selectbox(key="scope").select("1亿元以上").run()
    assert not at.exception
    cards = kpi_cards(at)
    assert cards["新签约项目"] == ("1 个", [("无上年同期数据", "muted"), ("占全市比重 50.00%", "")])
    assert cards["合同投资额"] == ("3.00 亿元", [("无上年同期数据", "muted"), ("占全市比重 85.71%", "")])
    assert cards["到位资金"] == ("0.30 亿元", [("无上年同期数据", "muted"), ("占全市比重 60.00%", "")])
    assert any("2023年1-5月,全市新签约亿元以上项目1个、合同投资额3.00亿元、到位资金0.30亿元,"
               "占全市比重分别为50.00%、85.71%和60.00%。" in m.value for m in at.markdown)


def test_empty_database_renders_with_guidance(app):
    at = app()
    assert metrics_of(at)["新签约项目"] == "0 个"
    assert any("尚未配置县区" in i.value for i in at.info)


def test_cards_ahead_of_time_progress_and_falling(engine, app):
    with engine.begin() as conn:
        region(conn, "东城区")
    content = workbook({
        "项目台账": [LEDGER_HEAD,
                 ledger_row("B1", "东城区", 2.5, D(2023, 3, 5)),  # 制造业 (ledger_row's default)
                 ledger_row("B2", "东城区", 5, D(2022, 4, 1))],
        "年度目标": [["年度", "县区", "指标", "目标值"], [2023, "全市", "合同投资额", 5],
                 [2023, "全市", "制造业占比", 60]]})
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    cards = kpi_cards(app())
    # 2.5 against 5 a year before: -50.00%; 2.5 / 5 = 50.00% ≥ 序时进度 41.67%
    assert cards["合同投资额"] == ("2.50 亿元", [("同比 ▼ -50.00%", "down"),
                                          ("年度目标 5.00 亿元 · 完成 50.00%", "ahead"), ("达到序时进度", "ahead")])
    # the one project signed this year is manufacturing: 100.00% against 60: +40.00 points
    assert cards["制造业占比"] == ("100.00%", [("较年度目标 ▲ +40.00 个百分点", "up"),
                                          ("制造业项目 1 个 · 2.50 亿元", "")])


def test_the_county_map_colours_by_completion_and_opens_a_countys_projects(engine, app):
    """东城区 and 西城区 with boundaries, 2023 合同投资额 targets of 5亿 each; through May (序时进度 41.67%):
    东城区 2.50 of 5 = 50.00% (蓝), 西城区 1.25 of 5 = 25.00%, 16.67 points behind (红)."""
    import json

    from data_access import geo
    from tests.unit.test_map import SQUARE, collection, feature
    with engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
        geo.save_boundaries(conn, collection(feature("东城区"), feature("西城区")), "admin")
    content = workbook({
        "项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5)),
                 ledger_row("A2", "西城区", 1.25, D(2023, 5, 31))],
        "年度目标": [["年度", "县区", "指标", "目标值"], [2023, "东城区", "合同投资额", 5],
                 [2023, "西城区", "合同投资额", 5]]})
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    at = app()
    assert any(m.value == "**各县区合同投资额完成情况**(对照序时进度;点击县区查看项目)" for m in at.markdown)
    (chart,) = [c for c in at.get("vega_lite_chart") if "geoshape" in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    shapes = spec["layer"][0]["data"]["values"]
    assert [(v["县区"], v["状态"], v["数值"]) for v in shapes] == [
        ("东城区", "达到序时进度", "完成 50.00%"), ("西城区", "落后10个百分点及以上", "完成 25.00%")]
    assert shapes[0]["geometry"]["coordinates"][0] == SQUARE[0][::-1]
    # a click on 西城区 opens its projects, as the bars do
    at.session_state["region_map"] = {"selection": {"map_pick": [{"县区": "西城区"}]}}
    at.run()
    assert not at.exception
    assert any(c.value == "共 1 个项目,合同投资额 1.25 亿元" for c in at.caption)
    assert list(next(d.value for d in at.dataframe if "项目编号" in d.value.columns)["项目编号"]) == ["A2"]
    # the bars are one click away
    at.segmented_control(key="region_view").set_value("柱状图").run()
    assert any(m.value == "**各县区合同投资额**(点击柱形查看项目)" for m in at.markdown)
