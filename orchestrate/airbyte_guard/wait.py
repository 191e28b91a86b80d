"""The waiting loop: look until Airbyte is idle, or give up at the bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from orchestrate.airbyte_guard.api import AirbyteApiError, running_jobs
from orchestrate.airbyte_guard.probes import look
from orchestrate.airbyte_guard.settings import GuardSettings


class AirbyteBusyError(RuntimeError):
    """Airbyte was still mid-sync when the bound ran out (the message says why and what to do)."""


@dataclass
class Verdict:
    """How the wait ended."""

    idle: bool
    waited_seconds: float
    checks: int
    reasons: list[str]


def check(
    settings: GuardSettings, previous_counter: tuple[int, int] | None = None
) -> tuple[list[str], tuple[int, int] | None]:
    """The reasons to think Airbyte is mid-sync right now (empty: idle), and the write counter."""
    reasons: list[str] = []
    counter = previous_counter
    try:
        activity = look(
            settings.database_url, settings.schemas, settings.quiet_seconds, previous_counter
        )
        reasons.extend(activity.reasons)
        counter = activity.write_counter
    except psycopg.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        reasons.append(f"database not reachable ({first})")
    if settings.api_configured:
        try:
            reasons.extend(running_jobs(settings))
        except AirbyteApiError as error:
            reasons.append(str(error))
    return reasons, counter


def wait_until_idle(
    settings: GuardSettings,
    *,
    report: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> Verdict:
    """Look every ``poll_seconds`` until a look finds nothing; raise past ``timeout_seconds``.

    With ``on_timeout = proceed`` the bound ends the wait with a warning instead of an error.
    """
    started = time.monotonic()
    counter: tuple[int, int] | None = None
    checks = 0
    while True:
        reasons, counter = check(settings, counter)
        checks += 1
        waited = time.monotonic() - started
        if not reasons:
            report(
                f"airbyte-guard: Airbyte is idle ({', '.join(settings.schemas)}"
                f"{' and its API' if settings.api_configured else ''}); waited {waited:.0f} s, "
                "proceeding"
            )
            return Verdict(True, waited, checks, [])
        if waited >= settings.timeout_seconds:
            message = (
                f"Airbyte still looks mid-sync after {waited:.0f} s (bound "
                f"AIRBYTE_GUARD_TIMEOUT_SECONDS={settings.timeout_seconds:.0f}): "
                f"{'; '.join(reasons[:3])}. Let the sync finish and rerun, or raise the bound."
            )
            if settings.on_timeout == "proceed":
                report(f"airbyte-guard: warning: {message} Proceeding (on_timeout=proceed).")
                return Verdict(False, waited, checks, reasons)
            raise AirbyteBusyError(message)
        report(
            f"airbyte-guard: waiting ({waited:.0f}/{settings.timeout_seconds:.0f} s): "
            f"{'; '.join(reasons[:3])}"
        )
        sleep(
            min(settings.poll_seconds, max(0.0, settings.timeout_seconds - waited))
            or settings.poll_seconds
        )
