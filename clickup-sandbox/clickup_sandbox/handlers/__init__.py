"""Handlers of the ClickUp API v2 routes, one module per domain; ``routes.py`` wires them up.

Imported by: `routes.py` only. Handlers import the sandbox's `state`, `model` and `faults`.
"""
