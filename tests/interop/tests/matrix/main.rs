//! The interoperability matrix: reqsig against the Python, npm and Rust peers.

mod httpsig_peer;

use std::path::PathBuf;

use reqsig_interop::cases::scenarios;
use reqsig_interop::matrix::Matrix;
use reqsig_interop::peer::{Peer, ProcessPeer};

use httpsig_peer::HttpsigPeer;

/// The environment variable naming the file the `matrix` test writes;
/// `tests/interop/MATRIX.md` when it is not set.
const MATRIX_VAR: &str = "REQSIG_INTEROP_MATRIX";

#[test]
fn httpsig_both_directions() {
    let matrix = Matrix::run(&[&HttpsigPeer], &scenarios()).expect("httpsig runs in process");
    println!("{}", matrix.report());
    let problems = matrix.problems();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
#[ignore = "needs the Python and npm peers: run scripts/stages/30-interop.sh"]
fn matrix() {
    let python = ProcessPeer::python().unwrap_or_else(|e| panic!("{e}"));
    let node = ProcessPeer::node().unwrap_or_else(|e| panic!("{e}"));
    let peers: [&dyn Peer; 3] = [&python, &node, &HttpsigPeer];
    let matrix = Matrix::run(&peers, &scenarios()).unwrap_or_else(|e| panic!("{e}"));

    let path = std::env::var_os(MATRIX_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("MATRIX.md"));
    std::fs::write(&path, matrix.to_markdown())
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));

    println!("{}", matrix.report());
    let problems = matrix.problems();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
