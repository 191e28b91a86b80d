"""ClickUp's own documented examples through the tap's and the receiver's real code.

The sandbox and the tap were written from the same reading of ClickUp, so a test of one against
the other cannot catch a misreading they share (tests/ASSUMPTIONS.md lists those readings). These
tests take ClickUp's documented examples instead, extracted from the vendored OpenAPI definitions
at test time (``documented_examples.py``), feed them through the tap's real response handling
(``validate_response`` parses the body as it does a live one, then the stream's
``parse_response`` / ``transform_record``, the decoders, the relationship reading and the
paginators) and assert what ClickUp's documentation says the example means. The webhook
signature is checked against OpenSSL's HMAC, an implementation independent of ours, applied with
the documented algorithm.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from clickup_webhook_receiver.signing import Keyring, SigningKey
from tap_clickup_extended.conversions import ms_to_iso
from tap_clickup_extended.decoding.custom_field_values import DECODERS, decode_value
from tap_clickup_extended.pagination import (
    CommentCursor,
    KeysetToken,
    ShortPagePaginator,
    UpdatedKeysetPaginator,
)
from tap_clickup_extended.relationships import task_relationships
from tap_clickup_extended.tap import TapClickUpExtended

from tests.sandbox_tests.client import Api, start
from tests.sandbox_tests.documented_examples import (
    operation_description,
    parameter_description,
    response_examples,
    schema_examples,
)
from tests.sandbox_tests.recorder import Recorder
from tests.sandbox_tests.test_webhook_delivery import register, settle

TEAM_ID = "1234"  # the workspace id of ClickUp's own GET /team example
JS_SAFE_INTEGER = 2**53


@pytest.fixture(scope="module")
def tap() -> TapClickUpExtended:
    """The tap, configured for the documented example's workspace; it sends no request here."""
    return TapClickUpExtended(
        config={"api_token": "pk_documented_examples", "team_ids": [TEAM_ID]},
        validate_config=True,
    )


def _response(body: Any, url: str = "https://api.clickup.com/api/v2/example") -> requests.Response:
    """A 200 response whose bytes are the documented example, as the tap would receive it."""
    response = requests.Response()
    response.status_code = 200
    response.url = url
    response.request = requests.Request("GET", url).prepare()
    response._content = json.dumps(body).encode()
    return response


def _records(
    tap: TapClickUpExtended, stream_name: str, body: Any, url: str | None = None, **context: Any
) -> list[dict]:
    """The stream's records for one documented response body, through its real code."""
    stream = tap.streams[stream_name]
    response = _response(body, *([url] if url else []))
    stream.validate_response(response)  # parses the bytes exactly as a live response
    rows = list(stream.parse_response(response))
    return [r for row in rows if (r := stream.post_process(row, context or None)) is not None]


def _fields_of(task: dict[str, Any]) -> Iterator[dict[str, Any]]:
    fields = task.get("custom_fields") or []
    yield from [fields] if isinstance(fields, dict) else fields


# ----- tasks (docs/clickup-api.md §3, §4) ----------------------------------------------------------


@pytest.mark.parametrize("body", response_examples("getfilteredteamtasks"))
def test_team_tasks_example_reads_as_documented(tap: TapClickUpExtended, body: Any) -> None:
    (record,) = _records(tap, "tasks", body, team_id=TEAM_ID, archived=False)
    documented = body["tasks"][0]
    assert record["id"] == documented["id"] == "av1"
    # Workspace, List, Folder and Space ids are strings in bodies (§1).
    assert record["team_id"] == "1234"
    assert (record["list_id"], record["folder_id"], record["space_id"]) == ("1", "1", "1")
    # Dates are millisecond strings (§1): the example's 1508369194377 is 2017-10-18T23:26:34.377Z.
    assert record["date_updated"] == "2017-10-18T23:26:34.377000+00:00"
    assert record["due_date"] == ms_to_iso(documented["due_date"])
    # The team endpoint's example gives priority as an integer; 1 is "urgent" (§4).
    assert documented["priority"] == 1
    assert record["priority"] == "urgent"
    # People are user objects with integer ids, tags are objects (§4).
    assert record["creator_id"] == 123
    assert record["assignee_ids"] == [123] and record["watcher_ids"] == [123]
    assert record["tags"] == ["tagged"]
    # `parent` is the immediate parent (§4): the task is av2's subtask.
    assert "parent:av2" in record["relationship_keys"]
    assert record["custom_field_ids"] == ["be43f58e-989e-4233-9f25-27584f094b74"]


@pytest.mark.parametrize("body", response_examples("getfilteredteamtasks"))
def test_parent_in_the_example_gives_both_rows(body: Any) -> None:
    rows = task_relationships(body["tasks"][0], TEAM_ID)
    kinds = {(r["task_id"], r["related_task_id"], r["kind"]) for r in rows}
    assert kinds == {("av1", "av2", "parent"), ("av2", "av1", "subtask")}


@pytest.mark.parametrize("body", response_examples("gettasks"))
def test_list_tasks_example_priority_object_and_time_spent(
    tap: TapClickUpExtended, body: Any
) -> None:
    tasks = [t for t in body["tasks"] if isinstance(t, dict)]
    stream = tap.streams["tasks"]
    by_id = {
        r["id"]: r
        for t in tasks
        if (r := stream.post_process(t, {"team_id": TEAM_ID, "archived": False}))
    }
    # The List endpoint's example gives priority as an object {id: "2", priority: "high"} (§4).
    assert by_id["9hx"]["priority"] == "high"
    assert by_id["9hz"]["priority"] is None
    # time_spent is in ms and present only for tasks with time entries (§4).
    assert by_id["9hx"]["time_spent_ms"] == 7_200_000
    assert by_id["9hz"]["time_spent_ms"] is None


def test_text_field_example_wrapped_value_is_the_text() -> None:
    fields = [
        f
        for body in response_examples("gettasks")
        for task in body["tasks"]
        for f in _fields_of(task)
        if "value" in f
    ]
    assert fields, "gettasks documents a custom-field value"
    for field in fields:
        assert field["type"] == "text"
        columns = decode_value(field)
        assert columns["has_value"] is True
        assert columns["value_text"] == "This is a string of text added to a Custom Field."


def test_list_tasks_example_custom_fields_object_keeps_the_field(
    tap: TapClickUpExtended,
) -> None:
    # CONTRADICTION C1 (tests/ASSUMPTIONS.md): gettasks' schema example gives `custom_fields` as
    # one object, not the array its schema declares. Dropping it would lose the value silently.
    (body,) = [
        b
        for b in response_examples("gettasks")
        if isinstance(b["tasks"][0].get("custom_fields"), dict)
    ]
    stream = tap.streams["tasks"]
    record = stream.post_process(body["tasks"][0], {"team_id": TEAM_ID, "archived": False})
    assert record is not None
    assert record["custom_field_ids"] == ["0a52c486-5f05-403b-b4fd-c512ff05131c"]
    # The value reaches the values stream too (the queued payload holds the field).
    queued = stream._pending_tasks[-1]
    assert [decode_value(f)["value_text"] for f in queued["custom_fields"]] == [
        "This is a string of text added to a Custom Field."
    ]


def test_unset_field_example_has_no_value() -> None:
    # "Only set Custom Field values display in the `value` property" (the team endpoint).
    assert "Only set Custom Field values display in the `value` property" in (
        parameter_description("getfilteredteamtasks", "custom_fields")
    )
    examples = schema_examples("getfilteredteamtasks", "tasks", "items", "custom_fields", "items")
    for field in examples:
        assert "value" not in field
        columns = decode_value(field)
        assert columns["has_value"] is False
        assert all(v is None for k, v in columns.items() if k != "has_value")


def test_labels_option_example_is_named_by_its_label() -> None:
    (option,) = schema_examples(
        "getaccessiblecustomfields", "fields", "items", "type_config", "options", "items"
    )
    field = {"id": "f", "type": "labels", "type_config": {"options": [option]}}
    # The read form (an array of option ids) is unconfirmed (§4); the option's shape is ClickUp's.
    columns = decode_value({**field, "value": [option["id"]]})
    assert columns["value_option_ids"] == [option["id"]]
    assert columns["value_option_names"] == [option["label"]] == ["one"]


def test_team_tasks_paging_is_documented_as_100_from_page_0() -> None:
    from tap_clickup_extended.streams.task_streams import TasksStream

    assert "limited to 100 tasks per page" in operation_description("getfilteredteamtasks")
    assert "starts at 0" in parameter_description("getfilteredteamtasks", "page")
    assert TasksStream.page_size == 100


FIELD_EXAMPLES = (
    ("getfilteredteamtasks", ("tasks", "items", "custom_fields", "items")),
    ("getaccessiblecustomfields", ("fields", "items")),
    ("getfolderavailablefields", ("fields", "items")),
    ("getspaceavailablefields", ("fields", "items")),
    ("getteamavailablefields", ("fields", "items")),
)


def _documented_field_types() -> set[str]:
    types = {
        str(field["type"])
        for name, path in FIELD_EXAMPLES
        for field in schema_examples(name, *path)
    }
    types |= {
        str(field["type"])
        for body in response_examples("gettasks")
        for task in body["tasks"]
        for field in _fields_of(task)
    }
    return types


def test_every_documented_field_type_has_a_decoder() -> None:
    documented = _documented_field_types()
    assert documented, "the definitions document custom-field examples"
    assert documented <= set(DECODERS), f"no decoder for {sorted(documented - set(DECODERS))}"


@pytest.mark.parametrize("body", response_examples("getfilteredteamtasks"))
def test_keyset_cursor_rereads_the_newest_task_under_documented_greater_than(body: Any) -> None:
    # Documented: "date updated greater than"; observed: >= (§3). Either way nothing is skipped.
    assert "greater than" in parameter_description("getfilteredteamtasks", "date_updated_gt")
    newest = int(body["tasks"][0]["date_updated"])
    paginator = UpdatedKeysetPaginator(KeysetToken(0, 0, True), page_size=1)
    paginator.page_dates = [newest]
    token = paginator.get_next(_response(body))
    assert token is not None and token.page == 0
    assert newest > token.cursor_ms, "a strict > filter must still return the newest task"


# ----- time tracking (§6) ----------------------------------------------------------------------


@pytest.mark.parametrize("body", response_examples("gettimeentrieswithinadaterange"))
def test_time_entry_example_reads_as_documented(tap: TapClickUpExtended, body: Any) -> None:
    stream = tap.streams["time_entries"]
    response = _response(body)
    stream.validate_response(response)
    (entry,) = response.clickup_json["data"]  # type: ignore[attr-defined]
    record = stream.post_process(entry, {"team_id": TEAM_ID})
    assert record is not None
    # The id exceeds 2^53 and is kept as the exact string (§1).
    assert record["id"] == "1963465985517105840"
    assert int(record["id"]) > JS_SAFE_INTEGER
    assert record["team_id"] == "300702"  # `wid`, a string workspace id
    # start/end are numbers in one example, strings in the other: the same instant (§6).
    assert record["start"] == "2020-06-22T15:59:19.129000+00:00"
    assert record["end"] == "2020-06-22T17:11:39.021000+00:00"
    assert record["duration_ms"] == 4_339_892 and record["is_running"] is False
    assert record["task_id"] == "1vwwavv" and record["user_id"] == 1
    if "task_location" in entry:  # integers in task_location, strings in the record (§1)
        assert (record["list_id"], record["folder_id"], record["space_id"]) == (
            "1560300071",
            "468300080",
            "22800253",
        )


def test_time_entries_default_to_30_days_of_the_caller() -> None:
    text = operation_description("gettimeentrieswithinadaterange")
    assert "last 30 days created by the authenticated user" in text
    assert "you must include the `assignee` query parameter" in text


@pytest.mark.parametrize("body", response_examples("getrunningtimeentry"))
def test_running_entry_example_negative_duration_is_running(
    tap: TapClickUpExtended, body: Any
) -> None:
    assert "negative duration means that timer is currently running" in operation_description(
        "gettimeentrieswithinadaterange"
    )
    record = tap.streams["time_entries"].post_process(body["data"], {"team_id": TEAM_ID})
    assert record is not None
    assert body["data"]["duration"] < 0
    assert record["is_running"] is True
    assert record["end"] is None and record["duration_ms"] is None


@pytest.mark.parametrize("body", response_examples("getbulktaskstimeinstatus"))
def test_time_in_status_example_keyed_by_task_id(tap: TapClickUpExtended, body: Any) -> None:
    rows = _records(tap, "task_status_history", body)
    assert {r["task_id"] for r in rows} == {"27075wz", "20bbn28"}
    current = [r for r in rows if r["is_current"]]
    assert {(r["task_id"], r["status"]) for r in current} == {
        ("27075wz", "open"),
        ("20bbn28", "open"),
    }
    active = next(r for r in rows if r["task_id"] == "27075wz" and r["status"] != "open")
    assert active["total_minutes"] == 23274
    assert active["since"] == ms_to_iso("1602607941692")


# ----- comments, templates (§7) ------------------------------------------------------------------


@pytest.mark.parametrize("body", response_examples("gettaskcomments"))
def test_comment_example_and_next_page_cursor(tap: TapClickUpExtended, body: Any) -> None:
    description = operation_description("gettaskcomments")
    assert "newest to oldest" in description and "25 most recent comments" in description
    stream = tap.streams["comments"]
    response = _response(body)
    stream.validate_response(response)
    (comment,) = response.clickup_json["comments"]  # type: ignore[attr-defined]
    record = stream.post_process({**comment, "task_id": "9hz", "team_id": TEAM_ID})
    assert record is not None
    assert record["id"] == "458"  # comment ids are strings of digits (§1)
    assert record["date"] == ms_to_iso("1568036964079")
    assert record["reply_count"] == 1  # a string in the payload
    assert record["user_id"] == record["assignee_id"] == record["assigned_by_id"] == 183
    # The next page: `start` = the last comment's `date`, `start_id` = its `id` (documented).
    assert "`date` of the last comment" in parameter_description("gettaskcomments", "start")
    assert "`id` of the last comment" in parameter_description("gettaskcomments", "start_id")
    paginator = stream.get_new_paginator()
    assert paginator.has_more(response) is False  # one comment: fewer than 25
    cursor = paginator.get_next(response)
    assert cursor == CommentCursor(comment["date"], comment["id"])
    assert stream.get_url_params(None, cursor) == {"start": "1568036964079", "start_id": "458"}


@pytest.mark.parametrize("body", response_examples("gettasktemplates"))
def test_task_template_example_ends_the_paging(body: Any) -> None:
    paginator = ShortPagePaginator("templates", 100)
    assert paginator.has_more(_response(body)) is False


# ----- workspaces (§1, §8) ---------------------------------------------------------------------


@pytest.mark.parametrize("body", response_examples("getauthorizedteams"))
def test_workspace_example_string_id_integer_members(tap: TapClickUpExtended, body: Any) -> None:
    (workspace,) = _records(tap, "workspaces", body)
    assert workspace["id"] == "1234" and workspace["member_count"] == 1
    member = tap.streams["members"].post_process(
        body["teams"][0]["members"][0], {"team_id": "1234"}
    )
    assert member is not None and member["user_id"] == 123


@pytest.mark.parametrize("archived", [False, True])
@pytest.mark.parametrize("body", response_examples("getfolders"))
def test_folder_example_counts_and_archived_pass(
    tap: TapClickUpExtended, body: Any, archived: bool
) -> None:
    url = f"https://api.clickup.com/api/v2/space/789/folder?archived={str(archived).lower()}"
    records = _records(tap, "folders", body, url, team_id=TEAM_ID, space_id="789")
    assert [r["id"] for r in records] == ["457", "458"]
    for record in records:
        assert record["space_id"] == "789"
        assert record["task_count"] == 0  # "0", a string in the example
        # The example has no `archived`: the object is in the pass it was asked for (§8).
        assert record["archived"] is archived


@pytest.mark.parametrize("body", response_examples("getspaces"))
def test_space_example_string_id_and_archived_flag(tap: TapClickUpExtended, body: Any) -> None:
    url = "https://api.clickup.com/api/v2/team/1234/space?archived=true"
    records = {r["id"]: r for r in _records(tap, "spaces", body, url, team_id=TEAM_ID)}
    assert set(records) == {"790", "791"}
    assert {r["team_id"] for r in records.values()} == {TEAM_ID}
    # The payload's own `archived: false` wins over the pass that asked for archived ones;
    # the second Space has no `archived`, so it belongs to that pass.
    assert records["790"]["archived"] is False
    assert records["791"]["archived"] is True
    assert [s["status"] for s in records["790"]["statuses"]] == ["to do", "complete"]


# ----- webhooks (§9) ---------------------------------------------------------------------------


def _openssl_hmac_hex(secret: str, body: bytes) -> str:
    done = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret, "-r"],
        input=body,
        capture_output=True,
        check=True,
    )
    return done.stdout.split()[0].decode()


@pytest.mark.parametrize("body", response_examples("createwebhook"))
def test_signature_of_documented_secret_verifies(body: Any) -> None:
    secret = body["webhook"]["secret"]
    assert body["webhook"]["id"] == body["id"]
    delivery = json.dumps(
        {"event": "taskUpdated", "webhook_id": body["id"], "task_id": "av1", "history_items": []}
    ).encode()
    expected = _openssl_hmac_hex(secret, delivery)  # hex HMAC-SHA256 of the raw body (§9)
    keyring = Keyring([SigningKey("documented", secret, webhook_id=body["id"])])
    assert keyring.verify(delivery, expected) == "documented"
    assert keyring.verify(delivery + b" ", expected) is None  # the raw bytes, not the JSON


def test_sandbox_signs_deliveries_with_the_documented_algorithm() -> None:
    """The sandbox's side of the same reading: its `X-Signature`, checked by OpenSSL."""
    server = start(tasks=40, members=5)
    recorder = Recorder().start()
    try:
        api = Api(server)
        api.control("POST", "/webhooks/config", {"retry_delay_seconds": 0.05})
        hook = register(api, recorder.url)
        api.control("POST", "/mutate", {"count": 5, "seed": 3, "kinds": ["rename_task"]})
        settle(api)
        assert recorder.hits, "the sandbox delivered nothing"
        for hit in recorder.hits:
            assert hit.signature == _openssl_hmac_hex(hook["secret"], hit.body)
    finally:
        recorder.stop()
        server.stop()
