//! `reqsig keygen`: make a key and write it out.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqsig::SigningKey;

use crate::cli::{KeyFormat, KeygenArgs};
use crate::error::{CliError, CliResult};
use crate::output;

pub fn run(args: KeygenArgs) -> CliResult {
    let key = SigningKey::generate(args.alg).map_err(CliError::input)?;
    let key_id = match args.keyid.clone().or_else(|| key.thumbprint()) {
        Some(key_id) => key_id,
        None => random_key_id()?,
    };
    if args.alg.is_symmetric() && args.public_out.is_some() {
        return Err(CliError::input(
            "--public-out: an HMAC secret has no public half; give the server the same secret file",
        ));
    }

    // Both forms stay in zeroizing buffers until written.
    let private = if args.alg.is_symmetric() || args.format == KeyFormat::Jwk {
        key.to_jwk(Some(&key_id))
    } else {
        key.to_pkcs8_pem().map_err(CliError::input)?
    };
    write_file(&args.out, private.as_bytes(), true, args.force)?;

    if let Some(path) = &args.public_out {
        let public = key.verifying_key();
        let text = match args.format {
            KeyFormat::Pem => public.to_spki_pem(),
            KeyFormat::Jwk => public.to_jwk(Some(&key_id)),
        }
        .map_err(CliError::input)?;
        write_file(path, text.as_bytes(), false, args.force)?;
    }
    output::print_line(&key_id)?;
    Ok(ExitCode::SUCCESS)
}

fn random_key_id() -> Result<String, CliError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::input(format!("the system random number generator failed: {e}")))?;
    Ok(format!("hmac-{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Writes a key file; private files get mode 0600 from the start.
fn write_file(path: &Path, contents: &[u8], private: bool, force: bool) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::input(format!("{} exists; pass --force to overwrite it", path.display()))
        } else {
            CliError::input(format!("cannot write {}: {e}", path.display()))
        }
    })?;
    file.write_all(contents)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}
