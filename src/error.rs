//! The crate's one error type: a small `Copy` enum, so `no_std` callers can match on it
//! and firmware can turn it into an error code without allocating.

use core::fmt;

/// Everything that can go wrong in `glorot`.
///
/// Every fallible function validates its input *before* it writes anything, so an
/// `Err` always means the output slice was left untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `offset + out.len()` does not fit in a `u64` element index.
    RangeOverflow,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::RangeOverflow => f.write_str("offset + length overflows the u64 element index"),
        }
    }
}

impl core::error::Error for Error {}
