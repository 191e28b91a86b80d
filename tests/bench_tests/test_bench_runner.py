"""The benchmark runner: sections that pass, fail, return bad JSON or are missing; outputs.

Real section modules are written into a temporary folder added to ``bench``'s package
path, so the runner imports and runs them as it would the real ones (which need minutes).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import bench
from bench import __main__ as runner
from bench import readme, report_schema, sections
from bench.report_table import report_markdown, report_text
from bench.sections import SECTIONS, SectionError, select

REPO_ROOT = Path(__file__).resolve().parents[2]

GOOD = """
def measure(size):
    return {
        "section": "fake_ok", "title": "Fake: two systems", "parameters": {"size": size, "n": 3},
        "results": [
            {"system": "ours (ours)", "figures": {"wall_time_s": 1.5, "rows_per_s": 2000,
             "tasks_found_count": 9, "tasks_expected_count": 10, "tasks_pct": 90.0}},
            {"system": "theirs", "figures": {"wall_time_s": 3.0, "rows_per_s": 1000}},
        ],
        "headline": {"speedup_ratio": 2.0},
    }
"""
BROKEN = """
def measure(size):
    raise RuntimeError("the database went away\\nsecond line with the detail")
"""
BAD_SHAPE = """
def measure(size):
    return {"section": "fake_bad", "title": "t", "parameters": {}, "headline": {},
            "results": [{"system": "x", "figures": {"wall_time": 1.0}}]}
"""


@pytest.fixture
def fake_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sections"
    folder.mkdir()
    for name, body in {"fake_ok": GOOD, "fake_broken": BROKEN, "fake_bad": BAD_SHAPE}.items():
        (folder / f"{name}.py").write_text(body)
    monkeypatch.setattr(bench, "__path__", [*bench.__path__, str(folder)])
    return folder


def test_a_failing_or_missing_section_is_recorded_and_the_run_goes_on(
    fake_sections: Path, tmp_path: Path
) -> None:
    report = runner.run_all("small", ["fake_broken", "fake_missing", "fake_bad", "fake_ok"])

    by_module = {s["module"]: s for s in report["sections"]}
    assert [s["module"] for s in report["sections"]] == [
        "fake_broken", "fake_missing", "fake_bad", "fake_ok",
    ]  # fmt: skip
    assert by_module["fake_broken"]["status"] == "failed"
    assert by_module["fake_broken"]["error"] == (
        "RuntimeError: the database went away … second line with the detail"
    )
    assert by_module["fake_missing"] == {
        "module": "fake_missing",
        "status": "missing",
        "error": "section module bench/fake_missing.py not found",
        "wall_time_s": by_module["fake_missing"]["wall_time_s"],
    }
    assert by_module["fake_bad"]["status"] == "failed"
    assert "wall_time" in by_module["fake_bad"]["error"]
    assert by_module["fake_ok"]["status"] == "ok"
    assert by_module["fake_ok"]["results"][0]["figures"]["rows_per_s"] == 2000
    assert report["summary"] == {"ok_count": 1, "failed_count": 2, "missing_count": 1}
    assert report_schema.report_error(report) is None

    latest, chart = runner.write_outputs(report, tmp_path / "results")
    assert json.loads(latest.read_text()) == report
    assert chart is not None and chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list((tmp_path / "results" / "history").glob("small-*.json"))) == 1

    text = report_text(report)
    assert "== fake_missing: MISSING: section module bench/fake_missing.py not found" in text
    assert "9 / 10 (90 %)" in text
    assert "== small run: 1 ok, 2 failed, 1 missing" in text


def test_the_command_exits_1_when_a_section_fails_and_still_writes_everything(
    fake_sections: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sections, "SECTIONS", ("fake_ok", "fake_broken"))
    out = tmp_path / "out"

    code = runner.main(["--size", "small", "--output-dir", str(out)])

    assert code == 1
    report = json.loads((out / "latest.json").read_text())
    assert [s["status"] for s in report["sections"]] == ["ok", "failed"]
    assert (out / "latest.png").stat().st_size > 10_000
    printed = capsys.readouterr()
    assert "== Fake: two systems" in printed.out
    assert "bench: == fake_broken: FAILED: RuntimeError: the database went away" in printed.err


def test_everything_ok_exits_0(
    fake_sections: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "SECTIONS", ("fake_ok",))
    assert runner.main(["--size", "small", "--output-dir", str(tmp_path)]) == 0


def test_schema_rejects_a_figure_without_a_unit() -> None:
    section = {
        "section": "x", "title": "x", "parameters": {}, "headline": {},
        "results": [{"system": "a", "figures": {"throughput": 3}}],
    }  # fmt: skip
    problem = report_schema.section_error(section)
    assert problem is not None and "throughput" in problem
    section["results"][0]["figures"] = {"throughput_per_s": 3}
    assert report_schema.section_error(section) is None


def test_select_keeps_run_order_and_names_unknown_sections() -> None:
    assert select(None) == list(SECTIONS)
    assert select(" target_load , tap_extraction ") == ["tap_extraction", "target_load"]
    with pytest.raises(SectionError, match=r"unknown benchmark section.*nope"):
        select("tap_extraction,nope")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"BENCH_SIZE": "huge"},
            "bench: error: unknown benchmark size 'huge': use one of small, medium, large",
        ),
        (
            {"BENCH_SECTIONS": "tap_extraction,dbt"},
            "bench: error: unknown benchmark section(s) dbt",
        ),
    ],
)
def test_bad_settings_stop_at_once_with_one_line(env: dict[str, str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=REPO_ROOT, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", **env}, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(message)


def test_readme_block_is_replaced_between_the_markers(fake_sections: Path, tmp_path: Path) -> None:
    report = runner.run_all("medium", ["fake_ok", "fake_missing"])
    page = tmp_path / "README.md"
    page.write_text(f"# Title\n\n{readme.BEGIN}\nold table\n{readme.END}\n\nAfter.\n")

    readme.render(report, page)
    readme.render(report, page)  # idempotent

    text = page.read_text()
    assert text.startswith("# Title\n\n" + readme.BEGIN) and text.endswith(
        readme.END + "\n\nAfter.\n"
    )
    assert "old table" not in text and text.count(readme.BEGIN) == 1
    assert "| | ours (ours) | theirs |" in text
    assert "| wall time (s) | 1.5 | 3 |" in text
    assert "**fake_missing**: missing" in report_markdown(report)


FAILED_SYSTEM = """
def measure(size):
    return {
        "section": "fake_gave_up", "title": "Fake: a system that gave up", "parameters": {},
        "results": [
            {"system": "ours (ours)", "figures": {"requests_count": 10}},
            {"system": "theirs", "status": "failed", "error": "gave up after 31 s of 429s",
             "figures": {"requests_count": 4}, "notes": ["backs off for 31 s at most"],
             "details": {"requests_by_endpoint": {"GET /team": 1}}},
        ],
        "headline": {"requests_count": 10},
        "notes": ["same workspace for both"],
    }
"""


def test_a_failed_system_is_a_measured_outcome_with_its_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sections"
    folder.mkdir()
    (folder / "fake_gave_up.py").write_text(FAILED_SYSTEM)
    monkeypatch.setattr(bench, "__path__", [*bench.__path__, str(folder)])

    report = runner.run_all("small", ["fake_gave_up"])

    section = report["sections"][0]
    assert section["status"] == "ok" and report_schema.report_error(report) is None
    assert section["results"][1]["details"] == {"requests_by_endpoint": {"GET /team": 1}}
    text = report_text(report)
    assert "theirs [failed]" in text
    assert "theirs: FAILED: gave up after 31 s of 429s" in text
    assert "note: same workspace for both" in text
    assert "note (theirs): backs off for 31 s at most" in text
    assert "- theirs: FAILED: gave up after 31 s of 429s" in report_markdown(report)
    _, chart = runner.write_outputs(report, tmp_path / "results")
    assert chart is not None and chart.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"by_endpoint": {}}, "'by_endpoint' was unexpected"),  # keys beyond the schema's
        ({"notes": "one string"}, "notes"),
    ],
)
def test_schema_rejects_undocumented_section_keys(change: dict, where: str) -> None:
    section = {
        "section": "x", "title": "x", "parameters": {}, "headline": {},
        "results": [{"system": "a", "figures": {"requests_count": 3}}],
    }  # fmt: skip
    problem = report_schema.section_error({**section, **change})
    assert problem is not None and where in problem


def test_schema_ties_a_result_error_to_status_failed() -> None:
    result = {"system": "a", "figures": {}, "status": "failed"}
    section = {"section": "x", "title": "x", "parameters": {}, "headline": {}, "results": [result]}
    assert "'error' is a required property" in str(report_schema.section_error(section))
    result["error"] = "gave up"
    assert report_schema.section_error(section) is None
    result["status"] = "ok"
    assert report_schema.section_error(section) is not None  # an error on an ok result
