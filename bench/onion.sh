#!/usr/bin/env bash
# The in-process onion (feature `onion`) beside the tor daemon, on the
# private Tor network of the tests (tests/tor-network/network.sh), with the
# same COUNT published signatures behind each:
#   - time from `undersign serve` starting to the first page fetched through
#     the onion by the network's C tor client (first fetch), per host;
#   - page fetch time of GET / (median of FETCHES, alternated between the two
#     onions, each a new circuit);
#   - resident memory: `undersign serve --onion` alone, against undersign
#     behind the tor daemon plus that tor's own (VmRSS, after the fetches).
#
#   bench/onion.sh            (COUNT=100000 FETCHES=20)
#
# Needs tor, tor-gencert, curl, openssl (Debian: tor curl openssl). Every
# process is stopped by its PID on exit; all traffic stays on 127.0.0.1.
source "$(dirname "$0")/lib.sh"

COUNT="${COUNT:-100000}"
FETCHES="${FETCHES:-20}"
UNDERSIGN_FEATURES="${UNDERSIGN_FEATURES-onion}"
NETWORK="$ROOT/tests/tor-network/network.sh"

build_undersign
build_loadgen
new_temp work
write_bench_config "$work/config.toml"
generate_signatures "$work/data" "$work/config.toml" "$COUNT"

net="$work/net"
mkdir -p "$net"
stop_network() { bash "$NETWORK" stop "$net" >/dev/null 2>&1 || true; }
trap 'stop_network; cleanup' EXIT
bash "$NETWORK" start "$net"
bash "$NETWORK" arti-config "$net" > "$work/arti.toml"
socks="127.0.0.1:$(cat "$net/socks_port")"
ctor_onion="$(cat "$net/onion")"

# Two copies of the same data: one behind the tor daemon, one for --onion.
cp -a "$work/data" "$work/data-ctor"
cp -a "$work/data" "$work/data-arti"
cp "$work/config.toml" "$work/arti-config.toml"
printf 'onion = true\nonion_arti_config = "%s"\n' "$work/arti.toml" >> "$work/arti-config.toml"
arti_onion="$("$UNDERSIGN" onion-address --data "$work/data-arti" --config "$work/arti-config.toml" | head -1)"

# first_fetch ONION: seconds until a GET / through the client succeeds.
first_fetch() {
    local t0 now
    t0=$(date +%s.%N)
    for _ in $(seq 1 150); do
        if curl -sf --socks5-hostname "$socks" --max-time 20 -o /dev/null "http://$1/"; then
            now=$(date +%s.%N)
            awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f\n", b - a }'
            return
        fi
        sleep 2
    done
    echo "never"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Both hosts start at once, on the network just started: undersign on the
# Unix socket the network's onion-service tor forwards to, and undersign
# serve --onion (arti from cold: no directory cache, no guards).
"$UNDERSIGN" serve --listen "unix:$net/http.sock" --proxy-protocol --data "$work/data-ctor" \
    --config "$work/config.toml" > "$work/ctor.out" 2>&1 &
ctor_pid=$!
STARTED_PIDS+=("$ctor_pid")
"$UNDERSIGN" serve --onion --data "$work/data-arti" --config "$work/arti-config.toml" > "$work/arti.out" 2>&1 &
arti_pid=$!
STARTED_PIDS+=("$arti_pid")
first_fetch "$ctor_onion" > "$work/ctor.first" &
first_fetch "$arti_onion" > "$work/arti.first" &
while [ ! -s "$work/ctor.first" ] || [ ! -s "$work/arti.first" ]; do sleep 1; done
echo "first fetch after undersign started, both at once on a network up for seconds: tor daemon $(cat "$work/ctor.first") s (its tor up since the network started), arti in-process $(cat "$work/arti.first") s (from cold)"

# fetch ONION: milliseconds for one GET / on a fresh circuit (a new SOCKS
# user), rendezvous included.
fetch() {
    local s
    s="$(curl -sf --socks5-hostname "$socks" --proxy-user "bench$RANDOM$RANDOM:x" --max-time 60 \
        -o /dev/null -w '%{time_total}' "http://$1/")" || { echo "failed"; return; }
    awk -v s="$s" 'BEGIN { printf "%.0f\n", s * 1000 }'
}
ctor_times=() arti_times=()
for i in $(seq 1 "$FETCHES"); do
    ctor_times+=("$(fetch "$ctor_onion")")
    arti_times+=("$(fetch "$arti_onion")")
done
echo "GET / on a new circuit over the tor daemon's onion (ms): ${ctor_times[*]}"
echo "GET / on a new circuit over the arti onion (ms):         ${arti_times[*]}"
ok() { printf '%s\n' "$@" | grep -v failed; }
ctor_med="$(median $(ok "${ctor_times[@]}"))"
arti_med="$(median $(ok "${arti_times[@]}"))"
echo "median page fetch: tor daemon ${ctor_med} ms, arti ${arti_med} ms; arti / tor daemon: $(ratio "$arti_med" "$ctor_med")"

hs_pid="$(awk '$1 == "hs" { print $2 }' "$net/pids" | tail -1)"
ctor_rss=$(( $(rss_kib "$ctor_pid") ))
hs_rss=$(( $(rss_kib "$hs_pid") ))
arti_rss=$(( $(rss_kib "$arti_pid") ))
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo "VmRSS with $COUNT signatures: undersign $(mb $ctor_rss) MB + its tor daemon $(mb $hs_rss) MB = $(mb $((ctor_rss + hs_rss))) MB; undersign --onion $(mb $arti_rss) MB; ratio $(ratio "$arti_rss" "$((ctor_rss + hs_rss))")"
