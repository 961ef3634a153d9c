//! Seeded layers: weights that are never stored, regenerated from a [`Key`] when they are
//! used.
//!
//! Because any slice of a tensor can be computed on its own (the stream contract's
//! position-addressable fills), a dense layer whose kernel comes from a seed needs no
//! memory for it: [`Dense::forward`] regenerates the kernel a slab at a time into a
//! caller-provided scratch buffer and consumes it at once. Random-feature models (extreme
//! learning machines, reservoir computing) and seed-plus-coefficients compression use
//! exactly this; with `glorot` the weights are the same bits on a host and on a
//! microcontroller, so a readout fitted on the host runs unchanged in firmware.
//!
//! ```
//! use glorot::{seeded::Dense, GlorotUniform, Initializer, Fans, Key};
//! let layer = Dense::new(GlorotUniform, 4, 3, Key::new(7))?;
//! let x = [1.0f32, -0.5, 0.25, 2.0];
//! let mut y = [0.0f32; 3];
//! let mut scratch = [0.0f32; 5]; // any non-empty size gives the same bits
//! layer.forward(&x, &mut y, &mut scratch)?;
//!
//! // The same as a matrix-vector product over the stored (4, 3) Keras kernel:
//! let mut w = [0.0f32; 12];
//! GlorotUniform.fill(Fans::new(4, 3), Key::new(7), 0, &mut w)?;
//! for o in 0..3 {
//!     let mut acc = 0.0f32;
//!     for i in 0..4 {
//!         acc += x[i] * w[i * 3 + o];
//!     }
//!     assert_eq!(y[o].to_bits(), acc.to_bits());
//! }
//! # Ok::<(), glorot::Error>(())
//! ```

#[cfg(doc)]
use crate::Sampling;
use crate::{Error, Fans, Initializer, Key};

/// A dense layer `y = xᵀW` whose `(inputs, outputs)` kernel `W` (Keras layout: `W[i][o]` is
/// element `i * outputs + o` of the fill) is what the initializer `I` fills for fans
/// `(inputs, outputs)` from a [`Key`], regenerated at every [`forward`](Dense::forward)
/// call instead of being stored.
///
/// The layer itself is a few words: the initializer, the two sizes and the key. It is
/// generic over the initializer so that firmware links only that initializer's sampler
/// (the same code as its [`Initializer::fill`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dense<I> {
    init: I,
    inputs: usize,
    outputs: usize,
    key: Key,
}

impl<I: Initializer> Dense<I> {
    /// The layer whose kernel is what `init` fills for the `(inputs, outputs)` shape in
    /// Keras layout (fans `(inputs, outputs)`) from `key`.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`] if `inputs * outputs` does not fit in a `usize`;
    /// those of [`Initializer::sampling`] and [`Sampling::validate`] for these fans.
    pub fn new(init: I, inputs: usize, outputs: usize, key: Key) -> Result<Dense<I>, Error> {
        if inputs.checked_mul(outputs).is_none() {
            return Err(Error::ShapeOverflow);
        }
        init.sampling(fans(inputs, outputs))?.validate()?;
        Ok(Dense {
            init,
            inputs,
            outputs,
            key,
        })
    }

    /// The number of inputs (`x.len()`, the kernel's rows).
    pub const fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of outputs (`y.len()`, the kernel's columns).
    pub const fn outputs(&self) -> usize {
        self.outputs
    }

    /// The initializer the kernel is drawn from.
    pub const fn init(&self) -> &I {
        &self.init
    }

    /// The key the kernel is drawn from.
    pub const fn key(&self) -> Key {
        self.key
    }

    /// Computes `y[o] = Σ_i x[i] * W[i][o]`, regenerating `W` into `scratch`, at most
    /// `scratch.len()` elements at a time, in element order.
    ///
    /// **Summation order** (fixed, so every target and every scratch size gives the same
    /// bits): each `y[o]` starts at `+0.0` and adds the products of rows `i = 0, 1, 2, …`
    /// in that order, each as a plain `f32` multiply then a plain `f32` add
    /// (`y[o] = y[o] + x[i] * W[i][o]`, never a fused multiply-add). This is the naive
    /// matrix-vector product over the stored kernel, bit for bit. A larger scratch only
    /// means fewer, longer fills: a multiple of `outputs` (whole rows) is the natural
    /// size, and a slab of 1024 elements (one stream chunk) is a good one.
    ///
    /// # Errors
    /// On any error nothing is written to `y` (or `scratch`):
    /// - [`Error::InputMismatch`] if `x.len() != inputs`;
    /// - [`Error::LengthMismatch`] if `y.len() != outputs`;
    /// - [`Error::EmptyScratch`] if `scratch` is empty.
    ///
    /// The fills themselves cannot fail: [`Dense::new`] checked the initializer's
    /// parameters for these fans. (A user's [`Initializer`] whose `fill` fails although its
    /// `sampling` succeeded — none of this crate's — would return that error with `y`
    /// partly written.)
    pub fn forward(&self, x: &[f32], y: &mut [f32], scratch: &mut [f32]) -> Result<(), Error> {
        if x.len() != self.inputs {
            return Err(Error::InputMismatch {
                expected: self.inputs as u64,
                actual: x.len(),
            });
        }
        if y.len() != self.outputs {
            return Err(Error::LengthMismatch {
                expected: self.outputs as u64,
                actual: y.len(),
            });
        }
        if scratch.is_empty() {
            return Err(Error::EmptyScratch);
        }
        y.fill(0.0);
        // The product was checked by the constructor. (i, o): the kernel position of the
        // slab's first element; `pos`: its element index.
        let total = self.inputs * self.outputs;
        let (mut i, mut o, mut pos) = (0usize, 0usize, 0usize);
        while pos < total {
            let take = scratch.len().min(total - pos);
            let slab = &mut scratch[..take];
            // Cannot fail: the constructor checked the initializer for these fans, and
            // `pos + take <= total` fits in a u64.
            let f = fans(self.inputs, self.outputs);
            self.init.fill(f, self.key, pos as u64, slab)?;
            let mut rest: &[f32] = slab;
            while !rest.is_empty() {
                let n = rest.len().min(self.outputs - o);
                let (row, tail) = rest.split_at(n);
                let xi = x[i];
                for (acc, &w) in y[o..o + n].iter_mut().zip(row) {
                    *acc += xi * w;
                }
                o += n;
                if o == self.outputs {
                    o = 0;
                    i += 1;
                }
                rest = tail;
            }
            pos += take;
        }
        Ok(())
    }
}

/// The fans of an `(inputs, outputs)` kernel (`usize` always fits in a `u64`).
fn fans(inputs: usize, outputs: usize) -> Fans {
    Fans::new(inputs as u64, outputs as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GlorotNormal, HeUniform, RandomNormal, RandomUniform, TruncatedNormal};
    use std::vec;
    use std::vec::Vec;

    /// The plain matrix-vector product over the materialised kernel, in the documented
    /// order.
    fn matvec(init: &impl Initializer, n_in: usize, n_out: usize, key: Key, x: &[f32]) -> Vec<f32> {
        let mut w = vec![0.0f32; n_in * n_out];
        init.fill(Fans::new(n_in as u64, n_out as u64), key, 0, &mut w)
            .unwrap();
        let mut y = vec![0.0f32; n_out];
        for (o, acc) in y.iter_mut().enumerate() {
            for i in 0..n_in {
                *acc += x[i] * w[i * n_out + o];
            }
        }
        y
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Every scratch size gives the matvec's bits, for shapes that cross stream chunks
    /// (1024 elements) in and out of row boundaries.
    fn check<I: Initializer + Copy>(init: I, stream: u64) {
        for (n_in, n_out) in [(1, 1), (3, 7), (64, 40), (17, 130), (9, 1031)] {
            let x: Vec<f32> = (0..n_in)
                .map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.3)
                .collect();
            let key = Key::with_stream(11, stream);
            let want = bits(&matvec(&init, n_in, n_out, key, &x));
            let layer = Dense::new(init, n_in, n_out, key).unwrap();
            let total = n_in * n_out;
            let sizes = [
                1,
                2,
                7,
                8,
                n_out,
                n_out + 1,
                2 * n_out,
                1000,
                1024,
                1025,
                total,
                total + 3,
            ];
            for s in sizes {
                let mut y = vec![f32::NAN; n_out];
                let mut scratch = vec![0.0f32; s];
                layer.forward(&x, &mut y, &mut scratch).unwrap();
                assert_eq!(bits(&y), want, "{n_in}x{n_out} stream {stream} scratch {s}");
            }
        }
    }

    #[test]
    fn every_scratch_size_gives_the_matvec_bits() {
        check(GlorotNormal, 0);
        check(HeUniform, 1);
        check(
            TruncatedNormal {
                mean: 0.0,
                stddev: 0.5,
            },
            2,
        );
        check(
            RandomNormal {
                mean: 0.25,
                stddev: 2.0,
            },
            3,
        );
    }

    #[test]
    fn accessors_and_empty_layers() {
        let key = Key::new(3);
        let layer = Dense::new(GlorotNormal, 5, 2, key).unwrap();
        assert_eq!((layer.inputs(), layer.outputs(), layer.key()), (5, 2, key));
        assert_eq!(*layer.init(), GlorotNormal);
        // No inputs: y is all +0.0.
        let empty = Dense::new(RandomUniform::default(), 0, 3, key).unwrap();
        let mut y = [f32::NAN; 3];
        empty.forward(&[], &mut y, &mut [0.0]).unwrap();
        assert_eq!(bits(&y), [0u32; 3]);
    }
}
