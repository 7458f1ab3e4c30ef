"""indexes for the 项目库 list: its two usual orders and (PostgreSQL) substring search

The list pages by LIMIT/OFFSET in the order the user picks, empty values last; without an index on
that order every page sorts the whole table (EXPLAIN: Seq Scan + Sort on PostgreSQL, a temp B-tree
on SQLite). The usual order, newest signed first, gets one on both engines: SQLite sorts NULLs last
in a descending scan of a plain index (and rejects NULLS LAST in an index), PostgreSQL needs it
declared DESC NULLS LAST. The SQLite one also carries the amount, so the totals of the
signed-in-window filter are read from the index alone. PostgreSQL also gets one for largest amount
first; on SQLite, whose planner has no histograms, an amount index would be taken for every
minimum-amount filter and make those slower than the scan it saves.

A search by name, enterprise or code is a substring match that no B-tree can serve; on PostgreSQL
trigram GIN indexes (pg_trgm, a trusted extension) turn the scan of every row into an index lookup
for texts of three or more characters. Where the extension cannot be installed (no privilege) the
search still works, by scanning.

Revision ID: 0003
Revises: 0002
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TRIGRAM_COLUMNS = ('name', 'investor', 'code')
log = logging.getLogger(__name__)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.create_index('ix_project_list_sign', 'project', ['sign_date', 'id', 'contract_amount'])
        return
    op.execute('CREATE INDEX ix_project_list_sign ON project (sign_date DESC NULLS LAST, id DESC)')
    op.execute('CREATE INDEX ix_project_list_amount ON project (contract_amount DESC NULLS LAST, id DESC)')
    schema = _trigram_schema()
    if schema is None:
        log.warning('pg_trgm is not available: the project search will scan instead of using an index')
        return
    quote = op.get_bind().dialect.identifier_preparer.quote
    for column in TRIGRAM_COLUMNS:
        op.execute(f'CREATE INDEX ix_project_{column}_trgm ON project USING gin ({column} {quote(schema)}.gin_trgm_ops)')


def _trigram_schema() -> str | None:
    """The schema holding pg_trgm, installing it into ``public`` when missing (a database has one copy,
    shared by every schema); None when it cannot be installed."""
    conn = op.get_bind()
    find = ("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")
    schema = conn.exec_driver_sql(find).scalar()
    if schema is None:
        try:
            with conn.begin_nested():
                conn.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')
        except DBAPIError:  # no privilege, not installed on the server, or created meanwhile by another process
            pass
        schema = conn.exec_driver_sql(find).scalar()
    return schema


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for column in TRIGRAM_COLUMNS:
            op.execute(f'DROP INDEX IF EXISTS ix_project_{column}_trgm')
        op.drop_index('ix_project_list_amount', table_name='project')
    op.drop_index('ix_project_list_sign', table_name='project')
