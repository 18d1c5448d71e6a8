"""The benchmark code's tests use the app's own test fixtures (an app per database, a
patient, a signed-in clinician), from tests/conftest.py."""

from tests.conftest import *  # noqa: F403
from tests.conftest import _fresh_rate_limits, pytest_generate_tests  # noqa: F401
