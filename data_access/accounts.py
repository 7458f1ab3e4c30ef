"""Accounts, roles, login with throttling, and read-only display links. No Streamlit: the web pages
(ui.auth, views/login.py, views/admin.py), the CLI and the tests all use these functions.

Roles: ``leader`` views everything; ``staff`` views everything and uploads for its regions only;
``admin`` also sets targets and configuration, manages users and display links, and rolls back.
Passwords are argon2 hashes (argon2-cffi); nothing stores or logs a password in clear. Every change
is written to the audit log in the same transaction. ``now`` parameters exist so that tests can
move the clock instead of sleeping.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from data_access import audit, settings
from data_access.models import (
    CITY_REGION,
    ROLES,
    AuditLog,
    DisplayLink,
    LoginSession,
    Region,
    RegionAlias,
    User,
    UserRegion,
)
from labels import ACCOUNT_MSG, ROLE_LABELS

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A refused account change; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    regions: tuple[str, ...]  # staff: the regions it uploads for, in the regions' order
    disabled: bool = False
    has_password: bool = True
    created_at: dt.datetime | None = None

    @property
    def can_upload(self) -> bool:
        return self.role in ("staff", "admin")

    @property
    def upload_regions(self) -> tuple[str, ...] | None:
        """The regions this account may upload for; None = any region and 全市 (admin)."""
        return None if self.role == "admin" else self.regions if self.role == "staff" else ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class LoginResult:
    outcome: str  # ok / bad (unknown name or wrong password) / throttled / disabled
    account: Account | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


def _clean_name(name: str) -> str:
    return (name or "").strip()[:50]


# ---- passwords

def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` after checking the password rules."""
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    minimum = settings.get("password_min_length")
    if password is None or len(password) < minimum:
        raise AccountError(ACCOUNT_MSG["password_short"].format(n=minimum))
    if password != password.strip():
        raise AccountError(ACCOUNT_MSG["password_spaces"])


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that an unknown name takes as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


# ---- reading accounts

def _account(conn: Connection, row) -> Account:
    regions = tuple(conn.scalars(
        select(Region.name).join(UserRegion, UserRegion.region_id == Region.id)
        .where(UserRegion.user_id == row["id"]).order_by(Region.sort_order, Region.id)))
    return Account(row["id"], row["name"], row["role"], regions, row["disabled_at"] is not None,
                   row["password_hash"] is not None, row["created_at"])


def get_account(conn: Connection, name: str | None = None, user_id: int | None = None) -> Account | None:
    stmt = select(User.__table__)
    stmt = stmt.where(User.id == user_id) if user_id is not None else stmt.where(User.name == _clean_name(name))
    row = conn.execute(stmt).mappings().first()
    return None if row is None else _account(conn, row)


def list_accounts(conn: Connection) -> list[Account]:
    return [_account(conn, r) for r in conn.execute(select(User.__table__).order_by(User.id)).mappings()]


def has_accounts(conn: Connection) -> bool:
    return conn.scalar(select(User.id).limit(1)) is not None


def _require(conn: Connection, name: str) -> Account:
    account = get_account(conn, name)
    if account is None:
        raise AccountError(ACCOUNT_MSG["no_user"].format(name=name))
    return account


# ---- changing accounts

def _region_ids(conn: Connection, role: str, regions: Iterable[str]) -> list[int]:
    names = [r.strip() for r in regions if r and r.strip()]
    if role != "staff":
        return []
    if not names:
        raise AccountError(ACCOUNT_MSG["staff_needs_region"])
    ids = []
    for name in names:
        if name == CITY_REGION:
            raise AccountError(ACCOUNT_MSG["staff_city"])
        rid = conn.scalar(select(Region.id).where(Region.name == name)) or \
            conn.scalar(select(RegionAlias.region_id).where(RegionAlias.alias == name))
        if rid is None:
            raise AccountError(ACCOUNT_MSG["unknown_region"].format(name=name))
        if rid not in ids:
            ids.append(rid)
    return ids


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(ACCOUNT_MSG["bad_role"].format(role=role, roles="、".join(ROLES)))


def _shown_account(account: Account) -> dict:
    return {"角色": ROLE_LABELS[account.role], "县区": list(account.regions)}


def create_user(conn: Connection, name: str, role: str, password: str | None, regions: Iterable[str] = (),
                actor: str = "cli", now: dt.datetime | None = None) -> Account:
    """A new account (``password`` None: single sign-on only). Staff must have at least one region."""
    clean = _clean_name(name)
    if not clean:
        raise AccountError(ACCOUNT_MSG["name_empty"])
    if clean != (name or "").strip():
        raise AccountError(ACCOUNT_MSG["name_long"])
    _check_role(role)
    if get_account(conn, clean) is not None:
        raise AccountError(ACCOUNT_MSG["name_taken"].format(name=clean))
    ids = _region_ids(conn, role, regions)
    password_hash = None if password is None else hash_password(password)
    uid = conn.execute(insert(User).values(name=clean, role=role, password_hash=password_hash,
                                           created_at=_now(now))).inserted_primary_key[0]
    if ids:
        conn.execute(insert(UserRegion), [{"user_id": uid, "region_id": r} for r in ids])
    account = get_account(conn, user_id=uid)
    audit.record(conn, actor, "user_create", clean, after=_shown_account(account), now=now)
    return account


def _active_admins(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.disabled_at.is_(None)))


def update_user(conn: Connection, name: str, role: str, regions: Iterable[str] = (), actor: str = "cli",
                now: dt.datetime | None = None) -> Account:
    """Change an account's role and regions. The last active admin keeps its role."""
    before = _require(conn, name)
    _check_role(role)
    ids = _region_ids(conn, role, regions)
    if before.role == "admin" and role != "admin" and not before.disabled and _active_admins(conn) <= 1:
        raise AccountError(ACCOUNT_MSG["last_admin"])
    conn.execute(update(User).where(User.id == before.id).values(role=role))
    conn.execute(delete(UserRegion).where(UserRegion.user_id == before.id))
    if ids:
        conn.execute(insert(UserRegion), [{"user_id": before.id, "region_id": r} for r in ids])
    after = get_account(conn, user_id=before.id)
    if _shown_account(after) != _shown_account(before):
        audit.record(conn, actor, "user_update", before.name, _shown_account(before), _shown_account(after), now)
    return after


def reset_password(conn: Connection, name: str, password: str, actor: str = "cli",
                   now: dt.datetime | None = None) -> None:
    account = _require(conn, name)
    conn.execute(update(User).where(User.id == account.id).values(password_hash=hash_password(password)))
    end_sessions(conn, account.id, now)  # whoever knew the old password is signed out everywhere
    audit.record(conn, actor, "password_reset", account.name, now=now)


def set_disabled(conn: Connection, name: str, disabled: bool, actor: str = "cli",
                 now: dt.datetime | None = None) -> None:
    """Disable (or enable again) an account. Nobody disables themselves or the last active admin."""
    account = _require(conn, name)
    if account.disabled == disabled:
        return
    if disabled and account.name == actor:
        raise AccountError(ACCOUNT_MSG["disable_self"])
    if disabled and account.role == "admin" and _active_admins(conn) <= 1:
        raise AccountError(ACCOUNT_MSG["last_admin"])
    conn.execute(update(User).where(User.id == account.id).values(disabled_at=_now(now) if disabled else None))
    if disabled:
        end_sessions(conn, account.id, now)
    audit.record(conn, actor, "user_disable" if disabled else "user_enable", account.name, now=now)


# ---- logging in

def recent_failures(conn: Connection, name: str, now: dt.datetime | None = None) -> int:
    """Failed logins for ``name`` within the throttle window ending at ``now``."""
    since = _now(now) - dt.timedelta(seconds=settings.get("login_window_seconds"))
    return conn.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "login_failed", AuditLog.target == _clean_name(name), AuditLog.at > since))


def authenticate(conn: Connection, name: str, password: str, now: dt.datetime | None = None) -> LoginResult:
    """Check a name and password, recording the attempt in the audit log (commit ``conn`` even when
    the login fails: the throttle counts those rows).

    After ``login_max_failures`` wrong attempts for one name within ``login_window_seconds`` every
    further attempt is refused unchecked, right password or not, until the window has moved on.
    """
    now = _now(now)
    clean = _clean_name(name)
    if recent_failures(conn, clean, now) >= settings.get("login_max_failures"):
        audit.record(conn, clean, "login_throttled", clean, now=now)
        return LoginResult("throttled")
    row = conn.execute(select(User.__table__).where(User.name == clean)).mappings().first()
    if not _verify(row and row["password_hash"], password or ""):
        audit.record(conn, clean, "login_failed", clean, after={"原因": "用户名或密码错误"}, now=now)
        return LoginResult("bad")
    if row["disabled_at"] is not None:
        audit.record(conn, clean, "login_failed", clean, after={"原因": "账号已停用"}, now=now)
        return LoginResult("disabled")
    if _hasher.check_needs_rehash(row["password_hash"]):
        conn.execute(update(User).where(User.id == row["id"]).values(password_hash=_hasher.hash(password)))
    audit.record(conn, clean, "login", clean, now=now)
    return LoginResult("ok", _account(conn, row))


def sso_login(conn: Connection, identity: str, now: dt.datetime | None = None) -> LoginResult:
    """Single sign-on: the identity provider vouched for ``identity`` (an e-mail or user name);
    it must name an enabled account here, which decides the role."""
    account = get_account(conn, identity)
    if account is None:
        audit.record(conn, _clean_name(identity), "login_failed", _clean_name(identity),
                     after={"原因": "单点登录账号未开通"}, now=now)
        return LoginResult("bad")
    if account.disabled:
        audit.record(conn, account.name, "login_failed", account.name, after={"原因": "账号已停用"}, now=now)
        return LoginResult("disabled")
    audit.record(conn, account.name, "login", account.name, after={"方式": "单点登录"}, now=now)
    return LoginResult("ok", account)


def upload_rights(account: Account | None) -> tuple[tuple[str, ...] | None, bool]:
    """(regions the account may upload for — None for any, whether it may upload 年度目标);
    raises AccountError for an account that may not upload at all."""
    if account is None or account.disabled or not account.can_upload:
        raise AccountError(ACCOUNT_MSG["no_upload_right"].format(name=account.name if account else ""))
    return account.upload_regions, account.is_admin


# ---- login sessions (a signed-in browser keeps its login across reloads and app processes)

SESSION_TOUCH_SECONDS = 60  # an active session's last_seen_at is written at most this often


def open_session(conn: Connection, account: Account, now: dt.datetime | None = None) -> str:
    """A new login session for ``account``; returns its token (for the browser's cookie), of which
    only the SHA-256 is stored."""
    token, at = secrets.token_urlsafe(32), _now(now)
    conn.execute(insert(LoginSession).values(token_sha256=_token_hash(token), user_id=account.id, created_at=at,
                                             last_seen_at=at))
    return token


def session_account(conn: Connection, token: str | None, now: dt.datetime | None = None) -> Account | None:
    """The enabled account whose session ``token`` opens, or None (unknown, ended, idle for longer
    than ``session_timeout_minutes``, account disabled). Counts as activity: ``last_seen_at`` moves
    to ``now`` when it is older than SESSION_TOUCH_SECONDS."""
    if not token:
        return None
    at = _now(now)
    row = conn.execute(select(LoginSession.id, LoginSession.user_id, LoginSession.last_seen_at, LoginSession.ended_at)
                       .where(LoginSession.token_sha256 == _token_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    if at - row.last_seen_at > dt.timedelta(minutes=settings.get("session_timeout_minutes")):
        conn.execute(update(LoginSession).where(LoginSession.id == row.id).values(ended_at=at))
        return None
    account = get_account(conn, user_id=row.user_id)
    if account is None or account.disabled:
        return None
    if at - row.last_seen_at >= dt.timedelta(seconds=SESSION_TOUCH_SECONDS):
        conn.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=at))
    return account


def end_session(conn: Connection, token: str | None, now: dt.datetime | None = None) -> None:
    """Log out the browser holding ``token``."""
    if token:
        conn.execute(update(LoginSession).where(LoginSession.token_sha256 == _token_hash(token),
                                                LoginSession.ended_at.is_(None)).values(ended_at=_now(now)))


def end_sessions(conn: Connection, user_id: int, now: dt.datetime | None = None) -> None:
    """Log out every browser of the account."""
    conn.execute(update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
                 .values(ended_at=_now(now)))


# ---- display links

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_display_link(conn: Connection, label: str, actor: str, now: dt.datetime | None = None) -> tuple[int, str]:
    """A new read-only display link: (id, token). Only the token's SHA-256 is stored, so the token
    is shown this once."""
    label = (label or "").strip()
    if not label:
        raise AccountError(ACCOUNT_MSG["link_label_empty"])
    token = secrets.token_urlsafe(24)
    link_id = conn.execute(insert(DisplayLink).values(
        token_sha256=_token_hash(token), label=label[:100], created_by=actor[:50], created_at=_now(now),
    )).inserted_primary_key[0]
    audit.record(conn, actor, "display_link_create", f"#{link_id} {label}", now=now)
    return link_id, token


def display_link(conn: Connection, token: str | None) -> dict | None:
    """The link that ``token`` opens (with ``revoked_at``), or None for an unknown token."""
    if not token:
        return None
    row = conn.execute(select(DisplayLink.__table__).where(DisplayLink.token_sha256 == _token_hash(token))) \
        .mappings().first()
    return None if row is None else dict(row)


def list_display_links(conn: Connection) -> list[dict]:
    stmt = select(DisplayLink.id, DisplayLink.label, DisplayLink.created_by, DisplayLink.created_at,
                  DisplayLink.revoked_at, DisplayLink.revoked_by).order_by(DisplayLink.id.desc())
    return [dict(r) for r in conn.execute(stmt).mappings()]


def revoke_display_link(conn: Connection, link_id: int, actor: str, now: dt.datetime | None = None) -> None:
    row = conn.execute(select(DisplayLink.label, DisplayLink.revoked_at).where(DisplayLink.id == link_id)).first()
    if row is None:
        raise AccountError(ACCOUNT_MSG["no_link"].format(id=link_id))
    if row.revoked_at is not None:
        return
    conn.execute(update(DisplayLink).where(DisplayLink.id == link_id)
                 .values(revoked_at=_now(now), revoked_by=actor[:50]))
    audit.record(conn, actor, "display_link_revoke", f"#{link_id} {row.label}", now=now)
