//! `reqsig keys`: edit the key registry file.

use std::path::Path;
use std::process::ExitCode;

use reqsig::clock::{Clock, SystemClock};
use reqsig_gate::{
    KeyEntry, REGISTRY_VERSION, RateLimitEntry, RegistryDocument, ScopeEntry, Timestamp, parse_timestamp,
};

use crate::cli::{KeysAction, KeysAddArgs, KeysArgs, KeysIdArgs, KeysListArgs};
use crate::error::{CliError, CliResult};
use crate::keyfile::load_verifying_key;
use crate::output;

pub fn run(args: KeysArgs) -> CliResult {
    match args.action {
        KeysAction::Add(args) => add(args),
        KeysAction::List(args) => list(args),
        KeysAction::Revoke(args) => edit(args, |entry| entry.status = Some("revoked".to_owned())),
        KeysAction::Remove(args) => remove(args),
    }
}

fn read_registry(path: &Path, create: bool) -> Result<RegistryDocument, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            RegistryDocument::parse(&text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
        }
        Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => Ok(RegistryDocument {
            version: REGISTRY_VERSION,
            ..RegistryDocument::default()
        }),
        Err(e) => Err(CliError::input(format!("cannot read {}: {e}", path.display()))),
    }
}

/// Writes the registry to a temporary file and renames it into place, so a
/// server reloading the file never reads half of it.
fn write_registry(path: &Path, document: &RegistryDocument) -> Result<(), CliError> {
    let base_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    document
        .to_records(base_dir)
        .map_err(|e| CliError::input(format!("the edited registry would be invalid: {e}")))?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, document.to_toml())
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}

fn add(args: KeysAddArgs) -> CliResult {
    let mut document = read_registry(&args.registry, true)?;
    let key = load_verifying_key(&args.public_key, args.alg)?;
    if key.algorithm().is_symmetric() {
        return Err(CliError::input(
            "keys add takes public keys; write an hmac-sha256 entry with secret_file by hand (see spec/registry.md)",
        ));
    }
    let key_id = match args.keyid.clone().or_else(|| key.thumbprint()) {
        Some(key_id) => key_id,
        None => return Err(CliError::input("--keyid is required for this key")),
    };
    if document.keys.iter().any(|entry| entry.key_id == key_id) {
        return Err(CliError::input(format!(
            "the registry already has a key {key_id:?}; remove it first"
        )));
    }
    let now = SystemClock.now();
    let scopes = args
        .scope
        .iter()
        .map(|scope| parse_scope(scope))
        .collect::<Result<Vec<_>, _>>()?;
    let rate_limit = args.rate_limit.as_deref().map(parse_rate_limit).transpose()?;
    document.keys.push(KeyEntry {
        key_id: key_id.clone(),
        client_id: args.client.clone(),
        algorithm: key.algorithm().name().to_owned(),
        public_key: Some(key.to_spki_pem().map_err(CliError::input)?),
        created: Some(Timestamp::from_unix(now)),
        not_after: args
            .expires_in_days
            .map(|days| Timestamp::from_unix(now + days * 86_400)),
        scopes,
        source_cidrs: args.source_cidr.clone(),
        rate_limit,
        ..KeyEntry::default()
    });
    write_registry(&args.registry, &document)?;
    output::print_line(&key_id)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_scope(text: &str) -> Result<ScopeEntry, CliError> {
    let (methods, paths) = text.trim().split_once(' ').ok_or_else(|| {
        CliError::input(format!(
            "--scope {text:?}: expected 'METHODS PATHS', such as 'GET,POST /orders/**'"
        ))
    })?;
    let methods = if methods == "*" {
        Vec::new()
    } else {
        methods
            .split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .collect()
    };
    let paths = paths.split_whitespace().map(str::to_owned).collect();
    Ok(ScopeEntry { methods, paths })
}

fn parse_rate_limit(text: &str) -> Result<RateLimitEntry, CliError> {
    let invalid = || {
        CliError::input(format!(
            "--rate-limit {text:?}: expected REQUESTS/SECONDS or REQUESTS/SECONDS:BURST"
        ))
    };
    let (rate, burst) = match text.split_once(':') {
        Some((rate, burst)) => (rate, Some(burst.parse().map_err(|_| invalid())?)),
        None => (text, None),
    };
    let (requests, per_seconds) = rate.split_once('/').ok_or_else(invalid)?;
    Ok(RateLimitEntry {
        requests: requests.parse().map_err(|_| invalid())?,
        per_seconds: per_seconds.parse().map_err(|_| invalid())?,
        burst,
    })
}

fn list(args: KeysListArgs) -> CliResult {
    let document = read_registry(&args.registry, false)?;
    // List only what `serve` and `verify --keys` would load, so a broken
    // entry shows here first.
    let base_dir = args
        .registry
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    document
        .to_records(base_dir)
        .map_err(|e| CliError::input(format!("{}: {e}", args.registry.display())))?;
    let now = SystemClock.now();
    let mut rows = vec![
        [
            "key id",
            "client",
            "algorithm",
            "status",
            "age (d)",
            "expires",
            "note",
        ]
        .map(str::to_owned),
    ];
    for entry in &document.keys {
        let created = entry.created.as_ref().and_then(|t| parse_timestamp(t).ok());
        let age_days = created.map(|c| now.saturating_sub(c) / 86_400);
        let expires = entry.not_after.as_ref().and_then(|t| parse_timestamp(t).ok());
        let status = entry.status.as_deref().unwrap_or("active");
        let mut notes = Vec::new();
        if age_days.is_some_and(|age| age > args.rotate_after) && status == "active" {
            notes.push(format!("older than {} days: rotate", args.rotate_after));
        }
        if expires.is_some_and(|end| end < now) {
            notes.push("expired".to_owned());
        }
        rows.push([
            entry.key_id.clone(),
            entry.client_id.clone(),
            entry.algorithm.clone(),
            status.to_owned(),
            age_days.map_or("-".to_owned(), |d| d.to_string()),
            expires.map_or("-".to_owned(), |_| {
                entry.not_after.as_ref().map(describe).unwrap_or_default()
            }),
            notes.join("; "),
        ]);
    }
    output::print(table(&rows))?;
    Ok(ExitCode::SUCCESS)
}

/// Lays out the rows of `keys list` in columns as wide as their widest cell,
/// so that long key ids such as 43-character thumbprints keep them aligned.
/// The age column is aligned right and the last column is not padded.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    const RIGHT_ALIGNED: usize = 4;
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
            if index > 0 {
                line.push(' ');
            }
            let padding = " ".repeat(width - cell.chars().count());
            if index == RIGHT_ALIGNED {
                line.push_str(&padding);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if index + 1 < N {
                    line.push_str(&padding);
                }
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn describe(timestamp: &Timestamp) -> String {
    match timestamp {
        Timestamp::Unix(seconds) => seconds.to_string(),
        Timestamp::Date(date) => date.to_string(),
    }
}

fn edit(args: KeysIdArgs, change: impl FnOnce(&mut KeyEntry)) -> CliResult {
    let mut document = read_registry(&args.registry, false)?;
    let entry = document
        .keys
        .iter_mut()
        .find(|entry| entry.key_id == args.keyid)
        .ok_or_else(|| CliError::input(format!("the registry has no key {:?}", args.keyid)))?;
    change(entry);
    write_registry(&args.registry, &document)?;
    Ok(ExitCode::SUCCESS)
}

fn remove(args: KeysIdArgs) -> CliResult {
    let mut document = read_registry(&args.registry, false)?;
    let before = document.keys.len();
    document.keys.retain(|entry| entry.key_id != args.keyid);
    if document.keys.len() == before {
        return Err(CliError::input(format!(
            "the registry has no key {:?}",
            args.keyid
        )));
    }
    write_registry(&args.registry, &document)?;
    Ok(ExitCode::SUCCESS)
}
