"""What every test's subprocesses inherit: a secret e-mail hash salt, since dbt has no default."""

from __future__ import annotations

import os

#: The salt the tests' dbt builds (and taps, through meltano.yml) hash e-mails with.
TEST_EMAIL_HASH_SALT = "test-email-hash-salt"

os.environ.setdefault("CLICKUP_EMAIL_HASH_SALT", TEST_EMAIL_HASH_SALT)
