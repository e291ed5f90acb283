//! The digest algorithms reqsig computes and checks.

use std::fmt;
use std::str::FromStr;

use sha2::Digest as _;

/// A hash algorithm of the Hash Algorithms for HTTP Digest Fields registry
/// (RFC 9530 section 7.2) that reqsig supports.
///
/// Only the two algorithms with the status "Active" are supported. The
/// deprecated ones (md5, sha, unixsum, unixcksum, adler, crc32c) are not.
///
/// ```
/// use reqsig::DigestAlgorithm;
///
/// let algorithm: DigestAlgorithm = "sha-512".parse().unwrap();
/// assert_eq!(algorithm, DigestAlgorithm::Sha512);
/// assert_eq!(algorithm.name(), "sha-512");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-256, registered as `sha-256`.
    Sha256,
    /// SHA-512, registered as `sha-512`.
    Sha512,
}

impl DigestAlgorithm {
    /// Both supported algorithms.
    pub const ALL: [DigestAlgorithm; 2] = [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512];

    /// Returns the registered name, the dictionary key in `Content-Digest`.
    pub const fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha-256",
            DigestAlgorithm::Sha512 => "sha-512",
        }
    }

    /// Returns the length of a digest in bytes: 32 or 64.
    pub const fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<DigestAlgorithm> {
        DigestAlgorithm::ALL
            .into_iter()
            .find(|algorithm| algorithm.name() == name)
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error returned when a string names no supported digest algorithm.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported digest algorithm {0:?}: expected sha-256 or sha-512")]
pub struct UnknownDigestAlgorithm(pub String);

impl FromStr for DigestAlgorithm {
    type Err = UnknownDigestAlgorithm;

    /// Parses a registered name. Names are lowercase, as dictionary keys are.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        DigestAlgorithm::from_name(name).ok_or_else(|| UnknownDigestAlgorithm(name.to_owned()))
    }
}

/// The running hash state of one algorithm.
#[derive(Clone, Debug)]
pub(crate) enum HashState {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl HashState {
    pub(crate) fn new(algorithm: DigestAlgorithm) -> HashState {
        match algorithm {
            DigestAlgorithm::Sha256 => HashState::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha512 => HashState::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, chunk: &[u8]) {
        match self {
            HashState::Sha256(hasher) => hasher.update(chunk),
            HashState::Sha512(hasher) => hasher.update(chunk),
        }
    }

    pub(crate) fn finalize(self) -> HashOutput {
        match self {
            HashState::Sha256(hasher) => HashOutput::Sha256(hasher.finalize().into()),
            HashState::Sha512(hasher) => HashOutput::Sha512(hasher.finalize().into()),
        }
    }
}

/// A finished digest, kept on the stack.
pub(crate) enum HashOutput {
    Sha256([u8; 32]),
    Sha512([u8; 64]),
}

impl HashOutput {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            HashOutput::Sha256(digest) => digest,
            HashOutput::Sha512(digest) => digest,
        }
    }
}
