"""Crash and resume tests: no STATE covers a record whose children are not out, no run loses rows.

Imported by: pytest only.
"""
