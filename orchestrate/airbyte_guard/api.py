"""What Airbyte's API says: is a sync job pending or running on the watched connections?

Uses Airbyte's public API (``GET {api_url}/v1/jobs?status=...``) with a bearer token, either
given (``api_token``) or obtained from an application's ``client_id``/``client_secret``
(``POST {api_url}/v1/applications/token``). Secrets never appear in messages.
"""

from __future__ import annotations

from typing import Any

import requests

from orchestrate.airbyte_guard.settings import GuardSettings

ACTIVE_STATUSES = ("pending", "running", "incomplete")


class AirbyteApiError(RuntimeError):
    """Airbyte's API could not answer; the message says what to check."""


def _token(settings: GuardSettings, session: requests.Session) -> str:
    if settings.api_token:
        return settings.api_token
    if not (settings.client_id and settings.client_secret):
        return ""
    try:
        response = session.post(
            f"{settings.api_url}/v1/applications/token",
            json={
                "client_id": settings.client_id,
                "client_secret": settings.client_secret,
                "grant-type": "client_credentials",
            },
            timeout=30,
        )
    except requests.RequestException as error:
        raise AirbyteApiError(
            f"cannot reach Airbyte's API at {settings.api_url} ({type(error).__name__}); "
            "check AIRBYTE_GUARD_API_URL"
        ) from None
    if response.status_code != 200:
        raise AirbyteApiError(
            f"Airbyte's API refused the client credentials ({response.status_code}); "
            "check AIRBYTE_GUARD_CLIENT_ID and AIRBYTE_GUARD_CLIENT_SECRET"
        )
    return str(response.json().get("access_token", ""))


def _jobs(
    settings: GuardSettings, session: requests.Session, headers: dict[str, str], status: str
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"status": status, "jobType": "sync", "limit": 100}
    found: list[dict[str, Any]] = []
    for connection_id in settings.connection_ids or (None,):
        if connection_id:
            params["connectionId"] = connection_id
        try:
            response = session.get(
                f"{settings.api_url}/v1/jobs", params=params, headers=headers, timeout=30
            )
        except requests.RequestException as error:
            raise AirbyteApiError(
                f"cannot reach Airbyte's API at {settings.api_url} ({type(error).__name__}); "
                "check AIRBYTE_GUARD_API_URL"
            ) from None
        if response.status_code in (401, 403):
            raise AirbyteApiError(
                f"Airbyte's API answered {response.status_code} to GET /v1/jobs; check "
                "AIRBYTE_GUARD_API_TOKEN (or the client credentials) and its permissions"
            )
        if response.status_code != 200:
            raise AirbyteApiError(
                f"Airbyte's API answered {response.status_code} to GET /v1/jobs at "
                f"{settings.api_url}"
            )
        found.extend(response.json().get("data") or [])
    return found


def running_jobs(settings: GuardSettings) -> list[str]:
    """One line per active sync job (empty: none), e.g. ``job 42 running on connection c1``."""
    with requests.Session() as session:
        token = _token(settings, session)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        lines: list[str] = []
        for status in ACTIVE_STATUSES:
            for job in _jobs(settings, session, headers, status):
                if str(job.get("status", status)).lower() not in ACTIVE_STATUSES:
                    continue
                lines.append(
                    f"Airbyte API: job {job.get('jobId')} {job.get('status', status)} on "
                    f"connection {job.get('connectionId', '?')}"
                )
        return lines
