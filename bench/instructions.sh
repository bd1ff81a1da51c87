#!/usr/bin/env bash
# Instructions per request, counted by callgrind: exact and repeatable
# whatever else the machine does, so two builds of a hot path can be told
# apart where requests/s cannot. For each binary, the server runs under
# `valgrind --tool=callgrind` with instrumentation off; it is switched on
# (`callgrind_control -i on`) only while N requests of one kind are sent
# over one keep-alive connection, so start-up and shutdown do not count.
# The count divided by N is what one request costs.
#
#   bench/instructions.sh OLD_BINARY NEW_BINARY      (N=2000)
#
# Kinds: `GET /` (the cached letter page with a fresh token) and a
# signature (`GET /` for the token, then `POST /sign`, on a growing store).
# Counting starts once the first start's import and snapshot are done, and
# no snapshot is signed while it counts (snapshot_interval_seconds is a day)
# and the letter page is not rebuilt (page_rebuild_ms is a minute): both
# run on timers, so their share would follow the clock, not the code.
# Needs valgrind (with callgrind_control) and python3.
source "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || { echo "usage: bench/instructions.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind" >&2; exit 1; }
N="${N:-2000}"
new_temp work
write_bench_config "$work/config.toml"
# The first snapshot is signed at start, after the import; a later one only
# after a day, so that no snapshot is signed while requests are counted.
# The letter page is rebuilt at most once a minute: how many rebuilds fall
# inside the count depends on the wall clock, not on the code.
printf 'snapshot_interval_seconds = 86400\npage_rebuild_ms = 60000\n' >>"$work/config.toml"

# client KIND COUNT ADDR: COUNT requests of KIND over one connection.
client() {
    python3 - "$@" <<'PY'
import http.client, re, sys
kind, count, addr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = addr.rsplit(":", 1)
c = http.client.HTTPConnection(host, int(port), timeout=120)
def get():
    c.request("GET", "/")
    r = c.getresponse(); body = r.read().decode()
    assert r.status == 200, r.status
    return body
for i in range(count):
    page = get()
    if kind == "sign":
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        form = f"token={token}&name=Bench+Person+{i}&kind=individual&listed=yes"
        c.request("POST", "/sign", form, {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse(); r.read()
        assert r.status == 200, r.status
PY
}

# instructions BINARY KIND COUNT: the server's total instruction count.
instructions() {
    local data="$work/data.$RANDOM" out="$work/cg.$RANDOM" log="$work/log.$RANDOM" pid addr
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$1" serve --listen 127.0.0.1:0 \
        --data "$data" --config "$work/config.toml" >"$log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    for _ in $(seq 1 1200); do
        grep -q 'http://' "$log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    addr="$(grep -o 'http://[0-9.:]*' "$log" | head -1 | sed 's|http://||')"
    client "$2" 20 "$addr" # warm: the page cache is built, the store has its first group
    # Settle: the first start's import and its snapshot are done before counting.
    for _ in $(seq 1 600); do
        python3 -c 'import sys, urllib.request as u; sys.exit(0 if b"seq" in u.urlopen("http://" + sys.argv[1] + "/snapshot.json.minisig", timeout=5).read() else 1)' \
            "$addr" 2>/dev/null && break
        sleep 0.5
    done
    sleep 5
    callgrind_control -i on "$pid" >/dev/null 2>&1
    client "$2" "$3" "$addr"
    callgrind_control -i off "$pid" >/dev/null 2>&1
    kill -TERM "$pid"
    wait "$pid" || true
    awk '/^totals:/ {print $2}' "$out"
}

printf '%-10s %16s %16s %8s\n' "per request" old new new/old
for kind in get sign; do
    declare -A per
    for side in old new; do
        bin=$1
        [ "$side" = new ] && bin=$2
        per[$side]=$(($(instructions "$bin" "$kind" "$N") / N))
    done
    label=$([ "$kind" = get ] && echo "GET /" || echo "signature")
    printf '%-10s %16s %16s %8s\n' "$label" "${per[old]}" "${per[new]}" \
        "$(awk -v a="${per[old]}" -v b="${per[new]}" 'BEGIN {printf "%.3f", b / a}')"
done
