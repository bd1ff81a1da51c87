#!/usr/bin/env bash
# The cost of `undersign backup` at COUNT signatures (default 1,000,000):
# its wall time, peak memory (/usr/bin/time -v) and file size, made while
# the server runs on the store, as an operator would; then the same for
# `undersign restore` of that file into a new data dir.
#
#   bench/backup.sh              (COUNT=1000000 RUNS=1)
#
# The store is filled quickly: COUNT unique individuals (named as the load
# generator names them) imported as one list with `undersign import --kind
# individual`, server stopped, which takes seconds where signing them over
# HTTP takes many minutes. Such a store has no withdrawal-code hashes or
# used form tokens (about 60 bytes a signature more in a signed one);
# FILL=http signs them over HTTP instead, as bench/startup.sh does. DATA=
# /some/dir keeps the filled data dir for the next run (DATA/.generated).
# With UNDERSIGN_BIN, that binary is used and none is built.
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-1000000}"
RUNS="${RUNS:-1}"
FILL="${FILL:-import}"
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

build_undersign
new_temp work
write_bench_config "$work/config.toml"
data="${DATA:-$work/data}"

# The load generator's names: a first name and a family name made of the
# number's base-100 digits, one consonant-vowel pair each.
names() {
    awk -v count="$1" 'BEGIN {
        split("Ada Bashir Chiara Dmitri Elif Farid Grace Hiro Ines Jonas Kemi Lars Mei Nadia Omar Priya", first, " ")
        c = "bdfghklmnprstvzcjwyx"; v = "aeiou"
        for (n = 0; n < count; n++) {
            m = n; s = ""
            do { d = m % 100; s = s substr(c, int(d / 5) + 1, 1) substr(v, d % 5 + 1, 1); m = int(m / 100) } while (m > 0)
            print first[n % 16 + 1] " " toupper(substr(s, 1, 1)) substr(s, 2)
        }
    }'
}

if [ "$FILL" = http ]; then
    build_loadgen
    generate_signatures "$data" "$work/config.toml" "$COUNT"
elif [ -f "$data/.generated" ]; then
    echo "reusing $data ($(cat "$data/.generated"))"
else
    rm -rf "$data"
    names "$COUNT" >"$work/names.txt"
    t0="$(date +%s.%N)"
    "$UNDERSIGN" --data "$data" --config "$work/config.toml" import --kind individual "$work/names.txt" 2>&1 | tail -1
    t1="$(date +%s.%N)"
    echo "$COUNT signatures imported in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s" | tee "$data/.generated"
    rm -f "$work/names.txt"
fi

# seconds TIME_LOG: the wall time /usr/bin/time -v wrote, in seconds.
seconds() {
    sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
peak_mb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{printf "%.1f", $1 / 1024}'; }

store_bytes="$(stat -c %s "$data/store/signatures.sqlite")"
echo "undersign $UNDERSIGN; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: timings are on a loaded one)"
echo "store: $store_bytes bytes (signatures.sqlite)"
start_undersign "$data" "$work/config.toml"
# Its start's own work (the first snapshot, a scan of every name) done
# first, so that the backup is timed beside a server that only serves.
for _ in $(seq 1 6000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$US_ADDR/snapshot.json.minisig")" = 200 ] && break
    sleep 0.1
done
for run in $(seq 1 "$RUNS"); do
    out="$work/site.backup"
    rm -f "$out"
    /usr/bin/time -v "$UNDERSIGN" --data "$data" --config "$work/config.toml" backup "$out" 2>"$work/backup.log" ||
        { cat "$work/backup.log" >&2; exit 1; }
    grep '^wrote' "$work/backup.log"
    backup_s="$(seconds "$work/backup.log")"
    backup_mb="$(peak_mb "$work/backup.log")"
    size="$(stat -c %s "$out")"
    restored="$work/restored"
    rm -rf "$restored"
    /usr/bin/time -v "$UNDERSIGN" --data "$restored" --config "$work/config.toml" restore "$out" 2>"$work/restore.log" ||
        { cat "$work/restore.log" >&2; exit 1; }
    grep '^restored' "$work/restore.log"
    restore_s="$(seconds "$work/restore.log")"
    restore_mb="$(peak_mb "$work/restore.log")"
    printf 'run %d  backup (server running): %s s, peak RSS %s MB, file %s bytes (%.2f x the store)  restore: %s s, peak RSS %s MB\n' \
        "$run" "$backup_s" "$backup_mb" "$size" "$(awk -v a="$size" -v b="$store_bytes" 'BEGIN {print a / b}')" \
        "$restore_s" "$restore_mb"
    echo "RESULT count=$COUNT backup_s=$backup_s backup_peak_mb=$backup_mb file_bytes=$size store_bytes=$store_bytes restore_s=$restore_s restore_peak_mb=$restore_mb"
done
stop_pid "$US_PID"
