"""Alembic environment: runs on the connection handed over by data_access.db.upgrade()."""
from alembic import context

from data_access.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # plain `alembic` command line
    from data_access.db import make_engine
    connection = make_engine().connect()

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
