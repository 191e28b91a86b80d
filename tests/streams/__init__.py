"""Tests over every stream the tap discovers (a new stream is covered without new tests).

Imported by: pytest only.
"""
