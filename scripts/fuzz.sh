#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), built with clang, ASan and UBSan,
# JOBS at a time (default: the number of cores). New inputs go to a scratch corpus under
# build-fuzz/corpus/; the committed seeds in tests/fuzz/corpus/ are read only. A crash stops
# that target, is kept as build-fuzz/crash-<target>-*, and fails the run: make it a
# regression test by copying it into the target's seed folder (the replay tests then run it
# on every build). Prints, per target, the executions, corpus size and coverage reached.
#
#   scripts/fuzz.sh [SECONDS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=${2:-$(nproc)}

scripts/bootstrap.sh
CC=clang cmake -S . -B build-fuzz -DCHAPTAG_FUZZ=ON -DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF \
    -DCHAPTAG_SANITIZE=OFF -DCHAPTAG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null

# Fuzzes one target; prints its line; exits non-zero on a crash.
one() {
    local bin=$1 seconds=$2 name log work
    name=${bin##*/fuzz_}
    work=build-fuzz/corpus/$name
    log=build-fuzz/fuzz-$name.log
    mkdir -p "$work"
    if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="build-fuzz/crash-$name-" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
        local execs cov
        execs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
        printf 'fuzz %-10s ok: %9s execs in %ss, corpus %5s inputs, coverage %5s edges\n' \
            "$name" "${execs:-?}" "$seconds" "$(ls "$work" | wc -l)" "${cov:-?}"
    else
        echo "fuzz $name FAILED: see $log and build-fuzz/crash-$name-*"
        grep -E 'ERROR|SUMMARY' "$log" | head -n 5
        return 1
    fi
}
export -f one

ls build-fuzz/tests/fuzz/fuzz_* | xargs -P "$jobs" -I{} bash -c "one {} $seconds"
