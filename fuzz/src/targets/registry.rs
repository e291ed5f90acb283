//! The key registry file loader: `RegistryDocument::parse` and `to_records`.
//!
//! Input: the TOML text of a registry. A document that parses must serialize
//! with `to_toml` to text that parses back to the same document.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use reqsig_gate::RegistryDocument;

/// The file that every `secret_file` is pointed at, so the target reads no
/// file that the input names.
const SECRET_FILE: &str = "secret.bin";

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut document) = RegistryDocument::parse(text) else {
        return;
    };
    let serialized = document.to_toml();
    let reparsed = RegistryDocument::parse(&serialized)
        .unwrap_or_else(|error| panic!("to_toml wrote {serialized:?}, which does not parse again: {error}"));
    assert_eq!(
        reparsed, document,
        "the document changes in a to_toml and parse round trip"
    );

    for entry in &mut document.keys {
        if entry.secret_file.is_some() {
            entry.secret_file = Some(SECRET_FILE.to_owned());
        }
    }
    if let Ok(records) = document.to_records(secret_dir()) {
        assert!(records.len() <= document.keys.len());
        for (key_id, record) in &records {
            assert_eq!(*key_id, record.key_id);
            assert!(
                !record.client_id.is_empty(),
                "key {key_id:?} has an empty client id"
            );
        }
    }
}

/// Returns a folder holding [`SECRET_FILE`], a 32-byte HMAC secret, created on first use.
fn secret_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join("reqsig-fuzz-registry");
        std::fs::create_dir_all(&dir).expect("create the secret folder");
        std::fs::write(dir.join(SECRET_FILE), [0x5a; 32]).expect("write the secret file");
        dir
    })
}
