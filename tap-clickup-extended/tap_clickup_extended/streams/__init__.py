"""The tap's streams, one module per ClickUp domain."""
