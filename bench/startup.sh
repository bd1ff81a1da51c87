#!/usr/bin/env bash
# Resident memory and start-up time with 100,000 published signatures.
# Targets: under 30 MB RSS, start-up under 300 ms.
#
#   bench/startup.sh            (COUNT=100000 RUNS=5)
#
# The data is made the honest way: a server with the benchmark config and
# the load generator signing COUNT unique individuals over HTTP (the store's
# format is private to the server). Set DATA=/some/dir to keep the generated
# data dir there and reuse it on the next run (generated only when
# DATA/.generated is missing).
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-100000}"
RUNS="${RUNS:-5}"
RSS_TARGET_MB=30
STARTUP_TARGET_MS=300

build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
data="${DATA:-$work/data}"

generate_signatures "$data" "$work/config.toml" "$COUNT"
echo "data dir: $(du -sh "$data" | cut -f1) on disk"

startup=() rss1=() hwm1=() rss2=() hwm2=()
for run in $(seq 1 "$RUNS"); do
    result="$("$LOADGEN" startup -- "$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$work/config.toml" | grep '^RESULT')"
    startup+=("$(field startup_ms "$result")")
    rss1+=("$(field rss_first_kib "$result")")
    hwm1+=("$(field hwm_first_kib "$result")")
    rss2+=("$(field rss_page_kib "$result")")
    hwm2+=("$(field hwm_page_kib "$result")")
    printf 'run %d  start-up %7.1f ms (start-up line at %s ms)  after GET /: VmRSS %6.1f MB VmHWM %6.1f MB  after page 50: VmRSS %6.1f MB VmHWM %6.1f MB\n' \
        "$run" "${startup[-1]}" "$(field startup_line_ms "$result")" \
        "$(awk -v k="${rss1[-1]}" 'BEGIN {print k / 1024}')" "$(awk -v k="${hwm1[-1]}" 'BEGIN {print k / 1024}')" \
        "$(awk -v k="${rss2[-1]}" 'BEGIN {print k / 1024}')" "$(awk -v k="${hwm2[-1]}" 'BEGIN {print k / 1024}')"
done

mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
verdict() { # value target unit
    awk -v v="$1" -v t="$2" -v u="$3" 'BEGIN { if (v < t) printf "met (%.2fx of the target)\n", v / t; else printf "missed by %.1f %s (%.2fx of the target)\n", v - t, u, v / t }'
}
s_med="$(median "${startup[@]}")"
r1_med="$(mb "$(median "${rss1[@]}")")"
h2_med="$(mb "$(median "${hwm2[@]}")")"
r2_med="$(mb "$(median "${rss2[@]}")")"
echo "median start-up (exec to first 200 for GET /): $s_med ms; target < $STARTUP_TARGET_MS ms: $(verdict "$s_med" "$STARTUP_TARGET_MS" ms)"
echo "median VmRSS after GET /: $r1_med MB; after /signatories/individual?page=50: $r2_med MB (peak VmHWM $h2_med MB)"
echo "target < $RSS_TARGET_MB MB (peak VmHWM): $(verdict "$h2_med" "$RSS_TARGET_MB" MB)"
