#![forbid(unsafe_code)]
//! Fuzz targets for reqsig.
//!
//! Each module of [`targets`] has one `run(&[u8])` function: the body of the
//! libFuzzer binary of the same name in `fuzz_targets/`. The functions panic
//! when the input breaks a property of the code under test (a round trip that
//! does not return the input, a signature that verifies under a key it was
//! not made with, ...). A panic is what libFuzzer reports as a crash, and what
//! fails the stable test that replays the committed corpora.

pub mod targets;
