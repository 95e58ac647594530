"""Storage: SQLite via SQLModel (schema) and sqlite3 (hot path)."""
