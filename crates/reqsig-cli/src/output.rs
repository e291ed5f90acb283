//! Writing a command's results to standard output.
//!
//! Every command writes through [`print`] instead of `println!`, which
//! panics when standard output is closed. A reader that stops early, as
//! `reqsig send ... | head -1` does, then ends the command quietly with
//! exit 2.

use std::io::{ErrorKind, Write};

use crate::error::CliError;

/// Writes `bytes` to standard output and flushes them.
///
/// # Errors
/// [`CliError::output_closed`] when the reader has closed the pipe, and an
/// input error (exit 2) naming the cause for any other write failure.
pub fn print(bytes: impl AsRef<[u8]>) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes.as_ref())
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            ErrorKind::BrokenPipe => CliError::output_closed(),
            _ => CliError::input(format!("cannot write to standard output: {error}")),
        })
}

/// Writes `line` and a line end to standard output, like [`print`].
pub fn print_line(line: impl AsRef<str>) -> Result<(), CliError> {
    let mut text = String::with_capacity(line.as_ref().len() + 1);
    text.push_str(line.as_ref());
    text.push('\n');
    print(text)
}

/// Writes `text` to standard error, ignoring failures.
///
/// `eprintln!` panics when standard error is closed; a message that cannot
/// be shown is dropped instead, and the exit status still reports the outcome.
pub fn print_error(text: impl AsRef<str>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_ref().as_bytes())
        .and_then(|()| stderr.flush());
}
