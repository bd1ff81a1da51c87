# Shared helpers for the bench/*.sh scripts (sourced, not run).
# Every process a script starts is recorded by PID and stopped by that PID
# on exit; all traffic goes to 127.0.0.1.

set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
# UNDERSIGN_BIN=/path/to/undersign uses that binary and skips the build;
# else it is built where cargo puts it (CARGO_TARGET_DIR, if set).
UNDERSIGN="${UNDERSIGN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/undersign}"
LOADGEN="$BENCH_DIR/loadgen/target/release/undersign-loadgen"

STARTED_PIDS=()
TEMP_DIRS=()

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ -z "${KEEP_TEMP:-}" ]; then
        local d
        for d in "${TEMP_DIRS[@]}"; do rm -rf "$d"; done
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# new_temp VAR: a fresh temporary directory in VAR, removed on exit (unless
# KEEP_TEMP is set). Not a $(...) helper: the list must live in this shell.
new_temp() {
    local d
    d="$(mktemp -d "${TMPDIR:-/tmp}/undersign-bench.XXXXXX")"
    TEMP_DIRS+=("$d")
    printf -v "$1" '%s' "$d"
}

build_undersign() {
    if [ -n "${UNDERSIGN_BIN:-}" ]; then
        echo "using $UNDERSIGN_BIN (UNDERSIGN_BIN set; no build)" >&2
        return
    fi
    echo "building undersign (release${UNDERSIGN_FEATURES:+, features $UNDERSIGN_FEATURES})..." >&2
    cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin undersign \
        ${UNDERSIGN_FEATURES:+--features "$UNDERSIGN_FEATURES"}
}

build_loadgen() {
    echo "building the load generator (release)..." >&2
    # Its own target dir, whatever CARGO_TARGET_DIR says: $LOADGEN is there.
    CARGO_TARGET_DIR="$BENCH_DIR/loadgen/target" \
        cargo build --release --quiet --manifest-path "$BENCH_DIR/loadgen/Cargo.toml"
}

# A TCP port on 127.0.0.1 that nothing listens on just now.
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    return 1
}

# The benchmark configuration: no fill time, throttles out of the way,
# every kind published at once.
write_bench_config() {
    cat >"$1" <<'EOF'
min_fill_seconds = 0
sign_burst = 1000000
sign_per_second = 1000000
review = []
max_pending = 1000000
EOF
}

# start_undersign DATA_DIR CONFIG: starts the server on a free port, waits for
# its start-up line; sets US_PID and US_ADDR (host:port).
start_undersign() {
    local data="$1" config="$2" log
    log="$(dirname "$data")/undersign.out"
    "$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$config" >"$log" 2>&1 &
    US_PID=$!
    STARTED_PIDS+=("$US_PID")
    for _ in $(seq 1 600); do
        if grep -q 'http://' "$log" 2>/dev/null; then
            US_ADDR="$(grep -o 'http://[0-9.:]*' "$log" | head -1 | sed 's|http://||')"
            echo "undersign (PID $US_PID) on $US_ADDR" >&2
            return
        fi
        if ! kill -0 "$US_PID" 2>/dev/null; then
            cat "$log" >&2
            echo "undersign did not start" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "undersign printed no start-up line in 30 s" >&2
    return 1
}

# stop_pid PID: SIGTERM, then wait for it.
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# median of the arguments (numbers).
median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# ratio A B: A/B with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
}

# field NAME "RESULT a=1 b=2 ...": the value of NAME.
field() {
    tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

# generate_signatures DATA CONFIG COUNT: a data dir holding COUNT signatures,
# made the honest way (a server with CONFIG and the load generator signing
# COUNT unique individuals over HTTP), or the one already there when
# DATA/.generated says so.
generate_signatures() {
    local data="$1" config="$2" count="$3" t0 t1 result counts gen_s
    if [ -f "$data/.generated" ]; then
        echo "reusing $data ($(cat "$data/.generated"))"
        return
    fi
    rm -rf "$data"
    mkdir -p "$(dirname "$data")"
    start_undersign "$data" "$config"
    echo "generating $count signatures over HTTP..." >&2
    t0="$(date +%s.%N)"
    result="$("$LOADGEN" --addr "$US_ADDR" --connections 64 --count "$count" | grep '^RESULT')"
    t1="$(date +%s.%N)"
    counts="$(curl -sS "http://$US_ADDR/signatories.json" | tr -d ' \n' | grep -o '"counts":{[^}]*}' || true)"
    stop_pid "$US_PID"
    gen_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
    echo "generated $(field acked "$result") signatures in ${gen_s} s ($(field sig_per_s "$result")/s); $counts"
    echo "$count signatures, generated in ${gen_s} s; $counts" >"$data/.generated"
}
