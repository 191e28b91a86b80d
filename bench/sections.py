"""The benchmark sections `make bench` runs, in order, and BENCH_SECTIONS parsing.

A section is a module ``bench/<name>.py`` with ``measure(size) -> dict`` (the shape is
``$defs/section_result`` in ``bench/results.schema.json``).
"""

from __future__ import annotations

SECTIONS: tuple[str, ...] = (
    "tap_extraction",  # our tap: full sync, requests vs minimum, completeness
    "tap_clickup",  # AutoIDM's tap-clickup on the same workspace
    "airbyte_extraction",  # Airbyte's source-clickup-api through PyAirbyte
    "incremental_extraction",  # requests after N changed tasks, ours and tap-clickup
    "target_load",  # target-extras vs meltanolabs-target-postgres
    "dbt_incremental",  # dbt full refresh vs incremental at 1M field-history rows
    "webhook_receiver_load",  # the signed webhook receiver
    "parallel_workspaces",  # two workspaces extracted in parallel
    "rate_limit_sharing",  # our tap beside a second client of the token, among spurious 429s
)


class SectionError(ValueError):
    """BENCH_SECTIONS names a section that does not exist."""


def select(value: str | None) -> list[str]:
    """The sections of a comma list (empty or unset: all of them), in run order."""
    if not value or not value.strip():
        return list(SECTIONS)
    wanted = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        raise SectionError(
            f"unknown benchmark section(s) {', '.join(unknown)} in BENCH_SECTIONS: "
            f"choose from {', '.join(SECTIONS)}"
        )
    return [name for name in SECTIONS if name in wanted]
