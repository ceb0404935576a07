#!/usr/bin/env bash
# Installs what chaptag needs to build and test, with apt-get (Debian 12). Idempotent and
# quick: when every package is present it installs nothing and touches no network.
set -euo pipefail

packages=(
    cmake make gcc clang pkg-config          # build
    libjansson-dev libexpat1-dev             # JSON and XML chapter formats
    libavformat-dev libtagc0-dev             # optional backends (dlopen'ed on first use)
    libcmocka-dev libid3tag0-dev             # unit tests; an independent ID3 parser
    libclang-rt-14-dev                       # libFuzzer and sanitizers with clang
    ffmpeg python3-mutagen                   # fixtures and independent readers
    flac                                     # metaflac: an independent FLAC reader
    acl                                      # tests: ACLs kept by rewrites (setfacl)
    vorbis-tools opus-tools                  # independent Ogg readers: ogginfo, vorbiscomment, opusinfo
    sox                                      # WAV fixtures from another writer than ffmpeg
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
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
echo "bootstrap: done"
