"""``make lint``'s sqlfluff second pass renders the incremental models' ``is_incremental()`` branches.

A copy of the dbt project gets a lint error (an upper-case keyword) in a line only an
incremental build renders: the first pass (an empty database) cannot see it, the second (the
models' tables built) must.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestrate import lint_sql

pytestmark = pytest.mark.e2e

MODEL = "models/marts/webhooks/fct_webhook_events.sql"
INCREMENTAL_ONLY_LINE = "    select * from previous_events\n"


def project_copy(tmp_path: Path) -> Path:
    """The dbt project without its build output, in ``tmp_path``."""
    copy = tmp_path / "transform"
    shutil.copytree(
        lint_sql.PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"),
    )
    return copy


def test_second_pass_sees_an_error_of_an_incremental_branch_only(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    project = project_copy(tmp_path)
    model = project / MODEL
    source = model.read_text()
    # the line sits inside {%- if is_incremental() %} ... {%- endif %}
    assert source.count(INCREMENTAL_ONLY_LINE) == 1
    model.write_text(source.replace(INCREMENTAL_ONLY_LINE, "    SELECT * from previous_events\n"))

    returncode = lint_sql.main(["lint", MODEL], project_dir=project)

    output = capfd.readouterr()
    # sqlfluff reports on stdout, one "All Finished!" per pass; lint_sql's notes go to stderr
    assert "lint_sql: incremental branches of fct_webhook_events" in output.err, output.err[-3000:]
    first, second, *_ = [*output.out.split("All Finished!"), "", ""]
    assert "FAIL" not in first, first[-3000:]  # an empty database: the branch is not rendered
    assert f"== [{MODEL}] FAIL" in second, second[-3000:]
    assert "CP01" in second, second[-3000:]
    assert returncode != 0
