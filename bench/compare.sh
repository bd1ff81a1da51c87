#!/usr/bin/env bash
# Two builds of undersign side by side, alternated in one run: the letter
# page (bench/letter-page.sh, one round each: requests/s and CPU per
# request, with nginx in the same round) and signing (bench/signing.sh
# without PostgreSQL: durable signatures/s on a fresh store, and the
# --replay ceiling of the HTTP side alone). Prints each run, the medians,
# and NEW/OLD ratios. Build the old one from a worktree first, e.g.
#
#   git worktree add /tmp/old REV && cargo build --release --manifest-path /tmp/old/Cargo.toml
#   cargo build --release
#   bench/compare.sh /tmp/old/target/release/undersign target/release/undersign   (PAIRS=3)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
cd "$(dirname "$0")"
old=$(realpath "$1")
new=$(realpath "$2")
PAIRS="${PAIRS:-3}"
SIGN_SECONDS="${SIGN_SECONDS:-15}"
log=$(mktemp -d "${TMPDIR:-/tmp}/undersign-compare.XXXXXX")
trap 'rm -rf "$log"' EXIT

declare -A page cpu nginx signs ceiling
run() { # run NAME BINARY PAIR
    local out="$log/$1.$3"
    UNDERSIGN_BIN="$2" ROUNDS=1 ./letter-page.sh >"$out.page" 2>/dev/null
    UNDERSIGN_BIN="$2" ROUNDS=1 NO_PG=1 SECONDS_PER_RUN="$SIGN_SECONDS" ./signing.sh >"$out.sign" 2>/dev/null
    page[$1]+="$(awk '/round 1  undersign/ {print $4}' "$out.page") "
    cpu[$1]+="$(awk '/round 1  undersign/ {for (i = 1; i <= NF; i++) if ($i == "µs") print $(i - 1)}' "$out.page") "
    nginx[$1]+="$(awk '/round 1  nginx/ {print $4}' "$out.page") "
    signs[$1]+="$(awk '/^median +undersign/ {print $3}' "$out.sign") "
    ceiling[$1]+="$(awk '/^ceiling/ {print $3}' "$out.sign") "
    printf '%-4s pair %d: letter page %s req/s (%s µs CPU/req, nginx %s), signing %s/s durable, ceiling %s/s\n' \
        "$1" "$3" "$(echo ${page[$1]} | awk '{print $NF}')" "$(echo ${cpu[$1]} | awk '{print $NF}')" \
        "$(echo ${nginx[$1]} | awk '{print $NF}')" "$(echo ${signs[$1]} | awk '{print $NF}')" \
        "$(echo ${ceiling[$1]} | awk '{print $NF}')"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for pair in $(seq 1 "$PAIRS"); do
    # Alternate which goes first, so neither always runs on a warmer machine.
    if [ $((pair % 2)) = 1 ]; then run old "$old" "$pair"; run new "$new" "$pair"; else run new "$new" "$pair"; run old "$old" "$pair"; fi
done

echo
printf '%-28s %12s %12s %8s\n' "median of $PAIRS" old new new/old
for what in page cpu nginx signs ceiling; do
    declare -n m=$what
    o=$(echo "${m[old]}" | median)
    n=$(echo "${m[new]}" | median)
    label=$(case $what in page) echo "letter page, req/s" ;; cpu) echo "letter page, µs CPU/req" ;;
        nginx) echo "nginx beside it, req/s" ;; signs) echo "signing, durable/s" ;; ceiling) echo "signing ceiling, /s" ;; esac)
    printf '%-28s %12s %12s %8s\n' "$label" "$o" "$n" "$(awk -v a="$o" -v b="$n" 'BEGIN {printf "%.3f", b / a}')"
done
