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


def variant(v, n):
    """The u32 that `arbitrary` 1.5 reads as variant v of an n-variant enum."""
    return u32(((v << 32) + n - 1) // n)


# fans: dims (Small, Zero, Pow2, Any), layout (Keras, Torch, Axes), offset, len
def small(k):
    return variant(0, 4) + u8(k)


def zero():
    return variant(1, 4)


def pow2(k):
    return variant(2, 4) + u8(k)


def fans(name, dims, layout, offset, length):
    write("fans", name, vec(dims) + u8(0) + layout + u16(offset) + u16(length))


KERAS, TORCH = variant(0, 3), variant(1, 3)


def axes(ins, outs, batch):
    return variant(2, 3) + b"".join(vec(i8(a) for a in x) + u8(0) for x in (ins, outs, batch))


fans("keras_conv_hwio", [small(3), small(3), small(4), small(8)], KERAS, 0, 288)
fans("torch_rank1", [small(5)], TORCH, 0, 5)
fans("jax_batch_axis", [small(8), small(3), small(3), small(16), small(32)],
     axes([-2], [-1], [0]), 100, 1000)
fans("overflow", [pow2(40), pow2(40)], KERAS, 0, 1)
fans("zero_sized_partial_overflow", [zero(), pow2(63), small(4), small(1), small(1)],
     axes([1, 2, 0], [], []), 0, 0)
fans("repeated_axis", [small(2), small(3)], axes([-1], [1], []), 0, 6)

# initializers: init (14 variants), fans (Small, Zero, Max, Any), seed, from_end, offset, len
NAN, ONE, TINY, F32MAX, NEGINF = (variant(i, 14) for i in (0, 5, 9, 11, 2))
FAN_IN, FAN_AVG = variant(0, 4), variant(2, 4)
UNIFORM = variant(2, 3)


def fan(k):
    return variant(0, 4) + u16(k)


def init(name, which, payload, fi, fo, from_end, offset, length):
    b = variant(which, 14) + payload + fi + fo + u64(7) + u8(from_end) + u16(offset)
    write("initializers", name, b + u16(length))


init("glorot_normal_dense", 0, b"", fan(100), fan(64), 0, 0, 1000)
init("variance_scaling_nan_scale", 6, NAN + FAN_IN + UNIFORM, fan(3), fan(4), 0, 0, 10)
init("variance_scaling_subnormal_limit", 6, TINY + i8(40) + FAN_AVG + UNIFORM,
     fan(3), fan(4), 0, 0, 2000)
init("random_uniform_neg_inf", 9, NEGINF + ONE, fan(1), fan(1), 0, 0, 10)
init("random_normal_huge_mean", 7, F32MAX + ONE, fan(1), fan(1), 0, 0, 10)
init("xavier_normal_zero_fans", 10, ONE, variant(1, 4), variant(1, 4), 0, 0, 10)
init("kaiming_uniform_fan_avg", 13, FAN_AVG + ONE, fan(3), fan(3), 0, 0, 10)
init("glorot_uniform_range_overflow", 1, b"", fan(3), fan(3), 1, 5, 100)

# found by fuzzing: a receptive field that overflows while both outer dimensions are 0
fans("zero_outer_dims_receptive_overflow",
     [variant(3, 4) + u64(2**64 - 1), variant(3, 4) + u64(2**64 - 1), small(2), zero(), zero()],
     KERAS, 0, 0)
# found by fuzzing: a subnormal uniform limit from a PyTorch gain (sampling() vs fill())
init("kaiming_uniform_subnormal_limit", 13, FAN_IN + variant(7, 14) + u32(71362),
     fan(1792), variant(1, 4), 0, 0, 100)
