#!/usr/bin/env bash
# Two builds of undersign side by side, for a change that must make neither
# slower. Both servers run at once, each on a fresh data dir, and every
# measurement alternates between them round by round (the order flips each
# round), so the noise of the moment falls on both:
#   - the letter page: wrk on GET /, requests/s and the server's CPU per
#     request (user + system, from /proc);
#   - signing: the load generator's GET / + POST /sign, durable signatures/s
#     (each store grows by the same rounds), then one --replay round each
#     (the exchange without the store's writes: the HTTP side alone).
# Prints every round, the medians, NEW/OLD of the medians and the median
# of each round's NEW/OLD.
#
#   git worktree add /tmp/old REV && cargo build --release --manifest-path /tmp/old/Cargo.toml
#   cargo build --release
#   bench/compare.sh /tmp/old/target/release/undersign target/release/undersign
#       (ROUNDS=5 SECONDS_PER_RUN=10 SIGN_SECONDS=10 THREADS=2 CONNECTIONS=64)
source "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
ROUNDS="${ROUNDS:-5}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
SIGN_SECONDS="${SIGN_SECONDS:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
build_loadgen

declare -A pid addr
new_temp work
write_bench_config "$work/config.toml"
for side in old new; do
    UNDERSIGN=$1
    [ "$side" = new ] && UNDERSIGN=$2
    mkdir -p "$work/$side"
    start_undersign "$work/$side/data" "$work/config.toml"
    pid[$side]=$US_PID
    addr[$side]=$US_ADDR
done

cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

# page SIDE: one wrk round; "requests/s µs-CPU-per-request".
page() {
    local before after rps
    before=$(cpu_ticks "${pid[$1]}")
    rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" "http://${addr[$1]}/" | awk '/^Requests\/sec:/ {print $2}')
    after=$(cpu_ticks "${pid[$1]}")
    echo "$rps $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="$SECONDS_PER_RUN" \
        'BEGIN {printf "%.2f", t / hz * 1e6 / (r * s)}')"
}

# sign SIDE [--replay]: one load-generator round; its RESULT line.
sign() {
    "$LOADGEN" --addr "${addr[$1]}" --connections "$CONNECTIONS" --duration "$SIGN_SECONDS" --quiet "${@:2}" | grep '^RESULT'
}

# order ROUND: which side goes first this round.
order() { if [ $(($1 % 2)) = 1 ]; then echo old new; else echo new old; fi; }

echo "warming up..." >&2
for side in old new; do
    wrk -t1 -c8 -d2s "http://${addr[$side]}/" >/dev/null
    "$LOADGEN" --addr "${addr[$side]}" --connections 8 --duration 2 --quiet >/dev/null
done

declare -A rps cpu sig ceiling
echo "letter page: wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s per round; signing: $CONNECTIONS connections x ${SIGN_SECONDS} s; $ROUNDS rounds, alternated"
for round in $(seq 1 "$ROUNDS"); do
    for side in $(order "$round"); do
        read -r r c < <(page "$side")
        rps[$side]+="$r "
        cpu[$side]+="$c "
        printf 'round %d  %s  letter page %8.0f requests/s  %6.2f µs CPU per request\n' "$round" "$side" "$r" "$c"
    done
done
for round in $(seq 1 "$ROUNDS"); do
    for side in $(order "$round"); do
        s=$(field sig_per_s "$(sign "$side")")
        sig[$side]+="$s "
        printf 'round %d  %s  signing %8.0f signatures/s durable\n' "$round" "$side" "$s"
    done
done
for side in $(order 1); do
    c=$(field answered_per_s "$(sign "$side" --replay)")
    ceiling[$side]=$c
    printf 'replay   %s  %8.0f exchanges/s without the store'"'"'s writes\n' "$side" "$c"
done
for side in old new; do stop_pid "${pid[$side]}"; done

echo
# The last column is the median of each round's new/old: the two sides of
# a round share its moment, so that ratio is the one to read.
printf '%-32s %10s %10s %8s %14s\n' "median" old new new/old "of rounds"
row() {
    # shellcheck disable=SC2086
    local o n per_round
    o=$(median $2)
    n=$(median $3)
    per_round=$(paste -d' ' <(tr ' ' '\n' <<<"$2" | grep .) <(tr ' ' '\n' <<<"$3" | grep .) |
        awk '{print $2 / $1}' | sort -g |
        awk '{a[NR] = $1} END {printf "%.3f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
    printf '%-32s %10s %10s %8s %14s\n' "$1" "$o" "$n" "$(awk -v a="$o" -v b="$n" 'BEGIN {printf "%.3f", b / a}')" "$per_round"
}
row "letter page, requests/s" "${rps[old]}" "${rps[new]}"
row "letter page, µs CPU per request" "${cpu[old]}" "${cpu[new]}"
row "signing, durable signatures/s" "${sig[old]}" "${sig[new]}"
row "replay, exchanges/s" "${ceiling[old]}" "${ceiling[new]}"
