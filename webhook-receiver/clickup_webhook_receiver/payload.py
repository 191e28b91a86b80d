"""What a delivery body says: parse the JSON and pull out the ids worth a column.

The row keeps the raw bytes exactly as signed and the whole body as jsonb; these columns only
make the common filters and the dedup key cheap. What PostgreSQL cannot store (NUL, lone
surrogates, bytes that are not UTF-8) is repaired in the parsed copy (:mod:`.repair`) and
counted in ``repaired``.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from dataclasses import dataclass

from clickup_webhook_receiver.repair import Repairs, may_need_repair

RESOURCE_IDS = ("task_id", "list_id", "folder_id", "space_id", "goal_id", "key_result_id")


class PayloadError(ValueError):
    """The body is not a JSON object (answered with 400)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """The parsed parts of one delivery."""

    text: str
    body: dict[str, t.Any]
    body_sha256: str
    webhook_id: str | None
    event: str | None
    resource_ids: dict[str, str | None]
    history_item_ids: list[str]
    #: Characters removed or replaced so that the parsed copy can be stored (0: none).
    repaired: int = 0


def _reject_constant(name: str) -> t.NoReturn:
    raise PayloadError(f"body is not valid JSON ({name} is not JSON)")


def _as_id(value: t.Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def parse(raw: bytes) -> Delivery:
    """Parse a delivery body, repairing what PostgreSQL could not store.

    Raises:
        PayloadError: If the body is not JSON holding an object.
    """
    repairs = Repairs()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        repairs.count += text.count("\ufffd") - raw.count("\ufffd".encode())
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"body is not valid JSON ({exc.msg} at char {exc.pos})") from None
    except RecursionError:
        raise PayloadError("body is nested too deeply") from None
    if not isinstance(body, dict):
        raise PayloadError(f"body must be a JSON object, not {type(body).__name__}")
    if may_need_repair(text):
        body = repairs.value(body)
    items = body.get("history_items")
    history_ids = []
    if isinstance(items, list):
        for item in items:
            item_id = _as_id(item.get("id")) if isinstance(item, dict) else None
            if item_id is not None:
                history_ids.append(item_id)
    event = body.get("event")
    return Delivery(
        text=text,
        body=body,
        body_sha256=hashlib.sha256(raw).hexdigest(),
        webhook_id=_as_id(body.get("webhook_id")),
        event=event if isinstance(event, str) else None,
        resource_ids={name: _as_id(body.get(name)) for name in RESOURCE_IDS},
        history_item_ids=history_ids,
        repaired=repairs.count,
    )
