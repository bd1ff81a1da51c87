#!/usr/bin/env bash
# The delivery edition (/deliver) at 1,000,000 names: how long its first
# build and send takes, how long a cached send takes, and the server's
# peak memory while it builds, against its memory before.
#
#   bench/deliver.sh            (COUNT=1000000 RUNS=3)
#
# The data: COUNT individuals published with `undersign import FILE --kind
# individual` into a fresh data dir (server stopped; DATA=/some/dir keeps
# it for the next run). Then, RUNS times: the server started on it, the
# first snapshot awaited (the page is made from the signed snapshot), the
# peak RSS reset (clear_refs; said when it cannot be), and
#   - the first GET /deliver: the snapshot's names read back one at a time
#     into the page's file, then sent (time to the last byte);
#   - a second GET /deliver, sent from that file;
#   - VmHWM after both, and VmRSS before them.
# Prints the page's size and the medians.
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-1000000}"
RUNS="${RUNS:-3}"

build_undersign
new_temp work
write_bench_config "$work/config.toml"
data="${DATA:-$work/data}"

if [ ! -e "$data/signatures.sqlite" ]; then
    echo "importing $COUNT names..." >&2
    python3 -c 'import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as f:
    for i in range(n):
        f.write(f"Bench Deliverer {i:07d}\n")' "$COUNT" "$work/names.txt"
    t0="$(date +%s.%N)"
    "$UNDERSIGN" import "$work/names.txt" --kind individual --data "$data" --config "$work/config.toml" >&2
    echo "imported in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s" >&2
fi

kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$2/status"; }
first=() again=() hwm=() before=() size=""
for run in $(seq 1 "$RUNS"); do
    start_undersign "$data" "$work/config.toml"
    seq_before="$(cat "$data/snapshot.seq" 2>/dev/null || echo 0)"
    # The first snapshot of this run (signed at every start).
    until [ "$(curl -s "http://$US_ADDR/snapshot.json.minisig" | grep -o 'seq=[0-9]*' | cut -d= -f2)" -gt "$seq_before" ] 2>/dev/null; do
        sleep 0.05
    done
    sleep 1
    before+=("$(kib VmRSS "$US_PID")")
    echo 5 >"/proc/$US_PID/clear_refs" 2>/dev/null || echo "run $run: the peak cannot be reset (clear_refs): VmHWM includes start-up" >&2
    read -r t s < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "http://$US_ADDR/deliver")
    first+=("$(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')")
    size="$s"
    read -r t _ < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "http://$US_ADDR/deliver")
    again+=("$(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')")
    hwm+=("$(kib VmHWM "$US_PID")")
    printf 'run %d: first /deliver %s ms, cached %s ms; VmRSS before %s KiB, VmHWM %s KiB\n' \
        "$run" "${first[-1]}" "${again[-1]}" "${before[-1]}" "${hwm[-1]}"
    stop_pid "$US_PID"
done
printf '%s names, page %s bytes: first /deliver median %s ms, cached %s ms; VmRSS before %s KiB, VmHWM %s KiB (medians of %s runs, %s cores)\n' \
    "$COUNT" "$size" "$(median "${first[@]}")" "$(median "${again[@]}")" "$(median "${before[@]}")" "$(median "${hwm[@]}")" "$RUNS" "$(nproc)"
