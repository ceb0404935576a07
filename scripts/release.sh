#!/usr/bin/env bash
# Makes the source release of the committed HEAD: OUT/chaptag-VERSION.tar.gz (git archive, every
# file under chaptag-VERSION/ with the commit's time as its mtime; gzip without a name or time),
# its checksum OUT/chaptag-VERSION.tar.gz.sha256 (sha256sum -c reads it) and OUT/chaptag.rb, the
# Homebrew formula of packaging/homebrew/chaptag.rb with that tarball's URL and sha256 filled in.
# The same commit gives the same bytes, whoever runs it, whatever their umask, time zone, locale
# or git settings.
#
#   scripts/release.sh [--out DIR] [--url-base URL] [--allow-dirty] VERSION
#
# VERSION must be the project version of HEAD's CMakeLists.txt (project(chaptag VERSION x.y.z)),
# and a tag vVERSION, if there is one, must be HEAD. The tree must be clean (untracked files
# aside): the tarball is of HEAD, so uncommitted edits would be silently missing from it;
# --allow-dirty archives HEAD anyway. --out defaults to dist/ (git-ignored). --url-base is where
# the tarball will be downloaded from (the formula's url is URL/chaptag-VERSION.tar.gz); by
# default the formula points at the tarball in OUT (file://), so that the formula, copied into a
# tap (README, Install, macOS), builds this very tarball.
set -euo pipefail

usage() {
    echo "usage: scripts/release.sh [--out DIR] [--url-base URL] [--allow-dirty] VERSION" >&2
    exit 2
}
die() {
    echo "release: $*" >&2
    exit 1
}

out=dist
url_base=
allow_dirty=0
version=
while [ $# -gt 0 ]; do
    case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    --url-base) [ $# -ge 2 ] || usage; url_base=$2; shift 2 ;;
    --url-base=*) url_base=${1#--url-base=}; shift ;;
    --allow-dirty) allow_dirty=1; shift ;;
    -h | --help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) usage ;;
    *) [ -z "$version" ] || usage; version=$1; shift ;;
    esac
done
[ -n "$version" ] || usage
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "VERSION is x.y.z (as in CMakeLists.txt), not '$version'"

# OUT is taken from where the command was run; everything else happens in the repository
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
git rev-parse --verify -q HEAD^{commit} >/dev/null || die "$PWD is not a git checkout with a commit"

# Pinned: what git, gzip and the files written could take from the caller's environment
export LC_ALL=C TZ=UTC
unset GZIP # gzip reads extra options from it
umask 022
git_pinned=(git -c tar.umask=0022 -c core.autocrlf=false -c core.eol=lf
    -c core.attributesFile=/dev/null)

commit=$(git rev-parse HEAD)
project_version=$(git show HEAD:CMakeLists.txt |
    sed -n 's/^project(chaptag VERSION \([0-9][0-9.]*\)[ )].*/\1/p')
[ -n "$project_version" ] || die "no 'project(chaptag VERSION x.y.z' line in HEAD's CMakeLists.txt"
[ "$version" = "$project_version" ] ||
    die "VERSION $version is not the project version $project_version of HEAD's CMakeLists.txt"
if tagged=$(git rev-parse -q --verify "refs/tags/v$version^{commit}"); then
    [ "$tagged" = "$commit" ] || die "tag v$version is ${tagged:0:12}, not HEAD ${commit:0:12}"
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    [ $allow_dirty = 1 ] ||
        die "uncommitted changes, which the tarball of HEAD would not hold (--allow-dirty: archive HEAD anyway)"
    echo "release: uncommitted changes left out: the tarball is of HEAD ${commit:0:12}" >&2
fi

name=chaptag-$version
mkdir -p "$out"
tarball=$out/$name.tar.gz
tmp=$(mktemp "$out/.$name.XXXXXX")
trap 'rm -f "$tmp" "$out/$name.tar.gz.sha256.tmp" "$out/chaptag.rb.tmp"' EXIT
# git writes the tar itself (pax, mtime = commit time, uid/gid 0); gzip -n stores no name or time
"${git_pinned[@]}" archive --format=tar --prefix="$name/" "$commit" | gzip -n -9 >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$tarball"
# the checksum and the formula go through temporaries too: a run that dies leaves no stale or
# half-filled file under a final name
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256.tmp")
mv -f "$out/$name.tar.gz.sha256.tmp" "$out/$name.tar.gz.sha256"
sha=$(cut -d' ' -f1 "$out/$name.tar.gz.sha256")

# The formula of the same commit, its placeholders filled in
url=${url_base:+${url_base%/}/$name.tar.gz}
url=${url:-file://$tarball}
url_sed=$(printf '%s' "$url" | sed 's/[&|\\]/\\&/g') # as sed's replacement text
{
    echo "# chaptag $version, written by scripts/release.sh from commit $commit"
    git show "$commit:packaging/homebrew/chaptag.rb" |
        sed -e "s|\"@URL@\"|\"$url_sed\"|" -e "s|\"@SHA256@\"|\"$sha\"|"
} >"$out/chaptag.rb.tmp"
! grep -n '"@[A-Z0-9]*@"' "$out/chaptag.rb.tmp" || die "placeholders left in the formula"
mv -f "$out/chaptag.rb.tmp" "$out/chaptag.rb"

echo "$tarball: $(wc -c <"$tarball") bytes, commit ${commit:0:12}"
echo "sha256 $sha"
echo "$out/chaptag.rb: url $url"
