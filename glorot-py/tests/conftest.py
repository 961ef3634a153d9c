"""Shared setup for the glorot Python tests.

- JAX sees 8 CPU devices (for the sharding tests) and Keras uses its JAX backend; both are
  set before anything imports them.
- ``golden`` is the list of golden cases written by the Rust example ``golden`` (values
  the glorot crate computes in this same build): from ``$GLOROT_GOLDEN`` if set (CI
  writes it), else generated here with cargo.
"""

import json
import os
import pathlib
import subprocess

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=8")
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import pytest  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def golden(tmp_path_factory):
    path = os.environ.get("GLOROT_GOLDEN")
    if not path:
        path = str(tmp_path_factory.mktemp("golden") / "golden.json")
        subprocess.run(
            ["cargo", "run", "--quiet", "--release", "-p", "glorot-py", "--example", "golden", "--", path],
            cwd=ROOT,
            check=True,
        )
    with open(path) as f:
        cases = json.load(f)
    assert len(cases) >= 20
    return cases


def pytest_sessionstart(session):
    """With ``GLOROT_TEST_INSTALLED=1`` (ci/python.sh), the tests must run against the
    installed package (the wheel in the venv), not against the source tree."""
    if os.environ.get("GLOROT_TEST_INSTALLED") == "1":
        import sys

        import glorot

        where = pathlib.Path(glorot.__file__).resolve()
        if not where.is_relative_to(pathlib.Path(sys.prefix).resolve()):
            raise pytest.UsageError(f"glorot imported from {where}, not from the venv {sys.prefix}")
