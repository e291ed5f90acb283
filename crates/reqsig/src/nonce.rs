//! Random nonces for the `nonce` signature parameter.

use std::cell::RefCell;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::Error;
use crate::keys::KeyError;

/// Bytes of operating-system randomness fetched at once, for 256 nonces,
/// so the system call is made once per 256 signatures.
const BUFFER_BYTES: usize = 4096;

/// Random bytes from the operating system, handed out 16 at a time, and the
/// check that finds a fork, after which a child must not reuse them.
struct RandomBuffer {
    bytes: [u8; BUFFER_BYTES],
    used: usize,
    fork: ForkCheck,
}

/// The fork check of a buffer: the way it learns that the process forked since it was filled.
enum ForkCheck {
    /// Before the first fill.
    Unset,
    /// A counter that a `pthread_atfork` handler raises in the child, read without a system call.
    #[cfg(unix)]
    Handler(forkguard::Guard),
    /// The process id of the fill, compared with `getpid` on every nonce,
    /// where no fork handler could be registered.
    ProcessId(u32),
}

impl ForkCheck {
    fn new() -> ForkCheck {
        #[cfg(unix)]
        if let Ok(guard) = forkguard::Guard::try_new() {
            return ForkCheck::Handler(guard);
        }
        ForkCheck::ProcessId(std::process::id())
    }

    /// Starts watching the current process, before the buffer is filled. A
    /// fork handler keeps watching, and has taken note of any fork already.
    fn renew(&mut self) {
        #[cfg(unix)]
        if matches!(self, ForkCheck::Handler(_)) {
            return;
        }
        *self = ForkCheck::new();
    }

    /// Reports whether the process forked since the check was made or last reported a fork.
    fn forked(&mut self) -> bool {
        match self {
            ForkCheck::Unset => true,
            #[cfg(unix)]
            ForkCheck::Handler(guard) => guard.detected_fork(),
            ForkCheck::ProcessId(process) => *process != std::process::id(),
        }
    }
}

thread_local! {
    static BUFFER: RefCell<RandomBuffer> = const {
        RefCell::new(RandomBuffer { bytes: [0; BUFFER_BYTES], used: BUFFER_BYTES, fork: ForkCheck::Unset })
    };
}

/// Returns 128 random bits from the operating system, base64url-encoded without padding.
///
/// The bits are read from the operating system 4096 bytes at a time and
/// handed out once each. A child process made by `fork` refills its buffer
/// first, so parent and child never send the same nonce.
///
/// NOTE: on Unix the fork is seen by a `pthread_atfork` handler, so it must
/// go through the C library's `fork` (as Python's `os.fork` and
/// `multiprocessing` do). A child made by a raw `clone` system call that
/// keeps running this process's code without `exec` is not detected.
///
/// # Errors
/// [`Error::Key`] when the operating system's random source fails.
pub fn random_nonce() -> Result<String, Error> {
    let encoded = random_nonce_ascii()?;
    let text = std::str::from_utf8(&encoded).unwrap_or_else(|_| unreachable!("base64 output is ASCII"));
    Ok(text.to_owned())
}

/// The length of a nonce from [`random_nonce`]: 16 bytes in base64url without padding.
pub(crate) const NONCE_LEN: usize = 22;

/// Returns a nonce as [`random_nonce`] makes it, as ASCII bytes on the stack.
pub(crate) fn random_nonce_ascii() -> Result<[u8; NONCE_LEN], Error> {
    let mut nonce = [0u8; 16];
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        if buffer.fork.forked() || buffer.used + nonce.len() > BUFFER_BYTES {
            buffer.fork.renew();
            getrandom::fill(&mut buffer.bytes).map_err(|e| KeyError::RandomUnavailable(e.to_string()))?;
            buffer.used = 0;
        }
        let start = buffer.used;
        nonce.copy_from_slice(&buffer.bytes[start..start + 16]);
        // Handed-out bytes are wiped, so they are never handed out twice.
        buffer.bytes[start..start + 16].fill(0);
        buffer.used += 16;
        Ok::<(), Error>(())
    })?;
    let mut encoded = [0u8; NONCE_LEN];
    URL_SAFE_NO_PAD
        .encode_slice(nonce, &mut encoded)
        .unwrap_or_else(|_| unreachable!("16 bytes encode to 22 base64 characters"));
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::random_nonce;

    #[test]
    fn nonces_unique_across_refills() {
        // 600 nonces cross at least two refills of the 256-nonce buffer.
        let nonces: HashSet<String> = (0..600).map(|_| random_nonce().unwrap()).collect();
        assert_eq!(nonces.len(), 600);
        assert!(nonces.iter().all(|n| n.len() == 22));
    }
}
