"""SQLAlchemy models of every entity in SPEC §3.

Money is ``Numeric(18, 4)`` in 亿元 (exact decimals, 4 places = 1 元 resolution at 万元 level).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    desc,
    nulls_last,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Money = Numeric(18, 4)

CITY_REGION = "全市"
STAGES = ("在谈", "签约", "开工", "投产", "终止")
ORIGINS = ("省外", "省内", "境外")
CHANNELS = ("驻点招商", "以商招商", "推介会", "中介招商", "领导带头", "其他")
RESIDENT_CHANNEL = "驻点招商"
DEFAULT_CHAINS = ("木材加工", "新能源电动车", "智能家电", "纺织服装", "生物医药", "其他")
# tag name -> kind; kind "top500" and "little_giant" drive the 500强 / 小巨人 metrics
DEFAULT_TAGS = {"世界500强": "top500", "中国500强": "top500", "民营500强": "top500",
                "专精特新小巨人": "little_giant", "独角兽": "other", "瞪羚": "other", "上市公司": "other"}
ROLES = ("leader", "staff", "admin")
PROBLEM_STATUSES = ("待办", "办理中", "已办结")
# 招商活动 types (SPEC §3), in the order the briefing names them
ACTIVITY_TYPES = ("外出招商", "对接洽谈", "接待考察", "推介会", "项目协调会", "工作会议", "企业调研", "其他")


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts about the database: ``data_version`` (bumped by every write), ``demo``."""
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Region(Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="县区")  # 市 for 全市
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RegionAlias(Base):
    __tablename__ = "region_alias"
    alias: Mapped[str] = mapped_column(String(50), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))


class Chain(Base):
    __tablename__ = "chain"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ChainAlias(Base):
    __tablename__ = "chain_alias"
    alias: Mapped[str] = mapped_column(String(50), primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id", ondelete="CASCADE"))


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")


class Project(Base):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    investor: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id"))
    is_manufacturing: Mapped[bool] = mapped_column(Boolean, default=False)
    # denormalised from the project's tags so that 500强 / 小巨人 filters need no join
    is_top500: Mapped[bool] = mapped_column(Boolean, default=False)
    is_little_giant: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[str | None] = mapped_column(String(200))  # tag names joined by "、"
    origin: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(10))
    sign_date: Mapped[dt.date | None] = mapped_column(Date)
    contract_amount: Mapped[Decimal | None] = mapped_column(Money)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    production_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_production_date: Mapped[dt.date | None] = mapped_column(Date)
    leader: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    signed_event: Mapped[str | None] = mapped_column(String(200))  # 签约活动: the event it was signed at

    __table_args__ = (
        Index("ix_project_sign", "sign_date", "region_id"),
        Index("ix_project_region", "region_id", "sign_date"),
        Index("ix_project_production", "production_date"),
        Index("ix_project_top500", "is_top500", "investor"),
        Index("ix_project_little_giant", "is_little_giant", "investor"),
        Index("ix_project_investor_first", "investor", "sign_date", "id"),
        # 项目库 list orders (migration 0003): SQLite sorts NULLs last in a descending scan of a plain
        # index and rejects NULLS LAST in one, PostgreSQL needs it declared
        Index("ix_project_list_sign", "sign_date", "id", "contract_amount").ddl_if(dialect="sqlite"),
        Index("ix_project_list_sign", nulls_last(desc("sign_date")), desc("id")).ddl_if(dialect="postgresql"),
        Index("ix_project_list_amount", nulls_last(desc("contract_amount")), desc("id")).ddl_if(dialect="postgresql"),
        # substring search (PostgreSQL with pg_trgm only)
        *(Index(f"ix_project_{c}_trgm", c, postgresql_using="gin", postgresql_ops={c: "gin_trgm_ops"})
          .ddl_if(dialect="postgresql") for c in ("name", "investor", "code")),
    )


class StageChange(Base):
    __tablename__ = "stage_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class Funds(Base):
    """到位资金: one amount per project per month."""
    __tablename__ = "funds"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (Index("ix_funds_period", "year", "month"),)


class AnnualTarget(Base):
    __tablename__ = "annual_target"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))  # the 全市 row for city targets
    indicator: Mapped[str] = mapped_column(String(30))  # Chinese indicator name, e.g. 合同投资额
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))

    __table_args__ = (UniqueConstraint("year", "region_id", "indicator"),)


class ResidentActivity(Base):
    """驻点招商 work of one team in one month."""
    __tablename__ = "resident_activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    team: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    contacted: Mapped[int] = mapped_column(Integer, default=0)
    visited: Mapped[int] = mapped_column(Integer, default=0)
    intended_count: Mapped[int] = mapped_column(Integer, default=0)
    intended_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    __table_args__ = (UniqueConstraint("team", "year", "month"),)


class EnterpriseProblem(Base):
    """企业诉求."""
    __tablename__ = "enterprise_problem"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(200))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    description: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="待办")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class Activity(Base):
    """招商活动: a leader's or team's investment-promotion work on one day. An event (推介会, 洽谈会…) is
    an activity whose name projects give as their 签约活动. Text fields of the natural key are ''
    rather than NULL when not given (the key must compare equal)."""
    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_date: Mapped[dt.date] = mapped_column(Date)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))  # the 全市 row for city-wide work
    leader: Mapped[str] = mapped_column(String(50))
    activity_type: Mapped[str] = mapped_column(String(20))
    enterprise: Mapped[str] = mapped_column(String(200), default="")
    event_name: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[str | None] = mapped_column(String(200))
    is_top500: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(200))
    problems_solved: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("activity_date", "region_id", "leader", "activity_type", "enterprise",
                                       "event_name"), Index("ix_activity_date", "activity_date", "region_id"))


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    # active (some kind of content still current) / superseded (every kind replaced) / rolled_back
    status: Mapped[str] = mapped_column(String(20), default="active")
    summary: Mapped[str | None] = mapped_column(Text)  # JSON: counts of what changed
    notes: Mapped[str | None] = mapped_column(Text)  # JSON: the 提示 found (list of strings)


class ImportBatchKind(Base):
    """A kind of content a batch carries (ledger, targets, resident, problems, activities) and whether
    it is current: a later upload of the same region, period and kind supersedes it (``superseded_by``);
    rolling that upload back makes it active again."""
    __tablename__ = "import_batch_kind"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active / superseded / rolled_back
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    __table_args__ = (Index("ix_batch_kind_status", "kind", "status"),)


class ImportFile(Base):
    """The uploaded file, byte for byte."""
    __tablename__ = "import_file"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class BatchChange(Base):
    """One row written by a batch, with its value before (JSON, null when it did not exist); see
    data_access.batches for the entries that list many rows. ``op`` is ``write`` for the batch's own
    rows, ``supersede`` for what superseding an earlier upload changed."""
    __tablename__ = "batch_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(200))  # JSON of the natural key
    before: Mapped[str | None] = mapped_column(Text)
    op: Mapped[str] = mapped_column(String(10), default="write", server_default="write")

    __table_args__ = (Index("ix_batch_change_key", "table_name", "row_key"),)


class User(Base):
    """An account. ``password_hash`` is an argon2 hash (None: no password login, single sign-on only);
    a disabled account keeps its row (the audit log names it) but cannot log in."""
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserRegion(Base):
    __tablename__ = "user_region"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)


class AuditLog(Base):
    """Who did what, when, with the value before and after (JSON, null when not applicable)."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    # the login throttle counts one name's recent failures
    __table_args__ = (Index("ix_audit_action_target_at", "action", "target", "at"), Index("ix_audit_at", "at"))


class LoginSession(Base):
    """A signed-in browser: the SHA-256 of the token its cookie holds. Ends on logout, on a password
    reset or disabling of the account, or after ``session_timeout_minutes`` without activity."""
    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DisplayLink(Base):
    """A read-only link for a meeting-room screen; only the SHA-256 of its token is kept."""
    __tablename__ = "display_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(50))


class MonthlyFact(Base):
    """Summary maintained at import time: one row per region × chain × manufacturing × year × month.

    Each measure sits in the month it belongs to: signed measures in the signing month, production
    in the production month, funds in the funds month, and ``started_count`` in the month from which
    a project counts as started for its signing year (the later of signing and start month; projects
    started in a later year than signed never count). Summing months 1..M gives the window figure.
    """
    __tablename__ = "monthly_fact"
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chain.id"), primary_key=True)
    is_manufacturing: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    signed_count: Mapped[int] = mapped_column(Integer, default=0)
    signed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    started_count: Mapped[int] = mapped_column(Integer, default=0)
    production_count: Mapped[int] = mapped_column(Integer, default=0)
    top500_projects: Mapped[int] = mapped_column(Integer, default=0)
    over10_count: Mapped[int] = mapped_column(Integer, default=0)
    over10_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    over5_count: Mapped[int] = mapped_column(Integer, default=0)
    over5_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    resident_signed_count: Mapped[int] = mapped_column(Integer, default=0)
    resident_signed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    funds_in_place: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    __table_args__ = (Index("ix_fact_period", "year", "month"),)


class BatchRegion(Base):
    """A region a batch's rows name (a county batch: its own; a 全市 batch: each county its rows name).
    上报进度 counts a county as reported by a 全市 ledger batch with rows of it."""
    __tablename__ = "import_batch_region"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), primary_key=True)


class ReportDeadline(Base):
    """An admin's deadline for one month's report, replacing the default (day ``report_deadline_day``
    of the following month)."""
    __tablename__ = "report_deadline"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(50))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Channel(Base):
    """A notification destination in apprise URL syntax. ``url`` holds secrets (robot keys,
    passwords): it is read only to send; everything shown or logged uses its masked form."""
    __tablename__ = "channel"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    url: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Subscription(Base):
    """A kind of message (briefing / reminder / alert) sent to a channel, for one region or (NULL)
    the whole city."""
    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Delivery(Base):
    """One message owed to a subscription: (subscription, kind, period, subject) is unique, so it is
    sent once however many ``push`` runs overlap. ``subject`` tells apart the messages of one period
    ('' for the briefing, the reminder's day, the alert's region and indicator or project).
    ``status``: sending (claimed by a run) / sent / failed (retried at ``next_attempt_at``) /
    given_up / skipped (nothing to say, e.g. every region has reported). The channel's name and the
    kind are copied, so the log outlives a removed subscription."""
    __tablename__ = "delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.id", ondelete="SET NULL"))
    channel_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    subject: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("subscription_id", "kind", "period", "subject"),
                      Index("ix_delivery_status", "status", "next_attempt_at"))


class DeliveryAttempt(Base):
    """One try at sending a delivery, with the channel's answer (secrets masked)."""
    __tablename__ = "delivery_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    answer: Mapped[str] = mapped_column(Text, default="")


class AlertScan(Base):
    """An import batch whose alerts (a region turned 红, a ≥10亿 project signed) have been worked out."""
    __tablename__ = "alert_scan"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True)
    scanned_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RegionShape(Base):
    """A region's boundary for the map: a GeoJSON Polygon or MultiPolygon (text), lon/lat degrees."""
    __tablename__ = "region_shape"
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    geometry: Mapped[str] = mapped_column(Text)
