"""The Python examples of README.md and docs/python.md run as written."""
import contextlib
import io
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def python_blocks(path):
    with open(os.path.join(ROOT, path)) as f:
        return re.findall(r"```python\n(.*?)```", f.read(), re.S)


@pytest.mark.parametrize("path", ["README.md", "docs/python.md"])
def test_first_example_runs(path):
    block = python_blocks(path)[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, path, "exec"), {})
    assert "19.30969097" in out.getvalue()  # z.sum(axis=1): (2e + 0 + 2e + 1 + 2e + 2)
