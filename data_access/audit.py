"""The audit log: who did what, when, with the value before and after.

Written inside the transaction of the change it records (a change and its audit row commit
together); failed and throttled logins are written on their own. Actions are short English codes;
labels.AUDIT_ACTIONS gives their Chinese names.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import Connection, insert, select

from data_access.models import AuditLog

ACTIONS = ("login", "login_failed", "login_throttled", "logout", "session_timeout", "display_open",
           "upload", "rollback", "targets", "setting", "region_add", "region_aliases", "chain_add", "chain_aliases",
           "tag_add", "user_create", "user_update", "password_reset", "user_disable", "user_enable",
           "display_link_create", "display_link_revoke", "deadline", "channel_add", "channel_remove", "channel_test",
           "subscribe", "unsubscribe", "push_now", "map_upload")


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(type(value))


def _encode(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True)


def record(conn: Connection, actor: str, action: str, target: str | None = None, before=None, after=None,
           now: dt.datetime | None = None) -> None:
    """Append one entry; ``before`` / ``after`` are JSON-encodable values (dicts, lists, texts)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(insert(AuditLog).values(
        at=now or dt.datetime.now(), actor=(actor or "")[:50], action=action,
        target=None if target is None else str(target)[:200], before=_encode(before), after=_encode(after)))


def entries(conn: Connection, limit: int = 100, action: str | None = None, actor: str | None = None) -> list[dict]:
    """The newest ``limit`` entries (optionally of one action or one actor), newest first;
    ``before`` / ``after`` decoded."""
    stmt = select(AuditLog.__table__).order_by(AuditLog.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if actor:
        stmt = stmt.where(AuditLog.actor == actor)
    out = []
    for row in conn.execute(stmt).mappings():
        entry = dict(row)
        entry["before"] = None if row["before"] is None else json.loads(row["before"])
        entry["after"] = None if row["after"] is None else json.loads(row["after"])
        out.append(entry)
    return out


def shown(value) -> str:
    """A decoded before/after value as one line of text for the log's readers."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ";".join(f"{k}: {shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    return str(value)
