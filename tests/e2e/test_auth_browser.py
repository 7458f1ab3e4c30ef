"""Accounts in Chromium: the login page; 临江区 staff upload their own file, are refused another
region's file (nothing written) and log out; a typed /admin is refused to leaders and staff; a
display link opens the 大屏 with no login until it is revoked — the open screen ends at its next
refresh and the link is refused from then on."""
import datetime as dt

import pytest
from sqlalchemy import select

from data_access import accounts, db
from data_access.models import ImportBatch, Project
from tests.builders import LEDGER_HEAD, ledger_row, workbook
from tests.e2e.conftest import SHOTS, choose_period, display_link, sign_in, start_server, wait_for_app, wait_idle

pytestmark = pytest.mark.e2e
REFRESH_SECONDS = 3
REVOKED = "该显示链接已被撤销,无法再打开大屏。如需继续使用,请向管理员索取新的链接。"


def test_login_page(demo_server, page):
    page.goto(f"{demo_server.url}/ranking")  # any address shows the login page first
    wait_idle(page)
    page.get_by_label("用户名").wait_for(timeout=30000)
    assert page.locator("h1").first.inner_text() == "招商引资领导驾驶舱"
    page.get_by_text("演示账号(仅演示数据库显示)").wait_for(timeout=30000)
    assert page.locator('[data-testid="stSidebar"]').count() == 0 or page.locator(
        '[data-testid="stSidebar"]').is_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "login.png"))
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("用户名或密码错误").wait_for(timeout=30000)
    sign_in(page, f"{demo_server.url}/ranking", "leader")  # then the page asked for
    page.locator("h1", has_text="县区排名").wait_for(timeout=30000)
    for address in ("overview", "admin", "no-such-page"):  # every page has its address; others fall back
        page.goto(f"{demo_server.url}/{address}")
        wait_idle(page)
        assert page.get_by_text("Page not found").count() == (address == "no-such-page"), address


def test_a_reload_or_a_new_tab_keeps_the_login_until_logout(demo_server, page):
    sign_in(page, f"{demo_server.url}/ranking", "leader")
    cookie = next(c for c in page.context.cookies() if c["name"] == "zsdash_session")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # gone when the browser closes
    page.reload()  # a new Streamlit session: the cookie's login session signs it in
    page.locator("h1", has_text="县区排名").wait_for(timeout=30000)
    page.get_by_text("当前用户:leader").wait_for(timeout=30000)
    tab = page.context.new_page()
    tab.goto(f"{demo_server.url}/overview")
    tab.locator("h1", has_text="总览").wait_for(timeout=30000)
    wait_for_app(tab)  # 总览's first view is followed by a second run: a click during it could be lost
    tab.get_by_role("button", name="退出登录").click()
    tab.get_by_text("您已退出登录").wait_for(timeout=30000)
    page.reload()  # the cookie is still there, its session is not
    wait_idle(page)
    page.get_by_label("用户名").wait_for(timeout=30000)
    assert page.get_by_text("当前用户:leader").count() == 0


def upload(page, name: str, content: bytes):
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}])


def test_staff_upload_own_region_refused_other_region_then_log_out(demo_server, page):
    engine = db.make_engine(demo_server.database_url)
    sign_in(page, f"{demo_server.url}/upload", "staff")
    assert page.get_by_text("负责县区:临江区").count() == 1
    # a period of its own (2025年6月), so as not to supersede another test's upload for 临江区
    choose_period(page, 2025, 6)

    other = workbook({"项目台账": [LEDGER_HEAD, ledger_row("AUTH-2", "城东区", 2.5, dt.date(2025, 6, 3))]})
    upload(page, "城东区台账.xlsx", other)
    page.get_by_text("发现 1 处问题,本次未写入任何数据").wait_for(timeout=30000)
    wait_idle(page)
    # the problem table's cells (a canvas grid, with hidden cells for assistive technology)
    page.get_by_text("第2行的县区为“城东区”,本账号只能上报临江区").wait_for(state="attached", timeout=30000)
    assert page.get_by_role("button", name="确认导入").count() == 0
    page.get_by_role("combobox", name="上报县区").click()  # its own region, the only choice
    assert page.get_by_role("option").all_inner_texts() == ["临江区"]
    page.keyboard.press("Escape")

    own = workbook({"项目台账": [LEDGER_HEAD, ledger_row("AUTH-1", "临江区", 1.5, dt.date(2025, 6, 3))]})
    upload(page, "临江区台账.xlsx", own)
    page.get_by_text("预检通过(未写入)").wait_for(timeout=30000)
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入成功,批次").wait_for(timeout=30000)
    with engine.connect() as conn:
        codes = set(conn.scalars(select(Project.code).where(Project.code.in_(["AUTH-1", "AUTH-2"]))))
        uploader = conn.scalar(select(ImportBatch.uploaded_by).where(ImportBatch.file_name == "临江区台账.xlsx"))
    assert codes == {"AUTH-1"} and uploader == "staff"

    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("您已退出登录").wait_for(timeout=30000)
    page.get_by_label("用户名").wait_for(timeout=30000)
    assert page.get_by_text("数据上报").count() == 0
    engine.dispose()


@pytest.mark.parametrize(("name", "role"), [("leader", "领导"), ("staff", "县区工作人员")])
def test_a_typed_admin_address_is_refused(demo_server, page, name, role):
    sign_in(page, f"{demo_server.url}/admin", name)
    page.get_by_text(f"您的账号({role})没有访问“管理”页面的权限。").wait_for(timeout=30000)
    assert page.locator("h1", has_text="管理").count() == 0
    assert page.get_by_role("tab").count() == 0
    assert page.get_by_text("年度目标").count() == 0


@pytest.fixture(scope="module")
def refreshing_server(tmp_path_factory):
    yield from start_server(tmp_path_factory, screen_refresh_seconds=str(REFRESH_SECONDS))


def test_display_link_opens_the_screen_without_login_until_revoked(refreshing_server, browser):
    link_id, token = display_link(refreshing_server, "一号会议室")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        screen = context.new_page()
        screen.goto(f"{refreshing_server.url}/screen?token={token}")
        screen.wait_for_selector('[data-testid="headline-card"]', timeout=30000)
        assert screen.get_by_label("用户名").count() == 0

        other = context.new_page()  # the link opens nothing but the 大屏
        other.goto(f"{refreshing_server.url}/projects?token={token}")
        other.get_by_text("显示链接只能打开大屏页面,不能访问“项目库”。").wait_for(timeout=30000)
        assert other.locator('[data-testid="stDataFrame"]').count() == 0

        engine = db.make_engine(refreshing_server.database_url)
        with engine.begin() as conn:
            accounts.revoke_display_link(conn, link_id, actor="e2e")
        engine.dispose()
        # the open screen ends at its next refresh, without anyone touching it
        screen.get_by_text(REVOKED).wait_for(timeout=(REFRESH_SECONDS + 10) * 1000)
        assert screen.locator('[data-testid="headline-card"]').count() == 0

        again = context.new_page()
        again.goto(f"{refreshing_server.url}/screen?token={token}")
        again.get_by_text(REVOKED).wait_for(timeout=30000)
        assert again.locator('[data-testid="headline-card"]').count() == 0
    finally:
        context.close()
