"""county boundaries for the map (region_shape)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_shape",
        sa.Column("region_id", sa.Integer(), sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("geometry", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("region_shape")
