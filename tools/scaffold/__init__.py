"""``make new-stream``: scaffold a ClickUp stream end to end (tap, sandbox, dbt staging).

``python -m tools.scaffold --name goals --path '/team/{team_id}/goal'`` writes a working
full-table stream that is a child of ``workspaces`` (or of ``spaces`` for ``/space/{space_id}/…``
paths): the tap module (discovered by the tap, no registration), a sandbox endpoint module
(discovered by the sandbox, data generated from the seed, shaped like ClickUp's OpenAPI example
when ``vendor/clickup-openapi/`` describes the path), and the dbt source tables, column
macro, staging models and their YAML. See CONTRIBUTING.md.

Imported by: `python -m tools.scaffold` and `tests/streams/test_scaffold_goals.py`.
"""
