#!/usr/bin/env bash
# Signing: 64 connections each looping GET / (form token) + POST /sign with a
# unique name; counts durable (acknowledged) signatures/s and the POST
# latency. Beside it, in the same run and alternated with it, PostgreSQL's
# single-client synchronous-commit INSERT rate (pgbench), on the same disk.
# Target: >= 10,000 acknowledged signatures/s. Last, one round of the same
# exchange without the store's writes (loadgen --replay): the ceiling the
# HTTP side alone leaves on this machine.
#
#   bench/signing.sh       (ROUNDS=3 SECONDS_PER_RUN=20 PG_SECONDS=10 CONNECTIONS=64 LOADGEN_THREADS=1)
#
# Set NO_PG=1 to skip PostgreSQL.
source "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
PG_SECONDS="${PG_SECONDS:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
LOADGEN_THREADS="${LOADGEN_THREADS:-1}"

build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
start_undersign "$work/data" "$work/config.toml"

# ---- PostgreSQL: a private cluster in the temp dir, on a free port ----
PG_OK=""
PG_WHY=""
pg_bin=""
setup_pg() {
    if [ -n "${NO_PG:-}" ]; then PG_WHY="NO_PG is set"; return; fi
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/postgres" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "PostgreSQL server not found; apt-get install -y postgresql..." >&2
            if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >"$work/apt.log" 2>&1; then
                PG_WHY="apt-get install postgresql failed (see: tail $work/apt.log)"
                return
            fi
            pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
        fi
    fi
    if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/postgres" ]; then
        PG_WHY="no PostgreSQL server binaries (apt-get install postgresql needs root)"
        return
    fi
    command -v pgbench >/dev/null || pgbench() { "$pg_bin/pgbench" "$@"; }
    # postgres refuses to run as root: the cluster belongs to the postgres user.
    local as=()
    if [ "$(id -u)" = 0 ]; then
        if ! id postgres >/dev/null 2>&1; then PG_WHY="running as root and no postgres user"; return; fi
        as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
    pgdir="$work/pg"
    mkdir -p "$pgdir"
    chmod 755 "$work"
    [ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
    if ! "${as[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U postgres --auth=trust --no-sync >"$work/initdb.log" 2>&1; then
        PG_WHY="initdb failed (see $work/initdb.log)"
        return
    fi
    PG_PORT="$(free_port)"
    # Durable commits exactly as shipped: fsync on, synchronous_commit on,
    # one WAL flush per commit for a single client.
    "${as[@]}" "$pg_bin/postgres" -D "$pgdir/data" -p "$PG_PORT" -k "$pgdir" \
        -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on \
        -c full_page_writes=on -c wal_sync_method=fdatasync \
        >"$work/postgres.log" 2>&1 &
    PG_PID=$!
    STARTED_PIDS+=("$PG_PID")
    for _ in $(seq 1 100); do
        "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        kill -0 "$PG_PID" 2>/dev/null || { PG_WHY="postgres did not start: $(tail -3 "$work/postgres.log")"; return; }
        sleep 0.1
    done
    psql() { command psql -q -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
    psql -d postgres -c "CREATE DATABASE bench" &&
        psql -d bench -c "CREATE TABLE signatures (id bigserial PRIMARY KEY, name text NOT NULL, kind text NOT NULL, listed boolean NOT NULL, day integer NOT NULL)" ||
        { PG_WHY="could not create the table"; return; }
    cat >"$work/insert.sql" <<'EOF'
\set n random(1, 1000000000000)
INSERT INTO signatures (name, kind, listed, day) VALUES ('Ada ' || :n, 'individual', true, 20600);
EOF
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') (PID $PG_PID) on 127.0.0.1:$PG_PORT, synchronous_commit=$(psql -d bench -At -c 'SHOW synchronous_commit')" >&2
    PG_OK=1
}
setup_pg
if [ -z "$PG_OK" ]; then echo "PostgreSQL part skipped: $PG_WHY"; fi

run_pgbench() {
    local out
    out="$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 1 -j 1 -T "$PG_SECONDS" -f "$work/insert.sql" bench 2>&1)"
    awk '/^tps = / {print $3; exit}' <<<"$out"
}

echo "warming up (3 s)..." >&2
"$LOADGEN" --addr "$US_ADDR" --connections "$CONNECTIONS" --threads "$LOADGEN_THREADS" --duration 3 --quiet >/dev/null

sig=() req=() p50=() p99=() pg=()
echo "undersign: $CONNECTIONS connections x ${SECONDS_PER_RUN} s per round; pgbench: 1 client, one INSERT per transaction, ${PG_SECONDS} s; $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
    result="$("$LOADGEN" --addr "$US_ADDR" --connections "$CONNECTIONS" --threads "$LOADGEN_THREADS" --duration "$SECONDS_PER_RUN" --quiet | tee "$work/loadgen.$round" | grep '^RESULT')"
    grep '^not acknowledged' "$work/loadgen.$round" >&2 || true
    sig+=("$(field sig_per_s "$result")")
    req+=("$(field req_per_s "$result")")
    p50+=("$(field p50_ms "$result")")
    p99+=("$(field p99_ms "$result")")
    printf 'round %d  undersign  %8.0f signatures/s durable  %8.0f requests/s (GET+POST)  p50 %6.2f ms  p99 %6.2f ms  (%s acknowledged, %s not)\n' \
        "$round" "${sig[-1]}" "${req[-1]}" "${p50[-1]}" "${p99[-1]}" "$(field acked "$result")" "$(field errors "$result")"
    if [ -n "$PG_OK" ]; then
        tps="$(run_pgbench)"
        pg+=("${tps:-0}")
        printf 'round %d  postgres   %8.0f INSERT commits/s (1 client, synchronous_commit=on)\n' "$round" "${pg[-1]}"
    fi
done

sig_med="$(median "${sig[@]}")"
printf 'median   undersign  %8.0f signatures/s durable  %8.0f requests/s  p50 %.2f ms  p99 %.2f ms\n' \
    "$sig_med" "$(median "${req[@]}")" "$(median "${p50[@]}")" "$(median "${p99[@]}")"
echo "target >= 10000 signatures/s: $(awk -v s="$sig_med" 'BEGIN {if (s >= 10000) print "met"; else printf "missed (%.0f%% of it)\n", 100 * s / 10000}')"
# The same exchange with the store's writes taken out: each connection signs
# once, then goes on with its used token, which the store refuses after its
# lookup, writing and syncing nothing (undersign-loadgen --replay).
result="$("$LOADGEN" --addr "$US_ADDR" --connections "$CONNECTIONS" --threads "$LOADGEN_THREADS" --duration "$SECONDS_PER_RUN" --replay --quiet | tee "$work/loadgen.replay" | grep '^RESULT')"
printf 'ceiling  undersign  %8.0f GET / + POST /sign exchanges/s without the store'"'"'s writes (--replay: used token, 409)\n' \
    "$(field answered_per_s "$result")"
if [ -n "$PG_OK" ]; then
    pg_med="$(median "${pg[@]}")"
    printf 'median   postgres   %8.0f INSERT commits/s\n' "$pg_med"
    echo "ratio undersign/postgres (single client): $(ratio "$sig_med" "$pg_med")x"
    # Fast shutdown (SIGINT), by PID.
    kill -INT "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
fi
stop_pid "$US_PID"
