#!/usr/bin/env bash
# CI's check of the Debian package (issue "A Debian package"):
#  1. two clean clones of HEAD at different paths each build it with
#     deploy/build-deb.sh: the binaries and the .debs must be the same bytes;
#  2. the package installs with apt-get; its user, directory modes, files,
#     conffiles, enabled unit, the unit's exposure (systemd-analyze, at most
#     1.0) and the AppArmor profile's syntax are checked;
#  3. the installed binary serves the letter from a temporary data dir;
#  4. purge removes the binary, the user and the data dir.
# Needs: cargo-deb (installed here if missing), apt, apparmor (for
# apparmor_parser), systemd (for systemd-analyze), curl. Run as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf '%s\n' "$*"; }
fail() { say "check-package: $*" >&2; exit 1; }

command -v cargo-deb >/dev/null || cargo install --locked cargo-deb --version 3.8.0
for tool in apparmor_parser systemd-analyze curl; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
done

work=$(mktemp -d /var/tmp/undersign-package.XXXXXX)
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# 1. Two builds from clean clones at different paths.
one=$work/one/undersign
two=$work/second/a/longer/path/undersign-copy
git clone -q . "$one"
git clone -q . "$two"
for clone in "$one" "$two"; do
    (cd "$clone" && CARGO_TARGET_DIR="$clone/target" deploy/build-deb.sh)
done
sums() { (cd "$1/target" && sha256sum release/undersign debian/undersign_*.deb); }
say "first build:"; sums "$one"
say "second build:"; sums "$two"
[[ $(sums "$one") == "$(sums "$two")" ]] || fail "the two builds differ"
deb=$(ls "$one"/target/debian/undersign_*.deb)
say "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"

# 2. Installed with apt, as a user would.
apt-get install -y "$deb"
getent passwd undersign | grep -q ':/var/lib/undersign:/usr/sbin/nologin$' ||
    fail "user undersign: $(getent passwd undersign)"
[[ $(stat -c '%a %U' /var/lib/undersign) == "700 undersign" ]] ||
    fail "/var/lib/undersign is $(stat -c '%a %U' /var/lib/undersign)"
for f in /usr/bin/undersign /usr/lib/systemd/system/undersign.service /etc/undersign/config.toml \
    /etc/apparmor.d/usr.bin.undersign /usr/share/doc/undersign/README.md \
    /usr/share/doc/undersign/torrc.example; do
    [[ -f $f ]] || fail "$f is missing"
done
dpkg-query -W -f='${Conffiles}\n' undersign | grep -q /etc/undersign/config.toml ||
    fail "/etc/undersign/config.toml is not a conffile"
[[ -L /etc/systemd/system/multi-user.target.wants/undersign.service ]] ||
    fail "the unit is not enabled"
exposure=$(systemd-analyze security --offline=true /usr/lib/systemd/system/undersign.service |
    sed -n 's/.*Overall exposure level for undersign.service: \([0-9.]*\).*/\1/p')
say "unit exposure: $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.0) }' || fail "exposure $exposure is over 1.0"
apparmor_parser -Q --skip-cache /etc/apparmor.d/usr.bin.undersign 2>/dev/null || fail "apparmor_parser refuses the profile"

# 3. The installed binary serves the letter.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/undersign --data "$work/data" serve --listen "127.0.0.1:$port" >"$work/out" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/" -o "$work/page" 2>/dev/null && break
    sleep 0.2
done
grep -q 'Secure the Internet' "$work/page" || fail "the installed binary did not serve the letter: $(cat "$work/out")"
kill "$server" && wait "$server" || true
server=
say "the installed binary served the letter"

# 4. Purge: the binary, the user and the data go.
apt-get purge -y undersign
[[ ! -e /usr/bin/undersign ]] || fail "/usr/bin/undersign is still there after purge"
! getent passwd undersign >/dev/null || fail "user undersign is still there after purge"
[[ ! -e /var/lib/undersign ]] || fail "/var/lib/undersign is still there after purge"
say "check-package: all checks passed"
