"""Persistence: tables, migrations, the projection, the ledger and the job queue (SQLAlchemy 2)."""
