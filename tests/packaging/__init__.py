"""Packaging tests: wheels and sdists, README settings tables = `--about`, Hub definitions =
`meltano.yml`, and the folder guides (every folder says what lives there and what may import
it; CONTRIBUTING's layout table lists every folder).

Imported by: pytest, and `python -m tests.packaging.about_tables --write` (regenerates the
READMEs' settings tables).
"""
