#!/usr/bin/env bash
# Slow clients by the thousand, and a legitimate visitor beside them.
# Debian's slowhttptest in its three modes (-H slowloris heads, -B slow
# bodies, -X slow readers), one after another, while a visitor reads the
# letter and signs it every 200 ms. Prints the visitor's GET / and POST /sign
# p50/p99 and failures, first with no attack (the baseline), then under
# each mode, and the server's resident memory and open descriptors before,
# at the peak, and after each attack.
#
#   bench/slow-clients.sh       (CONNECTIONS=2000 SECONDS_EACH=30 CAP=1024 MODES="H B X")
#
# Targets (the faults-and-abuse issue): no legitimate request fails, its p99
# stays under 100 ms, and memory and descriptors come back to their idle
# figures. Needs slowhttptest and curl (apt-get install slowhttptest curl).
# Every process is stopped by its PID; all traffic goes to 127.0.0.1.
source "$(dirname "$0")/lib.sh"

CONNECTIONS="${CONNECTIONS:-2000}"
SECONDS_EACH="${SECONDS_EACH:-30}"
CAP="${CAP:-1024}"
MODES="${MODES:-H B X}"

command -v slowhttptest >/dev/null || { echo "needs slowhttptest (apt-get install slowhttptest)" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
# slowhttptest holds one descriptor per connection.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

build_undersign
new_temp work
write_bench_config "$work/config.toml"
echo "max_connections = $CAP" >>"$work/config.toml"
start_undersign "$work/data" "$work/config.toml"
base="http://$US_ADDR"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$US_PID/status"; }
fds() { find "/proc/$US_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# visitor SECONDS OUT: reads the letter and signs, every 200 ms, writing
# "get|post STATUS SECONDS" lines to OUT.
visitor() {
    local until=$(($(date +%s) + $1)) out="$2" n=0 page token
    : >"$out"
    page="$work/page.html"
    while [ "$(date +%s)" -lt "$until" ]; do
        n=$((n + 1))
        rm -f "$page" # a failed GET must not sign with the last page's token
        read -r code took < <(curl -s -o "$page" --max-time 10 -w '%{http_code} %{time_total}\n' "$base/" || echo "000 10")
        echo "get $code $took" >>"$out"
        token="$(grep -o 'name="token" value="[^"]*"' "$page" 2>/dev/null | head -1 | sed 's/.*value="//; s/"$//')" || true
        if [ -n "$token" ]; then
            read -r code took < <(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}\n' \
                --data-urlencode "token=$token" --data-urlencode "name=Visitor $RANDOM $n" \
                -d kind=individual -d listed=yes "$base/sign" || echo "000 10")
            echo "post $code $took" >>"$out"
        else
            echo "post 000 0" >>"$out"
        fi
        sleep 0.2
    done
}

# summary OUT WHAT: p50/p99 in ms and failures of WHAT (get or post).
summary() {
    local n bad
    n="$(awk -v w="$2" '$1 == w' "$1" | wc -l)"
    bad="$(awk -v w="$2" '$1 == w && $2 != 200' "$1" | wc -l)"
    if [ "$n" -eq 0 ]; then
        echo "$2: none"
        return
    fi
    awk -v w="$2" '$1 == w { print $3 * 1000 }' "$1" | sort -g | awk -v what="$2" -v n="$n" -v bad="$bad" '
        { t[NR] = $1 }
        END {
            printf "%s: %d requests, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, n, bad,
                t[int((n - 1) * 0.50) + 1], t[int((n - 1) * 0.99) + 1], t[n]
        }'
}

echo "baseline: no attack, ${SECONDS_EACH} s"
visitor "$SECONDS_EACH" "$work/baseline.txt"
summary "$work/baseline.txt" get
summary "$work/baseline.txt" post
idle_rss="$(rss_kib)"
idle_fds="$(fds)"
echo "idle: RSS $((idle_rss / 1024)) MB, $idle_fds descriptors"

attack() {
    local mode="$1"
    shift
    echo
    echo "slowhttptest $mode, $CONNECTIONS connections, ${SECONDS_EACH} s"
    slowhttptest "$@" -c "$CONNECTIONS" -l "$((SECONDS_EACH + 10))" -r 500 -p 3 >"$work/slow-$mode.log" 2>&1 &
    local slow=$!
    STARTED_PIDS+=("$slow")
    sleep 5 # let it open its connections
    local peak_rss=0 peak_fds=0 until=$(($(date +%s) + SECONDS_EACH))
    visitor "$SECONDS_EACH" "$work/under-$mode.txt" &
    local v=$!
    STARTED_PIDS+=("$v")
    while [ "$(date +%s)" -lt "$until" ]; do
        local r f
        r="$(rss_kib)"
        f="$(fds)"
        [ "$r" -gt "$peak_rss" ] && peak_rss=$r
        [ "$f" -gt "$peak_fds" ] && peak_fds=$f
        sleep 1
    done
    wait "$v" || true
    kill -TERM "$slow" 2>/dev/null || true
    wait "$slow" 2>/dev/null || true
    sleep 5
    summary "$work/under-$mode.txt" get
    summary "$work/under-$mode.txt" post
    echo "server: RSS $((idle_rss / 1024)) MB idle, $((peak_rss / 1024)) MB at the peak, $(($(rss_kib) / 1024)) MB after;" \
        "descriptors $idle_fds idle, $peak_fds at the peak, $(fds) after (cap $CAP)"
    sed "s/\x1b\[[0-9;]*m//g" "$work/slow-$mode.log" | grep -E "^(connected|closed|Exit status)" | tail -3 || true
}

for mode in $MODES; do
    case $mode in
        H) attack -H -H -i 5 -x 24 -t GET -u "$base/" ;;
        B) attack -B -B -i 5 -x 10 -s 8192 -t POST -u "$base/sign" ;;
        X) attack -X -X -w 512 -y 1024 -n 5 -z 32 -k 3 -u "$base/" ;;
    esac
done
# A failed request of the visitor's, if any: what it got.
grep -h -v ' 200 ' "$work"/under-*.txt | sed 's/^/failed: /' || true

stop_pid "$US_PID"
