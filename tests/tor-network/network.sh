#!/usr/bin/env bash
# A private Tor network on 127.0.0.1 for undersign's end-to-end tests:
# 3 directory authorities, 4 relays, one onion-service tor configured from
# torrc.example (paths moved under DIR), and one client tor with a SOCKS port.
# Every tor is a background process of its own, started with `tor -f torrc`;
# DIR/pids lists them ("name pid" per line) and `stop` ends exactly those.
#
# usage:
#   network.sh start DIR       generate keys and torrcs under DIR, start all tors.
#                              Writes DIR/socks_port, DIR/onion (public onion
#                              hostname), DIR/admin_onion; the backend must listen
#                              on DIR/http.sock (and DIR/admin.sock for the
#                              console). The client tor holds a key for the admin
#                              onion's client authorization.
#   network.sh wait-onion DIR  retry a curl through the client to http://ONION/
#                              (at most 300 s; restarts the service's tor once
#                              after 120 s); prints the body on success, every
#                              tor's log tail on failure.
#   network.sh arti-config DIR print, for an arti client or service (undersign
#                              serve --onion, onion_arti_config), the arti TOML
#                              that joins this network: the authorities'
#                              v3idents, one fallback per authority (RSA and
#                              ed25519 identities, ORPort), subnet family
#                              prefixes 33/129 (every relay is on 127.0.0.1) and
#                              the test network's onion time period.
#   network.sh restart-client DIR
#                              stop the client tor and start it again, so it
#                              reads keys added to DIR/client/onion_auth (a
#                              SIGHUP does not).
#   network.sh balance DIR     on a started network, an Onionbalance v3 setup:
#                              a frontend key (ONIONBALANCE_CONFIG), N_BACKENDS
#                              backend tors DIR/bI (I from 1), each an
#                              Onionbalance instance of that frontend leading
#                              to DIR/bI/http.sock with PROXY lines, and a
#                              management tor with a control port. Writes
#                              DIR/front (the frontend's hostname), DIR/bI/onion,
#                              DIR/ob/config.yaml, DIR/ob/control_port; start
#                              onionbalance once DIR/ob-tor/cached-microdesc-consensus
#                              exists (see tests/it/onionbalance.rs).
#   network.sh stop-one DIR NAME
#                              TERM (then KILL) the tor NAME of DIR/pids only.
#   network.sh logs DIR        print the tail of every tor's notice log.
#   network.sh stop DIR        TERM the tors in DIR/pids, KILL after 10 s.
#
# Environment: TORRC_EXAMPLE (default: torrc.example of this repository),
#   ONIONBALANCE_CONFIG (onionbalance-config), N_BACKENDS (2),
#   WAIT_ONION_TOTAL (300), WAIT_ONION_RESTART_AFTER (120), LOG_TAIL (25),
#   ONION (wait-onion: this host instead of DIR/onion, and no restart of the
#   onion-service tor, which does not host it).
# Needs tor and tor-gencert (Debian: tor), curl, openssl, base32, ss.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TORRC_EXAMPLE=${TORRC_EXAMPLE:-$here/../../torrc.example}
N_AUTH=3
N_RELAY=4

die() { echo "network.sh: $*" >&2; exit 1; }
say() { echo "network.sh: $*" >&2; }

usage() {
    sed -n '/^# usage:/,/^# Needs/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- processes

# pid_of DIR NAME: the pid recorded for NAME, if any.
pid_of() { awk -v n="$2" '$1 == n { print $2 }' "$1/pids" 2>/dev/null | tail -n 1; }

# is_ours PID DIR: the process is alive and is a tor started from DIR.
is_ours() {
    local cmd
    [[ -r /proc/$1/cmdline ]] || return 1
    cmd=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *tor\ -f\ $2/* ]]
}

# start_tor DIR NAME: start DIR/NAME/torrc in the background, record its pid.
start_tor() {
    local dir=$1 name=$2
    nohup tor -f "$dir/$name/torrc" < /dev/null > "$dir/$name/stdout.log" 2>&1 &
    echo "$name $!" >> "$dir/pids"
}

# stop_pids DIR PID...: TERM, wait at most 10 s, then KILL what is left.
stop_pids() {
    local dir=$1; shift
    local pid alive=() i
    for pid in "$@"; do
        if is_ours "$pid" "$dir"; then kill -TERM "$pid" 2>/dev/null || true; alive+=("$pid"); fi
    done
    for ((i = 0; i < 100 && ${#alive[@]} > 0; i++)); do
        local still=()
        for pid in "${alive[@]}"; do is_ours "$pid" "$dir" && still+=("$pid"); done
        alive=("${still[@]+"${still[@]}"}")
        ((${#alive[@]} == 0)) || sleep 0.1
    done
    for pid in "${alive[@]+"${alive[@]}"}"; do
        say "pid $pid ignored TERM; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
    done
}

cmd_stop() {
    local dir=$1
    [[ -d $dir ]] && dir=$(cd "$dir" && pwd)
    [[ -f $dir/pids ]] || { say "no $dir/pids: nothing to stop"; return 0; }
    # shellcheck disable=SC2046
    stop_pids "$dir" $(awk '{ print $2 }' "$dir/pids")
    rm -f "$dir/pids"
    say "stopped"
}

cmd_logs() {
    local dir=$1 f
    [[ -d $dir ]] && dir=$(cd "$dir" && pwd)
    for f in "$dir"/*/notice.log "$dir"/*/data/notice.log; do
        [[ -f $f ]] || continue
        echo "===== ${f#"$dir"/} (last ${LOG_TAIL:-25} lines)"
        tail -n "${LOG_TAIL:-25}" "$f"
    done
}

# ---------------------------------------------------------------- ports

port_free() { ! ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

# pick_ports N: print the first of N consecutive free ports (random base),
# below the kernel's ephemeral range when it leaves room: the kernel hands
# ports in that range to every socket that binds port 0 or connects, and the
# tests running beside this one (threads of the same test binary) open such
# sockets all the time, so one could take a picked port before tor binds it.
pick_ports() {
    local n=$1 try base p ok low=20000 span=40000 ephemeral _
    if read -r ephemeral _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
        [[ $ephemeral =~ ^[0-9]+$ ]] && ((ephemeral - n - 10000 >= 1000)); then
        low=10000 span=$((ephemeral - n - 10000))
    fi
    for ((try = 0; try < 50; try++)); do
        base=$((low + (RANDOM * 32768 + RANDOM) % span))
        ok=1
        for ((p = base; p < base + n; p++)); do port_free "$p" || { ok=0; break; }; done
        ((ok)) && { echo "$base"; return 0; }
    done
    die "found no $n consecutive free ports"
}

# ---------------------------------------------------------------- start

# x25519 key pair in tor's base32 form, made exactly as torrc.example says.
make_client_key() {
    local out=$1
    openssl genpkey -algorithm x25519 -out "$out.prv.pem" 2>/dev/null
    grep -v ' PRIVATE KEY' "$out.prv.pem" | base64 -d | tail -c 32 | base32 | tr -d '=' > "$out.prv.key"
    openssl pkey -in "$out.prv.pem" -pubout | grep -v ' PUBLIC KEY' \
        | base64 -d | tail -c 32 | base32 | tr -d '=' > "$out.pub.key"
}

# fail_start DIR MESSAGE: show the logs, stop what was started, exit.
fail_start() {
    cmd_logs "$1" >&2
    cmd_stop "$1"
    die "$2"
}

common_lines() {
    cat <<EOF
TestingTorNetwork 1
DataDirectory $1
Log notice file $1/notice.log
$(cat "$dir/dirauthority_lines")
EOF
}

cmd_start() {
    local dir=$1
    if ! command -v tor >/dev/null || ! command -v tor-gencert >/dev/null; then
        die "needs tor and tor-gencert (apt-get install tor)"
    fi
    # tor wants its data directories private: make everything owner-only.
    umask 077
    [[ -r $TORRC_EXAMPLE ]] || die "cannot read $TORRC_EXAMPLE"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -f $dir/pids ]]; then
        local name pid
        while read -r name pid; do
            is_ours "$pid" "$dir" && die "a network is already running in $dir ($name; network.sh stop $dir)"
        done < "$dir/pids"
    fi
    ((${#dir} + 10 < 100)) || die "$dir is too long for Unix socket paths"
    rm -rf "${dir:?}"/auth* "$dir"/relay* "$dir"/hs "$dir"/client "$dir"/pids \
        "$dir"/socks_port "$dir"/onion "$dir"/admin_onion "$dir"/dirauthority_lines "$dir"/ports
    local t0=$SECONDS

    # ports: each authority an ORPort and a DirPort, each relay an ORPort, the client a SocksPort
    local nports=$((2 * N_AUTH + N_RELAY + 1)) base i
    base=$(pick_ports "$nports")
    echo "$base $nports" > "$dir/ports"
    local socks=$((base + 2 * N_AUTH + N_RELAY))

    # authorities: keys, then the DirAuthority lines every node shares
    : > "$dir/dirauthority_lines"
    for ((i = 0; i < N_AUTH; i++)); do
        local dd=$dir/auth$i orport=$((base + 2 * i)) dirport=$((base + 2 * i + 1))
        mkdir -p "$dd/keys"
        echo "" | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 \
            -a "127.0.0.1:$dirport" \
            -i "$dd/keys/authority_identity_key" \
            -s "$dd/keys/authority_signing_key" \
            -c "$dd/keys/authority_certificate" > "$dd/gencert.log" 2>&1 \
            || { cat "$dd/gencert.log" >&2; die "tor-gencert failed for auth$i"; }
        local v3ident fpr
        v3ident=$(awk '$1 == "fingerprint" { print $2 }' "$dd/keys/authority_certificate")
        fpr=$(tor --ignore-missing-torrc -f /nonexistent --DataDirectory "$dd" \
            --ORPort 1 --Nickname "auth$i" --list-fingerprint 2>/dev/null | tail -n 1 \
            | awk '{ $1 = ""; print }' | tr -d ' ')
        [[ $v3ident =~ ^[0-9A-F]{40}$ && $fpr =~ ^[0-9A-F]{40}$ ]] \
            || die "could not read the keys of auth$i (v3ident '$v3ident', fingerprint '$fpr')"
        echo "DirAuthority auth$i orport=$orport no-v2 v3ident=$v3ident 127.0.0.1:$dirport $fpr" \
            >> "$dir/dirauthority_lines"
    done

    for ((i = 0; i < N_AUTH; i++)); do
        local dd=$dir/auth$i
        { common_lines "$dd"; cat <<EOF
Nickname auth$i
SocksPort 0
Address 127.0.0.1
ORPort 127.0.0.1:$((base + 2 * i))
DirPort 127.0.0.1:$((base + 2 * i + 1))
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
AssumeReachable 1
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
TestingV3AuthInitialVotingInterval 20
TestingV3AuthInitialVoteDelay 4
TestingV3AuthInitialDistDelay 4
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
EOF
        } > "$dd/torrc"
    done

    for ((i = 0; i < N_RELAY; i++)); do
        local dd=$dir/relay$i
        mkdir -p "$dd"
        { common_lines "$dd"; cat <<EOF
Nickname relay$i
SocksPort 0
ORPort 127.0.0.1:$((base + 2 * N_AUTH + i))
AssumeReachable 1
EOF
        } > "$dd/torrc"
    done

    # the onion service: torrc.example with its paths moved under DIR
    local hs=$dir/hs
    mkdir -p "$hs/data" "$hs/undersign-admin/authorized_clients"
    make_client_key "$dir/hs/admin-client"
    echo "descriptor:x25519:$(cat "$dir/hs/admin-client.pub.key")" \
        > "$hs/undersign-admin/authorized_clients/test.auth"
    { sed -e "s#^DataDirectory .*##" \
          -e "s#/var/lib/tor/#$hs/#g" \
          -e "s#/run/undersign/#$dir/#g" "$TORRC_EXAMPLE"
      echo
      echo "## --- private test network (network.sh) ---"
      common_lines "$hs/data"
    } > "$hs/torrc"

    local dd=$dir/client
    mkdir -p "$dd/onion_auth"
    { common_lines "$dd"; cat <<EOF
SocksPort 127.0.0.1:$socks
ClientOnionAuthDir $dd/onion_auth
EOF
    } > "$dd/torrc"

    : > "$dir/pids"
    for ((i = 0; i < N_AUTH; i++)); do start_tor "$dir" "auth$i"; done
    for ((i = 0; i < N_RELAY; i++)); do start_tor "$dir" "relay$i"; done
    start_tor "$dir" hs

    # tor writes the hostnames within a second or two of starting
    for ((i = 0; i < 300; i++)); do
        [[ -s $hs/undersign/hostname && -s $hs/undersign-admin/hostname ]] && break
        is_ours "$(pid_of "$dir" hs)" "$dir" || fail_start "$dir" "the onion-service tor exited"
        sleep 0.1
    done
    [[ -s $hs/undersign/hostname && -s $hs/undersign-admin/hostname ]] \
        || fail_start "$dir" "no onion hostnames after 30 s"
    cp "$hs/undersign/hostname" "$dir/onion"
    cp "$hs/undersign-admin/hostname" "$dir/admin_onion"
    local admin
    admin=$(cat "$dir/admin_onion")
    echo "${admin%.onion}:descriptor:x25519:$(cat "$dir/hs/admin-client.prv.key")" \
        > "$dd/onion_auth/undersign-admin.auth_private"
    chmod 0600 "$dd/onion_auth/undersign-admin.auth_private"

    start_tor "$dir" client
    echo "$socks" > "$dir/socks_port"

    sleep 1
    local name pid
    while read -r name pid; do
        is_ours "$pid" "$dir" || fail_start "$dir" "$name exited at start"
    done < "$dir/pids"
    say "started $((N_AUTH + N_RELAY + 2)) tors in $((SECONDS - t0)) s; socks 127.0.0.1:$socks; onion $(cat "$dir/onion")"
}

# ---------------------------------------------------------------- wait-onion

cmd_wait_onion() {
    local dir=$1
    dir=$(cd "$dir" && pwd)
    [[ -s $dir/onion && -s $dir/socks_port ]] || die "no network in $dir (network.sh start $dir)"
    local onion socks total=${WAIT_ONION_TOTAL:-300} restart_after=${WAIT_ONION_RESTART_AFTER:-120}
    onion=${ONION:-$(cat "$dir/onion")}; socks=$(cat "$dir/socks_port")
    local t0=$SECONDS restarted=0 tries=0 rc body
    [[ -z ${ONION:-} ]] || restarted=1
    while ((SECONDS - t0 < total)); do
        tries=$((tries + 1))
        rc=0
        body=$(curl -sS --socks5-hostname "127.0.0.1:$socks" --max-time 20 "http://$onion/" 2>&1) || rc=$?
        if ((rc == 0)); then
            say "onion reachable after $((SECONDS - t0)) s ($tries tries)"
            printf '%s\n' "$body"
            return 0
        fi
        if ((!restarted && SECONDS - t0 >= restart_after)); then
            # A rare stall: the service picked its vanguards too early and
            # backs off for ~5 minutes. One restart gets past it.
            say "nothing after $((SECONDS - t0)) s (curl exit $rc); restarting the onion-service tor once"
            stop_pids "$dir" "$(pid_of "$dir" hs)"
            start_tor "$dir" hs
            restarted=1
        fi
        sleep 2
    done
    say "onion not reachable within $total s (last curl exit $rc: $body)"
    cmd_logs "$dir" >&2
    return 1
}

cmd_restart_client() {
    local dir=$1
    dir=$(cd "$dir" && pwd)
    local pid
    pid=$(pid_of "$dir" client)
    [[ -n $pid ]] || die "no client tor in $dir/pids"
    stop_pids "$dir" "$pid"
    start_tor "$dir" client
    sleep 1
    is_ours "$(pid_of "$dir" client)" "$dir" || fail_start "$dir" "the client tor exited at restart"
    say "client tor restarted"
}

# ---------------------------------------------------------------- onionbalance

cmd_balance() {
    local dir=$1 n=${N_BACKENDS:-2} i
    dir=$(cd "$dir" && pwd)
    [[ -s $dir/dirauthority_lines && -f $dir/pids ]] || die "no network in $dir (network.sh start $dir)"
    umask 077
    rm -rf "$dir"/ob "$dir"/ob-tor "$dir"/front
    "${ONIONBALANCE_CONFIG:-onionbalance-config}" --hs-version v3 -n "$n" --output "$dir/ob" \
        --no-interactive > "$dir/ob-config.log" 2>&1 \
        || { cat "$dir/ob-config.log" >&2; die "onionbalance-config failed"; }
    local key front
    key=$(cd "$dir/ob" && ls -- *.key | head -n 1)
    front=${key%.key}.onion
    [[ $front =~ ^[a-z2-7]{56}\.onion$ ]] || die "no frontend key in $dir/ob ($key)"

    for ((i = 1; i <= n; i++)); do
        local dd=$dir/b$i
        rm -rf "$dd"
        # Made (0700) with its ob_config before tor's first start: tor then
        # makes the keys itself, as an instance of the frontend.
        mkdir -p "$dd/hs" "$dd/data"
        echo "MasterOnionAddress $front" > "$dd/hs/ob_config"
        { common_lines "$dd/data"; cat <<EOF
SocksPort 0
HiddenServiceDir $dd/hs
HiddenServicePort 80 unix:$dd/http.sock
HiddenServiceExportCircuitID haproxy
HiddenServiceOnionbalanceInstance 1
EOF
        } > "$dd/torrc"
    done
    local control
    control=$(pick_ports 1)
    mkdir -p "$dir/ob-tor"
    { common_lines "$dir/ob-tor"; cat <<EOF
SocksPort 0
ControlPort 127.0.0.1:$control
CookieAuthentication 1
EOF
    } > "$dir/ob-tor/torrc"
    for ((i = 1; i <= n; i++)); do start_tor "$dir" "b$i"; done
    start_tor "$dir" ob-tor
    for ((i = 1; i <= n; i++)); do
        local k
        for ((k = 0; k < 300; k++)); do [[ -s $dir/b$i/hs/hostname ]] && break; sleep 0.1; done
        [[ -s $dir/b$i/hs/hostname ]] || fail_start "$dir" "backend b$i wrote no hostname in 30 s"
        cp "$dir/b$i/hs/hostname" "$dir/b$i/onion"
    done
    {
        echo "services:"
        echo "- instances:"
        for ((i = 1; i <= n; i++)); do
            echo "  - address: $(cat "$dir/b$i/onion")"
            echo "    name: b$i"
        done
        echo "  key: $key"
    } > "$dir/ob/config.yaml"
    echo "$control" > "$dir/ob/control_port"
    echo "$front" > "$dir/front"
    say "frontend $front over $n backends; management tor's control port 127.0.0.1:$control"
}

cmd_stop_one() {
    local dir=$1 name=$2 pid
    dir=$(cd "$dir" && pwd)
    pid=$(pid_of "$dir" "$name")
    [[ -n $pid ]] || die "no $name in $dir/pids"
    stop_pids "$dir" "$pid"
    say "stopped $name"
}

# ---------------------------------------------------------------- arti

cmd_arti_config() {
    local dir=$1 i dd n
    dir=$(cd "$dir" && pwd)
    [[ -s $dir/dirauthority_lines ]] || die "no network in $dir (network.sh start $dir)"
    # tor writes fingerprint-ed25519 a moment after it starts
    for ((i = 0; i < N_AUTH; i++)); do
        dd=$dir/auth$i
        for ((n = 0; n < 100; n++)); do [[ -s $dd/fingerprint-ed25519 ]] && break; sleep 0.1; done
        [[ -s $dd/fingerprint-ed25519 ]] || die "auth$i wrote no fingerprint-ed25519"
    done
    echo "# arti joining the private network in $dir (network.sh arti-config)"
    echo "[tor_network.authorities]"
    printf 'v3idents = ['
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^v3ident=/) { sub("v3ident=", "", $i); printf "%s\"%s\"", sep, $i; sep = ", " } }' \
        "$dir/dirauthority_lines"
    echo "]"
    local name orport fpr ed
    # DirAuthority NAME orport=P no-v2 v3ident=V 127.0.0.1:DIRPORT FINGERPRINT
    while read -r _ name orport _ _ _ fpr; do
        ed=$(awk '{ print $2 }' "$dir/$name/fingerprint-ed25519")
        echo
        echo "[[tor_network.fallback_caches]]"
        echo "rsa_identity = \"$fpr\""
        echo "ed_identity = \"$ed\""
        echo "orports = [\"127.0.0.1:${orport#orport=}\"]"
    done < "$dir/dirauthority_lines"
    cat <<EOF

[path_rules]
ipv4_subnet_family_prefix = 33
ipv6_subnet_family_prefix = 129

# TestingTorNetwork: the onion time period is 24 voting intervals (24 x 20 s
# = 8 min), which the consensus does not say.
[override_net_params]
hsdir_interval = 8
EOF
}

# ---------------------------------------------------------------- main

if (($# == 3)) && [[ $1 == stop-one ]]; then
    cmd_stop_one "$2" "$3"
    exit
fi
(($# == 2)) || usage
case $1 in
    start) cmd_start "$2" ;;
    stop) cmd_stop "$2" ;;
    wait-onion) cmd_wait_onion "$2" ;;
    logs) cmd_logs "$2" ;;
    arti-config) cmd_arti_config "$2" ;;
    restart-client) cmd_restart_client "$2" ;;
    balance) cmd_balance "$2" ;;
    *) usage ;;
esac
