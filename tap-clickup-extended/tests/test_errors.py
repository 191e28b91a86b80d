"""Error classification and messages."""

from __future__ import annotations

from tap_clickup_extended.errors import (
    AuthError,
    ClickUpFatalError,
    UnknownTeamError,
    client_error,
    scrub,
)
from tap_clickup_extended.tap import validate_settings


def test_401_is_a_token_problem() -> None:
    err = client_error(401, "OAUTH_025", "Token invalid", "/api/v2/team", None, [])
    assert isinstance(err, AuthError)
    assert str(err) == (
        "ClickUp rejected the API token (HTTP 401, OAUTH_025): check the api_token setting / "
        "CLICKUP_API_TOKEN."
    )


def test_team_ecode_names_the_team_and_the_visible_ones() -> None:
    err = client_error(401, "OAUTH_027", "", "/api/v2/team/42/task", "42", ["9000001", "7"])
    assert isinstance(err, UnknownTeamError)
    assert "42" in str(err)
    assert "7, 9000001" in str(err)


def test_403_and_400_are_fatal_with_the_path() -> None:
    forbidden = client_error(403, "", "", "/api/v2/team/1/time_entries", "1", [])
    assert isinstance(forbidden, AuthError)
    assert "/api/v2/team/1/time_entries" in str(forbidden)
    bad = client_error(400, "ITEM_015", "bad param", "/api/v2/team/1/task", "1", [])
    assert type(bad) is ClickUpFatalError
    assert "ITEM_015" in str(bad)


def test_scrub_removes_secrets() -> None:
    assert scrub("token pk_1 and pk_1", ["pk_1", None, ""]) == "token *** and ***"


def test_settings_validation_messages() -> None:
    problems = validate_settings(
        {
            "api_token": " ",
            "base_url": "api.clickup.com",
            "rate_limit_reserve": 0.95,
            "team_ids": ["abc"],
            "start_date": "yesterday",
            "hash_pii": True,
        }
    )
    text = " ".join(problems)
    for expected in ("api_token", "base_url", "rate_limit_reserve", "team_ids", "start_date"):
        assert expected in text
    assert "pii_salt" in text
    assert validate_settings({"api_token": "pk_1", "base_url": "http://127.0.0.1:1/api/v2"}) == []
