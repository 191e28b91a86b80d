"""One pseudonym for an e-mail: dbt's hash_email equals the tap's hash_email, and needs a salt.

The dbt macro is compiled by dbt (`compile --inline`) and run on a real PostgreSQL; the tap's
function (tap_clickup_extended/conversions.py) is called directly. No salt while hashing is on
stops dbt with one message saying what to set; hash_emails false needs none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
from tap_clickup_extended.conversions import hash_email

from orchestrate.pipeline import pipeline_environment
from tests.e2e.marts_scenario import dbt

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

EMAILS = [" Ann@Example.com ", "bob@example.com", "zoë@exämple.org"]
HASHED = "select {{ clickup_extras.hash_email('emails.email') }} as hashed from emails"


def compile_inline(
    environment: dict[str, str], sql: str, target: Path, *extra: str
) -> subprocess.CompletedProcess:
    return dbt(environment, "--quiet", "compile", "--inline", sql, *extra, target_path=target)


def dbt_hashes(database_url: str, environment: dict[str, str], target: Path) -> list[str | None]:
    result = compile_inline(environment, HASHED, target)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with psycopg.connect(database_url) as pg:
        pg.execute("create temporary table emails (position int, email text)")
        for position, email in enumerate(EMAILS):
            pg.execute("insert into emails values (%s, %s)", (position, email))
        query = f"select hashed from ({result.stdout}) as hashed_emails"
        return [row[0] for row in pg.execute(query).fetchall()]


def test_dbt_and_the_tap_give_one_pseudonym(database_url: str, tmp_path: Path) -> None:
    salt = "a secret salt"
    environment = pipeline_environment(database_url, extra={"CLICKUP_EMAIL_HASH_SALT": salt})
    by_dbt = dbt_hashes(database_url, environment, tmp_path / "target")
    by_tap = [hash_email(email, salt) for email in EMAILS]
    assert sorted(h for h in by_dbt if h) == sorted(h for h in by_tap if h)
    assert len(set(by_tap)) == len(EMAILS)
    # the tap's hash passes through dbt unchanged
    assert hash_email(EMAILS[0], salt) in by_dbt


def test_no_salt_stops_dbt_with_what_to_set(database_url: str, tmp_path: Path) -> None:
    environment = pipeline_environment(database_url, extra={"CLICKUP_EMAIL_HASH_SALT": ""})
    result = compile_inline(environment, HASHED, tmp_path / "target")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "email_hash_salt" in output and "CLICKUP_EMAIL_HASH_SALT" in output
    assert "hash_emails: false" in output
    assert "Traceback" not in output

    off = compile_inline(environment, HASHED, tmp_path / "off", "--vars", "{hash_emails: false}")
    assert off.returncode == 0, off.stdout[-3000:] + off.stderr[-3000:]
    assert "null::text" in off.stdout
