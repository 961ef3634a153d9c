#!/usr/bin/env python3
"""Runs, as written, every Python and shell block of the user-facing Markdown files.

Usage: snippets.py WORKDIR FILE.md...

Blocks are found by their fence's language tag: ```python (run with `python`, i.e. the
first `python` on PATH) and ```sh, ```bash, ```shell (run with `bash -euo pipefail`).
Other tags (rust: doc tests; c: ci/cli.sh compiles the README's C program; text, toml, ...)
are not run here. Each block runs in WORKDIR (a copy of the repository, so that files the
snippets write do not land in the clone) with the environment this script is given: ci/
snippets.sh gives it a fresh venv holding the built wheel, a fresh HOME, and no cargo
unless a block needs it.

A block opts out with an HTML comment on the line right above its fence, which GitHub does
not render:

    <!-- snippet: skip (why: e.g. "ci/user-build.sh is its own CI step") -->

The reason in parentheses is required. Blocks run in file order; every block of a file
sees the files the earlier blocks wrote (a README's install block, then its usage block).
Exits 1 if any block fails, after running all of them; prints each block's output on
failure.
"""

import pathlib
import re
import subprocess
import sys
import time

RUNNERS = {
    "python": ["python", "-"],
    "sh": ["bash", "-euo", "pipefail", "-s"],
    "bash": ["bash", "-euo", "pipefail", "-s"],
    "shell": ["bash", "-euo", "pipefail", "-s"],
}
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*$")
SKIP = re.compile(r"^<!-- snippet: skip \((.+)\) -->$")


def blocks(path):
    """(line, language, text, skip reason or None) of each fenced block of `path`."""
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1).lower()
        j = i + 1
        while j < len(lines) and lines[j] != "```":
            j += 1
        if j == len(lines):
            raise SystemExit(f"{path}:{start + 1}: unclosed code fence")
        skip = SKIP.match(lines[start - 1]) if start > 0 else None
        if start > 0 and lines[start - 1].startswith("<!-- snippet") and not skip:
            raise SystemExit(f"{path}:{start}: malformed marker (want '<!-- snippet: skip (reason) -->')")
        yield start + 1, lang, "\n".join(lines[start + 1 : j]) + "\n", skip.group(1) if skip else None
        i = j + 1


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress lines as they happen, in CI logs
    workdir = pathlib.Path(sys.argv[1])
    failed, ran, skipped = [], 0, 0
    for name in sys.argv[2:]:
        path = pathlib.Path(name)
        for line, lang, text, skip in blocks(path):
            if lang not in RUNNERS:
                continue
            where = f"{name}:{line} ({lang})"
            if skip:
                print(f"[snippets] skip {where}: {skip}")
                skipped += 1
                continue
            t = time.monotonic()
            r = subprocess.run(RUNNERS[lang], input=text, cwd=workdir, capture_output=True, text=True)
            ran += 1
            status = "ok" if r.returncode == 0 else f"FAILED (exit {r.returncode})"
            print(f"[snippets] {status} {where} ({time.monotonic() - t:.1f} s)")
            if r.returncode != 0:
                failed.append(where)
                print("---- block ----\n" + text + "---- stdout ----\n" + r.stdout + "---- stderr ----\n" + r.stderr + "----")
    print(f"[snippets] {ran} ran, {skipped} skipped (with a reason), {len(failed)} failed")
    if ran == 0:
        print("[snippets] no block ran: the extraction is broken")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
