#!/bin/sh
# python314.sh: a real CPython 3.14 for the MP tests (issue 11), made from
# Debian unstable's packages and cached under the build tree.
#
#   tests/mp/python314.sh CACHE_DIR        prints the interpreter's path
#
# Debian unstable ships python3.14; its binaries need unstable's glibc. With
# a private apt configuration (sources list, lists, cache and an empty
# status file, all under CACHE_DIR: the machine's apt state is not touched)
# pointing the machine's own Debian mirror at unstable, the script
# downloads python3.14-minimal, libpython3.14-minimal, libpython3.14-stdlib,
# unstable's libc6 and the few libraries they link, unpacks them with
# `dpkg-deb -x` into CACHE_DIR/root, and rewrites the interpreter's ELF
# header with patchelf (bookworm's, downloaded the same way): the program
# interpreter becomes unstable's loader and the rpath its library
# directories (DT_RPATH, not RUNPATH: it also applies to the extension
# modules' own libraries, or _ssl would load this machine's libcrypto). multiprocessing starts children by executing sys.executable,
# so they run with the same loader and libraries.
#
# Exit 0 and the path on stdout when the interpreter works (checked:
# multiprocessing's default start method is forkserver). Exit 77 (ctest's
# skip) with a message on stderr when it cannot be made here: no apt-get or
# dpkg-deb, no network, or the mirror has no python3.14. Once made, the
# interpreter is reused (delete CACHE_DIR/root to refresh it).
set -u

cache=${1:?usage: python314.sh CACHE_DIR}
mkdir -p "$cache" || exit 2
cache=$(cd "$cache" && pwd)
root=$cache/root
py=$root/usr/bin/python3.14

skip() {
  echo "python314.sh: skipped: $*" >&2
  exit 77
}

# The interpreter runs, imports the extension modules that need unstable's
# libraries, defaults to forkserver, and a lambda given to Pool.map fails
# to pickle (in a child started through the fork server).
check() {
  out=$(cd "$cache" && "$py" -c '
import multiprocessing, pickle, sys, ssl, hashlib, lzma, bz2, zlib, decimal, ctypes
if __name__ == "__main__":
    m = multiprocessing.get_start_method()
    try:
        with multiprocessing.Pool(1) as p:
            p.map(lambda x: x, [1])
        r = "no error"
    except pickle.PicklingError:
        r = "PicklingError"
    print(sys.version_info[:2] >= (3, 14), m, r)
' 2>&1)
  [ "$out" = "True forkserver PicklingError" ]
}

if [ -x "$py" ] && [ -f "$root/.complete" ] && check; then
  echo "$py"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not available"

# The machine's own Debian mirror, else deb.debian.org.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb  *\(\[[^]]*\] *\)\{0,1\}\(http[^ ]*debian\)\/* .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || skip "no Debian archive keyring at $keyring"

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" || exit 2
cat >"$apt/sources.list" <<EOF
deb [signed-by=$keyring] $mirror unstable main
deb [signed-by=$keyring] $mirror bookworm main
EOF
: >"$apt/status"
APT_OPTS="-q -o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o Dir::State::status=$apt/status
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o APT::Architecture=amd64 -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $APT_OPTS update >"$apt/update.log" 2>&1 || skip "apt-get update of $mirror unstable failed (see $apt/update.log)"
# apt-get update exits 0 when a source cannot be reached: look for the list.
ls "$apt"/lists/*_unstable_main_binary-amd64_Packages* >/dev/null 2>&1 ||
  skip "no package list for $mirror unstable (no network? see $apt/update.log)"

# The interpreter, its libraries (python3.14's Depends and those of the
# extension modules multiprocessing, pickle and the tests import), and
# patchelf from bookworm so it runs on this machine's own libc.
pkgs="python3.14-minimal libpython3.14-minimal libpython3.14-stdlib libc6 libgcc-s1 libexpat1 zlib1g
  libssl3t64 libffi8 libbz2-1.0 liblzma5 libzstd1 libmpdec4 libuuid1 libsqlite3-0"
cd "$apt/debs" || exit 2
# shellcheck disable=SC2086
apt-get $APT_OPTS download $pkgs patchelf/bookworm >"$apt/download.log" 2>&1 ||
  skip "apt-get download failed (see $apt/download.log)"

rm -rf "$root" "$cache/patchelf"
mkdir -p "$root" "$cache/patchelf" || exit 2
for deb in "$apt"/debs/*.deb; do
  case $(basename "$deb") in
  patchelf_*) dpkg-deb -x "$deb" "$cache/patchelf" ;;
  *) dpkg-deb -x "$deb" "$root" ;;
  esac || skip "dpkg-deb -x $deb failed"
done

loader=$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -e "$loader" ] || loader=$root/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -e "$loader" ] || skip "unstable's libc6 has no x86-64 loader (not an amd64 machine?)"
[ -x "$root/usr/bin/python3.14" ] || skip "python3.14-minimal holds no usr/bin/python3.14"
"$cache/patchelf/usr/bin/patchelf" --set-interpreter "$loader" --force-rpath \
  --set-rpath "$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu" "$py" || skip "patchelf failed"
check || skip "the patched interpreter does not start or does not default to forkserver: $out"
: >"$root/.complete"
echo "$py"
