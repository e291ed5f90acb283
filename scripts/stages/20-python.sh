#!/usr/bin/env bash
# Python bindings: builds the reqsig._reqsig extension into the virtual
# environment .venv with `maturin develop`, in the debug profile and the
# workspace's target directory, so it reuses what the Rust stages compiled.
# Then it checks the type stubs against the built module with mypy's
# stubtest, type-checks the package and the tests against the stubs, and
# runs the tests in bindings/python/tests. The tests start FastAPI under
# uvicorn, Flask under Werkzeug and wsgiref, and redis-server (installed by
# scripts/test.sh), all on 127.0.0.1, and run target/debug/reqsig, which the
# workspace build made.
set -euo pipefail

cd "$(dirname "$0")/../.."
started=$SECONDS

# shellcheck source=../lib/python-venv.sh
source scripts/lib/python-venv.sh
# cryptography is the independent Ed25519 implementation the tests check against.
# fastapi, uvicorn and flask serve the ASGI and WSGI middleware tests.
ensure_venv "maturin>=1.9.4,<2" pytest requests httpx mypy cryptography fastapi uvicorn flask

echo "building the extension (maturin develop, debug)"
VIRTUAL_ENV="$VENV_DIR" "$VENV_DIR/bin/maturin" develop --quiet \
    --manifest-path bindings/python/Cargo.toml

echo "checking the stubs against the module (stubtest)"
# Run outside the source tree so that `reqsig` is the installed package.
(cd "$VENV_DIR" && "$VENV_PYTHON" -m mypy.stubtest reqsig)

echo "type-checking the package and its tests (mypy --strict)"
"$VENV_PYTHON" -m mypy --strict --cache-dir "$VENV_DIR/.mypy_cache" \
    bindings/python/python/reqsig bindings/python/tests

echo "running the tests (pytest)"
status=0
"$VENV_PYTHON" -m pytest -p no:cacheprovider -q bindings/python/tests || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests; the Python stage must run some" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    exit "$status"
fi

echo "Python stage passed in $((SECONDS - started)) s"
