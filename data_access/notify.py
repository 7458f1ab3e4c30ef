"""Notification channels, subscriptions and the delivery log (SPEC §3).

A channel's URL (apprise syntax) holds secrets: it is stored to send and never shown or logged in
full; ``masked`` gives what people see. A delivery is one message owed to a subscription, unique by
(subscription, kind, period, subject): ``claim`` inserts it, so of two overlapping ``push`` runs only
one sends it; a failed one is claimed again (``claim_again``) by a later run after its backoff.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from data_access import audit
from data_access.config import ConfigError, region_id
from data_access.models import (
    AlertScan,
    Channel,
    Delivery,
    DeliveryAttempt,
    ImportBatch,
    ImportBatchKind,
    Region,
    Subscription,
)

KINDS = ("briefing", "reminder", "alert")
ROBOTS = ("wecombot", "dingtalk")  # sent by data_access.senders itself; apprise for every other scheme
# apprise's own defaults, which it writes back into every URL: left out of what people see
_NOISE = {"overflow", "retry", "wait", "optional", "format", "method", "cto", "rto", "mode", "emojis", "tz"}
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|auth|sign", re.I)
STALE_CLAIM = dt.timedelta(minutes=30)  # a run that claimed a delivery and died: another may send it


def plugin(url: str):
    """apprise's plugin for ``url``, or None when apprise does not understand it."""
    import apprise  # only the commands and pages that handle channels pay its import
    return apprise.Apprise.instantiate(url)


def check_url(url: str) -> str:
    """``url`` stripped, or ConfigError when apprise does not understand it."""
    url = (url or "").strip()
    if not url:
        raise ConfigError("渠道地址不能为空")
    if plugin(url) is None:
        scheme = url.split("://", 1)[0] if "://" in url else url[:20]
        raise ConfigError(f"无法识别的渠道地址(“{scheme}://…”):请使用 apprise 格式,如 wecombot://机器人key、"
                          "dingtalk://加签密钥@access_token、mailtos://用户:密码@smtp服务器?to=收件人、"
                          "json://主机:端口/路径")
    return url


def secrets_of(url: str) -> list[str]:
    """The parts of ``url`` that are secret: passwords, robot keys and tokens, secret-looking query
    values. Every text that could carry the URL (answers, logs) has them masked."""
    parts = urlsplit(url)
    found = [parts.password] if parts.password else []
    if parts.scheme in ROBOTS:  # wecombot://KEY, dingtalk://SECRET@TOKEN: the host and user are keys
        found += [parts.hostname or "", parts.username or ""]
        found += [unquote(p) for p in parts.path.split("/") if p]
    found += [v for k, v in parse_qsl(parts.query) if _SECRET_PARAM.search(k)]
    return sorted({s for s in found if s and len(s) >= 3}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` with every secret of ``url`` replaced by ****."""
    for secret in secrets_of(url):
        text = text.replace(secret, "****")
    return text


def masked(url: str) -> str:
    """``url`` as people see it: apprise's private form (keys shortened, passwords ****), without the
    defaults apprise adds."""
    found = plugin(url)
    shown = found.url(privacy=True) if found is not None else url
    parts = urlsplit(shown)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in _NOISE]
    return scrub(urlunsplit((parts.scheme, parts.netloc, unquote(parts.path.rstrip("/")),
                             urlencode(query, safe="@:/"), "")), url)


# ---- channels

def add_channel(conn: Connection, name: str, url: str, actor: str) -> int:
    name = (name or "").strip()
    if not name:
        raise ConfigError("渠道名称不能为空")
    if len(name) > 50:
        raise ConfigError("渠道名称不能超过50个字")
    url = check_url(url)
    if conn.scalar(select(Channel.id).where(Channel.name == name)) is not None:
        raise ConfigError(f"渠道“{name}”已存在")
    cid = conn.execute(insert(Channel).values(name=name, url=url, created_by=actor[:50],
                                              created_at=dt.datetime.now())).inserted_primary_key[0]
    audit.record(conn, actor, "channel_add", name, after={"地址": masked(url)})
    return cid


def remove_channel(conn: Connection, name: str, actor: str) -> None:
    """Remove a channel and its subscriptions; its deliveries stay in the log."""
    row = conn.execute(select(Channel.id, Channel.url).where(Channel.name == name)).first()
    if row is None:
        raise ConfigError(f"没有名为“{name}”的渠道")
    conn.execute(delete(Subscription).where(Subscription.channel_id == row.id))
    conn.execute(delete(Channel).where(Channel.id == row.id))
    audit.record(conn, actor, "channel_remove", name, before={"地址": masked(row.url)})


def channels(conn: Connection) -> list[dict]:
    """Every channel: id, name, shown (the masked URL), scheme, created_by, created_at, subscriptions."""
    counts = dict(conn.execute(select(Subscription.channel_id, func.count()).group_by(Subscription.channel_id)).all())
    return [{"id": c["id"], "name": c["name"], "shown": masked(c["url"]), "scheme": urlsplit(c["url"]).scheme,
             "created_by": c["created_by"], "created_at": c["created_at"], "subscriptions": counts.get(c["id"], 0)}
            for c in conn.execute(select(Channel.__table__).order_by(Channel.id)).mappings()]


def channel_url(conn: Connection, name: str) -> str:
    url = conn.scalar(select(Channel.url).where(Channel.name == name))
    if url is None:
        raise ConfigError(f"没有名为“{name}”的渠道")
    return url


# ---- subscriptions

def subscribe(conn: Connection, channel: str, kind: str, region: str | None, actor: str) -> int:
    if kind not in KINDS:
        raise ConfigError(f"订阅类型应为 {'、'.join(KINDS)} 之一")
    cid = conn.scalar(select(Channel.id).where(Channel.name == channel))
    if cid is None:
        raise ConfigError(f"没有名为“{channel}”的渠道")
    rid = region_id(conn, region)  # None: the whole city
    same = select(Subscription.id).where(Subscription.channel_id == cid, Subscription.kind == kind,
                                         Subscription.region_id.is_(None) if rid is None
                                         else Subscription.region_id == rid)
    if conn.scalar(same) is not None:
        raise ConfigError(f"渠道“{channel}”已订阅该内容")
    sid = conn.execute(insert(Subscription).values(channel_id=cid, kind=kind, region_id=rid, created_by=actor[:50],
                                                   created_at=dt.datetime.now())).inserted_primary_key[0]
    audit.record(conn, actor, "subscribe", channel, after={"类型": kind, "县区": region or "全市"})
    return sid


def unsubscribe(conn: Connection, subscription_id: int, actor: str) -> None:
    row = next((s for s in subscriptions(conn) if s["id"] == subscription_id), None)
    if row is None:
        raise ConfigError(f"没有编号为 {subscription_id} 的订阅")
    conn.execute(delete(Subscription).where(Subscription.id == subscription_id))
    audit.record(conn, actor, "unsubscribe", row["channel"], before={"类型": row["kind"], "县区": row["region"]})


def subscriptions(conn: Connection, kind: str | None = None) -> list[dict]:
    """id, channel_id, channel, url (secret: for sending only), kind, region_id, region (全市 when
    for the whole city), created_at, created_by."""
    stmt = (select(Subscription.id, Subscription.channel_id, Channel.name.label("channel"), Channel.url,
                   Subscription.kind, Subscription.region_id, Region.name.label("region"),
                   Subscription.created_at, Subscription.created_by)
            .join(Channel, Channel.id == Subscription.channel_id)
            .outerjoin(Region, Region.id == Subscription.region_id).order_by(Subscription.id))
    if kind:
        stmt = stmt.where(Subscription.kind == kind)
    return [dict(r) | {"region": r["region"] or "全市"} for r in conn.execute(stmt).mappings()]


# ---- deliveries

def _insert_once(conn: Connection, table, values: dict):
    """INSERT … ON CONFLICT DO NOTHING (both engines): the statement, to return from or execute."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).values(**values).on_conflict_do_nothing()


def claim(conn: Connection, sub: dict, kind: str, period: str, subject: str, at: dt.datetime) -> int | None:
    """The new delivery's id, or None when (subscription, kind, period, subject) is claimed already
    (sent, being sent, or waiting for a retry). Commit before sending."""
    return conn.scalar(_insert_once(conn, Delivery, {
        "subscription_id": sub["id"], "channel_name": sub["channel"], "kind": kind, "period": period,
        "subject": subject, "title": "", "status": "sending", "attempts": 0, "claimed_at": at}).returning(Delivery.id))


def unscanned_uploads(conn: Connection) -> list:
    """The ledger uploads still current whose alerts have not been worked out: id, year, month, region_id
    (None: 全市), created_at; oldest first."""
    k = ImportBatchKind
    return conn.execute(
        select(ImportBatch.id, ImportBatch.year, ImportBatch.month, ImportBatch.region_id, ImportBatch.created_at)
        .join(k, (k.batch_id == ImportBatch.id) & (k.kind == "ledger") & (k.status == "active"))
        .where(ImportBatch.id.not_in(select(AlertScan.batch_id))).order_by(ImportBatch.id)).all()


def mark_scanned(conn: Connection, batch_id: int, at: dt.datetime) -> None:
    """Upload ``batch_id``'s alerts are worked out (a run overlapping this one may have said so first)."""
    conn.execute(_insert_once(conn, AlertScan, {"batch_id": batch_id, "scanned_at": at}))


def find(conn: Connection, sub_id: int, kind: str, period: str, subject: str) -> dict | None:
    row = conn.execute(select(Delivery.__table__).where(
        Delivery.subscription_id == sub_id, Delivery.kind == kind, Delivery.period == period,
        Delivery.subject == subject)).mappings().first()
    return None if row is None else dict(row)


def claim_again(conn: Connection, delivery: dict, at: dt.datetime) -> bool:
    """Take a failed delivery (or one whose run died while sending) for another attempt; False when
    another run took it first."""
    done = conn.execute(update(Delivery).where(
        Delivery.id == delivery["id"], Delivery.status == delivery["status"],
        Delivery.attempts == delivery["attempts"], Delivery.claimed_at == delivery["claimed_at"])
        .values(status="sending", claimed_at=at))
    return done.rowcount == 1


def to_retry(conn: Connection, at: dt.datetime, kind: str | None = None) -> list[dict]:
    """Failed deliveries whose backoff has passed, and claims older than STALE_CLAIM (their run died),
    with their subscription still there."""
    d = Delivery.__table__.c
    stmt = select(Delivery.__table__).where(d.subscription_id.is_not(None), or_(
        and_(d.status == "failed", d.next_attempt_at <= at),
        and_(d.status == "sending", d.claimed_at <= at - STALE_CLAIM))).order_by(d.id)
    if kind:
        stmt = stmt.where(d.kind == kind)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def finish(conn: Connection, delivery_id: int, ok: bool, answer: str, at: dt.datetime, max_attempts: int,
           retry_minutes: int, title: str | None = None, status: str | None = None) -> str:
    """Record an attempt and the delivery's new status: sent, failed (retry after ``retry_minutes`` ×
    2^(attempts−1)) or given_up after ``max_attempts`` (or ``status`` as given: skipped); returns it."""
    attempts = conn.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) + 1
    status = status or ("sent" if ok else ("given_up" if attempts >= max_attempts else "failed"))
    retry = None if status != "failed" else at + dt.timedelta(minutes=retry_minutes * 2 ** (attempts - 1))
    conn.execute(update(Delivery).where(Delivery.id == delivery_id).values(
        status=status, attempts=attempts, next_attempt_at=retry, **({"title": title[:200]} if title else {})))
    conn.execute(insert(DeliveryAttempt).values(delivery_id=delivery_id, at=at, ok=ok, answer=answer[:2000]))
    return status


def attempts(conn: Connection, limit: int = 100) -> list[dict]:
    """The delivery log, newest first: one row per attempt (and per delivery skipped or claimed with
    no attempt yet): at, channel, kind, period, subject, title, ok, answer, status, attempts,
    next_attempt_at, result (ok / error for an attempt, else the delivery's status: labels.ATTEMPT_RESULTS)."""
    d, a = Delivery.__table__.c, DeliveryAttempt.__table__.c
    stmt = (select(func.coalesce(a.at, d.claimed_at).label("at"), d.channel_name.label("channel"), d.kind, d.period,
                   d.subject, d.title, a.ok, func.coalesce(a.answer, "").label("answer"), d.status, d.attempts,
                   d.next_attempt_at)
            .select_from(Delivery.__table__.outerjoin(DeliveryAttempt.__table__, a.delivery_id == d.id))
            .order_by(func.coalesce(a.at, d.claimed_at).desc(), d.id.desc(), a.id.desc()).limit(limit))
    return [dict(r) | {"result": r["status"] if r["ok"] is None else ("ok" if r["ok"] else "error")}
            for r in conn.execute(stmt).mappings()]
