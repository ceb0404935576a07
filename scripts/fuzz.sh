#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), built with clang, ASan and UBSan.
# New inputs go to a scratch corpus under build-fuzz/corpus/; the committed seeds in
# tests/fuzz/corpus/ are read only. A crash stops the run and is kept as
# build-fuzz/crash-*: turn it into a regression test by copying it into the target's seed
# folder (the replay tests then run it on every build).
#
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

scripts/bootstrap.sh
CC=clang cmake -S . -B build-fuzz -DCHAPTAG_FUZZ=ON -DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF \
    -DCHAPTAG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null

status=0
for bin in build-fuzz/tests/fuzz/fuzz_*; do
    name=${bin##*/fuzz_}
    work=build-fuzz/corpus/$name
    mkdir -p "$work"
    log=build-fuzz/fuzz-$name.log
    if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=build-fuzz/crash-"$name"- "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
        printf 'fuzz %-10s ok: %s execs in %ss, corpus %s inputs, coverage %s edges\n' \
            "$name" "${execs:-?}" "$seconds" "$(ls "$work" | wc -l)" "${cov:-?}"
    else
        echo "fuzz $name FAILED: see $log and build-fuzz/crash-$name-*"
        grep -E 'ERROR|SUMMARY' "$log" | head -n 5
        status=1
    fi
done
exit $status
