#!/usr/bin/env bash
# The store as it grows (issue 13): one store grown over HTTP to each of
# SIZES signatures in turn (default 100,000 then 1,000,000), and at each size
# its disk, start-up, memory, exports, search, list pages and letter page;
# first, the signing path alone on fresh stores (pre-fetched tokens).
#
#   bench/scale.sh      (SIZES="100000 1000000"; SIZES="10000 30000" to try it)
#
# Settings (environment): CONNECTIONS=64 (growth and pre-fetched signing),
# WINDOW (signatures per growth-rate window; default the first size / 20),
# PREFETCH_ROUNDS=3 PREFETCH_SECONDS=10 PREFETCH_TOKENS=150000 (0 rounds to
# skip), COLD_RUNS=3 WARM_RUNS=5, SEARCH_SECONDS=10 SEARCH_CONNECTIONS=20,
# PAGE_RUNS=5, LETTER_ROUNDS=3 LETTER_SECONDS=10 (NO_LETTER=1 skips the
# letter page, which needs wrk and nginx), DATA=/some/dir/data keeps the
# grown store there and grows it on from its recorded count next time
# (DATA.count). PREFETCH_ONLY=1 runs the pre-fetched signing rounds only.
# With UNDERSIGN_BIN, BUILD_LABEL (e.g. a commit) names that build in the
# output.
#
# Cold start-ups drop the whole machine's page cache (sync; echo 3 >
# /proc/sys/vm/drop_caches) when that file can be written, else say so.
source "$(dirname "$0")/lib.sh"

SIZES="${SIZES:-100000 1000000}"
CONNECTIONS="${CONNECTIONS:-64}"
PREFETCH_ROUNDS="${PREFETCH_ROUNDS:-3}"
PREFETCH_SECONDS="${PREFETCH_SECONDS:-10}"
PREFETCH_TOKENS="${PREFETCH_TOKENS:-150000}"
COLD_RUNS="${COLD_RUNS:-3}"
WARM_RUNS="${WARM_RUNS:-5}"
SEARCH_SECONDS="${SEARCH_SECONDS:-10}"
SEARCH_CONNECTIONS="${SEARCH_CONNECTIONS:-20}"
PAGE_RUNS="${PAGE_RUNS:-5}"
LETTER_ROUNDS="${LETTER_ROUNDS:-3}"
LETTER_SECONDS="${LETTER_SECONDS:-10}"
read -r -a sizes <<<"$SIZES"
prev=0
for s in "${sizes[@]}"; do
    [[ "$s" =~ ^[0-9]+$ ]] && [ "$s" -gt "$prev" ] || { echo "SIZES must be increasing numbers: $SIZES" >&2; exit 2; }
    prev="$s"
done
WINDOW="${WINDOW:-$((sizes[0] / 20 > 0 ? sizes[0] / 20 : 1))}"

if [ -z "${NO_LETTER:-}" ]; then
    for tool in wrk nginx; do
        command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y wrk nginx-light), or set NO_LETTER=1" >&2; exit 1; }
    done
fi

commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then commit+="+changes"; fi
# The build's label in the output; a given binary is not this worktree's.
[ -z "${UNDERSIGN_BIN:-}" ] || commit="${BUILD_LABEL:-UNDERSIGN_BIN (worktree at $commit)}"
build_undersign
build_loadgen
export UNDERSIGN_BIN="$UNDERSIGN" # for bench/letter-page.sh: no second build
new_temp work
write_bench_config "$work/config.toml"
echo "undersign $UNDERSIGN (built from $commit); sizes: ${sizes[*]}; $(nproc) cores"

mb() { awk -v k="$1" 'BEGIN { if (k == "" || k == "n/a") print "n/a"; else printf "%.1f", k / 1024 }'; }
kib_of() { # FIELD PID: a /proc/PID/status field in kB, without forking
    local k v _
    while read -r k v _; do
        if [ "$k" = "$1:" ]; then echo "$v"; return; fi
    done <"/proc/$2/status"
    echo 0
}
# Resets the peak (VmHWM) to the current VmRSS (Linux: clear_refs 5).
CLEAR_REFS=1
reset_hwm() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || CLEAR_REFS=""; }

# sample_rss PID FILE: VmRSS every 10 ms into FILE until stopped; sets SAMPLER.
sample_rss() {
    (
        while [ -e "/proc/$1/status" ]; do
            kib_of VmRSS "$1"
            sleep 0.01
        done
    ) >"$2" 2>/dev/null &
    SAMPLER=$!
    STARTED_PIDS+=("$SAMPLER")
}
stop_sampler() { stop_pid "$SAMPLER"; }
# in_background OUT ERR CMD...: runs CMD with its PID recorded, so that the
# cleanup on exit stops it (a foreground child would hold up a SIGTERM's trap
# until it ended: minutes for a growth).
in_background() {
    local out="$1" err="$2" pid rc=0
    shift 2
    "$@" >"$out" 2>"$err" &
    pid=$!
    STARTED_PIDS+=("$pid")
    wait "$pid" || rc=$?
    return "$rc"
}
max_of() { sort -n "$1" | tail -1; }

# ---- The signing path alone, on fresh stores --------------------------------
pre=()
for round in $(seq 1 "$PREFETCH_ROUNDS"); do
    mkdir -p "$work/fresh"
    start_undersign "$work/fresh/data" "$work/config.toml"
    out="$("$LOADGEN" --addr "$US_ADDR" --connections "$CONNECTIONS" --prefetch "$PREFETCH_TOKENS" --duration "$PREFETCH_SECONDS" --quiet)"
    stop_pid "$US_PID"
    rm -rf "$work/fresh"
    result="$(grep '^RESULT' <<<"$out")"
    grep -E '^(not acknowledged|prefetch: the)' <<<"$out" >&2 || true
    pre+=("$(field sig_per_s "$result")")
    printf 'pre-fetched round %d  %8.0f signatures/s acknowledged (POST /sign only, %s connections, fresh store)  p50 %.2f ms  p99 %.2f ms  %s errors%s\n' \
        "$round" "${pre[-1]}" "$CONNECTIONS" "$(field p50_ms "$result")" "$(field p99_ms "$result")" "$(field errors "$result")" \
        "$([ "$(field ran_out "$result")" = 1 ] && echo "; tokens ran out after $(field seconds "$result") s" || true)"
done
pre_med="n/a"
if [ "${#pre[@]}" -gt 0 ]; then
    pre_med="$(median "${pre[@]}")"
    echo "pre-fetched signing, median of $PREFETCH_ROUNDS: $pre_med/s; target >= 10000/s: $(awk -v s="$pre_med" 'BEGIN {if (s >= 10000) print "met"; else printf "missed (%.0f%% of it)\n", 100 * s / 10000}')"
fi
if [ -n "${PREFETCH_ONLY:-}" ]; then
    echo "RESULT prefetch_sig_per_s=$pre_med commit=$commit"
    exit 0
fi

# ---- The growing store ------------------------------------------------------
data="${DATA:-$work/store/data}"
mkdir -p "$(dirname "$data")"
have=0 fresh_rate="n/a"
if [ -n "${DATA:-}" ] && [ -f "$data.count" ]; then
    read -r have fresh_rate <"$data.count"
    echo "reusing $data: $have signatures (fresh-store growth rate recorded: $fresh_rate/s)"
elif [ -n "${DATA:-}" ]; then
    rm -rf "$data"
fi

declare -A T # T[row|size] = cell
rows=()
put() { # ROW SIZE VALUE
    local seen r
    seen=""
    for r in "${rows[@]}"; do [ "$r" = "$1" ] && seen=1; done
    [ -n "$seen" ] || rows+=("$1")
    T["$1|$2"]="$3"
}

drop_caches() {
    sync
    if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then return 0; fi
    return 1
}

# curl_time URL: "HTTP_CODE SECONDS BYTES".
curl_time() { curl -sS -o "${2:-/dev/null}" -w '%{http_code} %{time_total} %{size_download}\n' "$1"; }

for size in "${sizes[@]}"; do
    echo "== $size signatures ==" >&2
    # Growth.
    if [ "$have" -lt "$size" ]; then
        start_undersign "$data" "$work/config.toml"
        need=$((size - have))
        echo "growing $have -> $size over HTTP ($CONNECTIONS connections, GET / + POST /sign each)..." >&2
        log="$work/growth.$size"
        in_background "$log" /dev/stderr "$LOADGEN" --addr "$US_ADDR" --connections "$CONNECTIONS" --count "$need" --window "$WINDOW" --quiet
        stop_pid "$US_PID"
        result="$(grep '^RESULT' "$log")"
        # WINDOW done= counts from this segment's start; add what the store had.
        rates="$(awk -v have="$have" -v size="$size" '
            /^WINDOW/ {
                for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
                d = f["done"] + have; t = f["seconds"]
                if (n == 0) first = f["rate"]
                n++
                if (a_t == "" && d >= 0.9 * size) { a_d = d; a_t = t }
                last_d = d; last_t = t
            }
            END {
                late = (a_t != "" && last_t > a_t) ? sprintf("%.0f", (last_d - a_d) / (last_t - a_t)) : "n/a"
                printf "%s %s %s\n", (n ? sprintf("%.0f", first) : "n/a"), late, (a_d != "" ? a_d : "n/a")
            }' "$log")"
        read -r seg_first late late_from <<<"$rates"
        if [ "$have" -eq 0 ]; then fresh_rate="$seg_first"; fi
        put "growth: time for this segment (s)" "$size" "$(field seconds "$result")"
        put "growth: mean rate of the segment (/s)" "$size" "$(printf '%.0f' "$(field sig_per_s "$result")")"
        put "growth: first window of the segment (/s)" "$size" "$seg_first"
        put "growth: rate past 90 % (/s)" "$size" "$late"
        put "growth: past 90 % / fresh store's first window" "$size" "$(ratio "$late" "$fresh_rate")"
        echo "grew to $size in $(field seconds "$result") s; first window ($WINDOW) $seg_first/s; from $late_from to $size: $late/s; errors $(field errors "$result")"
        have="$size"
        if [ -n "${DATA:-}" ]; then echo "$have $fresh_rate" >"$data.count"; fi
    fi
    sync

    # Disk: the whole dir, apparent and allocated, and each file in it.
    # (du -b means --apparent-size too; -B1 alone counts allocated blocks.)
    app="$(du -sb "$data" | cut -f1)"
    real="$(du -sB1 "$data" | cut -f1)"
    put "disk: apparent bytes (du -sb)" "$size" "$app"
    put "disk: apparent bytes per signature" "$size" "$((app / size))"
    put "disk: allocated bytes (du -sB1)" "$size" "$real"
    put "disk: allocated bytes per signature" "$size" "$((real / size))"
    echo "files in the data dir at $size (apparent bytes, allocated bytes):"
    (cd "$data" && find . -type f -printf '%P %s %b\n' | sort) | while read -r f s b; do
        printf '  %-36s %14s %14s\n' "$f" "$s" "$((b * 512))"
    done

    # Start-up: cold (page cache dropped before each run), then warm.
    cold=() cold_how="page cache dropped"
    for _ in $(seq 1 "$COLD_RUNS"); do
        if ! drop_caches; then cold_how="first start after growth (drop_caches not writable)"; fi
        r="$("$LOADGEN" startup --page "/signatories/individual?page=1" -- "$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$work/config.toml" | grep '^RESULT')"
        cold+=("$(field startup_ms "$r")")
        [ "$cold_how" = "page cache dropped" ] || break
    done
    warm=() rss_line=() rss_first=()
    for _ in $(seq 1 "$WARM_RUNS"); do
        r="$("$LOADGEN" startup --page "/signatories/individual?page=1" -- "$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$work/config.toml" | grep '^RESULT')"
        warm+=("$(field startup_ms "$r")")
        rss_line+=("$(field rss_line_kib "$r")")
        rss_first+=("$(field rss_first_kib "$r")")
    done
    echo "start-up at $size: cold ($cold_how) ${cold[*]} ms; warm ${warm[*]} ms"
    put "start-up cold, median of ${#cold[@]} (ms)" "$size" "$(median "${cold[@]}")"
    put "start-up warm, median of $WARM_RUNS (ms)" "$size" "$(median "${warm[@]}")"

    # One server for the rest, memory sampled from /proc.
    start_undersign "$data" "$work/config.toml"
    put "VmRSS at the start-up line, median (MB)" "$size" "$(mb "$(median "${rss_line[@]}")")"
    put "VmRSS after the first GET /, median (MB)" "$size" "$(mb "$(median "${rss_first[@]}")")"
    curl -sS -o /dev/null "http://$US_ADDR/"
    put "VmRSS after start + GET /, this server (MB)" "$size" "$(mb "$(kib_of VmRSS "$US_PID")")"

    # List pages: first, middle and last of the individuals.
    # The numbers stand in isolation marks (U+2068 … U+2069) and may carry
    # thousands separators: both go before the match.
    pages="$(curl -sS "http://$US_ADDR/signatories/individual?page=1" | LC_ALL=C sed -e 's/\xe2\x81[\xa6-\xa9]//g' -e 's/\([0-9]\),\([0-9]\)/\1\2/g' | { grep -ao 'Page 1 of [0-9]*' || true; } | awk '{print $4}' | head -1)"
    pages="${pages:-1}"
    for which in first middle last; do
        case "$which" in first) p=1 ;; middle) p=$(((pages + 1) / 2)) ;; last) p="$pages" ;; esac
        times=()
        for _ in $(seq 1 "$PAGE_RUNS"); do
            read -r code secs _ < <(curl_time "http://$US_ADDR/signatories/individual?page=$p")
            [ "$code" = 200 ] || { echo "GET /signatories/individual?page=$p answered $code" >&2; secs="n/a"; }
            times+=("$(awk -v s="$secs" 'BEGIN { if (s == "n/a") print s; else printf "%.2f", s * 1000 }')")
        done
        put "list page $which, median of $PAGE_RUNS (ms)" "$size" "$(median "${times[@]}") (p. $p)"
    done

    # 20 concurrent searches.
    reset_hwm "$US_PID"
    sample_rss "$US_PID" "$work/rss.search"
    out="$("$LOADGEN" search --addr "$US_ADDR" --connections "$SEARCH_CONNECTIONS" --duration "$SEARCH_SECONDS")"
    stop_sampler
    echo "search at $size ($SEARCH_CONNECTIONS connections, ${SEARCH_SECONDS} s):"
    grep -vE '^(SEARCH|RESULT)' <<<"$out" | sed 's/^/  /'
    r="$(grep '^RESULT' <<<"$out")"
    put "search: answered 200 (not 200)" "$size" "$(field searches "$r") ($(field errors "$r"))"
    put "search: p50 / p99, all queries (ms)" "$size" "$(field p50_ms "$r") / $(field p99_ms "$r")"
    for label in word prefix; do
        s="$(grep "^SEARCH label=$label " <<<"$out" || true)"
        put "search: p50 / p99, $label query (ms)" "$size" "$(field p50_ms "$s") / $(field p99_ms "$s")"
    done
    put "search: VmHWM during (MB)" "$size" "$(mb "$(kib_of VmHWM "$US_PID")")"
    put "search: VmRSS sampled max during (MB)" "$size" "$(mb "$(max_of "$work/rss.search")")"
    # The same with word and prefix queries only (the target's kind), so
    # their latency is not that of waiting behind full scans for no match.
    out="$("$LOADGEN" search --addr "$US_ADDR" --connections "$SEARCH_CONNECTIONS" --duration "$SEARCH_SECONDS" \
        --query Grace --query Pri --query Bebi --query Nadia)"
    r="$(grep '^RESULT' <<<"$out")"
    put "search, word + prefix queries only: p50 / p99 (ms)" "$size" "$(field p50_ms "$r") / $(field p99_ms "$r") ($(field errors "$r") not 200)"

    # Exports, downloaded in full while VmRSS is sampled.
    for ext in json csv; do
        reset_hwm "$US_PID"
        sample_rss "$US_PID" "$work/rss.$ext"
        read -r code secs bytes < <(curl_time "http://$US_ADDR/signatories.$ext" "$work/export.$ext")
        stop_sampler
        [ "$code" = 200 ] || echo "GET /signatories.$ext answered $code" >&2
        put "export .$ext: status, seconds, bytes" "$size" "$code, $(printf '%.2f' "$secs"), $bytes"
        put "export .$ext: VmHWM during (MB)" "$size" "$(mb "$(kib_of VmHWM "$US_PID")")"
        put "export .$ext: VmRSS sampled max during (MB)" "$size" "$(mb "$(max_of "$work/rss.$ext")")"
        put "export .$ext: VmRSS after (MB)" "$size" "$(mb "$(kib_of VmRSS "$US_PID")")"
        rm -f "$work/export.$ext"
    done
    stop_pid "$US_PID"

    # The letter page against nginx serving the same bytes, on this store.
    if [ -z "${NO_LETTER:-}" ]; then
        in_background "$work/letter.$size" "$work/letter.$size.err" \
            env DATA="$data" ROUNDS="$LETTER_ROUNDS" SECONDS_PER_RUN="$LETTER_SECONDS" bash "$BENCH_DIR/letter-page.sh" ||
            { cat "$work/letter.$size.err" >&2; exit 1; }
        out="$(cat "$work/letter.$size")"
        echo "letter page at $size:"
        sed 's/^/  /' <<<"$out"
        us_line="$(grep '^median   undersign' <<<"$out")"
        ng_line="$(grep '^median   nginx' <<<"$out")"
        put "letter page: undersign / nginx requests/s" "$size" "$(awk '{print $3}' <<<"$us_line") / $(awk '{print $3}' <<<"$ng_line")"
        put "letter page: CPU per request (us), undersign / nginx" "$size" "$(awk '{print $5}' <<<"$us_line") / $(awk '{print $5}' <<<"$ng_line")"
        put "letter page: ratio undersign/nginx (median)" "$size" "$(grep -o 'ratio undersign/nginx: [0-9.]*' <<<"$out" | awk '{print $3}')"
    fi
done

# ---- The table --------------------------------------------------------------
echo
echo "undersign at $commit; $(nproc) cores; growth on $CONNECTIONS connections (GET / + POST /sign), windows of $WINDOW"
echo "pre-fetched signing on a fresh store (POST /sign only, $CONNECTIONS connections): median $pre_med/s (rounds: ${pre[*]:-none})"
echo "growth rate on the fresh store (first window of $WINDOW): $fresh_rate/s"
printf '%-52s' "signatures"
for size in "${sizes[@]}"; do printf ' | %22s' "$size"; done
echo
for row in "${rows[@]}"; do
    printf '%-52s' "$row"
    for size in "${sizes[@]}"; do printf ' | %22s' "${T["$row|$size"]:-}"; done
    echo
done
if [ -z "$CLEAR_REFS" ]; then
    echo "note: VmHWM could not be reset (/proc/PID/clear_refs); the 'VmHWM during' rows are peaks since the server's start"
fi
if [ "${#sizes[@]}" -gt 1 ]; then
    first="${sizes[0]}" last="${sizes[-1]}"
    echo "bytes per signature, $last against $first: apparent $(ratio "${T["disk: apparent bytes per signature|$last"]}" "${T["disk: apparent bytes per signature|$first"]}")x, allocated $(ratio "${T["disk: allocated bytes per signature|$last"]}" "${T["disk: allocated bytes per signature|$first"]}")x (target <= 1.2x, and <= 600 bytes at 1,000,000)"
fi
echo "RESULT prefetch_sig_per_s=$pre_med fresh_growth_per_s=$fresh_rate sizes=${SIZES// /,} commit=$commit"
