"""Tests of the benchmark runner (`tests/bench/`): sections, report schema, tables.

Imported by: pytest only.
"""
