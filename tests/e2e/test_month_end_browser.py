"""Month-end close in Chromium: 上报进度 on 数据上报 (admin) and in brief on 总览, opening its table.

On the demo server, November 2026 (due 2026-12-05): 临江区 reports on 2026-12-04 (on time), 城东区 on
2026-12-07 (late); the five other regions have nothing.
"""
import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from data_access import db
from data_access.importer import import_workbook
from data_access.models import ImportBatch
from tests.builders import LEDGER_HEAD, ledger_row, workbook
from tests.e2e.conftest import SHOTS, sign_in, start_server, wait_for_app, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e
D = dt.date


@pytest.fixture(scope="module")
def november(tmp_path_factory):
    """A demo server of its own: these uploads must not change what the other browser tests see."""
    server_run = start_server(tmp_path_factory)
    server = next(server_run)
    engine = db.make_engine(server.database_url)
    try:
        for code, county, at in (("MEC-1", "临江区", dt.datetime(2026, 12, 4, 15, 20)),
                                 ("MEC-2", "城东区", dt.datetime(2026, 12, 7, 9, 45))):
            rows = [LEDGER_HEAD, ledger_row(code, county, 1.5, D(2026, 11, 12))]
            batch = import_workbook(engine, workbook({"项目台账": rows}), f"{county}_2026年11月.xlsx", 2026, 11,
                                    user=f"{county}录入员").batch_id
            with engine.begin() as conn:
                conn.execute(update(ImportBatch).where(ImportBatch.id == batch).values(created_at=at))
    finally:
        engine.dispose()
    yield server
    next(server_run, None)


def test_admin_sees_every_regions_report_on_the_upload_page(november, page):
    sign_in(page, f"{november.url}/upload", "admin")
    page.get_by_role("tab", name="上报进度").click()
    page.get_by_label("年份", exact=True).fill("2026")
    page.get_by_label("年份", exact=True).press("Enter")
    wait_idle(page)
    page.get_by_role("combobox", name="月份", exact=True).click()
    page.get_by_role("option", name="11月", exact=True).click()
    wait_idle(page)
    late = dt.date.today() > D(2026, 12, 5)
    heading = ("2026年11月数据上报进度(已过截止日期):已报 2/7 · 逾期上报 1 · 逾期未报 5" if late else
               "2026年11月数据上报进度(截止日期 12月5日):已报 2/7 · 逾期上报 1 · 未报 5")
    expect(page.get_by_text(heading)).to_be_visible(timeout=30000)
    wait_for_charts(page)
    table = page.locator('[data-testid="stDataFrame"]').last
    expect(table).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reporting_upload.png"))


def test_leader_sees_the_progress_in_brief_and_opens_the_table(november, page):
    sign_in(page, f"{november.url}/?year=2026&month=11月", "leader")
    wait_for_app(page)
    late = dt.date.today() > D(2026, 12, 5)
    brief = "11月上报进度 · 已报 2/7 · 逾期上报 1 · " + ("逾期未报 5" if late else "未报 5")
    button = page.get_by_role("button", name=brief)
    expect(button).to_be_visible(timeout=30000)
    button.click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    expect(popover.get_by_text("2026年11月数据上报进度")).to_be_visible(timeout=30000)
    expect(popover.locator('[data-testid="stDataFrame"]')).to_be_visible()
    wait_for_charts(page)
    page.screenshot(path=str(SHOTS / "reporting_overview.png"))


def test_admin_sees_the_calendar_and_the_channels_masked(november, page):
    from data_access import notify
    engine = db.make_engine(november.database_url)
    try:
        with engine.begin() as conn:
            notify.add_channel(conn, "市领导群", "dingtalk://SECabcdef0123456789@dingtoken0123456789", "admin")
            notify.subscribe(conn, "市领导群", "briefing", None, "admin")
            notify.subscribe(conn, "市领导群", "reminder", "临江区", "admin")
    finally:
        engine.dispose()
    sign_in(page, f"{november.url}/admin", "admin")
    page.get_by_role("tab", name="上报日历").click()
    expect(page.get_by_text("每月数据的上报截止日期默认为次月5日")).to_be_visible(timeout=30000)
    wait_for_charts(page)
    page.screenshot(path=str(SHOTS / "admin_calendar.png"))
    page.get_by_role("tab", name="推送", exact=True).click()
    expect(page.get_by_text("推送渠道使用 apprise 地址格式")).to_be_visible(timeout=30000)
    wait_for_charts(page)
    assert "SECabcdef0123456789" not in page.content() and "dingtoken0123456789" not in page.content()
    page.screenshot(path=str(SHOTS / "admin_push.png"), full_page=True)

