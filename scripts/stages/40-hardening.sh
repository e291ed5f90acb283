#!/usr/bin/env bash
# Hardening stage: checks the dependency graph against deny.toml (licenses,
# duplicate and wildcard dependencies, sources).
#
# The advisory check of cargo-deny is not run: it clones the RustSec database
# from GitHub, which this project's machines and CI cannot reach (deny.toml
# says more). Fuzzing is not run either. scripts/fuzz.sh does that with a time
# budget, on a machine that is otherwise idle. The committed fuzz inputs are
# replayed by crates/reqsig-gate/tests/fuzz_corpus.rs, which the
# `cargo test --workspace --all-features` of scripts/test.sh runs before the
# stages, so this stage does not run it again. To replay them alone:
#
#     cargo test --workspace --all-features --test fuzz_corpus
#
# cargo-deny is installed once with `cargo install` (about 4 minutes on two
# cores) and reused from ~/.cargo/bin afterwards.
set -euo pipefail

cd "$(dirname "$0")/../.."
started=$SECONDS

# The version deny.toml was written for.
CARGO_DENY_VERSION=0.20.2

if ! command -v cargo-deny >/dev/null 2>&1; then
    echo "installing cargo-deny $CARGO_DENY_VERSION"
    cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION"
fi

echo "checking licenses, bans and sources (cargo deny)"
cargo deny --offline check --hide-inclusion-graph licenses bans sources

echo "hardening stage passed in $((SECONDS - started)) s"
