#![forbid(unsafe_code)]
//! The `reqsig` command line.
//!
//! Exit codes: 0 success; 1 a signature, digest or covered component is
//! wrong (or no signature base can be built); 2 a usage error, an
//! unreadable file, unparsable HTTP framing or a key that cannot be loaded.

mod cli;
mod commands;
mod error;
mod input;
mod keyfile;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every reqwest client in this process (send, serve, demo) uses rustls with ring.
    reqsig_reqwest::install_tls_provider();
    let result = match cli.command {
        Command::Keygen(args) => commands::keygen::run(args),
        Command::Sign(args) => commands::sign::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Base(args) => commands::base::run(args),
        Command::Send(args) => commands::send::run(args),
        Command::Keys(args) => commands::keys::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Demo(args) => commands::demo::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if !error.message.is_empty() {
                crate::output::print_error(format!("reqsig: {}\n", error.message));
            }
            ExitCode::from(error.exit_code)
        }
    }
}
