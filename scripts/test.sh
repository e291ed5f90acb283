#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, the Rust test
# suites, then each stage in scripts/stages/ in name order (Python bindings,
# interoperability, services the tests need). CI runs exactly this script
# (see .ci/run).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() {
    printf '\n==> %s\n' "$*"
}

step "Debian packages the tests need (redis-server)"
# shellcheck source=lib/ensure-packages.sh
source scripts/lib/ensure-packages.sh
ensure_debian_packages

step "rustfmt"
cargo fmt --all -- --check

step "clippy, all features, every target (benches and examples included)"
cargo clippy --workspace --all-features --all-targets -- -D warnings

step "clippy, default features of the core"
cargo clippy -p reqsig -- -D warnings

step "Rust tests, all features"
cargo test --workspace --all-features

step "core tests, default features (Ed25519 and HMAC only)"
cargo test -p reqsig --tests

for stage in scripts/stages/*.sh; do
    [ -e "$stage" ] || continue
    step "stage $(basename "$stage")"
    bash "$stage"
done

step "all checks passed"
