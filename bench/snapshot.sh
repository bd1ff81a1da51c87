#!/usr/bin/env bash
# A signed snapshot's size and signing time at 100,000 signatures.
#
#   bench/snapshot.sh            (COUNT=100000 RUNS=3)
#
# The data is made as startup.sh makes it: a server with the benchmark
# config and the load generator signing COUNT unique individuals over HTTP
# (DATA=/some/dir keeps it for the next run). Then, RUNS times each:
#   - the server started on it: from its start-up line to the first
#     /snapshot.json of this run (one scan, write and signature, which the
#     server makes in the background at every start), and the server's
#     VmHWM then; the baseline, in the same server: the first
#     /signatories.json, the same names streamed into a file, unsigned;
#   - `undersign snapshot --out` with the server stopped (the whole command:
#     opening the store, the scan, the write, the signature), wall time and
#     peak RSS;
#   - `undersign verify` and Debian's `minisign -Vm` on that file (minisign
#     skipped, with the reason, when it is not installed).
# Prints the sizes of the file and its signature, and the medians.
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-100000}"
RUNS="${RUNS:-3}"

build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
data="${DATA:-$work/data}"

generate_signatures "$data" "$work/config.toml" "$COUNT"

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b - a) * 1000}'; }
# peak_kib LOG: the peak RSS /usr/bin/time -v wrote to LOG.
peak_kib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
have_minisign=1
command -v minisign >/dev/null || { have_minisign=0; echo "minisign skipped: not installed (apt-get install minisign)"; }

served=() served_hwm=() export_ms=() offline=() offline_rss=() verify=() verify_rss=() mini=()
for run in $(seq 1 "$RUNS"); do
    # In the server: from the start-up line to this run's first snapshot.
    log="$work/server.out"
    # The previous run's pair is served at once: wait for a higher number.
    before="$(cat "$data/snapshot.seq" 2>/dev/null || echo 0)"
    "$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$work/config.toml" >"$log" 2>&1 &
    US_PID=$!
    STARTED_PIDS+=("$US_PID")
    until grep -q 'http://' "$log" 2>/dev/null; do sleep 0.005; done
    t0="$(now)"
    US_ADDR="$(grep -o 'http://[0-9.:]*' "$log" | head -1 | sed 's|http://||')"
    # Polling the small signature only: the file would be a download each time.
    until [ "$(curl -s "http://$US_ADDR/snapshot.json.minisig" | grep -o 'seq=[0-9]*' | cut -d= -f2)" -gt "$before" ] 2>/dev/null; do
        sleep 0.005
    done
    served+=("$(ms "$t0" "$(now)")")
    served_hwm+=("$(sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$US_PID/status")")
    # The baseline: the open-data export of the same names, streamed into a
    # file the same way but not signed, timed to its last byte.
    export_ms+=("$(curl -s -o /dev/null -w '%{time_total}' "http://$US_ADDR/signatories.json" | awk '{printf "%.0f", $1 * 1000}')")
    stop_pid "$US_PID"

    # Offline, the whole command.
    t0="$(now)"
    /usr/bin/time -v -o "$work/time.log" "$UNDERSIGN" snapshot --out "$work/snapshot.json" --data "$data" \
        --config "$work/config.toml" 2>>"$work/offline.err"
    offline+=("$(ms "$t0" "$(now)")")
    offline_rss+=("$(peak_kib "$work/time.log")")
    key="$("$UNDERSIGN" key --data "$data" 2>/dev/null | tail -1)"

    t0="$(now)"
    /usr/bin/time -v -o "$work/time.log" "$UNDERSIGN" verify "$work/snapshot.json" --key "$key" >/dev/null
    verify+=("$(ms "$t0" "$(now)")")
    verify_rss+=("$(peak_kib "$work/time.log")")
    if [ "$have_minisign" = 1 ]; then
        t0="$(now)"
        minisign -Vqm "$work/snapshot.json" -P "$key"
        mini+=("$(ms "$t0" "$(now)")")
    fi
    printf 'run %d  server: snapshot served %s ms after the start-up line (VmHWM %s KiB), first /signatories.json %s ms  offline: %s ms (peak RSS %s KiB)  verify: %s ms (peak RSS %s KiB)  minisign: %s ms\n' \
        "$run" "${served[-1]}" "${served_hwm[-1]}" "${export_ms[-1]}" "${offline[-1]}" "${offline_rss[-1]}" "${verify[-1]}" "${verify_rss[-1]}" "${mini[-1]:-n/a}"
done

bytes="$(stat -c %s "$work/snapshot.json")"
names="$("$UNDERSIGN" verify "$work/snapshot.json" --key "$key" | grep -o '([0-9]* names' | tr -dc 0-9)"
echo "snapshot: $bytes bytes ($(awk -v b="$bytes" -v n="$names" 'BEGIN {printf "%.1f", b / n}') per name, $names names), gzip -6: $(gzip -6c "$work/snapshot.json" | wc -c) bytes; signature: $(stat -c %s "$work/snapshot.json.minisig") bytes"
echo "median: snapshot served $(median "${served[@]}") ms after the start-up line (server VmHWM $(median "${served_hwm[@]}") KiB); baseline, the first /signatories.json: $(median "${export_ms[@]}") ms; undersign snapshot $(median "${offline[@]}") ms (peak RSS $(median "${offline_rss[@]}") KiB); undersign verify $(median "${verify[@]}") ms (peak RSS $(median "${verify_rss[@]}") KiB); minisign -V $( [ "$have_minisign" = 1 ] && median "${mini[@]}" || echo n/a) ms"
