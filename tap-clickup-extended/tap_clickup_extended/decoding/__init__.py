"""Decoders that turn ClickUp's un-normalised payload values into typed columns."""
