#!/usr/bin/env bash
# Short fuzzing pass for CI: runs each fuzz target for a fixed time (FUZZ_SECONDS, default 45)
# from the committed seed corpus. Exit status:
#   0  every target ran clean, or fuzzing is not possible here ("fuzz: skipped (reason)")
#   1  a target found a crash, a timeout or an out-of-memory input (artifact path printed)
#   2  the fuzz targets do not compile against the library (they must be updated)
# Environment: FUZZ_SECONDS, FUZZ_TARGETS (default "render chunked wrap").
# See FUZZING.md for long runs.
set -uo pipefail

cd "$(dirname "$0")" || exit 2
SECS="${FUZZ_SECONDS:-45}"
TARGETS="${FUZZ_TARGETS:-render chunked wrap}"
# cargo-fuzz passes unstable rustc flags; the toolchain here is stable.
export RUSTC_BOOTSTRAP=1

skip() {
    echo "fuzz: skipped ($1)"
    exit 0
}

command -v cargo >/dev/null 2>&1 || skip "cargo not found"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz missing, installing it (at most 10 minutes)"
    if ! timeout 600 cargo install cargo-fuzz --locked >cargo-fuzz-install.log 2>&1; then
        tail -5 cargo-fuzz-install.log
        skip "cargo-fuzz could not be installed"
    fi
    cargo fuzz --version >/dev/null 2>&1 || skip "cargo-fuzz installed but not runnable"
fi

# A compile error in the targets is an error, not a skip: they must follow the library's API.
if ! timeout 900 cargo check --quiet --bins; then
    echo "fuzz: error (the fuzz targets do not compile)"
    exit 2
fi

# Without a sanitizer: termark forbids unsafe code, and the run is several times faster.
# (Long runs in FUZZING.md use AddressSanitizer too.)
BUILD=(-O -s none --target-dir target/ci)
if ! timeout 1200 cargo fuzz build "${BUILD[@]}" >fuzz-build.log 2>&1; then
    tail -20 fuzz-build.log
    skip "cargo fuzz build failed with this toolchain (see fuzz/fuzz-build.log)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for t in $TARGETS; do
    mkdir -p "$work/$t"
    echo "fuzz: $t for ${SECS}s"
    # Generous wall-clock guard: libFuzzer stops itself after -max_total_time.
    timeout $((SECS + 300)) cargo fuzz run "${BUILD[@]}" "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$work/$t.log" 2>&1
    rc=$?
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$work/$t.log" | sed "s/^/fuzz: $t: /"
    if [ "$rc" -ne 0 ]; then
        echo "fuzz: $t FAILED (exit $rc); last lines of its log:"
        grep -E 'panicked|ERROR|SUMMARY|Test unit written|artifact' "$work/$t.log" | head -20
        tail -30 "$work/$t.log"
        status=1
    else
        echo "fuzz: $t ok"
    fi
done
if [ "$status" -ne 0 ]; then
    echo "fuzz: crash found; reproduce with: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O <target> artifacts/<target>/<file>"
fi
exit "$status"
