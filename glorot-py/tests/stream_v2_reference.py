"""An implementation of glorot's stream version 2 written from docs/STREAM.md alone.

It uses nothing of glorot: integers for the u32/u64 arithmetic, numpy.float32 scalars for
every f32 operation (section 1 of the spec), and the tables from the known-answer file
(section 14: the tables with the spec's hashes are normative). test_kat.py checks it against
golden/kat-v2.json and against the library. Slow (pure Python): for tests only.

Section numbers below are STREAM.md's.
"""

import struct

import numpy as np

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1
F = np.float32

# Section 2.
GAMMA = 0x9E3779B97F4A7C15
MIX_M1 = 0xBF58476D1CE4E5B9
MIX_M2 = 0x94D049BB133111EB
FOLD_TAG = 0x6A09E667F3BCC909
FIXUP_TAG = 0xBB67AE8584CAA73B
ELEMENT_GAMMA = 0xC2B2AE3D27D4EB4F
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x00000100000001B3
CHUNK = 1024


def f32(b):
    """The f32 whose bits are ``b``."""
    return np.array([b & M32], dtype=np.uint32).view(np.float32)[0]


def bits(x):
    return int(np.array([x], dtype=np.float32).view(np.uint32)[0])


INV_2_24 = f32(0x33800000)
INV_2_23 = f32(0x34000000)
NORM_R = f32(0x4069DDA4)
NORM_INV_R = f32(0x3E8C1D53)


# Section 3.
def mix64(z):
    z = ((z ^ (z >> 30)) * MIX_M1) & M64
    z = ((z ^ (z >> 27)) * MIX_M2) & M64
    return z ^ (z >> 31)


# Section 4.
def fnv1a64(data: bytes):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & M64
    return h


def fold_in(stream, data):
    return mix64((mix64(stream ^ FOLD_TAG) + data) & M64)


def fold_in_name(stream, name):
    return fold_in(stream, fnv1a64(name.encode("utf-8")))


def base_of(seed, stream):
    return mix64((seed + mix64((stream + GAMMA) & M64)) & M64)


def fixup_base(base):
    return mix64(base ^ FIXUP_TAG)


# Section 6.
def splitmix_pair(base, chunk, lane):
    i = (8 * chunk + lane) & M64
    a = mix64((base + ((2 * i + 1) * GAMMA)) & M64)
    b = mix64((base + ((2 * i + 2) * GAMMA)) & M64)
    return a, b


def lane_state(base, chunk, lane):
    a, b = splitmix_pair(base, chunk, lane)
    if a == 0 and b == 0:
        return [1, 0, 0, 0]
    return [a & M32, a >> 32, b & M32, b >> 32]


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Lane:
    def __init__(self, state):
        self.s = list(state)

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s0 + s3) & M32, 7) + s0) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result


# Section 5.
def lane_draw(base, e):
    chunk, p = e // CHUNK, e % CHUNK
    lane, row = p % 8, p // 8
    g = Lane(lane_state(base, chunk, lane))
    r = 0
    for _ in range(row + 1):
        r = g.next()
    return r


# Section 8.
class Fixup:
    def __init__(self, fix, e):
        self.z = (fix + e * ELEMENT_GAMMA) & M64
        self.n = 0
        self.high = None
        self.words = []

    def next(self):
        if self.high is not None:
            w, self.high = self.high, None
        else:
            self.n += 1
            o = mix64((self.z + self.n * GAMMA) & M64)
            w, self.high = o & M32, o >> 32
        self.words.append(w)
        return w


def U(w):
    """Section 1: the uniform of a word."""
    return F(w >> 8) * INV_2_24


# Section 12 (the libm crate's FreeBSD-derived expf and log1pf, on glorot's domains).
def expf(x):
    x = F(x)
    LN2_HI, LN2_LO, INV_LN2 = f32(0x3F317200), f32(0x35BFBE8E), f32(0x3FB8AA3B)
    P1, P2, HALF_NEG = f32(0x3E2AAA8F), f32(0xBB355215), f32(0xBF000000)
    assert F(-8) < x <= F(0)
    hx = bits(x) & 0x7FFFFFFF
    if hx > 0x3EB17218:
        if hx > 0x3F851592:
            k = int((INV_LN2 * x) + HALF_NEG)
        else:
            k = -1
        kf = F(k)
        hi = x - (kf * LN2_HI)
        lo = kf * LN2_LO
        x = hi - lo
    elif hx > 0x39000000:
        k, hi, lo = 0, x, F(0)
    else:
        return F(1) + x
    xx = x * x
    c = x - (xx * (P1 + (xx * P2)))
    y = F(1) + ((((x * c) / (F(2) - c)) - lo) + hi)
    return y if k == 0 else y * F(2.0**k)


def log1pf(x):
    x = F(x)
    LN2_HI, LN2_LO = f32(0x3F317180), f32(0x3717F7D1)
    LG1, LG2, LG3, LG4 = f32(0x3F2AAAAA), f32(0x3ECCCE13), f32(0x3E91E9EE), f32(0x3E789E26)
    assert F(-1) < x <= F(0)
    ix = bits(x)
    if ((ix << 1) & M32) < ((0x33800000 << 1) & M32):
        return x
    if ix <= 0xBE95F619:
        k, c, f = 0, F(0), x
    else:
        u = F(1) + x
        iu = (bits(u) + (0x3F800000 - 0x3F3504F3)) & M32
        k = (iu >> 23) - 0x7F
        if k < 25:
            c = (F(1) - (u - x)) if k >= 2 else (x - (u - F(1)))
            c = c / u
        else:
            c = F(0)
        f = f32((iu & 0x007FFFFF) + 0x3F3504F3) - F(1)
    s = f / (F(2) + f)
    z = s * s
    w = z * z
    t1 = w * (LG2 + (w * LG4))
    t2 = z * (LG1 + (w * LG3))
    r = t2 + t1
    hfsq = (F(0.5) * f) * f
    dk = F(k)
    return ((((s * (hfsq + r)) + ((dk * LN2_LO) + c)) - hfsq) + f) + (dk * LN2_HI)


class Tables:
    """Section 14's tables, from the known-answer file's entries (hash-checked there)."""

    def __init__(self, kat_tables):
        t = {n: v["entries"] for n, v in kat_tables.items()}
        self.norm_w = [f32(int(b, 16)) for b in t["NORM_W"]]
        self.norm_k = [int(b, 16) for b in t["NORM_K"]]
        self.norm_f = [f32(int(b, 16)) for b in t["NORM_F"]]
        self.trunc_w = [f32(int(b, 16)) for b in t["TRUNC_W"]]
        self.trunc_k = [int(b, 16) for b in t["TRUNC_K"]]
        self.trunc_y = [f32(int(b, 16)) for b in t["TRUNC_Y"]]


def table_hash(entries):
    """FNV-1a 64 of the entries' u32 bits, 4 little-endian bytes each (section 14)."""
    return fnv1a64(b"".join(struct.pack("<I", int(b, 16)) for b in entries))


def signed(x, r):
    """Section 7: the sign bit 8 of ``r`` flips the sign bit of ``x``."""
    return f32(bits(x) ^ (((r >> 8) & 1) << 31))


def ziggurat_element(tables, normal, r, g, trace=None):
    """Sections 9 and 10: the value of an element whose lane draw is ``r``; ``g`` is its
    fix-up generator. ``trace`` (a list) receives one dict per draw tested."""
    if normal:
        W, K, H = tables.norm_w, tables.norm_k, tables.norm_f
    else:
        W, K, H = tables.trunc_w, tables.trunc_k, tables.trunc_y
    while True:
        layer, mag = r & 0xFF, r >> 9
        x = F(mag) * W[layer]
        step = {"draw": r, "layer": layer, "sign": (r >> 8) & 1, "mag": mag, "x": bits(x)}
        if trace is not None:
            trace.append(step)
        if mag < K[layer]:
            step["test"] = "fast"
            return signed(x, r)
        if normal and layer == 0:
            step["test"] = "tail"
            step["tries"] = []
            while True:
                w1 = g.next()
                xx = (-log1pf(-U(w1))) * NORM_INV_R
                w2 = g.next()
                yy = -log1pf(-U(w2))
                ok = bool((yy + yy) > (xx * xx))
                step["tries"].append({"x_word": w1, "y_word": w2, "xx": bits(xx), "yy": bits(yy), "accept": ok})
                if ok:
                    return signed(NORM_R + xx, r)
        w = g.next()
        u = U(w)
        y = H[layer] + (u * (H[layer + 1] - H[layer]))
        e = expf((F(-0.5) * x) * x)
        ok = bool(y < e)
        step.update(test="wedge", u_word=w, u=bits(u), y=bits(y), expf=bits(e), accept=ok)
        if ok:
            return signed(x, r)
        r = g.next()


def uniform_element(r):
    """Section 11."""
    i = r - (1 << 32) if r >= 1 << 31 else r
    return F(i >> 8) * INV_2_23


def value(tables, sampler, seed, stream, e, trace=None):
    """Element ``e`` of ``sampler`` (``normal``, ``truncated_normal``, ``uniform``)."""
    base = base_of(seed, stream)
    r = lane_draw(base, e)
    if sampler == "uniform":
        return uniform_element(r)
    g = Fixup(fixup_base(base), e)
    return ziggurat_element(tables, sampler == "normal", r, g, trace)


def values(tables, sampler, seed, stream, offset, n):
    """Elements ``offset .. offset + n``, stepping each lane once per row (fast enough for
    a few thousand values)."""
    base = base_of(seed, stream)
    fix = fixup_base(base)
    out = []
    lanes = {}
    for e in range(offset, offset + n):
        chunk, p = e // CHUNK, e % CHUNK
        lane, row = p % 8, p // 8
        g, at = lanes.get((chunk, lane), (None, -1))
        if g is None or at >= row:
            g, at = Lane(lane_state(base, chunk, lane)), -1
        while at < row:
            r = g.next()
            at += 1
        lanes[(chunk, lane)] = (g, at)
        if sampler == "uniform":
            out.append(uniform_element(r))
        else:
            out.append(ziggurat_element(tables, sampler == "normal", r, Fixup(fix, e)))
    return out
