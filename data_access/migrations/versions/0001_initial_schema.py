"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('annual_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=30), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'region_id', 'indicator')
    )
    op.create_table('chain_alias',
    sa.Column('alias', sa.String(length=50), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alias')
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=50), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('monthly_fact',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('is_manufacturing', sa.Boolean(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('signed_count', sa.Integer(), nullable=False),
    sa.Column('signed_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('started_count', sa.Integer(), nullable=False),
    sa.Column('production_count', sa.Integer(), nullable=False),
    sa.Column('top500_projects', sa.Integer(), nullable=False),
    sa.Column('over10_count', sa.Integer(), nullable=False),
    sa.Column('over10_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('over5_count', sa.Integer(), nullable=False),
    sa.Column('over5_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('resident_signed_count', sa.Integer(), nullable=False),
    sa.Column('resident_signed_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('funds_in_place', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('region_id', 'chain_id', 'is_manufacturing', 'year', 'month')
    )
    with op.batch_alter_table('monthly_fact', schema=None) as batch_op:
        batch_op.create_index('ix_fact_period', ['year', 'month'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('investor', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('is_manufacturing', sa.Boolean(), nullable=False),
    sa.Column('is_top500', sa.Boolean(), nullable=False),
    sa.Column('is_little_giant', sa.Boolean(), nullable=False),
    sa.Column('tags', sa.String(length=200), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('sign_date', sa.Date(), nullable=True),
    sa.Column('contract_amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('production_date', sa.Date(), nullable=True),
    sa.Column('planned_production_date', sa.Date(), nullable=True),
    sa.Column('leader', sa.String(length=50), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['chain_id'], ['chain.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_investor', ['investor', 'sign_date'], unique=False)
        batch_op.create_index('ix_project_little_giant', ['is_little_giant', 'investor', 'sign_date'], unique=False)
        batch_op.create_index('ix_project_production', ['production_date'], unique=False)
        batch_op.create_index('ix_project_region', ['region_id', 'sign_date'], unique=False)
        batch_op.create_index('ix_project_sign', ['sign_date', 'region_id'], unique=False)
        batch_op.create_index('ix_project_top500', ['is_top500', 'investor', 'sign_date'], unique=False)

    op.create_table('region_alias',
    sa.Column('alias', sa.String(length=50), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alias')
    )
    op.create_table('resident_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=80), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('contacted', sa.Integer(), nullable=False),
    sa.Column('visited', sa.Integer(), nullable=False),
    sa.Column('intended_count', sa.Integer(), nullable=False),
    sa.Column('intended_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team', 'year', 'month')
    )
    op.create_table('user_region',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_id')
    )
    op.create_table('batch_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_key', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('batch_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_change_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_batch_change_key', ['table_name', 'row_key'], unique=False)

    op.create_table('enterprise_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise', sa.String(length=200), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('funds',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'year', 'month')
    )
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.create_index('ix_funds_period', ['year', 'month'], unique=False)

    op.create_table('import_file',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id')
    )
    op.create_table('stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_change_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_change_project_id'))

    op.drop_table('stage_change')
    op.drop_table('import_file')
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_index('ix_funds_period')

    op.drop_table('funds')
    op.drop_table('enterprise_problem')
    with op.batch_alter_table('batch_change', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_change_key')
        batch_op.drop_index(batch_op.f('ix_batch_change_batch_id'))

    op.drop_table('batch_change')
    op.drop_table('user_region')
    op.drop_table('resident_activity')
    op.drop_table('region_alias')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_top500')
        batch_op.drop_index('ix_project_sign')
        batch_op.drop_index('ix_project_region')
        batch_op.drop_index('ix_project_production')
        batch_op.drop_index('ix_project_little_giant')
        batch_op.drop_index('ix_project_investor')

    op.drop_table('project')
    with op.batch_alter_table('monthly_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_fact_period')

    op.drop_table('monthly_fact')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_file_sha256'))

    op.drop_table('import_batch')
    op.drop_table('chain_alias')
    op.drop_table('annual_target')
    op.drop_table('tag')
    op.drop_table('region')
    op.drop_table('meta')
    op.drop_table('chain')
    op.drop_table('app_user')
