//! Helpers shared by the command-line tests: running the binary and a
//! temporary folder per test.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Returns a command for the `reqsig` binary under test.
pub fn reqsig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reqsig"))
}

/// Runs `reqsig` with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    reqsig().args(args).output().expect("run reqsig")
}

/// Returns output bytes as text, replacing invalid UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A folder of its own for each test, removed at the end.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates an empty folder named after the test file's `prefix` and the test's `name`.
    pub fn new(prefix: &str, name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("reqsig-cli-{prefix}{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    /// Writes a file into the folder and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.display().to_string()
    }

    /// Returns the path a file of that name would have in the folder.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
