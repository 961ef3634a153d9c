#!/usr/bin/env python3
"""Writes the committed seed corpus (corpus/fill, corpus/rng): a few hand-made inputs that
reach the interesting places at once. Byte layout of `arbitrary` 1.5: integers little-endian;
an enum is a u32 d giving variant (d * n) >> 32; each Vec element is preceded by a byte whose
low bit says "one more". Check a seed with `cargo +nightly fuzz fmt <target> <file>`."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def pack(fmt):
    return lambda x: struct.pack(fmt, x)


u8, u16, u32, u64, i8 = pack("<B"), pack("<H"), pack("<I"), pack("<Q"), pack("<b")
NORMAL, TRUNC, UNIFORM = u32(0), u32(0x80000000), u32(0xFFFFFFFF)
START, END, CHUNK, ANY = u32(0), u32(0x40000000), u32(0x80000000), u32(0xC0000000)


def vec(items):
    return b"".join(u8(1) + x for x in items)


def write(target, name, data):
    os.makedirs(os.path.join(here, "corpus", target), exist_ok=True)
    with open(os.path.join(here, "corpus", target, name), "wb") as f:
        f.write(data)


def fill(name, seed, stream, folds, sampler, offset, length, splits):
    b = u64(seed) + u64(stream) + vec(u64(f) for f in folds) + u8(0)
    b += sampler + offset + u16(length) + vec(u16(s) for s in splits)
    write("fill", name, b)


def rng(name, sampler, length, words):
    write("rng", name, sampler + u8(length) + vec(u32(w) for w in words))


# offset = u64::MAX - 5, 100 values: Err(RangeOverflow), nothing written
fill("overflow_at_end", 1, 0, [], NORMAL, END + u16(5), 100, [10, 50])
# offset = u64::MAX - 17, 17 values: the last element of the index space, Ok
fill("fits_exactly_at_end", 2, 7, [3], TRUNC, END + u16(17), 17, [1, 8])
fill("chunk_boundary_truncated", 3, 0, [0, 1], TRUNC, CHUNK + u64(12345) + i8(-3), 2100,
     [1, 1024, 2000])
fill("four_chunks_uniform", 4, 1, [], UNIFORM, START + u16(0), 4113, [7, 8, 1023, 1024, 1025])
fill("anywhere_normal", 0xDEADBEEF, 0xFFFFFFFFFFFFFFFF, [], NORMAL,
     ANY + u64(0x0123456789ABCDEF), 3000, [999, 1000, 1001])

# layer 0 (the tail) at the largest magnitude, u1 = u2 = 1 - 2^-24: accepted at
# x = R + 16.6/R = 8.2067, the largest value the normal sampler can give
rng("normal_tail_max", NORMAL, 4, [0xFFFFFE00, 0xFFFFFF00, 0xFFFFFF00])
# the tail rejected (u2 = 0), then again, then accepted
rng("normal_tail_reject", NORMAL, 4,
    [0xFFFFFE00, 0xFFFFFF00, 0x00000000, 0xFFFFFE00, 0x80000000, 0xFFFFFF00])
# the wedges of layers 1 and 255, accepted at u = 0, rejected at u = 1 - 2^-24
rng("normal_wedges", NORMAL, 8, [0xFFFFFE01, 0, 0xFFFFFEFF, 0xFFFFFF00, 0xFFFFFEFF, 0])
rng("truncated_wedges", TRUNC, 8,
    [0xFFFFFEFF, 0, 0xFFFFFEFF, 0xFFFFFF00, 0xFFFFFE80, 0xFFFFFF00, 0xFFFFFE00])
rng("uniform_extremes", UNIFORM, 6,
    [0x80000000, 0x7FFFFFFF, 0, 0xFFFFFFFF, 0x000000FF, 0xFFFFFF00])
rng("all_from_fixed_generator", NORMAL, 255, [])
