#!/usr/bin/env bash
# A mirror at 100,000 signatures: what it fetches per poll, its memory, and
# its GET / beside the origin's.
#
#   bench/mirror.sh            (COUNT=100000 ROUNDS=3 SECONDS_PER_RUN=10 THREADS=2 CONNECTIONS=64)
#
# The data is made as snapshot.sh makes it (DATA=/some/dir keeps it). Then
# the origin is started on it and a mirror (its own data dir, polling every
# INTERVAL=5 s) on the origin; all on 127.0.0.1.
#   - bytes per poll when nothing changed: the mirror's request, as curl
#     sends it (If-None-Match with the trusted ETag), and the answer's head
#     and body (a 304);
#   - bytes after one new signature: what the mirror says it fetched (the
#     chunk list, the changed chunks and the signature: bodies only), beside
#     what fetching the new snapshot whole costs (curl: heads and bodies),
#     and the time from the signature to the mirror's "adopted" line (at most
#     one interval of that is the poll's wait); then after 100 more;
#   - the mirror's resident memory (VmRSS, VmHWM) once it serves the
#     snapshot, and after the throughput rounds;
#   - GET / throughput, wrk against the origin and the mirror, alternated,
#     ROUNDS each; medians and the ratio mirror/origin;
#   - a search that matches nothing (the mirror walks its whole index; the
#     origin asks its trigram index), 5 times each, alternated: medians;
#   - `undersign export-static` from the mirror's snapshot file: wall time,
#     peak RSS, files and bytes written.
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-100000}"
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
INTERVAL="${INTERVAL:-5}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
echo "snapshot_interval_seconds = 1" >>"$work/config.toml"
data="${DATA:-$work/data}"
generate_signatures "$data" "$work/config.toml" "$COUNT"

status() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
seq_of() { curl -s "http://$1/snapshot.json.minisig" | grep -o 'seq=[0-9]*' | cut -d= -f2; }
# fetched SEQ: what the mirror said it fetched for snapshot SEQ.
fetched() { grep "adopted snapshot $1 of" "$mlog" | sed 's/.*; \(.*\))$/\1/'; }

before="$(cat "$data/snapshot.seq" 2>/dev/null || echo 0)"
start_undersign "$data" "$work/config.toml"
ORIGIN="$US_ADDR" ORIGIN_PID="$US_PID"
until [ "$(seq_of "$ORIGIN")" -gt "$before" ] 2>/dev/null; do sleep 0.05; done
key="$("$UNDERSIGN" key --data "$data" 2>/dev/null | tail -1)"

mlog="$work/mirror.out"
t0="$(date +%s.%N)"
"$UNDERSIGN" mirror --origin "http://$ORIGIN" --key "$key" --interval "$INTERVAL" --listen 127.0.0.1:0 \
    --data "$work/mirror" --config "$work/config.toml" >"$mlog" 2>&1 &
MIRROR_PID=$!
STARTED_PIDS+=("$MIRROR_PID")
until grep -q 'adopted snapshot' "$mlog" 2>/dev/null; do
    kill -0 "$MIRROR_PID" 2>/dev/null || { cat "$mlog" >&2; exit 1; }
    sleep 0.02
done
first_ms="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
MIRROR="$(grep -o 'mirror on http://[0-9.:]*' "$mlog" | sed 's|.*http://||')"
echo "mirror (PID $MIRROR_PID) on $MIRROR: first snapshot adopted ${first_ms} ms after start: $(grep 'adopted' "$mlog" | tail -1)"
rss_adopted="$(status "$MIRROR_PID" VmRSS)" hwm_adopted="$(status "$MIRROR_PID" VmHWM)"

# What one poll costs when nothing changed: the mirror's own request.
trusted="$(seq_of "$MIRROR")"
unchanged="$(curl -s -o /dev/null -H "If-None-Match: \"$trusted\"" -H 'User-Agent: undersign-mirror' \
    -w '%{http_code} %{size_request} %{size_header} %{size_download}' "http://$ORIGIN/snapshot.json")"
read -r code req head body <<<"$unchanged"
echo "unchanged poll: $code; request $req bytes, answer $((head + body)) bytes (head $head, body $body)"

# One new signature: the next poll fetches the new snapshot and its signature.
adopted_before="$(grep -c 'adopted snapshot' "$mlog")"
t0="$(date +%s.%N)"
"$LOADGEN" --addr "$ORIGIN" --connections 1 --count 1 --quiet >/dev/null
until [ "$(grep -c 'adopted snapshot' "$mlog")" -gt "$adopted_before" ]; do sleep 0.02; done
adopt_ms="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
new="$(seq_of "$MIRROR")"
changed="$(curl -s -o /dev/null -H "If-None-Match: \"$trusted\"" -w '%{size_request} %{size_header} %{size_download}' "http://$ORIGIN/snapshot.json")"
sig="$(curl -s -o /dev/null -w '%{size_request} %{size_header} %{size_download}' "http://$ORIGIN/snapshot.json.minisig")"
read -r creq chead cbody <<<"$changed"
read -r sreq shead sbody <<<"$sig"
echo "after one signature (snapshot $trusted -> $new): the mirror said '$(fetched "$new")' (whole, it would be: requests $((creq + sreq)) bytes, answers $((chead + cbody + shead + sbody)) bytes: snapshot $((chead + cbody)), signature $((shead + sbody))); adopted ${adopt_ms} ms after the signature (poll interval ${INTERVAL} s)"

# A hundred more between two polls.
adopted_before="$(grep -c 'adopted snapshot' "$mlog")"
"$LOADGEN" --addr "$ORIGIN" --connections 4 --count 100 --quiet >/dev/null
until [ "$(grep -c 'adopted snapshot' "$mlog")" -gt "$adopted_before" ]; do sleep 0.02; done
sleep "$INTERVAL"
until [ "$(seq_of "$MIRROR")" = "$(seq_of "$ORIGIN")" ]; do sleep 0.1; done
echo "after 100 more signatures: the mirror's polls fetched $(grep 'adopted snapshot' "$mlog" | tail -n +$((adopted_before + 1)) | sed -n 's/.*; \([0-9]*\) bytes fetched.*/\1/p' | awk '{ s += $1 } END { print s }') bytes in $(($(grep -c 'adopted snapshot' "$mlog") - adopted_before)) polls; the snapshot is $(curl -s -o /dev/null -w '%{size_download}' "http://$ORIGIN/snapshot.json") bytes"

# GET / throughput, alternated.
run_wrk() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" "http://$1/" | awk '/^Requests\/sec:/ {printf "%.0f", $2}'; }
wrk -t1 -c8 -d2s "http://$ORIGIN/" >/dev/null
wrk -t1 -c8 -d2s "http://$MIRROR/" >/dev/null
origin_rps=() mirror_rps=()
for round in $(seq 1 "$ROUNDS"); do
    origin_rps+=("$(run_wrk "$ORIGIN")")
    mirror_rps+=("$(run_wrk "$MIRROR")")
    echo "round $round: GET / origin ${origin_rps[-1]}/s, mirror ${mirror_rps[-1]}/s"
done
rss_after="$(status "$MIRROR_PID" VmRSS)" hwm_after="$(status "$MIRROR_PID" VmHWM)"
names="$(curl -s "http://$MIRROR/snapshot.json.minisig" >/dev/null; curl -s "http://$MIRROR/" | grep -o '<strong>[^<]* signatures' | tr -dc 0-9)"
echo "mirror memory serving $names signatures: VmRSS ${rss_adopted} KiB (VmHWM ${hwm_adopted} KiB) once adopted; VmRSS ${rss_after} KiB (VmHWM ${hwm_after} KiB) after the rounds; origin VmHWM $(status "$ORIGIN_PID" VmHWM) KiB"
echo "median GET /: origin $(median "${origin_rps[@]}")/s, mirror $(median "${mirror_rps[@]}")/s, mirror/origin $(ratio "$(median "${mirror_rps[@]}")" "$(median "${origin_rps[@]}")")"

search_o=() search_m=()
for _ in 1 2 3 4 5; do
    search_o+=("$(curl -s -o /dev/null -w '%{time_total}' "http://$ORIGIN/signatories?q=zzzqqq" | awk '{printf "%.1f", $1 * 1000}')")
    search_m+=("$(curl -s -o /dev/null -w '%{time_total}' "http://$MIRROR/signatories?q=zzzqqq" | awk '{printf "%.1f", $1 * 1000}')")
done
echo "median search matching nothing: origin $(median "${search_o[@]}") ms, mirror $(median "${search_m[@]}") ms"

curl -s -o "$work/snapshot.json" "http://$MIRROR/snapshot.json"
curl -s -o "$work/snapshot.json.minisig" "http://$MIRROR/snapshot.json.minisig"
t0="$(date +%s.%N)"
/usr/bin/time -v -o "$work/time.log" "$UNDERSIGN" export-static "$work/site" --snapshot "$work/snapshot.json" \
    --key "$key" --origin "http://$ORIGIN" --config "$work/config.toml" 2>"$work/export.err"
export_ms="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
echo "export-static from the snapshot: ${export_ms} ms, peak RSS $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.log") KiB; $(ls "$work/site" | wc -l) files, $(du -sb "$work/site" | cut -f1) bytes; $(cat "$work/export.err")"
stop_pid "$MIRROR_PID"
stop_pid "$ORIGIN_PID"
