"""The package surface: lazy submodules and the version."""

import pathlib
import re
import subprocess
import sys

import glorot


def _fresh(code):
    """Runs ``code`` in a new interpreter (so no test has imported a submodule yet)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_submodules_are_imported_on_first_use():
    # As the README has it: `import glorot`, then the submodule by attribute.
    out = _fresh(
        "import sys, glorot\n"
        "before = sorted(m for m in ('glorot.keras', 'glorot.torch', 'glorot.jax') if m in sys.modules)\n"
        "t = glorot.torch.xavier_normal_\n"
        "k = glorot.keras.GlorotNormal\n"
        "j = glorot.jax.glorot_normal\n"
        "print(before, 'glorot.torch' in sys.modules, glorot.torch is sys.modules['glorot.torch'])"
    )
    assert out == "[] True True"


def test_unknown_attribute_is_an_attribute_error():
    try:
        glorot.no_such_thing  # noqa: B018
    except AttributeError as e:
        assert "no_such_thing" in str(e)
    else:
        raise AssertionError("glorot.no_such_thing did not raise")
    assert "torch" in dir(glorot) and "keras" in dir(glorot)


def test_version_is_the_crates():
    cargo = (pathlib.Path(__file__).parents[2] / "Cargo.toml").read_text()
    m = re.search(r'\[workspace\.package\]\s*\nversion = "([^"]+)"', cargo)
    assert m, "Cargo.toml has no [workspace.package] version"
    assert glorot.__version__ == m.group(1)
    from importlib.metadata import version

    assert version("glorot") == glorot.__version__
