"""Decoders that turn ClickUp's un-normalised payload values into typed columns.

Imported by: the tap's streams (`streams/`) and tests that check the SQL decoder against it.
It imports nothing of the tap but itself (no singer-sdk), so it stays a plain library.
"""
