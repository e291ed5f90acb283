#!/usr/bin/env bash
# Runs every benchmark of benches/ and prints the figures BENCHMARKS.md
# records: criterion sign/verify timings and ratios, the steps of a
# verification timed one by one, allocations, the replay
# stores, middleware throughput, callgrind instruction counts and the Python
# bindings against http-message-signatures.
#
# Timings are sensitive to other work on the machine. By default the script
# first waits, polling every 30 s for up to 15 minutes, until the 1-minute
# load average is below 1.0, then measures anyway and prints the load.
# BENCH_WAIT=0 skips the wait. Nothing here is part of scripts/test.sh,
# which only checks that the benchmarks compile (clippy --all-targets).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
OUT=target/bench
mkdir -p "$OUT"

step() {
    printf '\n==> %s\n' "$*"
}

load_average() {
    cut -d ' ' -f 1 /proc/loadavg
}

step "machine"
echo "nproc: $(nproc)"
grep -m 1 'model name' /proc/cpuinfo
rustc --version
python3 --version

if [ "${BENCH_WAIT:-1}" != 0 ]; then
    for _ in $(seq 30); do
        awk -v load="$(load_average)" 'BEGIN { exit !(load < 1.0) }' && break
        echo "load average $(load_average); waiting 30 s for it to fall below 1.0"
        sleep 30
    done
fi
echo "load average at the start: $(load_average)"

step "build (release)"
cargo build --release -p reqsig-benches --examples --benches
cargo build --release -p reqsig-benches --features count-allocations --example allocations --example replay_store

step "sign and verify: reqsig, the floor and httpsig (criterion; load $(load_average))"
cargo bench -p reqsig-benches --bench sign_verify -- --noplot 2>&1 |
    grep -E '^(ed25519|hmac-sha256)/|time:' | tee "$OUT/criterion.txt"
python3 benches/tools/criterion_summary.py target/criterion | tee "$OUT/criterion-summary.txt"

step "the steps of an HMAC-SHA256 verification, timed one by one (load $(load_average))"
target/release/examples/phases | tee "$OUT/phases.txt"

step "allocations per sign and verify (allocation-counter)"
target/release/examples/allocations | tee "$OUT/allocations.txt"

step "replay stores: memory per nonce, Redis round trips per request"
target/release/examples/replay_store | tee "$OUT/replay-store.txt"

step "middleware throughput through reqsig-tower on loopback (load $(load_average))"
target/release/examples/middleware_rps --client spin | tee "$OUT/middleware.txt"
target/release/examples/middleware_rps --client epoll | tee "$OUT/middleware-epoll.txt"

if command -v valgrind >/dev/null 2>&1; then
    step "instructions per operation (valgrind --tool=callgrind)"
    # Line tables name inlined code in the profile; optimisation is unchanged.
    CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
        cargo build --release -p reqsig-benches --example profile_hmac --example profile_ed25519
    for algorithm in hmac ed25519; do
        rounds=2000
        [ "$algorithm" = ed25519 ] && rounds=200
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$algorithm.out" \
            "target/release/examples/profile_$algorithm" "$rounds" 2>/dev/null
        echo "$algorithm: instructions per call, calls"
        python3 benches/tools/callgrind_summary.py "$OUT/callgrind.$algorithm.out" \
            floor::Floor::sign profile::reqsig_sign floor::Floor::verify profile::reqsig_verify |
            tee "$OUT/callgrind-$algorithm.txt"
    done
else
    step "instructions per operation: skipped, valgrind is not installed (apt-get install valgrind)"
fi

step "Python: reqsig bindings against http-message-signatures (load $(load_average))"
VENV="$OUT/venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
"$VENV/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" http-message-signatures cryptography
# A release build of the extension, in its own environment, so the debug
# build the test stage installs into .venv is left alone.
rm -rf "$OUT/wheels"
"$VENV/bin/maturin" build --release --quiet --manifest-path bindings/python/Cargo.toml --out "$OUT/wheels"
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$OUT"/wheels/reqsig-*.whl
"$VENV/bin/python" -m pip list 2>/dev/null | grep -iE '^(reqsig|http-message-signatures|cryptography) '
"$VENV/bin/python" benches/python/bench.py --criterion target/criterion | tee "$OUT/python.txt"

step "done; outputs are in $OUT (load average now $(load_average))"
