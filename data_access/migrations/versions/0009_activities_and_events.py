"""招商活动 (leaders' and teams' activities) and 签约活动 (the event a project was signed at)

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("project", sa.Column("signed_event", sa.String(200), nullable=True))
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id"), nullable=False),
        sa.Column("leader", sa.String(50), nullable=False),
        sa.Column("activity_type", sa.String(20), nullable=False),
        sa.Column("enterprise", sa.String(200), nullable=False),
        sa.Column("event_name", sa.String(200), nullable=False),
        sa.Column("tags", sa.String(200), nullable=True),
        sa.Column("is_top500", sa.Boolean(), nullable=False),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("problems_solved", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.UniqueConstraint("activity_date", "region_id", "leader", "activity_type", "enterprise", "event_name"),
    )
    op.create_index("ix_activity_date", "activity", ["activity_date", "region_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_date", "activity")
    op.drop_table("activity")
    op.drop_column("project", "signed_event")
