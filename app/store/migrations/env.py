"""Alembic environment: runs migrations on the connection `kursadmin init` hands it."""

from alembic import context

from app.store.schema import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
