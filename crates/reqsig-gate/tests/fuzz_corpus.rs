//! Replays every committed fuzz input through the fuzz target bodies, on the
//! stable toolchain, so each input found by fuzzing stays a regression test.
//!
//! The targets live in `fuzz/src/targets/`, outside this workspace, because
//! their libFuzzer binaries need cargo-fuzz. They are included here by path
//! and run on the files of `fuzz/corpus/<target>/` (the minimised corpora),
//! `fuzz/regressions/<target>/` (inputs that once failed, named after the
//! bug) and `fuzz/artifacts/<target>/` (what the last fuzzing run found and
//! is not fixed yet, when present).

#[path = "../../../fuzz/src/targets/mod.rs"]
mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use targets::{TARGETS, Target};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Returns the files directly inside `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("read a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of one target and lists the ones that panicked.
fn replay(name: &str) {
    let target: Target = *TARGETS
        .iter()
        .find(|target| target.name == name)
        .unwrap_or_else(|| panic!("no fuzz target named {name}"));
    let corpus = files_in(&fuzz_dir().join("corpus").join(name));
    assert!(!corpus.is_empty(), "fuzz/corpus/{name} has no inputs");

    let mut inputs = corpus;
    inputs.extend(files_in(&fuzz_dir().join("regressions").join(name)));
    inputs.extend(files_in(&fuzz_dir().join("artifacts").join(name)));
    let mut failed = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| (target.run)(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs of the {name} target panicked (messages above):\n{}",
        failed.len(),
        inputs.len(),
        failed.join("\n")
    );
}

#[test]
fn every_target_replayed() {
    let mut names: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
    names.sort_unstable();
    let mut expected = vec![
        "components",
        "content_digest",
        "keys",
        "registry",
        "signature_fields",
        "verify",
        "wire",
    ];
    expected.sort_unstable();
    assert_eq!(names, expected, "add a test below for each new target");
}

#[test]
fn signature_fields_corpus() {
    replay("signature_fields");
}

#[test]
fn content_digest_corpus() {
    replay("content_digest");
}

#[test]
fn components_corpus() {
    replay("components");
}

#[test]
fn wire_corpus() {
    replay("wire");
}

#[test]
fn keys_corpus() {
    replay("keys");
}

#[test]
fn registry_corpus() {
    replay("registry");
}

#[test]
fn verify_corpus() {
    replay("verify");
}
