#!/usr/bin/env bash
# Whether two builds serve the same public pages, byte for byte:
#
#   bench/pages-identical.sh OLD_BINARY NEW_BINARY
#
# One data dir with a few signatures of each kind is made with OLD; then
# each binary serves its own copy of it (same snapshot key, same sequence
# number, same day), with a mirror of it, and every public GET page in
# every language, the exports, the snapshot's files, the redirects and the
# refusals of both are fetched with curl: status, headers and body. What
# changes per request or per run is masked (the form token, the ports in
# the mirror's banner, the exports' ETag, which names the run, and the
# snapshot's signature, which minisign makes with random noise). The dumps
# are diffed; the script exits 1 when they differ and prints the diff.
# KEEP_TEMP=1 keeps the dumps.
source "$(dirname "$0")/lib.sh"

OLD="$(realpath "${1:?old binary}")"
NEW="$(realpath "${2:?new binary}")"
new_temp work
write_bench_config "$work/config.toml"
echo "snapshot_interval_seconds = 1" >>"$work/config.toml"

# The data: a few signatures of each kind, signed the honest way.
UNDERSIGN="$OLD"
start_undersign "$work/data" "$work/config.toml"
sign() {
    local token
    token="$(curl -s "http://$US_ADDR/" | grep -o 'name="token" value="[^"]*"' | sed 's/.*value="//; s/"$//')"
    curl -s -o /dev/null -w '%{http_code}\n' --data-urlencode "token=$token" --data-urlencode "name=$1" \
        --data-urlencode "kind=$2" --data "listed=on&affiliation=&country=" "http://$US_ADDR/sign" >&2
}
for n in "Ada Lovelace" "Grace Hopper" "Алексей Иванов" "李雷" "مریم میرزاخانی" "Zoë Ünal"; do sign "$n" individual; done
sign "Free Press Fund" organization
sign "Acme Ltd" company
sleep 2
stop_pid "$US_PID"

paths=(/ /privacy /withdraw /signatories "/signatories?q=ada" "/signatories?q=" "/signatories?q=zzzz"
    /signatories/individual "/signatories/individual?page=2" "/signatories/individual?page=0"
    "/signatories/individual?page=x" /signatories/organization /signatories/company /signatories/nope /nope
    /signatories.json /signatories.csv /snapshot.json /snapshot.json.minisig /snapshot.chunks
    "/snapshot.parts?seq=1&ranges=0-9")
# /robots.txt is left out: new, it was a 404 before.
prefixes=("" /en /es /fa /ru /zh-Hans)

# dump BASE OUT: every page of BASE into OUT, one file per request.
dump() {
    local base="$1" out="$2" i=0 p path
    mkdir -p "$out"
    fetch() {
        i=$((i + 1))
        curl -s -D "$out/$i.head" -o "$out/$i.body" "$@"
        printf '%s\n' "$*" >"$out/$i.what"
    }
    for p in "${prefixes[@]}"; do
        for path in "${paths[@]}"; do fetch "http://$base$p$path"; done
        fetch -X POST "http://$base$p/privacy"
        fetch -X DELETE "http://$base$p/sign"
        fetch -X PUT "http://$base$p/withdraw"
        fetch -X POST "http://$base$p/signatories.json"
    done
    fetch "http://$base/es"
    fetch -H 'Accept-Language: fa, en;q=0.5' "http://$base/"
    fetch -H 'If-None-Match: "1"' "http://$base/snapshot.json"
    fetch -H 'Range: bytes=0-9' "http://$base/snapshot.json"
    # The masks: the token; the origin's port in a mirror's banner; the
    # exports' ETag, which names the run; the snapshot's signature (minisign
    # signs with random noise: the same file, another signature each time;
    # its trusted comment stays compared).
    sed -i -E 's/name="token" value="[^"]*"/name="token" value="TOKEN"/; s/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' "$out"/*.body
    # New with the read path's change (issue 21), left out of the
    # comparison: the pages' <meta name="description">.
    sed -i -E 's|<meta name="description" content="[^"]*">||' "$out"/*.body
    # ... so an HTML page's length is left to its body, compared whole.
    for f in "$out"/*.head; do
        if grep -q '^content-type: text/html' "$f"; then sed -i '/^content-length: /d' "$f"; fi
    done
    sed -i -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' "$out"/*.what
    for f in "$out"/*.body; do
        if head -c 18 "$f" | grep -q '^untrusted comment'; then sed -i '2s/.*/SIGNATURE/; 4s/.*/SIGNATURE/' "$f"; fi
    done
    for f in "$out"/*.what; do
        if grep -q 'signatories\.\(json\|csv\)' "$f"; then sed -i '/^etag: /d' "${f%.what}.head"; fi
    done
    true
}

# run BINARY NAME: the binary on its copy of the data, and a mirror of it.
run() {
    local bin="$1" name="$2" key mlog mirror
    UNDERSIGN="$bin"
    cp -a "$work/data" "$work/data-$name"
    start_undersign "$work/data-$name" "$work/config.toml"
    local origin="$US_ADDR" origin_pid="$US_PID"
    until curl -s "http://$origin/snapshot.json.minisig" | grep -q 'seq='; do sleep 0.1; done
    key="$("$bin" key --data "$work/data-$name" 2>/dev/null | tail -1)"
    mlog="$work/mirror-$name.out"
    "$bin" mirror --origin "http://$origin" --key "$key" --interval 60 --listen 127.0.0.1:0 \
        --data "$work/mirror-$name" --config "$work/config.toml" >"$mlog" 2>&1 &
    local mirror_pid=$!
    STARTED_PIDS+=("$mirror_pid")
    until grep -q 'adopted snapshot' "$mlog" 2>/dev/null; do
        kill -0 "$mirror_pid" 2>/dev/null || { cat "$mlog" >&2; exit 1; }
        sleep 0.05
    done
    mirror="$(grep -o 'mirror on http://[0-9.:]*' "$mlog" | sed 's|.*http://||')"
    dump "$origin" "$work/out-$name/site"
    dump "$mirror" "$work/out-$name/mirror"
    stop_pid "$mirror_pid"
    stop_pid "$origin_pid"
}

run "$OLD" old
run "$NEW" new
files="$(find "$work/out-old" -type f | wc -l)"
if diff -r "$work/out-old" "$work/out-new" >"$work/diff"; then
    echo "identical: $files files (heads, bodies, requests) of the site and its mirror"
else
    cat "$work/diff"
    echo "DIFFERENT (above); $files files compared" >&2
    exit 1
fi
