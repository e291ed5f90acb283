//! Byte scans written so the compiler can check many bytes per instruction.

/// Reports whether any byte of `bytes` satisfies `test`.
///
/// Unlike `Iterator::any`, this looks at every byte without stopping early,
/// which lets the compiler vectorize the loop. It suits the short header
/// values that signing and verifying check, where a match is rare.
#[inline]
pub(crate) fn any(bytes: &[u8], test: impl Fn(u8) -> bool) -> bool {
    bytes.iter().fold(false, |found, &byte| found | test(byte))
}

#[cfg(test)]
mod tests {
    use super::any;

    #[test]
    fn any_finds_one_byte() {
        assert!(any(b"abc\"def", |b| b == b'"'));
        assert!(!any(b"abcdef", |b| b == b'"'));
        assert!(!any(b"", |_| true));
    }
}
