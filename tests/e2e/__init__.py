"""End-to-end tests: real `meltano run` and `dbt build` against the sandbox, compared with its
ground truth (`ground_truth.py`, `marts_ground_truth.py`, `lookback_truth.py`), and the
incremental = full refresh check (`incremental_parity.py`).

Imported by: pytest, and `tests/chaos/` and `bench/` for the ground-truth helpers.
"""
