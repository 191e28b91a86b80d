"""Developer tools of the repository (not shipped in any package).

Imported by: the Makefile (`make new-stream`) and `tests/streams/`. Nothing shipped imports it.
"""
