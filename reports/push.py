"""Month-end pushes (SPEC §7 push): what is due at a moment, the messages, and sending each once.

Schedule, for month M with deadline D (data_access.calendar): reminders at ``push_hour`` on
D − ``reminder_days_before`` days and on D, naming the regions not yet reported (nothing is sent
when all have); the briefing at ``push_hour`` on D + 1 day. A briefing or reminder whose time passed
more than ``push_catch_up_hours`` ago is not sent. Alerts come from the ledger uploads not yet
scanned, for subscriptions older than the upload.

Exactly once: each message is claimed in the delivery log (data_access.notify) and committed before
it is sent, so overlapping runs send it once; a failure is retried by later runs after a backoff.
Every message is built from the same reports code as the 简报 page (reports.content).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import Connection, Engine

from data_access import audit, batches, calendar, db, notify, senders, settings
from data_access.config import ConfigError
from data_access.senders import Attachment, Message
from labels import PUSH_KINDS
from metrics.alerts import big_signings, turned_red
from metrics.briefing import span
from metrics.period import Period, Scope
from metrics.reporting import not_reported
from reports import format as fmt

WECOM_MARKDOWN_MAX = 4000  # bytes; the robot takes 4096
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class RunReport:
    """What one run did: a line per message sent, failed or skipped."""
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Due:
    """A scheduled message owed to every subscription of its kind: its key in the delivery log."""
    kind: str
    period: Period
    subject: str


def _at(hour_day: dt.date) -> dt.datetime:
    return dt.datetime.combine(hour_day, dt.time(settings.get("push_hour")))


def _recent_periods(at: dt.datetime) -> list[Period]:
    """The months whose deadline can be near ``at``: this month and the three before."""
    p = Period(at.year, at.month)
    out = [p]
    for _ in range(3):
        p = p.previous_month()
        out.append(p)
    return out


def scheduled(conn: Connection, at: dt.datetime) -> list[Due]:
    """The briefings and reminders due at ``at`` (their time passed, within the catch-up window)."""
    window = dt.timedelta(hours=settings.get("push_catch_up_hours"))
    out = []
    for p in _recent_periods(at):
        due_on = calendar.deadline(conn, p.year, p.month)
        briefing_at = _at(due_on + dt.timedelta(days=1))
        if briefing_at <= at < briefing_at + window:
            out.append(Due("briefing", p, ""))
        on_day, before = _at(due_on), _at(due_on - dt.timedelta(days=settings.get("reminder_days_before")))
        if on_day <= at < min(on_day + window, briefing_at):
            out.append(Due("reminder", p, f"deadline:{due_on.isoformat()}"))
        elif before <= at < min(before + window, on_day):
            out.append(Due("reminder", p, f"before:{due_on.isoformat()}"))
    return out


# ---- messages

def _link(period: Period, region: str) -> str | None:
    base = settings.get("public_url").rstrip("/")
    if not base:
        return None
    query = {"year": period.year, "month": period.month} | ({"region": region} if region != "全市" else {})
    return f"{base}/?{urlencode(query)}"


def _message(title: str, lines: list[str], footer: list[str], link: str | None,
             attachments: tuple[Attachment, ...] = ()) -> Message:
    """The plain text has every line; the robots' markdown drops the last lines (the paragraph comes
    first, the figures after) until it fits their limit, keeping the footer and the link."""
    text = "\n\n".join([title, *lines, "\n".join(footer + ([f"查看驾驶舱:{link}"] if link else []))])

    def markdown(kept: list[str]) -> str:
        return "\n\n".join([f"## {title}", *kept, "\n".join(f"> {f}" for f in footer)]
                           + ([f"[打开驾驶舱查看详情]({link})"] if link else []))

    while len(markdown(lines).encode()) > WECOM_MARKDOWN_MAX and len(lines) > 1:
        lines = lines[:-1]
    return Message(title, text, markdown(lines), attachments)


class Builder:
    """Builds the messages of one run, each briefing once per (period, region, attachments)."""

    def __init__(self):
        self.briefings: dict[tuple, Message] = {}

    def briefing(self, conn: Connection, period: Period, region_id: int | None, region: str,
                 files: frozenset[str]) -> Message:
        key = (period, region_id, files)
        if key not in self.briefings:
            from reports.content import gather
            b = gather(conn, period, Scope(region_id=region_id), region, with_counties="docx" in files)
            title = f"{region}{span(period)}招商引资工作通报"
            figures = "\n".join(f"- {h.label}:{h.value}" + (f"({h.note})" if h.note else "") for h in b.headlines)
            updated = b.updated_at.strftime("%Y-%m-%d %H:%M") if b.updated_at else "—"
            footer = [f"数据截至 {span(period)} · 数据更新于 {updated}"]
            self.briefings[key] = _message(title, [b.text, figures], footer, _link(period, region),
                                           self._files(b, files, title, footer))
        return self.briefings[key]

    @staticmethod
    def _files(b, files: frozenset[str], title: str, footer: list[str]) -> tuple[Attachment, ...]:
        from reports.images import FontMissing
        out = []
        try:
            if "png" in files:
                from reports.png import briefing_png
                out.append(Attachment(f"{title}.png", briefing_png(b), "image/png"))
            if "docx" in files:
                from reports.word import briefing_docx
                out.append(Attachment(f"{title}.docx", briefing_docx(b), DOCX))
        except FontMissing as exc:  # the text still goes; the picture would show boxes
            footer.append(str(exc))
        return tuple(out)

    @staticmethod
    def reminder(conn: Connection, period: Period, subject: str, region_id: int | None, region: str,
                 at: dt.datetime) -> Message | None:
        due_on = calendar.deadline(conn, period.year, period.month)
        missing = not_reported(conn, period, at.date())
        if region_id is not None:
            missing = [r for r in missing if r == region]
        if not missing:
            return None
        when = "今天" if subject.startswith("deadline") else f"{(due_on - at.date()).days}天后"
        title = f"{period.year}年{period.month}月数据上报提醒"
        line = (f"{period.year}年{period.month}月招商引资项目台账的上报截止日期为{due_on.month}月{due_on.day}日"
                f"({when}截止)。截至{at:%m月%d日%H:%M},尚未上报的县区:{'、'.join(missing)}"
                + (f"(共{len(missing)}个)" if len(missing) > 1 else "") + "。请尽快在“数据上报”页面上传。")
        return _message(title, [line], [f"截止日期 {due_on:%Y-%m-%d}"], _link(period, region))

    @staticmethod
    def alert(conn: Connection, period: Period, subject: str, region: str) -> Message | None:
        """``subject``: red:REGION_ID:METRIC or project:CODE. None when it no longer holds."""
        what, _, rest = subject.partition(":")
        if what == "red":
            rid, _, metric = rest.partition(":")
            found = [a for a in turned_red(conn, period, {int(rid)}) if a["metric"] == metric]
            if not found:
                return None
            a = found[0]
            title = f"红色预警:{a['region']}{a['indicator']}"
            done = fmt.percent(a["completion_pct"])
            gap = fmt.two(-a["gap_pp"])
            line = (f"{span(period)},{a['region']}{a['indicator']}" +
                    (f"与年度目标相差{gap}个百分点" if a["metric"] == "manufacturing_share_pct" else
                     f"完成年度目标的{done},低于序时进度{gap}个百分点") + ",由上月的非红色转为红色预警。")
            return _message(title, [line], [f"数据截至 {span(period)}"], _link(period, a["region"]))
        code = rest
        found = big_signings(conn, {code})
        if not found:
            return None
        p = found[0]
        title = f"新签约10亿元以上项目:{p['name']}"
        line = (f"{p['region']}于{p['sign_date']:%Y年%m月%d日}签约{p['name']}(投资方:{p['investor']}),"
                f"合同投资额{fmt.two(p['contract_amount'])}亿元。")
        return _message(title, [line], [f"数据截至 {span(period)}"], _link(period, p["region"]))

    def build(self, conn: Connection, sub: dict, kind: str, period: Period, subject: str,
              at: dt.datetime) -> Message | None:
        region_id, region = sub["region_id"], sub["region"]
        if kind == "briefing":
            return self.briefing(conn, period, region_id, region, frozenset(senders.carries(sub["url"])))
        if kind == "reminder":
            return self.reminder(conn, period, subject, region_id, region, at)
        return self.alert(conn, period, subject, region)


# ---- sending

class Pusher:
    """One run of ``push``: claims, builds, sends and records each message, with ``at`` as its clock."""

    def __init__(self, engine: Engine, at: dt.datetime):
        self.engine, self.at = engine, at
        self.builder = Builder()
        self.report = RunReport()

    def line(self, sub: dict, kind: str, period: Period, subject: str, outcome: str) -> None:
        what = PUSH_KINDS[kind] + (f"({_subject_text(subject)})" if subject else "")
        self.report.lines.append(f"{outcome}\t{sub['channel']}\t{what}\t{period}")

    def deliver(self, sub: dict, kind: str, period: Period, subject: str) -> None:
        """Send (sub, kind, period, subject) unless some run has claimed it already."""
        with self.engine.begin() as conn:
            claimed = notify.claim(conn, sub, kind, str(period), subject, self.at)
        if claimed is not None:
            self.attempt(claimed, sub, kind, period, subject)

    def attempt(self, delivery_id: int, sub: dict, kind: str, period: Period, subject: str) -> None:
        with self.engine.connect() as conn:
            message = self.builder.build(conn, sub, kind, period, subject, self.at)
        if message is None:
            with self.engine.begin() as conn:
                notify.finish(conn, delivery_id, True, "无需发送(所有县区均已上报,或预警已不成立)", self.at, 1, 0,
                              status="skipped")
            self.report.skipped += 1
            self.line(sub, kind, period, subject, "无需发送")
            return
        ok, answer = senders.send(sub["url"], message)
        with self.engine.begin() as conn:
            status = notify.finish(conn, delivery_id, ok, answer, self.at, settings.get("push_max_attempts"),
                                   settings.get("push_retry_minutes"), title=message.title)
        if ok:
            self.report.sent += 1
            self.line(sub, kind, period, subject, "已发送")
        else:
            self.report.failed += 1
            self.line(sub, kind, period, subject, ("发送失败,已放弃" if status == "given_up" else "发送失败,稍后重试")
                       + f":{answer}")

    def retries(self) -> None:
        with self.engine.connect() as conn:
            subs = {s["id"]: s for s in notify.subscriptions(conn)}
            waiting = notify.to_retry(conn, self.at)
        for d in waiting:
            sub = subs.get(d["subscription_id"])
            if sub is None:
                continue
            with self.engine.begin() as conn:
                taken = notify.claim_again(conn, d, self.at)
            if taken:
                self.attempt(d["id"], sub, d["kind"], Period.parse(d["period"]), d["subject"])

    def scheduled(self) -> None:
        with self.engine.connect() as conn:
            due = scheduled(conn, self.at)
            subs = notify.subscriptions(conn)
        for item in due:
            for sub in (s for s in subs if s["kind"] == item.kind):
                self.deliver(sub, item.kind, item.period, item.subject)

    def alerts(self) -> None:
        """Scan the ledger uploads not scanned yet (still active) for alerts; every upload is marked
        scanned, so an alert is worked out once, for the subscriptions older than the upload."""
        with self.engine.connect() as conn:
            fresh = notify.unscanned_uploads(conn)
            subs = notify.subscriptions(conn, "alert")
        for batch in fresh:
            period = Period(batch.year, batch.month)
            listening = [s for s in subs if s["created_at"] <= batch.created_at]
            if listening:
                with self.engine.connect() as conn:
                    found = _alerts_of(conn, batch, period)
                for region_id, alert_period, subject in found:
                    for sub in listening:
                        if sub["region_id"] in (None, region_id):
                            self.deliver(sub, "alert", alert_period, subject)
            with self.engine.begin() as conn:
                notify.mark_scanned(conn, batch.id, self.at)


def _alerts_of(conn: Connection, batch, period: Period) -> list[tuple[int, Period, str]]:
    """(region, period, subject) of each alert an upload raises."""
    named = {batch.region_id} if batch.region_id else set(calendar.batch_regions(conn, batch.id))
    out = [(a["region_id"], period, f"red:{a['region_id']}:{a['metric']}") for a in turned_red(conn, period, named)]
    for p in big_signings(conn, batches.signed_by(conn, batch.id)):
        out.append((p["region_id"], Period(p["sign_date"].year, p["sign_date"].month), f"project:{p['code']}"))
    return out


def _subject_text(subject: str) -> str:
    what, _, rest = subject.partition(":")
    names = {"before": "截止前", "deadline": "截止当日", "red": "红色预警", "project": "10亿元以上项目"}
    return names.get(what, what) + (f" {rest}" if what == "project" else "")


def run_due(engine: Engine, at: dt.datetime | None = None) -> RunReport:
    """Send everything due at ``at`` (default now): retries, alerts, reminders, briefings."""
    at = (at or dt.datetime.now()).replace(microsecond=0)
    with engine.connect() as conn:
        db.refresh(conn)
    pusher = Pusher(engine, at)
    pusher.retries()
    pusher.alerts()
    pusher.scheduled()
    return pusher.report


def push_now(engine: Engine, period: Period, actor: str, at: dt.datetime | None = None) -> RunReport:
    """Send month ``period``'s briefing to every briefing subscription now (by hand); a subscription
    that has it already is not sent it again, a failed one is tried again at once."""
    at = (at or dt.datetime.now()).replace(microsecond=0)
    pusher = Pusher(engine, at)
    with engine.begin() as conn:
        db.refresh(conn)
        subs = notify.subscriptions(conn, "briefing")
        if not subs:
            raise ConfigError("没有订阅月度通报的渠道:请先添加渠道并订阅")
        audit.record(conn, actor, "push_now", f"{period.year}年{period.month}月通报")
    for sub in subs:
        with engine.begin() as conn:
            claimed = notify.claim(conn, sub, "briefing", str(period), "", at)
            existing = None if claimed is not None else notify.find(conn, sub["id"], "briefing", str(period), "")
            if existing is not None and existing["status"] in ("failed", "given_up"):
                claimed = existing["id"] if notify.claim_again(conn, existing, at) else None
        if claimed is not None:
            pusher.attempt(claimed, sub, "briefing", period, "")
        else:
            pusher.line(sub, "briefing", period, "", "此前已发送,未重复发送")
    return pusher.report


def test_channel(engine: Engine, name: str, actor: str) -> tuple[bool, str]:
    """Send a test message to channel ``name`` now; audited with its outcome."""
    with engine.connect() as conn:
        url = notify.channel_url(conn, name)
    now = dt.datetime.now()
    message = _message("招商引资领导驾驶舱测试消息",
                       [f"这是一条测试消息:渠道“{name}”已可接收月度通报、上报提醒和预警。"],
                       [f"发送于 {now:%Y-%m-%d %H:%M}"], _link(Period(now.year, now.month), "全市"))
    ok, answer = senders.send(url, message)
    with engine.begin() as conn:
        audit.record(conn, actor, "channel_test", name, after={"结果": "成功" if ok else "失败", "应答": answer})
    return ok, answer

