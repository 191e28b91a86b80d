"""Tests of the ClickUp sandbox (tests/sandbox).

Imported by: pytest only.
"""
