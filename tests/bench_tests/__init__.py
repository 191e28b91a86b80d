"""Tests of the benchmark runner (`bench/`): sections, report schema, tables.

Imported by: pytest only.
"""
