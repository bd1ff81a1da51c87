#!/usr/bin/env bash
# The crash loop as a soak: the integration test
# durability::a_crash_loop_loses_and_duplicates_no_acknowledged_signature
# with more kills. A signing load on CONNECTIONS keep-alive connections; the
# server killed with SIGKILL KILLS times, each 200-1500 ms after it came
# up, and started again on the same data; then every acknowledged
# signature must be there exactly once and every withdrawal code must
# withdraw its own name. Prints the test's lines, e.g.
#   crash loop: N acknowledged, 0 lost, 0 duplicated over 200 kills (seed S); ...
#
#   bench/crash-loop.sh          (KILLS=200 CONNECTIONS=64, a fresh seed)
#   SEED=S bench/crash-loop.sh   replays the kills of a run's seed
#   RELEASE=1 bench/crash-loop.sh   the release build (a longer first build)
#
# The test starts and stops its servers by PID, on 127.0.0.1 only, and is
# bounded in time (60 s + 5 s per kill at most for the load). About 1.5 s
# per kill on this 2-core machine, most of it the load and the checks.
set -euo pipefail
cd "$(dirname "$0")/.."

export CRASH_LOOP_KILLS="${KILLS:-200}"
export CRASH_LOOP_CONNECTIONS="${CONNECTIONS:-64}"
if [ -n "${SEED:-}" ]; then
    export CRASH_LOOP_SEED="$SEED"
fi
profile=()
if [ -n "${RELEASE:-}" ]; then
    profile=(--release)
fi
start="$(date +%s)"
set +e
cargo test "${profile[@]}" --test it -- --exact --nocapture \
    durability::a_crash_loop_loses_and_duplicates_no_acknowledged_signature 2>&1 |
    grep -E "^(crash loop|test result|thread|error)"
status="${PIPESTATUS[0]}"
set -e
echo "crash-loop.sh: $CRASH_LOOP_KILLS kills on $CRASH_LOOP_CONNECTIONS connections, $(($(date +%s) - start)) s, cargo test exit $status"
exit "$status"
