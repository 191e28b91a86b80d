"""Bad input: one clear line, exit 1, never a traceback, a half-loaded batch or a leaked secret."""

from __future__ import annotations

import typing as t

import pytest
from extras_testkit import record, schema_msg, singer_lines, state

if t.TYPE_CHECKING:
    from extras_testkit import Landing, TargetRun


def _one_error_line(run: TargetRun) -> str:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("target-extras: error:")]
    assert len(errors) == 1, run.stderr
    return errors[0]


def test_record_breaking_its_schema_stops_before_its_batch_is_stored(landing: Landing) -> None:
    """Committed batches stay with their states; the failing batch leaves nothing behind."""
    messages: list[dict] = [schema_msg()]
    for n in range(1, 251):
        bad = n == 230
        messages.append(record(id=str(n), orderindex="not a number" if bad else n))
        if n % 100 == 0:
            messages.append(state(n))
    run = landing.run(messages, batch_size_rows=100, state_flush_interval_seconds=0)
    error = _one_error_line(run)
    assert error.startswith("target-extras: error: input line 233: stream 'tasks': a record")
    assert "'orderindex'" in error
    assert '"not a number" is not of types' in error
    assert run.states == [state(100)["value"], state(200)["value"]]
    assert landing.query("select count(*), max(orderindex) from {s}.tasks") == [(200, 200)]
    assert landing.query(
        "select status, last_state, error like %s from {s}._extras_runs", ("%orderindex%",)
    ) == [("failed", state(200)["value"], True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            singer_lines([schema_msg(), record("comments", id="1")]),
            "input line 2: A record for stream 'comments' was encountered before a "
            "corresponding schema.",
        ),
        (
            singer_lines([schema_msg()]) + '{"type": "RECORD", "stream": "tasks", "rec\n',
            "input line 2 is not valid JSON",
        ),
        (
            singer_lines([schema_msg(), {"type": "RECORDS", "stream": "tasks"}]),
            "input line 2: unknown or missing message type 'RECORDS'",
        ),
        (
            singer_lines([schema_msg(), {"type": "RECORD", "stream": "tasks", "record": {}}]),
            "input line 2: Record is missing one or more key_properties.",
        ),
        (
            singer_lines([schema_msg(), record(id="1", date_updated="yesterday")]),
            "input line 2: stream 'tasks', property 'date_updated': 'yesterday' is not an "
            "ISO-8601 date-time.",
        ),
    ],
    ids=["unknown-stream", "broken-json", "unknown-type", "missing-key", "bad-date-time"],
)
def test_input_errors_are_one_line(landing: Landing, text: str, expected: str) -> None:
    """Each input problem names the line and what is wrong."""
    error = _one_error_line(landing.run(text))
    assert expected in error, error


def test_type_breaking_value_without_validation_is_still_clear(landing: Landing) -> None:
    """validate_records off: a value its column cannot take is refused by name, not by a crash."""
    run = landing.run([schema_msg(), record(id="1", archived="yes")], validate_records=False)
    error = _one_error_line(run)
    assert "stream 'tasks', property 'archived': 'yes' is not a boolean." in error
    assert landing.query("select count(*) from {s}.tasks") == [(0,)]


def test_value_postgresql_rejects_is_one_line_and_stores_nothing(landing: Landing) -> None:
    """A number beyond numeric's range passes the JSON schema; PostgreSQL's refusal is clear."""
    text = singer_lines([schema_msg(), record(id="1", points=1), record(id="2", points="<huge>")])
    run = landing.run(text.replace('"<huge>"', "1e200000"))
    error = _one_error_line(run)
    assert "stream 'tasks': PostgreSQL rejected a value of the batch" in error
    assert "nothing of this batch of 2 records was stored" in error
    assert landing.query("select count(*) from {s}.tasks") == [(0,)]


def test_nul_characters_are_repaired_and_counted(landing: Landing) -> None:
    """\\u0000 in values and keys is removed, counted in the log and the run log; data kept."""
    messages = [
        schema_msg(),
        record(id="1", name="a\u0000b", type_config={"k\u0000": ["x\u0000"]}),
        record(id="2", name=r"literal \u0000 text"),
    ]
    run = landing.run(messages)
    assert run.returncode == 0, run.stderr
    assert "removed 3 NUL characters" in run.stderr
    assert landing.query("select name, type_config from {s}.tasks order by id") == [
        ("ab", {"k": ["x"]}),
        (r"literal \u0000 text", None),
    ]
    assert landing.query(
        "select streams->'tasks'->'nul_characters_removed' from {s}._extras_runs"
    ) == [(3,)]


def test_password_never_appears_in_output(landing: Landing) -> None:
    """Neither a successful run nor a failing one prints the database password."""
    secret = "Sup3r-Secret-pw"
    url = landing.database_url.replace("postgres:@", f"postgres:{secret}@", 1)
    assert secret in url  # the test database trusts local connections, so any password works
    good = landing.run([schema_msg(), record(id="1"), state(1)], database_url=url)
    assert good.returncode == 0, good.stderr
    bad = landing.run([schema_msg(), record(id="1", orderindex="x")], database_url=url)
    assert bad.returncode == 1
    down = landing.run(
        [schema_msg()], database_url=f"postgresql://u:{secret}@/db?host=/nonexistent"
    )
    assert down.returncode == 1
    for run in (good, bad, down):
        assert secret not in run.stdout + run.stderr
    assert landing.query(
        "select count(*) from {s}._extras_runs where error like %s", (f"%{secret}%",)
    ) == [(0,)]
