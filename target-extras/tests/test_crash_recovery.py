"""A load killed with SIGKILL mid-stream, then resumed from its last state, ends exactly right."""

from __future__ import annotations

import json
import random
import subprocess
import typing as t

from extras_testkit import TARGET_ENV, singer_lines

if t.TYPE_CHECKING:
    from pathlib import Path

    from extras_testkit import Landing

SCHEMA = {
    "type": "SCHEMA",
    "stream": "items",
    "key_properties": ["id"],
    "schema": {
        "properties": {
            "id": {"type": "string"},
            "status": {"type": ["null", "string"]},
            "amount": {"type": ["null", "number"]},
        }
    },
}
KEYS = 2_000
RECORDS = 16_000
STATE_EVERY = 400


def _input() -> list[dict]:
    """Several versions per key (changes, repeats, reverts), a STATE every STATE_EVERY records."""
    rng = random.Random(4)
    messages: list[dict] = [SCHEMA]
    for n in range(1, RECORDS + 1):
        record = {
            "id": f"k{rng.randrange(KEYS)}",
            "status": rng.choice(["open", "open", "done", None]),
            "amount": rng.choice([1, 1.5, 2]),
        }
        at = f"2026-05-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00"
        messages.append(
            {"type": "RECORD", "stream": "items", "record": record, "time_extracted": at}
        )
        if n % STATE_EVERY == 0:
            messages.append({"type": "STATE", "value": {"bookmarks": {"items": {"n": n}}}})
    return messages


def _ground_truth(messages: list[dict]) -> dict[str, list[tuple]]:
    """Per key, the change-only history a record-by-record load must keep."""
    history: dict[str, list[tuple]] = {}
    for message in messages:
        if message["type"] != "RECORD":
            continue
        record = message["record"]
        amount = record["amount"]
        version = (record["status"], str(int(amount) if amount == int(amount) else amount))
        versions = history.setdefault(record["id"], [])
        if not versions or versions[-1][:2] != version:
            versions.append((*version, message["time_extracted"]))
    return history


def _loaded(landing: Landing) -> dict[str, list[tuple]]:
    rows = landing.query(
        "select id, status, amount::text, "
        "to_char(_extras_extracted_at at time zone 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\') '
        "from {s}.items order by _extras_row_id"
    )
    history: dict[str, list[tuple]] = {}
    for key, status, amount, at in rows:
        history.setdefault(key, []).append((status, amount, at))
    return history


def _kill_after_states(landing: Landing, input_path: Path, states: int) -> list[dict]:
    """Start the target on the input, SIGKILL it once ``states`` STATE lines came out."""
    command = landing.command(state_flush_interval_seconds=0, batch_size_rows=300)
    with input_path.open("rb") as stdin:
        proc = subprocess.Popen(
            command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=TARGET_ENV
        )
        assert proc.stdout is not None
        emitted = []
        try:
            while len(emitted) < states:
                line = proc.stdout.readline()
                assert line, "the target ended before it was killed"
                emitted.append(json.loads(line))
            proc.kill()  # SIGKILL: no cleanup, no final drain
        finally:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -9
    return emitted


def test_sigkill_mid_stream_then_resume_from_last_state(landing: Landing, tmp_path: Path) -> None:
    """Resume from the last emitted state: the table holds exactly the ground truth."""
    messages = _input()
    input_path = tmp_path / "input.singer"
    input_path.write_text(singer_lines(messages))

    emitted = _kill_after_states(landing, input_path, states=8)
    last_state = emitted[-1]
    committed = landing.query("select count(*) from {s}.items")[0][0]
    assert 0 < committed < RECORDS  # killed mid-stream, with some batches committed
    assert landing.query("select status from {s}._extras_runs") == [("running",)]
    assert landing.query("select last_state from {s}._extras_runs") == [(last_state,)]

    # A tap resumes from the last state it received: the records after that STATE message.
    resume_at = next(
        i for i, m in enumerate(messages) if m["type"] == "STATE" and m["value"] == last_state
    )
    rest = [SCHEMA, *messages[resume_at + 1 :]]
    run = landing.run(rest, batch_size_rows=700)
    assert run.returncode == 0, run.stderr

    truth = _ground_truth(messages)
    assert _loaded(landing) == truth
    assert landing.query("select count(*) from {s}.items")[0][0] == sum(map(len, truth.values()))

    # The whole input once more (a rerun without state) changes nothing.
    again = landing.run(messages)
    assert again.returncode == 0, again.stderr
    assert _loaded(landing) == truth
