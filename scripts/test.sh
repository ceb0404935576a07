#!/usr/bin/env bash
# Runs every test: installs what is missing, builds with -Werror (gcc), runs the unit,
# integration and fuzz-replay tests through ctest, fuzzes every parser for a few seconds
# (clang, which also checks the build is warning-free there), compiles every source for macOS
# (zig), then builds again with AddressSanitizer and UndefinedBehaviorSanitizer and every
# portable fallback of src/io/ (CHAPTAG_PORTABLE: what macOS and FreeBSD take) and runs every
# test once more; the tests that configure and build chaptag in other ways (label "build") run
# in the first build only.
#
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/bootstrap.sh

jobs=$(nproc)
fixtures=$root/fixtures/audio
phase() { echo "== $* (at ${SECONDS}s)"; } # elapsed time in CI logs, to keep the run short

build() { # build DIR [cmake options...]
    local dir=$1
    shift
    # ON, not AUTO: a missing part fails here instead of testing less
    cmake -S "$root" -B "$dir" -DCHAPTAG_WERROR=ON -DCHAPTAG_TESTS=ON -DCHAPTAG_INTEGRATION=ON \
        -DCHAPTAG_FFMPEG=ON -DCHAPTAG_SANITIZE=OFF -DCHAPTAG_FUZZ=OFF \
        -DCHAPTAG_FIXTURES_DIR="$fixtures" "$@" >/dev/null
    cmake --build "$dir" -j "$jobs" >/dev/null
}

phase "build (gcc, -Werror)"
build build
phase "tests"
ctest --test-dir build -j "$jobs" --output-on-failure

phase "compile for macOS (zig)"
scripts/macos-check.sh

phase "fuzz every parser for ${CHAPTAG_FUZZ_SECONDS:-6} s (clang, ASan, UBSan, libFuzzer)"
scripts/fuzz.sh "${CHAPTAG_FUZZ_SECONDS:-6}"

phase "build (ASan + UBSan, portable fallbacks)"
build build-asan -DCHAPTAG_SANITIZE=ON -DCHAPTAG_PORTABLE=ON -DCMAKE_BUILD_TYPE=Debug
phase "tests under ASan + UBSan, portable fallbacks"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j "$jobs" --output-on-failure -LE build
phase "done"
