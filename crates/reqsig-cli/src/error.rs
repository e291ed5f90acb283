//! Errors of the command line and their exit codes.

use std::fmt::Display;

/// A failure with its exit code: 1 for a failed check, 2 for bad input.
#[derive(Debug)]
pub struct CliError {
    pub exit_code: u8,
    pub message: String,
}

impl CliError {
    /// A usage error, an unreadable file, bad framing or an unloadable key (exit 2).
    pub fn input(message: impl Display) -> CliError {
        CliError {
            exit_code: 2,
            message: message.to_string(),
        }
    }

    /// Standard output closed early, as by `reqsig ... | head -1`. The command
    /// exits 2 like other output errors but prints nothing, because the
    /// reader has already taken what it wanted.
    pub fn output_closed() -> CliError {
        CliError {
            exit_code: 2,
            message: String::new(),
        }
    }

    /// A signature, digest or component that is wrong (exit 1).
    pub fn check(message: impl Display) -> CliError {
        CliError {
            exit_code: 1,
            message: message.to_string(),
        }
    }
}

/// The result of a command: its exit code, or an error.
pub type CliResult = Result<std::process::ExitCode, CliError>;
