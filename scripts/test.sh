#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, lints, and the test
# suites of every crate. CI runs exactly this script (see .ci/run).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() {
    printf '\n==> %s\n' "$*"
}

step "rustfmt"
cargo fmt --all -- --check

step "clippy, all features, every target (benches and examples included)"
cargo clippy --workspace --all-features --all-targets -- -D warnings

step "clippy, default features of the core"
cargo clippy -p reqsig -- -D warnings

step "tests, all features"
cargo test --workspace --all-features
