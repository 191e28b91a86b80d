"""The Airbyte runner's connection handling and the installer's one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrate.airbyte import install
from orchestrate.airbyte.runner import connection_fields, sqlalchemy_url

RUNNER = Path(install.__file__).with_name("runner.py")


def test_unix_socket_url_keeps_the_socket_directory_as_host() -> None:
    fields = connection_fields("postgresql://postgres:@/postgres?host=/work/x/.pgdata")
    assert fields == {
        "host": "/work/x/.pgdata",
        "port": 5432,
        "username": "postgres",
        "password": "",
        "database": "postgres",
    }


def test_tcp_url_with_escaped_password() -> None:
    fields = connection_fields("postgresql://ana:p%40ss@db.example.com:6543/analytics")
    assert fields == {
        "host": "db.example.com",
        "port": 6543,
        "username": "ana",
        "password": "p@ss",
        "database": "analytics",
    }


def test_runner_failure_is_one_line_without_secrets(tmp_path: Path) -> None:
    request = {
        "manifest_path": str(tmp_path / "missing-manifest-pk_secret_token.yaml"),
        "base_url": "http://127.0.0.1:9/api/v2",
        "api_token": "pk_secret_token",
        "database_url": "postgresql://ana:hunter2secret@127.0.0.1:9/db",
        "result_path": str(tmp_path / "result.json"),
    }
    completed = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("airbyte-runner: error: ")
    assert "pk_secret_token" not in completed.stderr
    assert "hunter2secret" not in completed.stderr
    assert not (tmp_path / "result.json").exists()


def test_install_failure_is_one_actionable_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(install, "PYAIRBYTE_REQUIREMENT", "airbyte==0.0.0.999")
    with pytest.raises(install.AirbyteInstallError) as raised:
        install.ensure_venv(tmp_path / "home")
    message = str(raised.value)
    assert "\n" not in message
    assert "install airbyte==0.0.0.999" in message and "retry" in message
    assert not (tmp_path / "home" / "venv" / ".installed").exists()


@pytest.mark.parametrize(
    "database_url",
    [
        "postgresql://postgres:@/postgres?host=/work/x/.pgdata",
        "postgresql://ana:p%40s%2Fs%3Aw@db.example.com:6543/analytics",
    ],
)
def test_cache_url_round_trips_through_sqlalchemy(database_url: str) -> None:
    from sqlalchemy.engine import make_url

    fields = connection_fields(database_url)
    url = make_url(sqlalchemy_url(fields))
    parsed = {
        "host": url.query.get("host", url.host),
        "port": int(url.query.get("port", url.port)),
        "username": url.username,
        "password": url.password or "",
        "database": url.database,
    }
    assert parsed == fields
