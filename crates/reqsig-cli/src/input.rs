//! Reading messages and files named on the command line.

use std::io::Read;
use std::path::Path;

use reqsig::Message;
use reqsig::message::wire;

use crate::error::CliError;

/// Reads a file, or standard input for `-` or no path.
pub fn read_input(path: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match path {
        None => read_stdin(),
        Some(path) if path == Path::new("-") => read_stdin(),
        Some(path) => read_file(path),
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
    Ok(bytes)
}

/// Parses a raw HTTP/1.1 message, naming its source in the error.
pub fn parse_message(bytes: &[u8], source: &str) -> Result<Message, CliError> {
    wire::parse(bytes).map_err(|e| CliError::input(format!("{source}: {e}")))
}

/// Reads and parses a message file (or standard input).
pub fn read_message(path: Option<&Path>) -> Result<Message, CliError> {
    let source = match path {
        None => "standard input".to_owned(),
        Some(path) if path == Path::new("-") => "standard input".to_owned(),
        Some(path) => path.display().to_string(),
    };
    parse_message(&read_input(path)?, &source)
}
