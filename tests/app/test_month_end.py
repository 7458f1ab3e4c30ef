"""AppTest: month-end close on the pages — 上报进度 on 数据上报 (admins) and 总览 (in brief), the 未报 mark on
the 大屏, and 管理's 上报日历, 推送 (channels, subscriptions, test message) and 推送记录.

The city: 甲区, 乙县, 丙县; 甲区 has reported November 2026 (due 2026-12-05) on 2026-12-03 10:00.
"""
import datetime as dt

import pytest
from sqlalchemy import update

from data_access import audit, calendar
from data_access.importer import import_workbook
from data_access.models import ImportBatch
from tests.app.helpers import app_on, button, ok, table
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook
from tests.servers import http_channel

D = dt.date
WECOM_KEY = "wecomkey0123456789"


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        for name in ("甲区", "乙县", "丙县"):
            region(conn, name)
    batch = import_workbook(engine, workbook({"项目台账": [LEDGER_HEAD, ledger_row("J1", "甲区", 2, D(2026, 11, 3))]}),
                            "甲区_2026年11月.xlsx", 2026, 11, user="甲区录入员").batch_id
    with engine.begin() as conn:
        conn.execute(update(ImportBatch).where(ImportBatch.id == batch).values(
            created_at=dt.datetime(2026, 12, 3, 10, 0)))
    return engine


def test_upload_page_shows_admins_every_regions_report(city, monkeypatch):
    at = ok(app_on(city, monkeypatch, "views/upload.py").run())
    assert [t.label for t in at.tabs] == ["上传月度数据", "导入记录与回滚", "上报进度"]
    at.number_input(key="progress_year").set_value(2026)
    ok(at.selectbox(key="progress_month").select(11).run())
    today = dt.date.today()
    late = today > D(2026, 12, 5)
    heading = next(m.value for m in at.markdown if "数据上报进度" in m.value)
    assert heading == ("**2026年11月数据上报进度(已过截止日期):已报 1/3 · 逾期未报 2**" if late else
                       "**2026年11月数据上报进度(截止日期 12月5日):已报 1/3 · 未报 2**")
    progress = table(at, "县区", "状态")
    assert progress[["县区", "状态", "上报时间", "上报人"]].values.tolist() == [
        ["甲区", "按时上报", "2026-12-03 10:00", "甲区录入员"],
        ["乙县", "逾期未报" if late else "未报(未到截止日)", "", ""],
        ["丙县", "逾期未报" if late else "未报(未到截止日)", "", ""]]


def test_staff_do_not_see_the_progress_tab(city, monkeypatch):
    at = ok(app_on(city, monkeypatch, "views/upload.py", role="staff", regions=("甲区",)).run())
    assert [t.label for t in at.tabs] == ["上传月度数据", "导入记录与回滚"]


def test_overview_shows_the_months_progress_in_brief(city, monkeypatch):
    at = ok(app_on(city, monkeypatch, "views/overview.py", role="leader").run())
    late = dt.date.today() > D(2026, 12, 5)
    (pop,) = at.get("popover")
    assert pop.proto.popover.label == ("11月上报进度 · 已报 1/3 · 逾期未报 2" if late else
                                       "11月上报进度 · 已报 1/3 · 未报 2")
    (inside,) = pop.dataframe  # the table the line opens
    assert list(inside.value["县区"]) == ["甲区", "乙县", "丙县"]


def test_the_big_screen_marks_the_regions_not_in(city):
    from metrics.period import Period
    from reports.content import gather
    from ui.bigscreen import ranking_html
    with city.connect() as conn:
        b = gather(conn, Period(2026, 11))
    assert b.unreported == ("乙县", "丙县")
    html = ranking_html(b)
    assert html.count('<span class="unreported">未报</span>') == 2
    assert '甲区<span class="unreported">' not in html and '乙县<span class="unreported">未报</span>' in html


def test_admin_moves_a_deadline_on_the_calendar_tab(city, monkeypatch):
    at = ok(app_on(city, monkeypatch, "views/admin.py").run())
    at.selectbox(key="calendar_year").select(2026).run()
    ok(at.selectbox(key="deadline_month_2026").select(11).run())
    date = next(d for d in at.date_input if d.label == "截止日期")
    assert date.value == D(2026, 12, 5)  # the month's deadline now
    date.set_value(D(2026, 12, 8))
    ok(button(at, "保存截止日期").click().run())
    assert at.success[0].value == "2026年11月数据的截止日期已改为 2026-12-08"
    with city.connect() as conn:
        assert calendar.deadline(conn, 2026, 11) == D(2026, 12, 8)
        assert audit.entries(conn, action="deadline")[0]["after"] == "2026-12-08"
    months = table(at, "月份", "截止日期")
    assert months.iloc[10].tolist()[:2] == ["11月", "2026-12-08"]
    assert months.iloc[10, 2].startswith("已调整(默认 2026-12-05):test-admin 于 ")


def test_admin_adds_tests_and_subscribes_a_channel_and_reads_the_log(city, monkeypatch):
    robot, server = http_channel()
    monkeypatch.setenv("ZSDASH_WECOM_ROBOT_URL", f"{robot.base}/cgi-bin/webhook/send")
    robot.answers["/cgi-bin/webhook/upload_media"] = {"errcode": 0, "errmsg": "ok", "media_id": "MEDIA-1"}
    try:
        at = ok(app_on(city, monkeypatch, "views/admin.py").run())
        next(t for t in at.text_input if t.label == "渠道名称").input("市领导群")
        next(t for t in at.text_input if t.label == "渠道地址").input(f"wecombot://{WECOM_KEY}")
        ok(next(b for b in at.button if b.label == "添加" and b.proto.form_id == "channel_add").click().run())
        assert at.success[0].value == "已添加渠道“市领导群”"
        channels = table(at, "渠道", "地址(密钥已隐去)")
        assert channels.iloc[0].tolist()[:3] == ["市领导群", "wecombot://w...9", 0]
        ok(button(at, "发送测试消息").click().run())
        assert at.success[0].value == '测试消息已发送:HTTP 200: {"errcode": 0, "errmsg": "ok"}'
        assert robot.requests[0].query == {"key": WECOM_KEY}
        subscribe = next(s for s in at.selectbox if s.label == "内容")
        subscribe.select("briefing")
        ok(button(at, "添加订阅").click().run())
        subs = table(at, "订阅", "渠道", "内容")
        assert subs.iloc[0].tolist()[:4] == ["#1", "市领导群", "月度通报", "全市"]
        at.number_input(key="push_year").set_value(2026)
        at.selectbox(key="push_month").select(11)
        ok(button(at, "向所有订阅渠道推送该月通报").click().run())
        assert at.success[0].value == "推送完成:成功1条,失败0条(失败的将由定时任务重试)"
        assert robot.requests[1].body["markdown"]["content"].startswith("## 全市2026年1-11月招商引资工作通报")
        log = table(at, "时间", "渠道", "内容", "期间")
        assert log.iloc[0][["渠道", "内容", "期间", "标题", "本次结果"]].tolist() == [
            "市领导群", "月度通报", "2026-11", "全市2026年1-11月招商引资工作通报", "成功"]
        page = repr([d.value for d in at.dataframe]) + repr([m.value for m in at.markdown])
        assert WECOM_KEY not in page
    finally:
        robot.released.set()
        server.shutdown()
        server.server_close()
