"""``python -m orchestrate.airbyte_guard wait|status`` (Meltano: ``airbyte-guard:wait``)."""

from __future__ import annotations

import argparse
import sys

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
    if args.action == "status":
        reasons, _ = check(settings)
        print("airbyte-guard: " + ("; ".join(reasons) if reasons else "Airbyte is idle"))
        return 0
    report = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        wait_until_idle(settings, report=report)
    except AirbyteBusyError as error:
        print(f"airbyte-guard: error: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
