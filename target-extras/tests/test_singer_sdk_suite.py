"""singer-sdk's standard target tests, run against a real PostgreSQL (a fresh schema each).

The standard suite only checks that the target runs (or fails) on each input; what was
loaded is read back by our own tests. Two tests that singer-sdk keeps out of its default
suite are added explicitly, and skipped with the reason they do not apply here.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.testing import get_target_test_class
from singer_sdk.testing.runners import TargetTestRunner
from singer_sdk.testing.suites import SingerTestSuite
from singer_sdk.testing.target_tests import (
    TargetMultipleStateMessages,
    TargetRecordMissingRequiredProperty,
)
from target_extras.target import TargetExtras

if t.TYPE_CHECKING:
    from extras_testkit import Landing

_EXCLUDED_BY_SINGER_SDK = SingerTestSuite(
    kind="target",
    tests=[TargetMultipleStateMessages, TargetRecordMissingRequiredProperty],
)

StandardTargetTests = get_target_test_class(
    TargetExtras, config={}, custom_suites=[_EXCLUDED_BY_SINGER_SDK]
)


class TestTargetExtrasStandard(StandardTargetTests):  # type: ignore[misc, valid-type]
    """The standard suite; each test gets its own landing schema."""

    @pytest.fixture
    def runner(self, landing: Landing) -> TargetTestRunner:
        """A runner whose target loads into the test's fresh schema."""
        config = {"database_url": landing.database_url, "schema": landing.schema}
        return TargetTestRunner(target_class=TargetExtras, config=config)

    @pytest.mark.skip(
        reason="expects a particular subset of the five STATE messages (singer-sdk leaves it "
        "out of its suite as a TODO); this target emits a state once its records are "
        "committed, at most every state_flush_interval_seconds: see "
        "test_state_is_emitted_only_after_its_records_are_committed"
    )
    def test_target_multiple_state_messages(self) -> None:
        """Skipped."""

    @pytest.mark.skip(
        reason="expects a record that lacks a `required` property to load; with "
        "validate_records on (the default) this target stops with a one-line error instead "
        "of landing data that breaks its contract: see test_bad_input.py"
    )
    def test_target_record_missing_required_property(self) -> None:
        """Skipped."""
