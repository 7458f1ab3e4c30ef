"""archived upload files stored uncompressed on PostgreSQL: an .xlsx is a zip already, so the
server's compression of large values only costs time (~50 ms of each 4 MB upload)

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE import_file ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE import_file ALTER COLUMN content SET STORAGE EXTENDED")
