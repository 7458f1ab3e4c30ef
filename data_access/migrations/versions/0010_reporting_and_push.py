"""reporting calendar (上报进度) and notifications: the regions each batch names, deadlines moved by
an admin, channels, subscriptions, deliveries with their attempts, alert scans

Existing batches get the regions their logged rows name (a county batch: its own region), so the
months already uploaded count as reported. Existing batches are marked as scanned for alerts: an
upgrade does not alert about history.

Revision ID: 0010
Revises: 0009
"""
import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _named_regions(conn) -> set[tuple[int, int]]:
    """(batch, region) pairs: a county batch's own region; for a 全市 batch the regions of the projects
    its log names (one row's key {"code": …} or {"project_id": …}; lists of keys for many rows)."""
    pairs = {(b, r) for b, r in conn.execute(sa.text(
        "SELECT id, region_id FROM import_batch WHERE region_id IS NOT NULL"))}
    city = [b for (b,) in conn.execute(sa.text("SELECT id FROM import_batch WHERE region_id IS NULL"))]
    if not city:
        return pairs
    by_code = dict(conn.execute(sa.text("SELECT code, region_id FROM project")).all())
    by_id = dict(conn.execute(sa.text("SELECT id, region_id FROM project")).all())
    rows = conn.execute(sa.text(
        "SELECT batch_id, table_name, row_key, before FROM batch_change "
        "WHERE table_name IN ('project', 'funds') AND batch_id IN :ids")
        .bindparams(sa.bindparam("ids", expanding=True)), {"ids": city})
    for batch_id, table, key, before in rows:
        if key in ("*", "="):
            firsts = [k[0] for k in json.loads(before)]
        else:
            values = json.loads(key)
            firsts = [values["code" if table == "project" else "project_id"]]
        lookup = by_code if table == "project" else by_id
        pairs |= {(batch_id, lookup[f]) for f in firsts if f in lookup}
    return pairs


def upgrade() -> None:
    op.create_table(
        "import_batch_region",
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), primary_key=True),
    )
    op.create_table(
        "report_deadline",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("month", sa.Integer(), primary_key=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(50), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "channel",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=True),
        sa.Column("created_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_subscription_channel_id", "subscription", ["channel_id"])
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("subscription.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("channel_name", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("subscription_id", "kind", "period", "subject"),
    )
    op.create_index("ix_delivery_status", "delivery", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("delivery.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
    )
    op.create_index("ix_delivery_attempt_delivery_id", "delivery_attempt", ["delivery_id"])
    op.create_table(
        "alert_scan",
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
    )
    conn = op.get_bind()
    pairs = sorted(_named_regions(conn))
    if pairs:
        conn.execute(sa.text("INSERT INTO import_batch_region (batch_id, region_id) VALUES (:b, :r)"),
                     [{"b": b, "r": r} for b, r in pairs])
    conn.execute(sa.text("INSERT INTO alert_scan (batch_id, scanned_at) SELECT id, :now FROM import_batch"),
                 {"now": dt.datetime.now()})


def downgrade() -> None:
    for table in ("alert_scan", "delivery_attempt", "delivery", "subscription", "channel", "report_deadline",
                  "import_batch_region"):
        op.drop_table(table)
