"""The store: SQLModel tables, opening and migrating the database, and every query (no UI, no clock)."""
