"""supersession by kind of content: import_batch_kind, batch_change.op, import_batch.notes

A batch now records the kinds of content it carries (ledger, targets, resident, problems,
activities), each current or superseded on its own, and which later upload superseded it, so that
rolling that upload back makes it current again. Existing batches get the kinds their logged rows
show (ledger when none), with the batch's status; ``superseded_by`` stays empty for them (their
superseding uploads did not log what superseding changed, so rolling those back cannot restore
them, as before).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KIND_OF_TABLE = {"project": "ledger", "funds": "ledger", "stage_change": "ledger", "annual_target": "targets",
                 "resident_activity": "resident", "enterprise_problem": "problems"}


def upgrade() -> None:
    op.add_column("batch_change", sa.Column("op", sa.String(10), nullable=False, server_default="write"))
    op.add_column("import_batch", sa.Column("notes", sa.Text(), nullable=True))
    op.create_table(
        "import_batch_kind",
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("superseded_by", sa.Integer(), sa.ForeignKey("import_batch.id"), nullable=True),
    )
    op.create_index("ix_batch_kind_status", "import_batch_kind", ["kind", "status"])
    conn = op.get_bind()
    tables = conn.execute(sa.text("SELECT DISTINCT batch_id, table_name FROM batch_change")).all()
    kinds: dict[int, set[str]] = {}
    for batch_id, table_name in tables:
        kinds.setdefault(batch_id, set()).add(KIND_OF_TABLE.get(table_name, "ledger"))
    rows = [{"b": batch_id, "k": kind, "s": status}
            for batch_id, status in conn.execute(sa.text("SELECT id, status FROM import_batch")).all()
            for kind in sorted(kinds.get(batch_id, {"ledger"}))]
    if rows:
        conn.execute(sa.text("INSERT INTO import_batch_kind (batch_id, kind, status) VALUES (:b, :k, :s)"), rows)


def downgrade() -> None:
    op.drop_index("ix_batch_kind_status", "import_batch_kind")
    op.drop_table("import_batch_kind")
    op.drop_column("import_batch", "notes")
    op.drop_column("batch_change", "op")
