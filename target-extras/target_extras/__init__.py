"""target-extras: a Singer target landing change-only history tables in PostgreSQL."""
