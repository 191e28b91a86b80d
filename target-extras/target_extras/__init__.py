"""target-extras: a Singer target landing change-only history tables in PostgreSQL."""

__version__ = "0.2.0"
