"""Shared set-up for the Python tests: makes `import hypatia` work from a source
checkout (build/python) when the package is not installed or on PYTHONPATH, keeps
hypothesis quiet and repeatable, and restores hypatia.config after every test."""
import os
import sys

import pytest

try:
    import hypatia  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "build", "python"))
    import hypatia  # noqa: F401

from hypothesis import HealthCheck, settings

# derandomize: the same examples on every run, so a failure reproduces (hypothesis
# prints the failing example); database=None: no .hypothesis folder in the tree.
settings.register_profile("hypatia", derandomize=True, database=None, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hypatia"))


@pytest.fixture(autouse=True)
def restore_config():
    saved = {name: getattr(hypatia.config, name) for name, _, _ in hypatia.config._flags()}
    yield
    for name, value in saved.items():
        setattr(hypatia.config, name, value)
