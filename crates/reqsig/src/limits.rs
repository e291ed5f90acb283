//! Size limits applied before and while parsing untrusted input.

/// Upper bounds on what a verifier parses from one message.
///
/// The defaults are stated in `spec/README.md` and every server surface uses
/// them unless configured otherwise. Each exceeded limit fails with
/// [`crate::Error::LimitExceeded`] and a code of its own.
///
/// ```
/// use reqsig::Limits;
///
/// let limits = Limits { max_signatures: 2, ..Limits::default() };
/// assert_eq!(limits.max_components, 32);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one header field, all of its lines together (default 8192).
    pub max_header_bytes: usize,
    /// Lines of one field (default 16).
    pub max_field_lines: usize,
    /// Signatures in one message (default 8).
    pub max_signatures: usize,
    /// Components covered by one signature (default 32).
    pub max_components: usize,
    /// Bytes of a `nonce` parameter (default 128).
    pub max_nonce_bytes: usize,
    /// Body bytes buffered to check a Content-Digest (default 1 MiB).
    pub max_body_bytes: usize,
}

impl Limits {
    /// The documented defaults.
    pub const DEFAULT: Limits = Limits {
        max_header_bytes: 8192,
        max_field_lines: 16,
        max_signatures: 8,
        max_components: 32,
        max_nonce_bytes: 128,
        max_body_bytes: 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
