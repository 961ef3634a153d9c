//! `Key`: the identity of one tensor's random stream, and the documented mixer that turns
//! (seed, stream, chunk, lane) into the starting state of one xoshiro128++ lane.

/// SplitMix64's increment (the golden ratio in 0.64 fixed point).
pub(crate) const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
/// Tag mixed into `fold_in` so that folding cannot be confused with `with_stream`.
pub(crate) const FOLD_TAG: u64 = 0x6A09_E667_F3BC_C909;

/// The two multipliers of [`mix64`].
pub(crate) const MIX_M1: u64 = 0xBF58_476D_1CE4_E5B9;
pub(crate) const MIX_M2: u64 = 0x94D0_49BB_1331_11EB;

/// SplitMix64's output function (Stafford's "Mix13"), a bijection on `u64`.
#[inline]
pub(crate) const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(MIX_M1);
    z = (z ^ (z >> 27)).wrapping_mul(MIX_M2);
    z ^ (z >> 31)
}

/// The identity of a tensor's random stream: a seed and a stream id.
///
/// A tensor's values are a pure function of its key, the element index and the sampler
/// (see the crate docs, "Determinism"). Give every tensor of a model its own key, e.g.
/// `Key::new(seed).fold_in(layer_index)` or `Key::with_stream(seed, layer_index)`.
///
/// ```
/// use glorot::Key;
/// let model = Key::new(42);
/// let dense1 = model.fold_in(0);
/// let dense2 = model.fold_in(1);
/// assert_ne!(dense1, dense2);
/// assert_eq!(Key::new(7), Key::with_stream(7, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    seed: u64,
    stream: u64,
}

impl Key {
    /// The key for stream 0 of `seed`.
    #[inline]
    pub const fn new(seed: u64) -> Key {
        Key { seed, stream: 0 }
    }

    /// The key for stream `stream` of `seed`; streams of one seed are independent.
    #[inline]
    pub const fn with_stream(seed: u64, stream: u64) -> Key {
        Key { seed, stream }
    }

    /// A new key derived from this one and `data` (like JAX's `fold_in`): same seed,
    /// stream id `mix64(mix64(stream ^ FOLD_TAG) + data)`. Distinct `data` give distinct,
    /// unrelated streams; folding is deterministic and can be nested
    /// (`key.fold_in(block).fold_in(layer)`).
    #[inline]
    #[must_use]
    pub const fn fold_in(self, data: u64) -> Key {
        Key {
            seed: self.seed,
            stream: mix64(mix64(self.stream ^ FOLD_TAG).wrapping_add(data)),
        }
    }

    /// A new key derived from this one and a name (a parameter's path such as
    /// `layers.0.weight`): `self.fold_in(fnv1a64(name))`, with `fnv1a64` the 64-bit FNV-1a
    /// hash of the name's UTF-8 bytes (offset basis `0xcbf29ce484222325`, prime
    /// `0x100000001b3`). How the burn, candle and Python bindings give each parameter of a
    /// model its own stream, so that one seed fixes a whole model.
    ///
    /// ```
    /// use glorot::Key;
    /// let model = Key::new(42);
    /// assert_ne!(model.fold_in_name("fc.weight"), model.fold_in_name("fc.bias"));
    /// ```
    #[inline]
    #[must_use]
    pub const fn fold_in_name(self, name: &str) -> Key {
        self.fold_in(fnv1a64(name.as_bytes()))
    }

    /// The seed.
    #[inline]
    pub const fn seed(self) -> u64 {
        self.seed
    }

    /// The stream id.
    #[inline]
    pub const fn stream(self) -> u64 {
        self.stream
    }

    /// The 64-bit base of the key's SplitMix64 sequence:
    /// `mix64(seed + mix64(stream + GAMMA))`.
    #[inline]
    pub(crate) const fn base(self) -> u64 {
        mix64(
            self.seed
                .wrapping_add(mix64(self.stream.wrapping_add(GAMMA))),
        )
    }
}

/// The starting state of lane `lane` (0..8) of chunk `chunk`: the SplitMix64 outputs
/// number `2i+1` and `2i+2` of the sequence starting at `key.base()`, with `i = 8*chunk +
/// lane`, split into four little-endian `u32` words. (`chunk < 2^61` always holds, since
/// `chunk = index / CHUNK` for a `u64` index.) The all-zero state, which xoshiro cannot
/// leave, is replaced by `[1, 0, 0, 0]`.
#[inline]
pub(crate) const fn lane_state(base: u64, chunk: u64, lane: u32) -> [u32; 4] {
    let i = chunk.wrapping_mul(8).wrapping_add(lane as u64);
    let a = mix64(base.wrapping_add(i.wrapping_mul(2).wrapping_add(1).wrapping_mul(GAMMA)));
    let b = mix64(base.wrapping_add(i.wrapping_mul(2).wrapping_add(2).wrapping_mul(GAMMA)));
    if a == 0 && b == 0 {
        return [1, 0, 0, 0];
    }
    [a as u32, (a >> 32) as u32, b as u32, (b >> 32) as u32]
}

/// The 64-bit FNV-1a hash of `bytes` (Fowler, Noll, Vo).
pub(crate) const fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

/// Tag that separates the fix-up generators' base from the lanes' (the first 64 bits of
/// the fractional part of `sqrt(3)`, SHA-256's second initial word).
pub(crate) const FIXUP_TAG: u64 = 0xBB67_AE85_84CA_A73B;

/// The base of the key's per-element fix-up generators: `mix64(base ^ FIXUP_TAG)`.
#[inline]
pub(crate) const fn fixup_base(base: u64) -> u64 {
    mix64(base ^ FIXUP_TAG)
}

/// The stride between elements' fix-up generators (xxHash's `PRIME64_2`, odd).
pub(crate) const ELEMENT_GAMMA: u64 = 0xC2B2_AE3D_27D4_EB4F;

/// The state of element `e`'s fix-up generator, a SplitMix64 sequence:
/// `fix + e * ELEMENT_GAMMA`. Its output `n` is `mix64(fix + e * ELEMENT_GAMMA + n *
/// GAMMA)`, so elements `e` and `e'` could share an output only if `(e - e') *
/// ELEMENT_GAMMA == (n' - n) * GAMMA` (mod 2^64); for `|n' - n| < 2^16` that needs
/// `|e - e'| >= 2^47` (a test checks it): no two elements of a tensor smaller than that
/// share a word of their first 2^17.
#[inline(always)]
pub(crate) const fn element_state(fix: u64, e: u64) -> u64 {
    fix.wrapping_add(e.wrapping_mul(ELEMENT_GAMMA))
}

/// Output number `n >= 1` of the SplitMix64 sequence whose state is `z`: `mix64(z + n *
/// GAMMA)`.
#[inline(always)]
pub(crate) const fn splitmix_output(z: u64, n: u64) -> u64 {
    mix64(z.wrapping_add(n.wrapping_mul(GAMMA)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a 64 reference vectors (Fowler/Noll/Vo): "", "a", "foobar"; and the name fold.
    #[test]
    fn fold_in_name_is_fold_in_of_fnv1a64() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        let key = Key::with_stream(9, 3);
        assert_eq!(
            key.fold_in_name("layers.0.weight"),
            key.fold_in(fnv1a64(b"layers.0.weight"))
        );
    }

    /// The claim of [`element_state`]: `d * GAMMA * ELEMENT_GAMMA^-1 (mod 2^64)`, as a
    /// signed distance, is at least `2^47` for every `0 < |d| < 2^16`.
    #[test]
    fn element_generators_do_not_overlap_nearby() {
        // The inverse of an odd number mod 2^64 by Newton's iteration.
        let mut inv: u64 = ELEMENT_GAMMA;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(ELEMENT_GAMMA.wrapping_mul(inv)));
        }
        assert_eq!(ELEMENT_GAMMA.wrapping_mul(inv), 1);
        for d in 1..1u64 << 16 {
            let delta = d.wrapping_mul(GAMMA).wrapping_mul(inv) as i64;
            assert!(delta.unsigned_abs() >= 1 << 47, "d = {d}: {delta}");
        }
    }
}
