//! Signs and verifies the typical request with Ed25519 in a loop, next
//! to the floor, for profilers such as `valgrind --tool=callgrind`.
//!
//! Usage: `profile_ed25519 [ROUNDS]` (default 1000). `scripts/bench.sh` reads
//! the inclusive instruction counts of `Floor::sign`, `Floor::verify`,
//! `profile::reqsig_sign` and `profile::reqsig_verify`.

use reqsig_benches::Algorithm;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let verified = reqsig_benches::profile::run(Algorithm::Ed25519, rounds);
    println!("{verified} of {rounds} verified");
}
