"""The order streams run in, derived from what each produces and consumes of ``RunState``.

singer-sdk runs the top-level streams in the tap's order and, for each record of a parent,
its child streams in that same order, a child's whole subtree before the next sibling. So a
consumer runs after its producer when, at the level where their ancestries part, the
producer's branch comes first. ``run_order`` turns every declared ``producer -> consumer``
pair into such an edge between the two sibling branches (plus ``parent -> child``) and sorts
topologically; streams the edges leave unordered keep the order of the listing.
``execution_order`` replays singer-sdk's walk; ``violations`` checks it (tests/test_stream_order.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from tap_clickup_extended.run_state import RunState


class StreamOrderError(RuntimeError):
    """The declarations admit no order (a cycle, an unknown field, a consumer above its producer)."""


def _ancestry(stream_type: Any) -> list[Any]:
    """``[root, ..., stream_type]``."""
    chain = [stream_type]
    while chain[0].parent_stream_type is not None:
        chain.insert(0, chain[0].parent_stream_type)
    return chain


def _name(stream_type: Any) -> str:
    return str(vars(stream_type).get("name") or getattr(stream_type, "name", ""))


def dependencies(stream_types: Sequence[Any]) -> list[tuple[Any, Any, str]]:
    """``(producer, consumer, field)`` for every field a listed stream consumes."""
    known = RunState.field_names()
    pairs: list[tuple[Any, Any, str]] = []
    for stream_type in stream_types:
        for name in stream_type.produces | stream_type.consumes:
            if name not in known:
                raise StreamOrderError(f"{_name(stream_type)} declares {name!r}: no RunState field")
    for consumer in stream_types:
        for name in sorted(consumer.consumes):
            for producer in stream_types:
                if producer is not consumer and name in producer.produces:
                    pairs.append((producer, consumer, name))
    return pairs


def run_order(stream_types: Sequence[Any]) -> tuple[Any, ...]:
    """``stream_types`` sorted so that, as singer-sdk runs them, producers precede consumers."""
    rank = {stream_type: index for index, stream_type in enumerate(stream_types)}
    before: dict[Any, set[Any]] = {stream_type: set() for stream_type in stream_types}
    for stream_type in stream_types:
        parent = stream_type.parent_stream_type
        if parent is not None and parent in before:
            before[stream_type].add(parent)
    for producer, consumer, name in dependencies(stream_types):
        up, down = _ancestry(producer), _ancestry(consumer)
        if producer in down:
            continue  # a parent runs before its children anyway
        if consumer in up:
            raise StreamOrderError(
                f"{_name(consumer)} consumes {name!r}, which its descendant "
                f"{_name(producer)} produces"
            )
        depth = 0
        while up[depth] is down[depth]:
            depth += 1
        # the two sibling branches under their deepest common ancestor (or two roots)
        if up[depth] in before and down[depth] in before:
            before[down[depth]].add(up[depth])
    ordered: list[Any] = []
    waiting = sorted(stream_types, key=rank.__getitem__)
    while waiting:
        ready = next((t for t in waiting if not before[t] - set(ordered)), None)
        if ready is None:
            names = ", ".join(_name(t) for t in waiting)
            raise StreamOrderError(f"the stream declarations form a cycle among {names}")
        ordered.append(ready)
        waiting.remove(ready)
    return tuple(ordered)


def execution_order(stream_types: Sequence[Any]) -> list[Any]:
    """The order singer-sdk syncs ``stream_types`` in: roots in order, each subtree depth first."""

    def walk(stream_type: Any) -> list[Any]:
        children = [t for t in stream_types if t.parent_stream_type is stream_type]
        return [stream_type] + [s for child in children for s in walk(child)]

    roots = [t for t in stream_types if t.parent_stream_type not in stream_types]
    return [s for root in roots for s in walk(root)]


def violations(stream_types: Sequence[Any]) -> list[str]:
    """Each consumer that ``execution_order`` would run before one of its producers."""
    position = {t: i for i, t in enumerate(execution_order(stream_types))}
    return [
        f"{_name(consumer)} runs before {_name(producer)}, which produces {name!r}"
        for producer, consumer, name in dependencies(stream_types)
        if position[consumer] < position[producer]
    ]


def diagram(stream_types: Sequence[Any]) -> str:
    """The text diagram of the tap's README: streams -> ``RunState`` fields -> streams, then
    the order the streams run in (kept equal to the README by tests/test_stream_order.py)."""
    names = [f.name for f in fields(RunState)]
    producers = {n: [_name(t) for t in stream_types if n in t.produces] for n in names}
    consumers = {n: [_name(t) for t in stream_types if n in t.consumes] for n in names}
    left = {n: ", ".join(producers[n]) or "(the tap)" for n in names}
    width_left = max(len(text) for text in left.values())
    width_field = max(len(n) for n in names)
    lines = [
        "produced by".ljust(width_left + 5) + "RunState field".ljust(width_field + 5) + "read by"
    ]
    for n in names:
        readers = ", ".join(consumers[n]) or "(every stream's error messages)"
        lines.append(
            f"{left[n]} {'─' * (width_left - len(left[n]) + 2)}> "
            f"{n} {'─' * (width_field - len(n) + 2)}> {readers}"
        )
    lines += ["", "run order (children run per parent record, a child's subtree first):"]

    def walk(stream_type: Any, prefix: str, last: bool, depth: int) -> None:
        branch = "" if depth == 0 else ("└─ " if last else "├─ ")
        lines.append(prefix + branch + _name(stream_type))
        children = [t for t in stream_types if t.parent_stream_type is stream_type]
        inner = prefix + ("" if depth == 0 else ("   " if last else "│  "))
        for index, child in enumerate(children):
            walk(child, inner, index == len(children) - 1, depth + 1)

    for root in (t for t in stream_types if t.parent_stream_type not in stream_types):
        walk(root, "", True, 0)
    return "\n".join(lines)
