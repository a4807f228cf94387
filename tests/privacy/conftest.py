"""The reports' known data set, for tests that compare report figures."""

from tests.reports.conftest import data  # noqa: F401
