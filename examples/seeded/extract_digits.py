#!/usr/bin/env python3
"""Extracts scikit-learn's 8x8 digits (sklearn.datasets.load_digits) into the two files the
seeded-layer demo reads: train.bin (samples 0..1400) and test.bin (samples 1400..1797), each
sample 65 bytes: its 64 pixels (0..16, row-major) then its label (0..9).

The data set is the CSV that scikit-learn's wheel ships (sklearn/datasets/data/digits.csv.gz,
the one load_digits() reads): this script downloads the pinned wheel with pip (no install, no
dependencies, stdlib only) and reads the CSV from the zip. It was run once; its outputs are
committed. Run: python3 examples/seeded/extract_digits.py
"""
import csv, gzip, hashlib, io, pathlib, subprocess, sys, tempfile, zipfile

VERSION = "1.9.1"
TRAIN = 1400
here = pathlib.Path(__file__).resolve().parent

with tempfile.TemporaryDirectory() as d:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", f"scikit-learn=={VERSION}", "-d", d], check=True)
    wheel = next(pathlib.Path(d).glob("scikit_learn-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        raw = z.read("sklearn/datasets/data/digits.csv.gz")

rows = list(csv.reader(io.StringIO(gzip.decompress(raw).decode())))
assert len(rows) == 1797 and all(len(r) == 65 for r in rows), "unexpected digits.csv shape"
data = bytes(int(v) for r in rows for v in r)
assert max(data) <= 16
(here / "train.bin").write_bytes(data[: TRAIN * 65])
(here / "test.bin").write_bytes(data[TRAIN * 65 :])
print("digits.csv.gz sha256", hashlib.sha256(raw).hexdigest())
print(f"train.bin: {TRAIN} samples, test.bin: {len(rows) - TRAIN} samples")
