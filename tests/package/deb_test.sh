#!/usr/bin/env bash
# The Debian package, end to end: CPack builds gmr_<version>_<arch>.deb from the build tree; its control
# fields and contents are checked on the host with dpkg-deb; then it is installed with apt into a clean
# Debian root (chroot), where `gmr --version`, `man gmr` and one `gmr dump` of a live fixture run from
# /usr/bin.
#
# The clean root is a `debootstrap --variant=minbase` of the host's Debian release from the host's own
# Debian mirror (read from its apt configuration), plus man-db. Made once (about 1.5 minutes), kept in
# WORK_DIR/debian-root, and copied afresh for every run, so each run installs into an untouched root.
# apt inside the root fetches the package's dependencies from that mirror: the run needs network to it.
# The host is never changed: nothing is installed on it; everything lives under WORK_DIR.
#
# Needs root (chroot, mount), debootstrap and dpkg-dev (.ci/packages). When a clean root cannot be made
# or used, the test fails and says why; it never skips.
#
# Usage: deb_test.sh BUILD_DIR WORK_DIR VERSION FIXTURE FIXTURE_SOURCE
#   FIXTURE: fixture_threads_c; FIXTURE_SOURCE: its source, whose "@line:NAME" markers give expected lines.
set -euo pipefail

if [[ $# -ne 5 ]]; then
  echo "usage: $0 BUILD_DIR WORK_DIR VERSION FIXTURE FIXTURE_SOURCE" >&2
  exit 2
fi
build_dir=$(realpath "$1")
work_dir=$(realpath -m "$2")
version=$3
fixture=$4
fixture_source=$5

pristine=$work_dir/debian-root # the cached clean root; never entered
run_root=$work_dir/run-root    # this run's copy of it
checks=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() {
  checks=$((checks + 1))
  echo "ok: $*"
}

# Mount points at or below $1, deepest first.
mounts_under() {
  awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Ends processes chrooted into $1 (left by an earlier run that was killed), unmounts everything below it,
# then deletes it. --one-file-system: never follows into a mount that could not be undone.
remove_root() {
  local dir=$1 proc mount_point
  [[ -e $dir ]] || return 0
  for proc in /proc/[0-9]*; do
    if [[ $(readlink "$proc/root" 2>/dev/null) == "$dir" ]]; then kill -KILL "${proc#/proc/}" 2>/dev/null || true; fi
  done
  while read -r mount_point; do
    [[ -n $mount_point ]] && { umount "$mount_point" 2>/dev/null || umount --lazy "$mount_point"; }
  done < <(mounts_under "$dir")
  [[ -z $(mounts_under "$dir") ]] || fail "cannot unmount everything below $dir: $(mounts_under "$dir" | tr '\n' ' ')"
  rm -rf --one-file-system "$dir"
}

fixture_pid=
cleanup() {
  if [[ -n $fixture_pid ]]; then
    kill -KILL "$fixture_pid" 2>/dev/null || true
    wait "$fixture_pid" 2>/dev/null || true
  fi
  exec 3>&-
  remove_root "$run_root"
  remove_root "$pristine.partial"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Commands inside the root get a clean environment (no host PATH, locale or build variables), except a
# proxy the host's apt would use too.
root_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive)
for var in http_proxy https_proxy no_proxy; do
  if [[ -n ${!var:-} ]]; then root_env+=("$var=${!var}"); fi
done
in_root() {
  chroot "$run_root" /usr/bin/env -i "${root_env[@]}" "$@"
}

[[ $(id -u) -eq 0 ]] || fail "needs root: the package is installed and run in a chroot"
for tool in cpack dpkg-deb dpkg-shlibdeps debootstrap chroot apt-get; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (.ci/packages lists what the tests need)"
done
[[ -x $fixture ]] || fail "no fixture program at $fixture"
mkdir -p "$work_dir"
remove_root "$run_root"

# ---- The package, built from the build tree into WORK_DIR ----
arch=$(dpkg --print-architecture)
deb=$work_dir/gmr_${version}_${arch}.deb
rm -f "$deb"
cpack --config "$build_dir/CPackConfig.cmake" -B "$work_dir" >"$work_dir/cpack.log" 2>&1 ||
  fail "cpack failed: $(tail -5 "$work_dir/cpack.log")"
[[ -f $deb ]] || fail "cpack did not write $deb: $(ls "$work_dir"/*.deb 2>/dev/null)"
pass "cpack wrote $(basename "$deb")"

field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == gmr ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), project version $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
[[ $(field Section) == utils ]] || fail "Section: $(field Section)"
[[ $(field Priority) == optional ]] || fail "Priority: $(field Priority)"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer is not 'Name <address>': $(field Maintainer)"
description=$(field Description)
[[ $(head -1 <<<"$description") == "Guru Meditation Report of any running process" ]] ||
  fail "Description synopsis: $(head -1 <<<"$description")"
[[ $(wc -l <<<"$description") -gt 1 ]] || fail "Description has no extended description"
pass "control: Package gmr, Version $version, Architecture $arch, Section utils, Priority optional"

# Depends must be dpkg-shlibdeps' answer for the packaged binary, and name the libraries gmr links.
unpacked=$work_dir/unpacked
rm -rf "$unpacked"
mkdir -p "$unpacked/debian"
dpkg-deb --extract "$deb" "$unpacked"
touch "$unpacked/debian/control" # dpkg-shlibdeps runs in a source package's top directory
computed=$(cd "$unpacked" && dpkg-shlibdeps -O usr/bin/gmr 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
depends=$(field Depends)
[[ -n $computed && $depends == "$computed" ]] ||
  fail "Depends is not dpkg-shlibdeps' answer: package '$depends', computed '$computed'"
for library in libc6 libdw1 libelf1 libstdc++6; do
  [[ $depends =~ (^|, )${library//+/\\+}\ \(\>=\ [^\)]+\) ]] || fail "Depends names no versioned $library: $depends"
done
pass "Depends: $depends"

# Contents: exactly what `cmake --install` installs, under /usr, plus Debian's changes: the man page
# gzipped (its text unchanged) and a changelog. Files root-owned, the binary stripped.
installed=$work_dir/installed
rm -rf "$installed"
cmake --install "$build_dir" --prefix "$installed/usr" >/dev/null
expected=$(cd "$installed" && find . -type f | sed -E 's#^(\./usr/share/man/.*)$#\1.gz#' |
  { cat; echo ./usr/share/doc/gmr/changelog.gz; } | sort)
packaged=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
[[ $packaged == "$expected" ]] || fail "contents differ from cmake --install:
$(diff <(echo "$expected") <(echo "$packaged"))"
for path in ./usr/bin/gmr ./usr/share/man/man1/gmr.1.gz ./usr/share/bash-completion/completions/gmr \
            ./usr/share/gmr/gmr-report.schema.json; do
  grep -qxF "$path" <<<"$packaged" || fail "$path is not in the package"
done
owners=$(dpkg-deb --contents "$deb" | awk '$2 != "root/root"')
[[ -z $owners ]] || fail "files not owned by root/root: $owners"
[[ $(dpkg-deb --contents "$deb" | awk '$6 == "./usr/bin/gmr" { print $1 }') == -rwxr-xr-x ]] ||
  fail "usr/bin/gmr is not -rwxr-xr-x"
while read -r path; do
  case $path in
    ./usr/bin/gmr) ;;
    ./usr/share/doc/gmr/changelog.gz) gzip -t "$unpacked/$path" || fail "$path is not gzip" ;;
    *.gz) cmp -s <(gzip -dc "$unpacked/$path") "$installed/${path%.gz}" || fail "$path is not gzip of the installed file" ;;
    *) cmp -s "$unpacked/$path" "$installed/$path" || fail "$path differs from the installed file" ;;
  esac
done <<<"$packaged"
if readelf --section-headers "$unpacked/usr/bin/gmr" | grep -q '\.debug_info'; then fail "usr/bin/gmr is not stripped"; fi
pass "contents: $(tr '\n' ' ' <<<"$packaged")"

# ---- The clean root: made once, copied for this run ----
if [[ ! -d $pristine ]]; then
  # shellcheck disable=SC1091
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || fail "cannot make a clean root: /etc/os-release names no Debian release (VERSION_CODENAME)"
  # shellcheck disable=SC2016 # $(REPO_URI) is apt's format field, not the shell's
  mirror=$(apt-get indextargets --format '$(REPO_URI)' "Codename: $codename" "Label: Debian" "Identifier: Packages" |
    sort -u | head -1)
  [[ -n $mirror ]] || fail "cannot make a clean root: the host's apt has no Debian $codename mirror (apt-get update first?)"
  echo "making a clean Debian $codename root in $pristine (once) from $mirror"
  remove_root "$pristine.partial"
  started=$SECONDS
  debootstrap --variant=minbase --include=man-db "$codename" "$pristine.partial" "$mirror" \
    >"$work_dir/debootstrap.log" 2>&1 ||
    fail "cannot make a clean root: debootstrap from $mirror failed (no network to the mirror?): $(tail -3 "$work_dir/debootstrap.log")"
  mv "$pristine.partial" "$pristine"
  echo "clean root made in $((SECONDS - started)) s"
fi
cp -a "$pristine" "$run_root"
cp /etc/resolv.conf "$run_root/etc/resolv.conf" # the host's current resolver, for apt in the root
mount -t proc proc "$run_root/proc"             # gmr and the fixture need /proc; it shows every pid
in_root dpkg-query --show gmr >/dev/null 2>&1 && fail "the clean root already has gmr"
in_root dpkg-query --show libdw1 >/dev/null 2>&1 && fail "the clean root already has libdw1: Depends would prove nothing"

# ---- apt installs the .deb, fetching what Depends names ----
mkdir -p "$run_root/tmp/gmr-package"
cp "$deb" "$run_root/tmp/gmr-package/"
chmod 0644 "$run_root/tmp/gmr-package/$(basename "$deb")" # readable by apt's unprivileged downloader
in_root apt-get update -qq >"$work_dir/apt.log" 2>&1 || fail "apt-get update in the root failed: $(tail -3 "$work_dir/apt.log")"
in_root apt-get install -y --no-install-recommends "/tmp/gmr-package/$(basename "$deb")" >>"$work_dir/apt.log" 2>&1 ||
  fail "apt-get install of the .deb in the clean root failed: $(tail -5 "$work_dir/apt.log")"
# shellcheck disable=SC2016 # ${Status} is dpkg-query's format field
status=$(in_root dpkg-query --show --showformat '${Status} ${Version}' gmr)
[[ $status == "install ok installed $version" ]] || fail "dpkg in the root: gmr is '$status'"
for library in libdw1 libelf1; do
  in_root dpkg-query --show "$library" >/dev/null 2>&1 || fail "apt did not install $library for Depends"
done
pass "apt-get install ./$(basename "$deb") in a clean root: gmr $version installed, libdw1 and libelf1 pulled in"

# ---- gmr --version and man gmr, from the installed paths ----
[[ $(in_root sh -c 'command -v gmr') == /usr/bin/gmr ]] || fail "gmr is not /usr/bin/gmr in the root's PATH"
version_line=$(in_root gmr --version) || fail "gmr --version failed in the root"
[[ $version_line == "gmr $version" ]] || fail "gmr --version printed '$version_line', expected 'gmr $version'"
pass "gmr --version: $version_line"

[[ $(in_root man -w gmr) == /usr/share/man/man1/gmr.1.gz ]] || fail "man -w gmr: $(in_root man -w gmr 2>&1)"
manual=$(in_root env MANWIDTH=80 man -P cat gmr 2>"$work_dir/man.err") || fail "man gmr failed: $(cat "$work_dir/man.err")"
grep -q '^GMR(1) ' <<<"$manual" || fail "man gmr did not render gmr(1): $(head -3 <<<"$manual")"
grep -qE '^ +gmr +- +print +a +Guru +Meditation +Report' <<<"$manual" ||
  fail "man gmr has no NAME line: $(head -8 <<<"$manual")"
pass "man gmr renders /usr/share/man/man1/gmr.1.gz ($(wc -l <<<"$manual") lines)"

# ---- one gmr dump of a live fixture, both inside the root ----
mkdir -p "$run_root/opt/gmr-fixture"
cp "$fixture" "$run_root/opt/gmr-fixture/fixture_threads_c"
rm -f "$work_dir/fixture.in" "$work_dir/fixture.out"
mkfifo "$work_dir/fixture.in"
exec 3<>"$work_dir/fixture.in" # holds the fixture's stdin open: at EOF it would exit
(exec chroot "$run_root" /usr/bin/env -i "${root_env[@]}" /opt/gmr-fixture/fixture_threads_c \
  <"$work_dir/fixture.in" >"$work_dir/fixture.out" 2>&1) &
fixture_pid=$! # the subshell execs chroot, which execs env, which execs the fixture: one pid
for ((tries = 0; tries < 200; tries++)); do
  grep -q '^ready ' "$work_dir/fixture.out" && break
  kill -0 "$fixture_pid" 2>/dev/null || fail "the fixture exited: $(cat "$work_dir/fixture.out")"
  sleep 0.05
done
ready=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$work_dir/fixture.out")
[[ -n $ready ]] || fail "the fixture did not get ready in 10 s: $(cat "$work_dir/fixture.out")"
[[ $(readlink "/proc/$fixture_pid/exe") == "$run_root/opt/gmr-fixture/fixture_threads_c" ]] ||
  fail "pid $fixture_pid is not the fixture: $(readlink "/proc/$fixture_pid/exe")"

dump_status=0
in_root /usr/bin/gmr dump --no-source --sections threads "$fixture_pid" >"$work_dir/dump.txt" 2>"$work_dir/dump.err" ||
  dump_status=$?
[[ $dump_status -eq 0 ]] || fail "gmr dump exited $dump_status: $(cat "$work_dir/dump.err")"
grep -qxE "threads += $ready found, $ready frozen" "$work_dir/dump.txt" ||
  fail "the report does not have all $ready threads frozen: $(grep '^threads' "$work_dir/dump.txt")"
# Thread c-mutex: c_mutex_inner <- c_mutex_outer <- c_mutex_entry, consecutive frames of the fixture at
# the source lines its markers name.
marker_line() {
  grep -n "@line:$1 " "$fixture_source" | cut -d: -f1
}
chain=$(sed -n '/^-.* "c-mutex" /,/^------/p' "$work_dir/dump.txt" | grep -E '^#[0-9]+ ' |
  grep -A2 -E ' c_mutex_inner\+' | sed -E 's/^#[0-9]+ +0x[0-9a-f]+ //')
expected_chain=$(for name in c_mutex_inner c_mutex_outer c_mutex_entry; do
  echo "$name (/opt/gmr-fixture/fixture_threads_c) threads_c.c:$(marker_line "$name")"
done)
actual_chain=$(sed -E 's/^([a-z_]+)\+0x[0-9a-f]+ (\([^)]*\)) at .*\/(threads_c\.c:[0-9]+):[0-9]+$/\1 \2 \3/' <<<"$chain")
[[ $actual_chain == "$expected_chain" ]] || fail "thread c-mutex's frames in the report:
$chain
expected (function, module, file:line):
$expected_chain"
pass "gmr dump $fixture_pid from /usr/bin/gmr: $ready threads frozen, c-mutex at $(tr '\n' ' ' <<<"$actual_chain")"

echo "package test: all $checks checks passed"
