#!/usr/bin/env bash
# Interoperability stage: signs with reqsig and verifies with the PyPI and npm
# packages http-message-signatures and the httpsig crate, and the other way
# round, then checks that tests/interop/MATRIX.md is the matrix this run
# generated.
#
# It installs what it needs: the pinned Python packages into .venv (through
# scripts/lib/python-venv.sh), Node.js and npm from Debian when they are
# missing, and the npm package pinned by tests/interop/package-lock.json into
# tests/interop/node_modules.
#
# REQSIG_INTEROP_UPDATE=1 copies the generated matrix over
# tests/interop/MATRIX.md instead of failing when the two differ.
set -euo pipefail

cd "$(dirname "$0")/../.."
interop=tests/interop

# shellcheck source=../lib/python-venv.sh
source scripts/lib/python-venv.sh
ensure_venv --requirement "$interop/peers/requirements.txt"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Node.js and npm are missing; install them with: sudo apt-get install nodejs npm" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
(cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)

export REQSIG_INTEROP_PYTHON="$VENV_PYTHON"
REQSIG_INTEROP_NODE="$(command -v node)"
export REQSIG_INTEROP_NODE
generated="$(mktemp)"
trap 'rm -f "$generated"' EXIT
export REQSIG_INTEROP_MATRIX="$generated"

# The same packages and features as the `cargo test` of scripts/test.sh, so
# the build is reused and only the matrix test binary runs.
cargo test --workspace --all-features --test matrix -- --include-ignored

if [ "${REQSIG_INTEROP_UPDATE:-0}" = 1 ]; then
    cp "$generated" "$interop/MATRIX.md"
    echo "wrote $interop/MATRIX.md"
elif ! diff -u "$interop/MATRIX.md" "$generated"; then
    echo "tests/interop/MATRIX.md differs from the generated matrix above (+ lines)." >&2
    echo "Regenerate it with: REQSIG_INTEROP_UPDATE=1 bash scripts/stages/30-interop.sh" >&2
    exit 1
fi
