"""Accounts: argon2 hashes (never a password in clear), roles and regions, the login throttle on a
moved clock (no sleeping), display links stored as SHA-256, and the audit trail of every change."""
import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, text

from data_access import accounts, audit
from data_access.accounts import AccountError
from data_access.models import AuditLog, DisplayLink, LoginSession, User
from tests.builders import region

T0 = dt.datetime(2025, 3, 1, 9, 0, 0)


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        region(conn, "东城区", "东城")
        region(conn, "西城区")
    return engine


def create(engine, name, role, password="correct-horse", regions=(), actor="cli"):
    with engine.begin() as conn:
        return accounts.create_user(conn, name, role, password, regions, actor=actor, now=T0)


def login(engine, name, password, now):
    with engine.begin() as conn:  # committed even when refused: the throttle counts failures
        return accounts.authenticate(conn, name, password, now=now)


def test_no_password_is_stored_in_clear(city):
    create(city, "王局长", "leader", "Secret-Leader-1")
    create(city, "东城小李", "staff", "Secret-Staff-2", ["东城区"])
    with city.begin() as conn:
        accounts.reset_password(conn, "东城小李", "Secret-Staff-3", actor="王局长")
    with city.connect() as conn:
        users = conn.execute(select(User.__table__)).mappings().all()
        log = conn.execute(text("SELECT * FROM audit_log")).all()
    assert len(users) == 2
    for row in users:
        assert row["password_hash"].startswith("$argon2id$")
        for secret in ("Secret-Leader-1", "Secret-Staff-2", "Secret-Staff-3"):
            assert all(secret not in str(value) for value in row.values())
    for row in log:
        assert all(s not in str(row) for s in ("Secret-Leader-1", "Secret-Staff-2", "Secret-Staff-3"))
    assert login(city, "东城小李", "Secret-Staff-3", T0).ok
    assert not login(city, "东城小李", "Secret-Staff-2", T0).ok


def test_login_outcomes_and_the_audit_trail(city):
    create(city, "admin", "admin")
    ok = login(city, "admin", "correct-horse", T0)
    assert ok.outcome == "ok" and ok.account.name == "admin" and ok.account.role == "admin"
    assert login(city, " admin ", "correct-horse", T0).ok  # the typed name is trimmed
    assert login(city, "admin", "wrong-horse", T0).outcome == "bad"
    assert login(city, "nobody", "correct-horse", T0).outcome == "bad"  # same answer as a wrong password
    with city.connect() as conn:
        log = audit.entries(conn)
    assert [(e["actor"], e["action"], e["target"]) for e in log] == [
        ("nobody", "login_failed", "nobody"), ("admin", "login_failed", "admin"), ("admin", "login", "admin"),
        ("admin", "login", "admin"), ("cli", "user_create", "admin")]
    assert log[-1]["after"] == {"角色": "管理员", "县区": []}
    assert log[0]["after"] == {"原因": "用户名或密码错误"}


def test_the_seventh_attempt_within_a_minute_is_refused_even_when_right(city):
    create(city, "leader", "leader")
    for i in range(6):  # 6 wrong passwords at T0 … T0+5 s
        assert login(city, "leader", f"wrong-{i}", T0 + dt.timedelta(seconds=i)).outcome == "bad"
    assert login(city, "leader", "correct-horse", T0 + dt.timedelta(seconds=6)).outcome == "throttled"
    assert login(city, "leader", "correct-horse", T0 + dt.timedelta(seconds=59)).outcome == "throttled"
    # at T0+60 s the window (T0, T0+60] holds the 5 failures at T0+1 … T0+5: one attempt is allowed again
    assert login(city, "leader", "correct-horse", T0 + dt.timedelta(seconds=60)).outcome == "ok"
    with city.connect() as conn:
        actions = [e["action"] for e in audit.entries(conn, actor="leader")]
        assert accounts.recent_failures(conn, "leader", T0 + dt.timedelta(seconds=60)) == 5
    assert actions == ["login", "login_throttled", "login_throttled"] + ["login_failed"] * 6


def test_the_throttle_counts_per_name(city):
    create(city, "leader", "leader")
    create(city, "admin", "admin")
    for i in range(6):
        login(city, "admin", "wrong", T0 + dt.timedelta(seconds=i))
    assert login(city, "admin", "correct-horse", T0 + dt.timedelta(seconds=10)).outcome == "throttled"
    assert login(city, "leader", "correct-horse", T0 + dt.timedelta(seconds=10)).outcome == "ok"


def test_the_throttle_limit_is_a_setting(city, monkeypatch):
    monkeypatch.setenv("ZSDASH_LOGIN_MAX_FAILURES", "2")
    create(city, "leader", "leader")
    login(city, "leader", "wrong", T0)
    login(city, "leader", "wrong", T0)
    assert login(city, "leader", "correct-horse", T0).outcome == "throttled"


def test_disabled_accounts_cannot_log_in_and_keep_their_row(city):
    create(city, "admin", "admin")
    create(city, "leader", "leader")
    with city.begin() as conn:
        accounts.set_disabled(conn, "leader", True, actor="admin", now=T0)
    assert login(city, "leader", "correct-horse", T0).outcome == "disabled"
    with city.begin() as conn:
        accounts.set_disabled(conn, "leader", False, actor="admin", now=T0)
    assert login(city, "leader", "correct-horse", T0).ok
    with city.connect() as conn:
        actions = [e["action"] for e in audit.entries(conn, actor="admin") if e["action"].startswith("user_")]
    assert actions == ["user_enable", "user_disable"]


def test_roles_and_regions_are_checked(city):
    with pytest.raises(AccountError, match="县区工作人员账号必须至少指定一个县区"):
        create(city, "小李", "staff")
    with pytest.raises(AccountError, match="县区“北城区”不存在"):
        create(city, "小李", "staff", regions=["北城区"])
    with pytest.raises(AccountError, match="不能指定“全市”"):
        create(city, "小李", "staff", regions=["全市"])
    with pytest.raises(AccountError, match="角色“boss”无效"):
        create(city, "小李", "boss")
    with pytest.raises(AccountError, match="密码至少需要 8 个字符"):
        create(city, "小李", "leader", password="short")
    staff = create(city, "小李", "staff", regions=["东城", "西城区"])  # an alias names its region
    assert staff.regions == ("东城区", "西城区")
    assert staff.upload_regions == ("东城区", "西城区")
    with pytest.raises(AccountError, match="账号“小李”已存在"):
        create(city, "小李", "leader")
    leader = create(city, "王局长", "leader", regions=["东城区"])  # regions only matter for staff
    assert leader.regions == () and leader.upload_regions == ()
    with pytest.raises(AccountError, match="没有上传数据的权限"):
        accounts.upload_rights(leader)
    assert accounts.upload_rights(staff) == (("东城区", "西城区"), False)


def test_role_changes_are_audited_and_the_last_admin_stays(city):
    create(city, "admin", "admin")
    create(city, "小李", "staff", regions=["东城区"])
    with city.begin() as conn:
        changed = accounts.update_user(conn, "小李", "staff", ["西城区"], actor="admin", now=T0)
        assert changed.regions == ("西城区",)
        with pytest.raises(AccountError, match="至少要保留一个在用的管理员账号"):
            accounts.update_user(conn, "admin", "leader", actor="admin")
        with pytest.raises(AccountError, match="不能停用自己正在使用的账号"):
            accounts.set_disabled(conn, "admin", True, actor="admin")
        entry = audit.entries(conn, action="user_update")[0]
    assert (entry["actor"], entry["target"]) == ("admin", "小李")
    assert entry["before"] == {"角色": "县区工作人员", "县区": ["东城区"]}
    assert entry["after"] == {"角色": "县区工作人员", "县区": ["西城区"]}
    create(city, "admin2", "admin")
    with city.begin() as conn:  # with a second admin the first may step down
        assert accounts.update_user(conn, "admin", "leader", actor="admin2").role == "leader"


def test_display_links_are_stored_hashed_and_can_be_revoked(city):
    with city.begin() as conn:
        link_id, token = accounts.create_display_link(conn, "一号会议室", actor="admin", now=T0)
    with city.connect() as conn:
        stored = conn.execute(select(DisplayLink.__table__)).mappings().one()
        assert stored["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()
        assert all(token not in str(v) for v in stored.values())
        assert all(token not in str(r) for r in conn.execute(select(AuditLog.__table__)).all())
        assert accounts.display_link(conn, token)["revoked_at"] is None
        assert accounts.display_link(conn, token + "x") is None
        assert accounts.display_link(conn, "") is None
    with city.begin() as conn:
        accounts.revoke_display_link(conn, link_id, actor="admin", now=T0 + dt.timedelta(hours=1))
    with city.connect() as conn:
        assert accounts.display_link(conn, token)["revoked_at"] == T0 + dt.timedelta(hours=1)
        links = accounts.list_display_links(conn)
        log = [(e["action"], e["target"]) for e in audit.entries(conn)]
    assert [(r["label"], r["created_by"], r["revoked_by"]) for r in links] == [("一号会议室", "admin", "admin")]
    assert log == [("display_link_revoke", f"#{link_id} 一号会议室"), ("display_link_create", f"#{link_id} 一号会议室")]
    with pytest.raises(AccountError, match="请填写显示链接的名称"):
        with city.begin() as conn:
            accounts.create_display_link(conn, "  ", actor="admin")


def test_single_sign_on_maps_the_identity_to_an_enabled_account(city):
    create(city, "admin", "admin")
    with city.begin() as conn:
        accounts.create_user(conn, "li@example.gov.cn", "staff", None, ["东城区"], actor="admin")
        ok = accounts.sso_login(conn, "li@example.gov.cn", now=T0)
        unknown = accounts.sso_login(conn, "zhang@example.gov.cn", now=T0)
        accounts.set_disabled(conn, "li@example.gov.cn", True, actor="admin")
        disabled = accounts.sso_login(conn, "li@example.gov.cn", now=T0)
        log = [(e["actor"], e["action"], e["after"]) for e in audit.entries(conn, limit=3)]
    assert (ok.outcome, ok.account.role, ok.account.regions, ok.account.has_password) == (
        "ok", "staff", ("东城区",), False)
    assert (unknown.outcome, disabled.outcome) == ("bad", "disabled")
    assert log == [("li@example.gov.cn", "login_failed", {"原因": "账号已停用"}),
                   ("admin", "user_disable", None),
                   ("zhang@example.gov.cn", "login_failed", {"原因": "单点登录账号未开通"})]
    assert login(city, "li@example.gov.cn", "", T0).outcome == "bad"  # no password: no password login


def test_login_sessions_live_until_logout_reset_disable_or_30_idle_minutes(city):
    leader = create(city, "王局长", "leader")
    create(city, "admin", "admin")
    with city.begin() as conn:
        first = accounts.open_session(conn, leader, now=T0)
        second = accounts.open_session(conn, leader, now=T0)
    with city.connect() as conn:
        stored = conn.execute(select(LoginSession.__table__)).mappings().all()
    assert first != second and len(first) >= 40
    assert sorted(r["token_sha256"] for r in stored) == sorted(hashlib.sha256(t.encode()).hexdigest()
                                                               for t in (first, second))

    def who(token, minutes):
        with city.begin() as conn:
            found = accounts.session_account(conn, token, now=T0 + dt.timedelta(minutes=minutes))
        return found and found.name

    # the default timeout is 30 minutes of inactivity; each use moves the session's clock on
    assert who(first, 29) == "王局长"
    assert who(first, 58) == "王局长"  # 29 minutes after the last use
    assert who(second, 31) is None  # idle 31 minutes: ended for good
    assert who(second, 32) is None
    assert who(first + "x", 58) is None and who("", 58) is None and who(None, 58) is None
    with city.begin() as conn:
        accounts.end_session(conn, first, now=T0 + dt.timedelta(minutes=59))
    assert who(first, 60) is None

    with city.begin() as conn:
        third = accounts.open_session(conn, leader, now=T0 + dt.timedelta(minutes=60))
        accounts.reset_password(conn, "王局长", "new-horse-battery", actor="admin", now=T0 + dt.timedelta(minutes=61))
    assert who(third, 62) is None  # a password reset signs the account out everywhere
    with city.begin() as conn:
        fourth = accounts.open_session(conn, leader, now=T0 + dt.timedelta(minutes=63))
    assert who(fourth, 64) == "王局长"
    with city.begin() as conn:
        accounts.set_disabled(conn, "王局长", True, actor="admin", now=T0 + dt.timedelta(minutes=65))
        accounts.set_disabled(conn, "王局长", False, actor="admin", now=T0 + dt.timedelta(minutes=66))
    assert who(fourth, 67) is None  # disabling ended it; enabling again does not bring it back
