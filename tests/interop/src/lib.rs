#![forbid(unsafe_code)]
//! Interoperability tests of reqsig against other RFC 9421 implementations.
//!
//! Signatures that reqsig makes must verify in other implementations, and
//! theirs must verify in reqsig. The peers are the PyPI package
//! `http-message-signatures`, the npm package of the same name, and the Rust
//! crate `httpsig`.
//!
//! # Design
//!
//! - [`cases`] lists the cases: messages written as HTTP/1.1 text and the
//!   signatures to put on them. A case with one algorithm is a
//!   [`cases::Scenario`], one row of the matrix.
//! - [`keys`] derives fixed test keys, so runs are reproducible.
//! - [`native`] signs and verifies scenarios with reqsig.
//! - [`exchange`] is the JSON job format the peers read: messages, signatures
//!   to add or check, and keys. [`peer::ProcessPeer`] runs the Python and
//!   Node.js scripts in `peers/` on a batch of jobs; the `httpsig` peer runs
//!   in process, in `tests/matrix/httpsig_peer.rs`.
//! - [`matrix`] runs every scenario against every peer in both directions,
//!   applies the expected [`known`] differences and checks that each
//!   verifier rejects a tampered request; [`render`] writes `MATRIX.md`.
//!
//! # Running
//!
//! `cargo test -p reqsig-interop` checks reqsig against itself and against
//! `httpsig`. The full matrix needs the Python and npm packages, which
//! `scripts/stages/30-interop.sh` installs before it runs the ignored
//! `matrix` test and compares the generated file with the committed one.

pub mod cases;
pub mod exchange;
pub mod keys;
pub mod known;
pub mod matrix;
pub mod native;
pub mod peer;
pub mod render;
