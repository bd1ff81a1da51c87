#!/usr/bin/env bash
# Checks torrc.example with the installed tor: copies it with its absolute
# paths moved into a temporary directory, then runs `tor --verify-config`.
#
# usage: tests/tor-network/verify-torrc.sh [path/to/torrc]   (default: torrc.example)
# Exits 0 when tor accepts the file, non-zero otherwise (or when tor is missing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
torrc=${1:-$here/../../torrc.example}

command -v tor >/dev/null || { echo "verify-torrc: tor is not installed" >&2; exit 2; }
[[ -r $torrc ]] || { echo "verify-torrc: cannot read $torrc" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/verify-torrc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0700 "$tmp/tor"
mkdir -m 0750 "$tmp/run"
: > "$tmp/empty-defaults"

# The only absolute paths the example uses: tor's state under /var/lib/tor
# (DataDirectory and both HiddenServiceDirs) and undersign's socket directory.
sed -e "s#/var/lib/tor#$tmp/tor#g" \
    -e "s#/run/undersign/#$tmp/run/#g" \
    "$torrc" > "$tmp/torrc"

# Refuse to pass if a live line still points outside the temporary directory
# (a path added to the example that this script does not know about).
if grep -vE '^[[:space:]]*(#|$)' "$tmp/torrc" | grep -E '(^|[[:space:]:])/' | grep -v "$tmp" >&2; then
    echo "verify-torrc: the lines above use a path this script does not substitute" >&2
    exit 1
fi

# An empty defaults file keeps a local /etc/tor/torrc-defaults out of the check.
if ! out=$(tor --defaults-torrc "$tmp/empty-defaults" --verify-config -f "$tmp/torrc" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "verify-torrc: tor rejected $torrc" >&2
    exit 1
fi
printf '%s\n' "$out" | grep -iE '\[(warn|err)\]' | grep -v 'as root' >&2 || true
echo "verify-torrc: tor accepts $torrc"
