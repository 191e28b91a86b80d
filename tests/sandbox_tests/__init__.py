"""Tests of the ClickUp sandbox (clickup-sandbox).

Imported by: pytest only.
"""
