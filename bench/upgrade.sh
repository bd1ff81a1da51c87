#!/usr/bin/env bash
# The upgrade of a store made by an earlier release (issue 13): grows a
# store to COUNT signatures over HTTP with the OLD build, signs one more by
# hand and keeps its withdrawal code, then starts this build on that data
# dir, kills it with SIGKILL part way through the upgrade (KILL_AFTER
# seconds), starts it again, and checks that the upgrade finished with
# nothing lost: the counts are the old ones, the kept code withdraws its
# signature, and the old server's progress lines are shown.
#
#   OLD=/path/to/old/undersign bench/upgrade.sh     (COUNT=100000 KILL_AFTER=2)
#
# OLD must be a release from before SQLite (sled), e.g. a release build of
# commit 67eadef. The new build is this worktree's (or UNDERSIGN_BIN).
source "$(dirname "$0")/lib.sh"

: "${OLD:?set OLD to the earlier release binary}"
COUNT="${COUNT:-100000}"
KILL_AFTER="${KILL_AFTER:-2}"
build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
data="$work/data"

counts() { # the page's published count, as the letter page shows it
    curl -s "http://$US_ADDR/signatories.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["counts"])'
}

NEW="$UNDERSIGN"
UNDERSIGN="$OLD"
start_undersign "$data" "$work/config.toml"
"$LOADGEN" --addr "$US_ADDR" --connections 64 --count "$COUNT" >/dev/null
# One signature by hand, keeping the withdrawal code of its thank-you page.
token="$(curl -s "http://$US_ADDR/" | grep -o 'name="token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
code="$(curl -s -X POST "http://$US_ADDR/sign" --data-urlencode "token=$token" \
    --data-urlencode 'name=Kept Code Person' --data-urlencode kind=individual --data-urlencode listed=yes |
    grep -o '<code[^>]*>[^<]*</code>' | head -1 | sed 's/<[^>]*>//g')"
[ -n "$code" ] || { echo "no withdrawal code on the thank-you page" >&2; exit 1; }
before="$(counts)"
stop_pid "$US_PID"
echo "old store: $COUNT + 1 signatures, $(du -sb "$data" | cut -f1) bytes; counts $before"

UNDERSIGN="$NEW"
log="$work/upgrade.out"
"$UNDERSIGN" serve --listen 127.0.0.1:0 --data "$data" --config "$work/config.toml" >"$log" 2>&1 &
pid=$!
STARTED_PIDS+=("$pid")
sleep "$KILL_AFTER"
kill -KILL "$pid" 2>/dev/null && echo "killed the upgrade after ${KILL_AFTER} s" || echo "the upgrade was over in ${KILL_AFTER} s"
wait "$pid" 2>/dev/null || true
sed 's/^/  first start: /' "$log"
start=$(date +%s.%N)
start_undersign "$data" "$work/config.toml"
end=$(date +%s.%N)
sed 's/^/  second start: /' "$(dirname "$data")/undersign.out"
after="$(counts)"
echo "counts after: $after"
[ "$before" = "$after" ] || { echo "FAIL: the counts changed" >&2; exit 1; }
answer="$(curl -s -X POST "http://$US_ADDR/withdraw" --data-urlencode "code=$code")"
echo "$answer" | grep -q -i 'withdrawn\|removed' || { echo "FAIL: the kept code did not withdraw" >&2; echo "$answer" | head -40 >&2; exit 1; }
echo "the kept withdrawal code withdrew its signature"
printf 'RESULT upgraded=%s second_start_s=%.1f\n' "$COUNT" "$(echo "$end - $start" | bc)"
