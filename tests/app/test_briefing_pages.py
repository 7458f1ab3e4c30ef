"""AppTest of 简报 and 大屏 on the three-county fixture (tests.builders.three_counties), on an empty
database, and the 大屏's period from the URL."""
import re

from tests import builders as b
from tests.app.helpers import app_on, opened


def html_of(at) -> str:
    return "".join(e.proto.body for e in at.get("html"))


def test_briefing_page_shows_the_figures_and_the_paragraph(engine, monkeypatch):
    with engine.begin() as conn:
        b.three_counties(conn)
    at = opened(engine, monkeypatch, "views/briefing.py", month=6)
    assert at.title[0].value == "全市招商引资工作简报"
    html = html_of(at)
    assert "2024年1-6月 · 全市 · 序时进度 50.00%" in html
    cards = re.findall(r'<div class="label">(.*?)</div><div class="value">(.*?)</div>', html)
    assert cards == [("新签约项目", "3 个"), ("合同投资额", "13.50 亿元"), ("到位资金", "1.50 亿元"),
                     ("制造业占比", "0.00%"), ("开工率", "33.33%"), ("500强项目", "0 个")]
    assert "2024年1-6月,全市新签约项目3个,合同投资额13.50亿元,完成年度任务的45.00%,低于序时进度5.00个百分点" in html
    assert len(at.get("vega_lite_chart")) == 3
    assert [x.label for x in at.get("download_button")] == [
        "简报图片(PNG,16:9)", "月通报(Word)", "图表:合同投资额累计趋势(PNG,2倍)", "图表:各县区合同投资额(PNG,2倍)",
        "图表:各产业链合同投资额(PNG,2倍)"]


def test_briefing_page_for_one_county(engine, monkeypatch):
    with engine.begin() as conn:
        b.three_counties(conn)
    at = opened(engine, monkeypatch, "views/briefing.py", month=6)
    at.selectbox(key="region").select("乙县").run()
    assert not at.exception
    assert at.title[0].value == "乙县招商引资工作简报"
    assert "2024年1-6月,乙县新签约项目1个,合同投资额4.50亿元,完成年度任务的45.00%" in html_of(at)


def test_briefing_page_on_an_empty_database(engine, monkeypatch):
    at = opened(engine, monkeypatch, "views/briefing.py")
    assert "新签约项目0个" in html_of(at)


def test_big_screen_shows_the_period_from_the_url(engine, monkeypatch):
    with engine.begin() as conn:
        b.three_counties(conn)
    at = app_on(engine, monkeypatch, "views/screen.py")
    at.query_params["year"], at.query_params["month"] = "2024", "6"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    html = html_of(at)
    assert "数据截至 <b>2024年1-6月</b>" in html
    assert '<div class="value">13.50 亿元</div>' in html
    # the ranking, in order, with each county's 红黄蓝 on 合同投资额
    assert re.findall(r'<span class="name">([^<]+)', html) == ["甲区", "乙县", "丙县"]
    # the key chains: all 13.50亿 is 木材加工 (no last year: no YoY); the other chains with nothing
    tiles = re.findall(r'<div class="chaintiles">(.*?)</div></div>', html)[0]
    assert re.findall(r"<span>([^<]+)</span><b>([^<]+)</b>", tiles) == [
        ("木材加工", "13.50 亿元"), ("新能源电动车", "0.00 亿元"), ("智能家电", "0.00 亿元"),
        ("其余产业链", "0.00 亿元")]
    assert "3 个 · <i class=\"muted\">同比 —</i>" in tiles
    assert "第1名 甲区 · 合同投资额 6.00 亿元 · 完成 60.00% · 蓝色" in html
    assert "第3名 丙县 · 合同投资额 3.00 亿元 · 完成 30.00% · 红色" in html


def test_big_screen_on_an_empty_database(engine, monkeypatch):
    at = opened(engine, monkeypatch, "views/screen.py")
    assert "暂无数据" in html_of(at)


def rotation(at, runs: int) -> list[tuple[str, str]]:
    """(the middle row shown, the page's HTML) of ``runs`` refreshes of the 大屏."""
    shown = []
    for _ in range(runs):
        at.run()
        html = html_of(at)
        shown.append((re.search(r'data-panel="(\d)"', html).group(1), html))
    return shown


def test_big_screen_rotates_its_panels_with_rotate_1(engine, monkeypatch):
    with engine.begin() as conn:
        b.three_counties(conn)
    at = app_on(engine, monkeypatch, "views/screen.py")
    at.query_params.update({"year": "2024", "month": "6", "rotate": "1"})
    pages = rotation(at, 4)  # 总览, 产业链, 县区, 总览
    assert [panel for panel, _ in pages] == ["0", "1", "2", "0"]
    assert [re.search(r'data-name="(\w+)"', html).group(1) for _, html in pages] == [
        "overview", "chains", "regions", "overview"]
    assert [("各产业链签约与到位" in html) for _, html in pages] == [False, True, False, False]
    assert [("各县区完成情况" in html) for _, html in pages] == [False, False, True, False]


def test_big_screen_adds_a_row_for_activities_when_there_are_any(engine, monkeypatch):
    """The Liuzhou-like city of tests/unit/test_activities.py, June 2019: a fourth row, 招商活动 (4 talks,
    1 event held, 2 coordination meetings, 2 500强 enterprises, 10 problems solved) and its events."""
    from data_access.importer import import_workbook
    from tests.unit.test_activities import ACTIVITIES, LEDGER
    with engine.begin() as conn:
        b.region(conn, "柳南区")
        b.region(conn, "柳北区")
    import_workbook(engine, b.workbook({"项目台账": LEDGER, "招商活动": ACTIVITIES}), "全市.xlsx", 2019, 6)
    at = app_on(engine, monkeypatch, "views/screen.py")
    at.query_params.update({"year": "2019", "month": "6", "rotate": "1"})
    assert [panel for panel, _ in rotation(at, 5)] == ["0", "1", "2", "3", "0"]
    at.session_state["screen_panel"] = 2
    at.run()
    html = html_of(at)
    assert 'data-panel="3"' in html and "领导招商活动" in html
    figures = re.findall(r"<div><span>([^<]+)</span><b>([^<]+)</b></div>", html)
    assert ("对接洽谈", "4 次") in figures and ("协调解决问题", "10 个") in figures
    assert ("柳州·深圳招商推介会", "2个 · 18.00 亿元") in figures and ("汽车产业洽谈会", "1个 · 2.00 亿元") in figures
