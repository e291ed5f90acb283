//! The fuzz targets, one module each, and the list that the corpus replay walks.
//!
//! This file is also included by path from
//! `crates/reqsig-gate/tests/fuzz_corpus.rs`, so it may use only crates that
//! both the fuzz crate and that test have: `reqsig`, `reqsig_gate` and
//! `serde_json`. The code must compile with and without the `ecdsa` and `rsa`
//! features of `reqsig`.

pub mod components;
pub mod content_digest;
mod fixtures;
pub mod keys;
pub mod registry;
pub mod signature_fields;
pub mod verify;
pub mod wire;

/// One fuzz target: the name of its binary and corpus folder, and its body.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The binary name, also the folder under `fuzz/corpus/`.
    pub name: &'static str,
    /// The body, called with one input.
    pub run: fn(&[u8]),
}

/// Every fuzz target.
pub const TARGETS: [Target; 7] = [
    Target {
        name: "signature_fields",
        run: signature_fields::run,
    },
    Target {
        name: "content_digest",
        run: content_digest::run,
    },
    Target {
        name: "components",
        run: components::run,
    },
    Target {
        name: "wire",
        run: wire::run,
    },
    Target {
        name: "keys",
        run: keys::run,
    },
    Target {
        name: "registry",
        run: registry::run,
    },
    Target {
        name: "verify",
        run: verify::run,
    },
];

/// Splits `data` at the first LF: the part before it, and the rest (empty when there is no LF).
fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&byte| byte == b'\n') {
        Some(lf) => (&data[..lf], &data[lf + 1..]),
        None => (data, &[]),
    }
}
