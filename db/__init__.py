"""The local SQLite store: SQLModel tables, engine and pragmas, Alembic migrations."""
