"""indexes for new enterprises: find an investor's first project by index

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_project_investor', table_name='project')
    op.drop_index('ix_project_little_giant', table_name='project')
    op.drop_index('ix_project_top500', table_name='project')
    op.create_index('ix_project_top500', 'project', ['is_top500', 'investor'])
    op.create_index('ix_project_little_giant', 'project', ['is_little_giant', 'investor'])
    op.create_index('ix_project_investor_first', 'project', ['investor', 'sign_date', 'id'])


def downgrade() -> None:
    op.drop_index('ix_project_investor_first', table_name='project')
    op.drop_index('ix_project_little_giant', table_name='project')
    op.drop_index('ix_project_top500', table_name='project')
    op.create_index('ix_project_top500', 'project', ['is_top500', 'investor', 'sign_date'])
    op.create_index('ix_project_little_giant', 'project', ['is_little_giant', 'investor', 'sign_date'])
    op.create_index('ix_project_investor', 'project', ['investor', 'sign_date'])
