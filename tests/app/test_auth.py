"""AppTest: signing in and out, the throttle, the session timeout, pages refused by role (through the
router and by the view itself), display links, and the login page's demo accounts."""
import time
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import accounts, audit, db
from data_access.models import AuditLog
from tests.app.helpers import PASSWORD, account, app_on, kpi_cards, ok, sign_in
from tests.builders import region
from ui import auth

ROOT = Path(__file__).resolve().parents[2]


def texts(at, kind) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def signed_out(engine, monkeypatch, view=None) -> AppTest:
    return ok(app_on(engine, monkeypatch, view, role=None).run())


def submit(at, name, password):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()  # the form's 登录 button
    return ok(at)


def actions(engine, actor) -> list[str]:
    with engine.connect() as conn:
        return [e["action"] for e in audit.entries(conn, actor=actor)]


def test_signed_out_every_address_shows_the_login_page(engine, monkeypatch):
    for view in (None, "views/overview.py", "views/admin.py", "views/upload.py"):
        at = signed_out(engine, monkeypatch, view)
        assert texts(at, "title") == ["招商引资领导驾驶舱"]
        assert not kpi_cards(at) and not at.get("file_uploader")
        assert [t.label for t in at.text_input] == ["用户名", "密码"]
        assert [b.label for b in at.button] == ["登录"]  # no single sign-on without an [auth] section
        assert not at.sidebar.button  # no menu, no logout


def test_login_logout_and_their_audit_entries(engine, monkeypatch):
    account(engine, "leader", name="王局长")
    at = signed_out(engine, monkeypatch)
    submit(at, "王局长", "wrong-password")
    assert texts(at, "error") == ["用户名或密码错误"]
    submit(at, "王局长", PASSWORD)
    assert texts(at, "title")[0].startswith("招商引资总览")
    assert "当前用户:王局长(领导)" in [c.value for c in at.sidebar.caption]
    at.sidebar.button(key="logout").click().run()
    ok(at)
    assert texts(at, "title") == ["招商引资领导驾驶舱"]
    assert texts(at, "info") == ["您已退出登录"]
    assert actions(engine, "王局长") == ["logout", "login", "login_failed"]


def test_the_seventh_attempt_in_the_page_is_refused_even_when_right(engine, monkeypatch):
    account(engine, "leader", name="王局长")
    at = signed_out(engine, monkeypatch)
    for _ in range(6):
        submit(at, "王局长", "wrong-password")
        assert texts(at, "error") == ["用户名或密码错误"]
    submit(at, "王局长", PASSWORD)
    assert texts(at, "error") == ["登录失败次数过多,请 60 秒后再试"]
    assert texts(at, "title") == ["招商引资领导驾驶舱"]
    assert auth.SESSION_KEY not in at.session_state


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_a_typed_admin_address_is_refused_by_the_router(engine, monkeypatch, role):
    with engine.begin() as conn:
        region(conn, "东城区")
    at = ok(app_on(engine, monkeypatch, "views/admin.py", role=role, regions=("东城区",)).run())
    label = {"leader": "领导", "staff": "县区工作人员"}[role]
    assert texts(at, "error") == [f"您的账号({label})没有访问“管理”页面的权限。"]
    assert not at.title and not at.tabs and not at.get("data_editor")


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_the_admin_view_refuses_by_itself(engine, monkeypatch, role):
    """The view run on its own (no router): its own check stops it."""
    with engine.begin() as conn:
        region(conn, "东城区")
    monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ZSDASH_AUTO_DEMO", "0")
    st.cache_resource.clear()
    at = sign_in(AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=30), engine, role, ("东城区",))
    ok(at.run())
    label = {"leader": "领导", "staff": "县区工作人员"}[role]
    assert texts(at, "error") == [f"您的账号({label})没有访问“管理”页面的权限。"]
    assert not at.title and not at.tabs

    signed_out_view = AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=30)
    ok(signed_out_view.run())
    assert texts(signed_out_view, "error") == ["您的账号(未登录)没有访问“管理”页面的权限。"]


def test_leaders_do_not_upload_staff_and_admins_do(engine, monkeypatch):
    with engine.begin() as conn:
        region(conn, "东城区")
    leader = ok(app_on(engine, monkeypatch, "views/upload.py", role="leader").run())
    assert texts(leader, "error") == ["您的账号(领导)没有访问“数据上报”页面的权限。"]
    assert not leader.get("file_uploader")
    staff = ok(app_on(engine, monkeypatch, "views/upload.py", role="staff", regions=("东城区",)).run())
    assert texts(staff, "title") == ["数据上报"] and staff.get("file_uploader")
    assert staff.selectbox[1].options == ["东城区"]  # 上报县区: its own region only, no 全市
    admin = ok(app_on(engine, monkeypatch, "views/upload.py").run())
    assert admin.selectbox[1].options == ["全市", "东城区"]


def test_who_may_open_what():
    pages = ("overview", "ranking", "projects", "upload", "admin", "screen")
    allowed = {role: [u for u in pages if auth.may_open(auth.Principal("x", role), u)]
               for role in ("leader", "staff", "admin", "display")}
    assert allowed == {"leader": ["overview", "ranking", "projects", "screen"],
                       "staff": ["overview", "ranking", "projects", "upload", "screen"],
                       "admin": ["overview", "ranking", "projects", "upload", "admin", "screen"],
                       "display": ["screen"]}
    assert not auth.may_open(None, "overview")


def test_an_idle_session_times_out(engine, monkeypatch):
    at = app_on(engine, monkeypatch, role="leader")
    at.session_state[auth.SESSION_KEY] = auth.user_session(account(engine, "leader"), now=time.time() - 31 * 60)
    ok(at.run())
    assert texts(at, "title") == ["招商引资领导驾驶舱"]
    assert texts(at, "info") == ["您已 30 分钟没有操作,为安全起见已自动退出,请重新登录"]
    assert actions(engine, "test-leader") == ["session_timeout"]

    fresh = app_on(engine, monkeypatch, role="leader")
    fresh.session_state[auth.SESSION_KEY] = auth.user_session(account(engine, "leader"), now=time.time() - 29 * 60)
    ok(fresh.run())
    assert texts(fresh, "title")[0].startswith("招商引资总览")


def test_a_disabled_account_is_signed_out_at_its_next_step(engine, monkeypatch):
    account(engine, "admin")
    at = ok(app_on(engine, monkeypatch, role="leader").run())
    assert texts(at, "title")[0].startswith("招商引资总览")
    with engine.begin() as conn:
        accounts.set_disabled(conn, "test-leader", True, actor="test-admin")
    ok(at.run())
    assert texts(at, "title") == ["招商引资领导驾驶舱"]
    assert texts(at, "info") == ["您的账号已停用或已删除,请联系管理员"]


def display_app(engine, monkeypatch, token, view=None) -> AppTest:
    at = app_on(engine, monkeypatch, view, role=None)
    at.query_params["token"] = token
    return ok(at.run())


def test_a_display_link_opens_display_pages_only_until_revoked(engine, monkeypatch):
    with engine.begin() as conn:
        link_id, token = accounts.create_display_link(conn, "一号会议室", actor="admin")
    at = display_app(engine, monkeypatch, token)  # /?token=…: the 大屏 is the display link's first page
    assert 'data-testid="big-screen"' in html_of(at)
    assert not at.title and not at.sidebar.button  # no menu, no filters, no logout: read-only
    screen = display_app(engine, monkeypatch, token, "views/screen.py")
    assert 'data-testid="big-screen"' in html_of(screen)
    for view, title in (("views/projects.py", "项目库"), ("views/overview.py", "总览"), ("views/admin.py", "管理")):
        refused = display_app(engine, monkeypatch, token, view)
        assert texts(refused, "error") == [f"显示链接只能打开大屏页面,不能访问“{title}”。"]
        assert not refused.dataframe and not refused.metric

    with engine.begin() as conn:
        accounts.revoke_display_link(conn, link_id, actor="admin")
    ok(at.run())  # the open screen's next run
    assert "big-screen" not in html_of(at)
    assert texts(at, "info") == ["该显示链接已被撤销,无法再打开大屏。如需继续使用,请向管理员索取新的链接。"]
    again = display_app(engine, monkeypatch, token, "views/screen.py")
    assert "big-screen" not in html_of(again)
    assert texts(again, "info") == ["该显示链接已被撤销,无法再打开大屏。如需继续使用,请向管理员索取新的链接。"]
    wrong = display_app(engine, monkeypatch, "not-a-token", "views/screen.py")
    assert texts(wrong, "info") == ["显示链接无效,请向管理员索取新的链接。"]
    with engine.connect() as conn:
        opened = conn.scalars(select(AuditLog.target).where(AuditLog.action == "display_open")).all()
    assert opened == [f"#{link_id} 一号会议室"] * 5  # one per browser session


def html_of(at) -> str:
    return "".join(e.proto.body for e in at.get("html"))


def test_without_a_display_page_a_display_link_shows_nothing(engine, monkeypatch):
    monkeypatch.setattr(auth, "DISPLAY_PAGES", frozenset({"no-such-page"}))
    with engine.begin() as conn:
        _, token = accounts.create_display_link(conn, "大厅", actor="admin")
    at = display_app(engine, monkeypatch, token)
    assert texts(at, "warning") == ["大屏页面尚未启用,请联系管理员。"]
    assert not kpi_cards(at) and not at.title


def test_demo_accounts_are_listed_on_a_demo_database_only(engine, monkeypatch):
    at = signed_out(engine, monkeypatch)
    assert texts(at, "warning") == [
        "系统中还没有任何账号。请管理员在服务器上运行:python cli.py create-user 用户名 --role admin"]
    assert not at.dataframe
    account(engine, "admin")
    at = signed_out(engine, monkeypatch)
    assert not at.warning and not at.dataframe and "演示" not in str([m.value for m in at.markdown])

    from sample_data.load import ensure_demo_accounts
    with engine.begin() as conn:
        region(conn, "临江区")
        db.set_meta(conn, "demo", "1")
    ensure_demo_accounts(engine)
    at = signed_out(engine, monkeypatch)
    listed = next(m.value for m in at.markdown if m.value.startswith("**演示账号(仅演示数据库显示)**"))
    assert listed.splitlines()[2:] == ["| 用户名 | 密码 | 角色 | 可上传的县区 |", "| --- | --- | --- | --- |",
                                       "| `admin` | `admin-demo` | 管理员 | — |",
                                       "| `leader` | `leader-demo` | 领导 | — |",
                                       "| `staff` | `staff-demo` | 县区工作人员 | 临江区 |"]
    submit(at, "staff", "staff-demo")
    assert texts(at, "title")[0].startswith("招商引资总览")


SSO = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32, "client_id": "dash",
       "client_secret": "secret", "server_metadata_url": "https://idp.example.gov.cn/.well-known/openid-configuration"}


def test_single_sign_on_when_configured(engine, monkeypatch):
    with engine.begin() as conn:
        region(conn, "东城区")
        accounts.create_user(conn, "li@example.gov.cn", "staff", None, ["东城区"], actor="admin")
    at = app_on(engine, monkeypatch, role=None)
    at.secrets["auth"] = SSO
    at.user = {"is_logged_in": False}
    ok(at.run())
    assert "使用统一身份认证登录" in [b.label for b in at.button]

    at.user = {"is_logged_in": True, "email": "li@example.gov.cn"}  # back from the identity provider
    ok(at.run())
    assert texts(at, "title")[0].startswith("招商引资总览")
    assert "当前用户:li@example.gov.cn(县区工作人员)" in [c.value for c in at.sidebar.caption]

    stranger = app_on(engine, monkeypatch, role=None)
    stranger.secrets["auth"] = SSO
    stranger.user = {"is_logged_in": True, "email": "zhang@example.gov.cn"}
    ok(stranger.run())
    assert texts(stranger, "info") == ["统一身份认证账号“zhang@example.gov.cn”尚未在本系统开通,请联系管理员"]
    ok(stranger.run())  # refused once per browser session, not logged again at every run
    assert actions(engine, "zhang@example.gov.cn") == ["login_failed"]
    assert actions(engine, "li@example.gov.cn") == ["login"]
