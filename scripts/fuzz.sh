#!/usr/bin/env bash
# Fuzzes reqsig with cargo-fuzz (libFuzzer) on the stable toolchain, then
# minimises the corpora and prints the executions and findings per target.
#
# Usage, from anywhere in the repository:
#
#   bash scripts/fuzz.sh                 # 4200 CPU-seconds (70 CPU-minutes) in all
#   bash scripts/fuzz.sh 1800            # another total, in CPU-seconds
#   bash scripts/fuzz.sh --each 20       # every target for 20 s: a smoke test
#
# Two targets run at a time, one libFuzzer process each, so the wall time is
# about half the total. The total is shared by weight, by how much input each
# target parses:
#
#   verify            4  a whole message: framing, both signature fields,
#                        every component, Content-Digest, five key types
#   wire              2  HTTP/1.1 framing, chunked coding, folding, and the
#                        value of every derived component and field
#   signature_fields  2  Signature-Input, Signature and Accept-Signature
#                        dictionaries, then verification on a fixed request
#   keys              2  PEM, DER (PKCS#8, SPKI, PKCS#1, SEC1) and JWK for
#                        every algorithm, with export round trips
#   registry          2  TOML, the registry model, then keys, scopes, CIDRs
#                        and times of each entry
#   components        1  one component identifier or list, resolved on fixed
#                        messages
#   content_digest    1  one dictionary of digests and a body
#
# With the default total, a weight of 1 is 300 s.
#
# The script installs cargo-fuzz when it is missing and adds the seeds of
# fuzz/seeds.py (from spec/vectors/) to the corpora. It builds the targets
# without a sanitizer (`-s none`), because the crates forbid unsafe code and
# the sanitizers need a nightly toolchain. Then it runs them and minimises
# each corpus with `cargo fuzz cmin`.
#
# Crashes, timeouts and out-of-memory inputs land in fuzz/artifacts/<target>/.
# The stable test crates/reqsig-gate/tests/fuzz_corpus.rs replays them with
# the corpora, so they fail the tests until the bug is fixed. Then move each
# file to fuzz/regressions/<target>/ under a name that says what it found. A
# target that crashes stops there, so fix the bug and run the script again.
set -euo pipefail

cd "$(dirname "$0")/.."

TARGETS=(verify:4 wire:2 signature_fields:2 keys:2 registry:2 components:1 content_digest:1)
PARALLEL=2
DEFAULT_TOTAL=4200

usage() {
    echo "usage: bash scripts/fuzz.sh [TOTAL_CPU_SECONDS | --each SECONDS]" >&2
    exit 2
}

each=""
total="$DEFAULT_TOTAL"
case "${1:-}" in
    "") ;;
    --each)
        case "${2:-}" in "" | *[!0-9]*) usage ;; esac
        each="$2"
        ;;
    *[!0-9]*) usage ;;
    *) total="$1" ;;
esac

weight_sum=0
for entry in "${TARGETS[@]}"; do
    weight_sum=$((weight_sum + ${entry#*:}))
done

# Prints a target's seconds: its share of the total, at least 1, because
# libFuzzer takes -max_total_time=0 as no limit.
seconds_for() {
    local weight=$1 seconds
    if [ -n "$each" ]; then
        seconds="$each"
    else
        seconds=$((total * weight / weight_sum))
    fi
    echo $((seconds > 0 ? seconds : 1))
}

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

echo "==> adding the seeds from spec/vectors/"
python3 fuzz/seeds.py

echo "==> building the targets (cargo fuzz build -s none)"
cargo fuzz build -s none

log_dir="fuzz/target/fuzz-logs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$log_dir"
started_marker="$log_dir/started"
touch "$started_marker"

# Runs one target for a number of seconds and records the corpus size before it.
run_target() {
    local name=$1 seconds=$2
    local corpus="fuzz/corpus/$name"
    mkdir -p "$corpus"
    find "$corpus" -type f | wc -l >"$log_dir/$name.before"
    echo "    $name: ${seconds} s"
    # libFuzzer exits non-zero on a finding; the summary below reports it.
    cargo fuzz run -s none "$name" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        >"$log_dir/$name.log" 2>&1 || true
}

echo "==> fuzzing, $PARALLEL targets at a time (logs in $log_dir)"
running=0
for entry in "${TARGETS[@]}"; do
    if [ "$running" -ge "$PARALLEL" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_target "${entry%%:*}" "$(seconds_for "${entry#*:}")" &
    running=$((running + 1))
done
wait

echo "==> minimising the corpora (cargo fuzz cmin -s none)"
for entry in "${TARGETS[@]}"; do
    name="${entry%%:*}"
    cargo fuzz cmin -s none "$name" "fuzz/corpus/$name" >"$log_dir/$name.cmin.log" 2>&1 ||
        echo "    cmin failed for $name; see $log_dir/$name.cmin.log" >&2
done

# Prints the number of executions of a run: libFuzzer's final statistics, or
# the last status line when the run stopped at a finding.
executions() {
    local log=$1 count
    count=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ -z "$count" ]; then
        count=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
    fi
    echo "${count:-0}"
}

echo
printf '%-18s %8s %12s %10s %16s %9s\n' target budget executions "exec/s" corpus findings
total_findings=0
for entry in "${TARGETS[@]}"; do
    name="${entry%%:*}"
    seconds=$(seconds_for "${entry#*:}")
    log="$log_dir/$name.log"
    runs=$(executions "$log")
    per_second=$((seconds > 0 ? runs / seconds : 0))
    before=$(cat "$log_dir/$name.before")
    after=$(find "fuzz/corpus/$name" -type f | wc -l)
    findings=0
    if [ -d "fuzz/artifacts/$name" ]; then
        findings=$(find "fuzz/artifacts/$name" -type f -newer "$started_marker" | wc -l)
    fi
    total_findings=$((total_findings + findings))
    printf '%-18s %8s %12s %10s %16s %9s\n' "$name" "$seconds" "$runs" "$per_second" "$before -> $after" "$findings"
done

echo
if [ "$total_findings" -gt 0 ]; then
    echo "findings (reproduce one with: cargo fuzz run -s none TARGET FILE):"
    find fuzz/artifacts -type f -newer "$started_marker" | sort | sed 's/^/    /'
    exit 1
fi
echo "no findings"
