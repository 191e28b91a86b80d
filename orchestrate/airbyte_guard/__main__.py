"""``python -m orchestrate.airbyte_guard wait|status`` (Meltano: ``airbyte-guard:wait``)."""

from __future__ import annotations

import argparse
import sys

import psycopg

from orchestrate.airbyte_guard.settings import GuardSettingsError, load_settings
from orchestrate.airbyte_guard.wait import AirbyteBusyError, check, wait_until_idle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="airbyte-guard", description="Wait while Airbyte is mid-sync (bounded)."
    )
    parser.add_argument("action", choices=["wait", "status"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except GuardSettingsError as error:
        print(f"airbyte-guard: error: {error}", file=sys.stderr)
        return 2
    report = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        if args.action == "status":
            reasons, _ = check(settings)
            print("airbyte-guard: " + ("; ".join(reasons) if reasons else "Airbyte is idle"))
            return 0
        wait_until_idle(settings, report=report)
    except AirbyteBusyError as error:
        print(f"airbyte-guard: error: {error}", file=sys.stderr, flush=True)
        return 1
    except psycopg.Error as error:  # not a connection problem: permissions, a broken table
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(
            f"airbyte-guard: error: cannot read Airbyte's tables ({first}); the guard's database "
            "user needs SELECT on the tables in AIRBYTE_GUARD_SCHEMAS",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
