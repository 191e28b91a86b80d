"""Handlers of the ClickUp API v2 routes, one module per domain; ``routes.py`` wires them up."""
