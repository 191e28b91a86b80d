"""Tests of transform/ installed as a dbt package into an analyst's own dbt project.

Imported by: pytest only.
"""
