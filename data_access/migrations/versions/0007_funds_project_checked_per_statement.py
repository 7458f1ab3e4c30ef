"""funds → project integrity on PostgreSQL checked once per statement instead of once per row

The foreign key funds.project_id → project.id checks each inserted row with a query of its own: at
100,000 到位资金 rows that is ~0.27 s, a seventh of an upload. On PostgreSQL it is replaced by
triggers that give the same guarantees for a whole statement at once (SQLite keeps the foreign key):

- rows inserted or updated in ``funds`` must name existing projects; each project named is locked
  FOR KEY SHARE, once, as the foreign key's check locks it for each row, so a concurrent deletion
  of that project waits for this transaction, or this one for it and then fails;
- deleting projects deletes their funds rows (the foreign key's ON DELETE CASCADE);
- a project's id cannot change while funds rows name it (the foreign key's NO ACTION on update).

A violation raises SQLSTATE 23503 foreign_key_violation, as the foreign key did.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE funds DROP CONSTRAINT funds_project_id_fkey;

CREATE OR REPLACE FUNCTION funds_projects_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing integer;
BEGIN
  PERFORM 1 FROM project WHERE id IN (SELECT DISTINCT project_id FROM added) FOR KEY SHARE;
  SELECT a.project_id INTO missing FROM added a
   WHERE NOT EXISTS (SELECT 1 FROM project p WHERE p.id = a.project_id) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING MESSAGE = format(
      'insert or update on table "funds" violates its foreign key: project %s does not exist', missing);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER funds_projects_inserted AFTER INSERT ON funds REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION funds_projects_exist();
CREATE TRIGGER funds_projects_updated AFTER UPDATE ON funds REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION funds_projects_exist();

CREATE OR REPLACE FUNCTION project_funds_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM funds WHERE project_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER project_funds_deleted AFTER DELETE ON project REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION project_funds_deleted();

CREATE OR REPLACE FUNCTION project_id_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM funds WHERE project_id = OLD.id) THEN
    RAISE foreign_key_violation USING MESSAGE = format(
      'update on table "project" violates the foreign key of "funds": funds rows name project %s', OLD.id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER project_id_kept BEFORE UPDATE OF id ON project
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION project_id_kept();
"""

DOWNGRADE = """
DROP TRIGGER project_id_kept ON project;
DROP TRIGGER project_funds_deleted ON project;
DROP TRIGGER funds_projects_updated ON funds;
DROP TRIGGER funds_projects_inserted ON funds;
DROP FUNCTION project_id_kept();
DROP FUNCTION project_funds_deleted();
DROP FUNCTION funds_projects_exist();
ALTER TABLE funds ADD CONSTRAINT funds_project_id_fkey FOREIGN KEY (project_id) REFERENCES project (id)
  ON DELETE CASCADE;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DOWNGRADE)
