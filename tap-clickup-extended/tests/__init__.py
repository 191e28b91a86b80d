"""Tests of tap-clickup-extended."""
