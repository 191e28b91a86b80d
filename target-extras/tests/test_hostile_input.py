"""Hostile input: lone surrogates are repaired and counted, deep nesting and bad config are one line."""

from __future__ import annotations

import json
import subprocess
import typing as t

import pytest
from extras_testkit import TARGET_ENV, TARGET_EXE, record, schema_msg, singer_lines, state

if t.TYPE_CHECKING:
    from pathlib import Path

    from extras_testkit import Landing, TargetRun


def _one_error_line(run: TargetRun) -> str:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith("target-extras: error: "), run.stderr
    return errors[0]


def test_lone_surrogates_are_replaced_counted_and_every_row_lands(landing: Landing) -> None:
    """``\\ud800`` alone (as the tap's json.dumps writes it) lands as U+FFFD; pairs stay."""
    messages = [
        schema_msg(),
        record(id="1", name="lone \ud800", tags=["\udc00x", "ok"], type_config={"k\udbff": 1}),
        record(id="2", name="pair \U0001f600"),
        record(id="3", name=r"literal \ud800 text"),
        record(id="4", name="plain"),
        state(1),
    ]
    text = singer_lines(messages)
    assert "\\ud800" in text  # json.dumps escapes the surrogate: the line is ASCII
    run = landing.run(text)
    assert run.returncode == 0, run.stderr
    assert "replaced 3 lone UTF-16 surrogates" in run.stderr
    assert "3 lone surrogates replaced by U+FFFD" in run.stderr  # the summary line
    assert landing.query("select id, name, tags, type_config from {s}.tasks order by id") == [
        ("1", "lone \ufffd", ["\ufffdx", "ok"], {"k\ufffd": 1}),
        ("2", "pair \U0001f600", None, None),
        ("3", r"literal \ud800 text", None, None),
        ("4", "plain", None, None),
    ]
    assert landing.query(
        "select streams->'tasks'->'surrogates_replaced' from {s}._extras_runs"
    ) == [(3,)]


def test_invalid_json_next_to_a_surrogate_is_still_one_line(landing: Landing) -> None:
    """Repairing the surrogate does not hide a line that is broken for another reason."""
    text = singer_lines([schema_msg()]) + '{"type": "RECORD", "stream": "tasks", "a": "\\ud800\n'
    error = _one_error_line(landing.run(text))
    assert "input line 2 is not valid JSON" in error


@pytest.mark.parametrize("depth", [20_000, 990])
def test_deep_nesting_is_one_line_naming_the_line_and_limit(landing: Landing, depth: int) -> None:
    """A record nested 20,000 deep (or just under the decoder's limit) is one line, not a crash."""
    nested = '{"a": ' * depth + "1" + "}" * depth
    line = '{"type": "RECORD", "stream": "tasks", "record": {"id": "1", "type_config": '
    text = singer_lines([schema_msg()]) + line + nested + "}}\n"
    error = _one_error_line(landing.run(text))
    assert "input line 2: a value is nested deeper than the limit of about" in error
    assert "levels" in error


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ("", "is empty"),
        ("[1, 2]", "is a JSON array, not an object"),
    ],
    ids=["not-json", "empty", "array"],
)
def test_bad_config_file_is_one_line(tmp_path: Path, content: str, expected: str) -> None:
    """A --config file that is not a JSON object names the file and what is wrong."""
    path = tmp_path / "config.json"
    path.write_text(content)
    proc = subprocess.run(
        [str(TARGET_EXE), "--config", str(path)],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=TARGET_ENV,
    )
    error = _one_error_line(proc)  # type: ignore[arg-type]
    assert str(path) in error
    assert expected in error, error


def test_config_file_error_never_prints_its_content(tmp_path: Path) -> None:
    """A broken config file's text (which may hold the password) is not echoed."""
    path = tmp_path / "config.json"
    path.write_text('{"database_url": "postgresql://u:Sup3r-Secret@h/db",,}')
    proc = subprocess.run(
        [str(TARGET_EXE), "--config", str(path)],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=TARGET_ENV,
    )
    assert "Sup3r-Secret" not in proc.stderr + proc.stdout
    assert json.dumps("Sup3r-Secret") not in proc.stderr


@pytest.mark.parametrize(
    ("streams", "refused"),
    [
        (["items", "items__current"], "items__current"),
        (["items__current", "items"], "items__current"),
        (["_extras_runs"], "_extras_runs"),
        (["s" * 60], "s" * 60),
    ],
    ids=["view-after", "view-before", "reserved", "too-long"],
)
def test_stream_names_that_would_collide_are_one_line(
    landing: Landing, streams: list[str], refused: str
) -> None:
    """``items__current`` next to ``items`` was a DuplicateTable traceback."""
    schema = {"properties": {"id": {"type": "string"}}}
    messages: list[dict] = []
    for name in streams:
        messages += [schema_msg(name, schema=schema), record(name, id="1")]
    error = _one_error_line(landing.run(messages))
    assert f"stream '{refused}' cannot land" in error
    assert "Rename the stream" in error
    created = landing.query(
        "select count(*) from information_schema.columns c join information_schema.tables t "
        "using (table_schema, table_name) where t.table_type = 'BASE TABLE' "
        "and table_schema = %s and table_name = %s and c.column_name = 'id'",
        (landing.schema, refused),
    )
    assert created == [(0,)]  # refused before its table (or a column of ours) was created
