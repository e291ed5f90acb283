//! Other RFC 9421 implementations, driven through the jobs of [`crate::exchange`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::exchange::{Job, JobResult};

/// The environment variable that names the Python interpreter with the PyPI peer installed.
pub const PYTHON_VAR: &str = "REQSIG_INTEROP_PYTHON";

/// The environment variable that names the Node.js executable; the npm peer
/// must be installed in `tests/interop/node_modules`.
pub const NODE_VAR: &str = "REQSIG_INTEROP_NODE";

/// The name of the Python peer in the matrix.
pub const PYTHON: &str = "Python";

/// The name of the npm peer in the matrix.
pub const NPM: &str = "npm";

/// The name of the `httpsig` crate in the matrix; the peer itself is in `tests/matrix/httpsig_peer.rs`.
pub const HTTPSIG: &str = "httpsig";

/// An implementation that signs and verifies jobs.
pub trait Peer {
    /// Returns the short name used in the matrix, such as `Python`.
    fn name(&self) -> &str;

    /// Returns the package and version, such as `http-message-signatures 3.0.0 (PyPI)`.
    fn package(&self) -> String;

    /// Adds each job's signatures to its messages.
    ///
    /// # Errors
    /// When the peer as a whole fails, for example when its process cannot
    /// start. A job that fails is reported in its result instead.
    fn sign(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String>;

    /// Checks each job's signatures.
    ///
    /// # Errors
    /// As [`Peer::sign`].
    fn verify(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String>;
}

/// A peer run as a script: `PROGRAM SCRIPT sign|verify|version`.
#[derive(Clone, Debug)]
pub struct ProcessPeer {
    name: &'static str,
    registry: &'static str,
    program: PathBuf,
    script: PathBuf,
    package: String,
}

#[derive(Deserialize)]
struct Version {
    package: String,
    version: String,
}

#[derive(Deserialize)]
struct Results {
    results: Vec<JobResult>,
}

impl ProcessPeer {
    /// Creates the peer for the PyPI package `http-message-signatures`, run by
    /// `peers/python_peer.py` with the interpreter that [`PYTHON_VAR`] names.
    ///
    /// # Errors
    /// When the variable is not set or the script cannot report its version.
    pub fn python() -> Result<ProcessPeer, String> {
        ProcessPeer::from_env(PYTHON, "PyPI", PYTHON_VAR, "python_peer.py")
    }

    /// Creates the peer for the npm package `http-message-signatures`, run by
    /// `peers/node_peer.js` with the Node.js that [`NODE_VAR`] names.
    ///
    /// # Errors
    /// As [`ProcessPeer::python`].
    pub fn node() -> Result<ProcessPeer, String> {
        ProcessPeer::from_env(NPM, "npm", NODE_VAR, "node_peer.js")
    }

    fn from_env(
        name: &'static str,
        registry: &'static str,
        variable: &str,
        script: &str,
    ) -> Result<ProcessPeer, String> {
        let program = std::env::var_os(variable).ok_or_else(|| {
            format!(
                "{variable} is not set. Run scripts/stages/30-interop.sh, which installs the Python and npm peers and sets it"
            )
        })?;
        let mut peer = ProcessPeer {
            name,
            registry,
            program: PathBuf::from(program),
            script: peers_dir().join(script),
            package: String::new(),
        };
        let output = peer.run("version", b"")?;
        let version: Version = serde_json::from_slice(&output)
            .map_err(|e| format!("{name} peer: invalid version output: {e}"))?;
        peer.package = format!("{} {} ({})", version.package, version.version, peer.registry);
        Ok(peer)
    }

    fn run(&self, op: &str, input: &[u8]) -> Result<Vec<u8>, String> {
        let describe = || format!("{} {} {op}", self.program.display(), self.script.display());
        let mut child = Command::new(&self.program)
            .arg(&self.script)
            .arg(op)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", describe()))?;
        // The scripts read all of standard input before writing, but a writer
        // thread keeps a full stderr pipe from blocking the exchange anyway.
        let mut stdin = child.stdin.take().ok_or("the child has no standard input")?;
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child
            .wait_with_output()
            .map_err(|e| format!("{} failed: {e}", describe()))?;
        let written = writer.join().map_err(|_| "the stdin writer thread panicked")?;
        if !output.status.success() {
            return Err(format!(
                "{} exited with {}: {}",
                describe(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        written.map_err(|e| format!("cannot write the jobs to {}: {e}", describe()))?;
        Ok(output.stdout)
    }

    fn batch(&self, op: &str, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
        let input = serde_json::to_vec(&serde_json::json!({ "jobs": jobs }))
            .map_err(|e| format!("cannot serialize the jobs: {e}"))?;
        let output = self.run(op, &input)?;
        let results: Results = serde_json::from_slice(&output)
            .map_err(|e| format!("{} peer: invalid {op} output: {e}", self.name))?;
        let ids_match = results.results.len() == jobs.len()
            && results
                .results
                .iter()
                .zip(jobs)
                .all(|(result, job)| result.id == job.id);
        if !ids_match {
            return Err(format!(
                "{} peer: the {op} results do not match the jobs one to one",
                self.name
            ));
        }
        Ok(results.results)
    }
}

impl Peer for ProcessPeer {
    fn name(&self) -> &str {
        self.name
    }

    fn package(&self) -> String {
        self.package.clone()
    }

    fn sign(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
        self.batch("sign", jobs)
    }

    fn verify(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
        self.batch("verify", jobs)
    }
}

/// Returns `tests/interop/peers`, where the peer scripts are.
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers")
}
