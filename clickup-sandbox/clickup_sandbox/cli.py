"""Command line: ``clickup-sandbox serve --port PORT [...]`` and ``clickup-sandbox spend``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time

from clickup_sandbox.config import DEFAULT_TOKEN, SandboxConfig
from clickup_sandbox.second_client import SecondClient
from clickup_sandbox.server import SandboxServer


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="clickup-sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve a generated workspace as ClickUp API v2")
    serve.add_argument("--port", type=int, required=True, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--seed", type=int, default=42)
    serve.add_argument("--tasks", type=int, default=300, help="tasks per workspace")
    serve.add_argument("--members", type=int, default=24, help="members per workspace")
    serve.add_argument("--workspaces", type=int, default=1)
    serve.add_argument("--months", type=int, default=7, help="history of tasks and time entries")
    serve.add_argument("--rate-limit", type=int, default=100, help="requests per window per token")
    serve.add_argument("--rate-window-seconds", type=float, default=60.0)
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        help=f"an extra accepted token with its own rate budget (repeatable); {DEFAULT_TOKEN} "
        "is always accepted",
    )
    serve.add_argument(
        "--no-time-in-status",
        nargs="*",
        metavar="TEAM_ID",
        help="workspaces without the Total Time in Status ClickApp (no ids: every workspace); "
        "their time-in-status requests get a 400",
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")
    spend = sub.add_parser(
        "spend", help="act as a second client (Airbyte) spending a share of a token's budget"
    )
    spend.add_argument(
        "--url", required=True, help="API base URL, e.g. http://127.0.0.1:8000/api/v2"
    )
    spend.add_argument("--per-window", type=float, required=True, help="requests per window")
    spend.add_argument("--window-seconds", type=float, default=60.0)
    spend.add_argument("--token", default=DEFAULT_TOKEN)
    hooks = serve.add_argument_group("webhook deliveries")
    hooks.add_argument("--webhook-duplicate-rate", type=float, default=0.0, help="share sent twice")
    hooks.add_argument("--webhook-reorder-rate", type=float, default=0.0, help="share reordered")
    hooks.add_argument("--webhook-timeout-seconds", type=float, default=7.0)
    hooks.add_argument(
        "--webhook-retry-delay-seconds", type=float, default=1.0, help="first retry; doubles"
    )
    return parser


def spend(args: argparse.Namespace) -> int:
    """Spend the budget until interrupted; print the counts."""
    client = SecondClient(args.url, args.token, args.per_window, args.window_seconds).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    counts = client.stop()
    print(
        f"clickup-sandbox spend: sent={counts.sent} ok={counts.ok} "
        f"throttled={counts.throttled} other={counts.other}",
        flush=True,
    )
    return 0


def _no_time_in_status(team_ids: list[str] | None) -> tuple[str, ...]:
    """``--no-time-in-status`` alone means every workspace (``"*"``)."""
    if team_ids is None:
        return ()
    return tuple(team_ids) or ("*",)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``clickup-sandbox`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "spend":
        return spend(args)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="clickup-sandbox: %(message)s",
    )
    config = SandboxConfig(
        host=args.host,
        port=args.port,
        seed=args.seed,
        tasks=args.tasks,
        members=args.members,
        workspaces=args.workspaces,
        months=args.months,
        rate_limit=args.rate_limit,
        rate_window_seconds=args.rate_window_seconds,
        tokens=tuple(dict.fromkeys([DEFAULT_TOKEN, *args.token])),
        verbose=args.verbose,
        no_time_in_status=_no_time_in_status(args.no_time_in_status),
        webhook_duplicate_rate=args.webhook_duplicate_rate,
        webhook_reorder_rate=args.webhook_reorder_rate,
        webhook_timeout_seconds=args.webhook_timeout_seconds,
        webhook_retry_delay_seconds=args.webhook_retry_delay_seconds,
    )
    started = time.perf_counter()
    server = SandboxServer(config).start()
    state = server.app.state
    print(
        f"clickup-sandbox: {len(state.tasks)} tasks, {len(state.time_entries)} time entries, "
        f"{len(state.workspaces)} workspace(s) generated in "
        f"{time.perf_counter() - started:.2f}s (seed {config.seed})",
        file=sys.stderr,
        flush=True,
    )
    print(f"clickup-sandbox ready: {server.url}", flush=True)
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    stop.wait()
    server.stop()
    print("clickup-sandbox: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
