"""Tests of the ClickUp sandbox (tests/sandbox)."""
