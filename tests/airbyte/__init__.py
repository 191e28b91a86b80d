"""Tests of the Airbyte side-by-side tooling (orchestrate/airbyte) and the completeness measure.

Imported by: pytest only.
"""
