"""Database access: engine, sessions, the declarative base and migrations."""
