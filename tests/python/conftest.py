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
# On the default (cpu) backend every drawn graph is a module compiled on a cold cache
# (~0.3 s of CPU each), so the suites draw a quarter of the examples there
# ("hypatia-cpu"); ctest also runs the hypothesis suites in full on the interpreter
# (python/CMakeLists.txt). helpers.examples(n) scales a test's own max_examples alike.
_COMMON = dict(derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("hypatia", max_examples=60, **_COMMON)
settings.register_profile("hypatia-cpu", max_examples=15, **_COMMON)
_ON_INTERP = os.environ.get("HYPATIA_LINKER", "") in ("interp", "py")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hypatia" if _ON_INTERP else "hypatia-cpu"))


@pytest.fixture(autouse=True)
def restore_config():
    saved = {name: getattr(hypatia.config, name) for name, _, _ in hypatia.config._flags()}
    yield
    for name, value in saved.items():
        setattr(hypatia.config, name, value)
