//! Differences between a peer and RFC 9421 that the matrix expects.
//!
//! A cell that fails where an entry here applies is shown as a known
//! difference, never as a pass. A cell that passes where an entry applies is
//! a failure, so an entry cannot outlive the difference it describes.

use reqsig::Algorithm;

use crate::matrix::Direction;
use crate::peer::{HTTPSIG, NPM};

/// A difference between one peer and the RFC, for some cases and directions.
#[derive(Debug)]
pub struct KnownDifference {
    /// The peer, as [`crate::peer::Peer::name`] returns it: [`NPM`], [`HTTPSIG`] or [`crate::peer::PYTHON`].
    pub peer: &'static str,
    /// The cases it affects.
    pub cases: &'static [&'static str],
    /// The algorithms it affects; empty for every algorithm.
    pub algorithms: &'static [Algorithm],
    /// The directions it affects.
    pub directions: &'static [Direction],
    /// The section of the standard that decides it, such as `RFC 9421 section 2.2.8`.
    pub section: &'static str,
    /// What the peer does and what the section requires.
    pub summary: &'static str,
}

impl KnownDifference {
    /// Reports whether the entry covers this cell.
    pub fn applies(&self, peer: &str, case: &str, algorithm: Algorithm, direction: Direction) -> bool {
        self.peer == peer
            && self.cases.contains(&case)
            && (self.algorithms.is_empty() || self.algorithms.contains(&algorithm))
            && self.directions.contains(&direction)
    }
}

const RSA: &[Algorithm] = &[Algorithm::RsaPssSha512, Algorithm::RsaV15Sha256];

/// Every known difference, in the order the matrix numbers them.
pub const KNOWN_DIFFERENCES: &[KnownDifference] = &[
    KnownDifference {
        peer: NPM,
        cases: &["get", "post"],
        algorithms: &[Algorithm::RsaPssSha512],
        directions: &[Direction::FromPeer],
        section: "RFC 9421 section 3.3.1",
        summary: "the package signs RSASSA-PSS through node:crypto without setting a salt length, so \
                  the salt is as long as the key allows (190 bytes with a 2048-bit key). The section \
                  fixes it at 64 bytes, and reqsig rejects other lengths. The package's verifier \
                  accepts any salt length, so → passes.",
    },
    KnownDifference {
        peer: NPM,
        cases: &["query-param-reencode"],
        algorithms: &[],
        directions: Direction::BOTH,
        section: "RFC 9421 section 2.2.8",
        summary: "the package re-encodes a `@query-param` value with JavaScript's encodeURIComponent, \
                  which leaves `~`, `!`, `'`, `(` and `)` as they are: `range=10~20` gives `10~20`. \
                  The section re-encodes with the application/x-www-form-urlencoded percent-encode \
                  set of the WHATWG URL standard, which keeps only ASCII letters, digits and `*-._`, \
                  giving `10%7E20`. The `+` of `bar` becomes `%20` as the section requires.",
    },
    KnownDifference {
        peer: HTTPSIG,
        cases: &["get", "post"],
        algorithms: RSA,
        directions: Direction::BOTH,
        section: "RFC 9421 sections 3.3.1 and 3.3.2",
        summary: "the peer cannot express the case in this workspace. httpsig 0.0.26 offers RSA only \
                  behind its `rsa-signature` feature, which needs the `sha2` feature of \
                  rsa 0.10.0-rc.18; reqsig uses rsa 0.10.0, which cargo must share with httpsig and \
                  which has no such feature, so that feature cannot be enabled. The cells say \
                  nothing about httpsig's RSA code.",
    },
    KnownDifference {
        peer: HTTPSIG,
        cases: &["parameters"],
        algorithms: &[],
        directions: &[Direction::ToPeer],
        section: "RFC 9421 sections 2.3 and 4.1",
        summary: "when it verifies, the crate rebuilds `@signature-params` with the parameters in its \
                  own fixed order (created, expires, nonce, alg, keyid, tag) instead of the order of \
                  the received Signature-Input, which the sections require it to keep. reqsig writes \
                  keyid before nonce and alg, so the signature bases differ; this includes reqsig's \
                  default signatures (`created`, `keyid`, `nonce`). Signatures whose parameters \
                  follow the crate's order, as in every other case, verify.",
    },
    KnownDifference {
        peer: HTTPSIG,
        cases: &["query-param-reencode"],
        algorithms: &[],
        directions: Direction::BOTH,
        section: "RFC 9421 section 2.2.8",
        summary: "the crate signs the raw text of a `@query-param` value: `with+plus+whitespace` and \
                  `10~20`. The section parses the query as application/x-www-form-urlencoded and \
                  percent-encodes the value again, giving `with%20plus%20whitespace` and `10%7E20`. \
                  Values already in that form, as in the `query-param` case, agree.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CASES;

    #[test]
    fn known_differences_name_cases() {
        for difference in KNOWN_DIFFERENCES {
            for case in difference.cases {
                assert!(
                    CASES.iter().any(|c| c.name == *case),
                    "{}: no case {case}",
                    difference.peer
                );
            }
            assert!(!difference.directions.is_empty(), "{}", difference.peer);
        }
    }
}
