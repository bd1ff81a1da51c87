#!/usr/bin/env bash
# Letter page: wrk against undersign's GET / and against nginx serving the
# same page from a file, alternated, in one run. Target: undersign >= 1.0x nginx.
#
#   bench/letter-page.sh            (ROUNDS=3 SECONDS_PER_RUN=10 THREADS=2 CONNECTIONS=64)
#
# nginx gets undersign's own response headers (CSP, Permissions-Policy, ...)
# with add_header so both send the same bytes but for the token; set
# BARE_NGINX=1 to serve the file with nginx's default headers only. Each
# round also prints each server's CPU time per request (nginx: master and
# workers), which moves less with the machine's noise than requests/s.
# LANGUAGES=1 compares the letter page in one language with the letter
# pages of all five, on undersign alone (see below).
# DATA=/some/dir/data serves that data dir (e.g. a grown store, as
# bench/scale.sh does) instead of a fresh one; nothing is signed into it.
source "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"

for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk nginx-light" >&2; exit 1; }
done

build_undersign
new_temp work
write_bench_config "$work/config.toml"
start_undersign "${DATA:-$work/data}" "$work/config.toml"

# run_wrk URL SECONDS [SCRIPT]: prints requests/s and p99; says so on non-2xx
# answers or errors. SCRIPT is a wrk Lua script (the paths to cycle through).
run_wrk() {
    local out rps
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --latency ${3:+-s "$3"} "$1")"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
        echo "wrk reported errors for $1:" >&2
        grep -E 'Non-2xx|Socket errors' <<<"$out" >&2
    fi
    echo "$rps $(awk '$1 == "99%" {print $2}' <<<"$out")"
}

# CPU ticks (user + system) of a process and its children (nginx's workers),
# found by their parent PID in /proc.
cpu_ticks() {
    # A process that ends between the glob and the read makes cat fail:
    # under pipefail that stopped the whole run.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } |
        awk -v p="$1" '{pid = $1; sub(/.*\) /, ""); if (pid == p || $2 == p) t += $12 + $13} END {print t + 0}'
}

# measure PID URL [SCRIPT]: one wrk round; prints requests/s, p99 and the server's CPU
# (user + system, from /proc) per request: steadier than requests/s here.
measure() {
    local before after rps p99
    before="$(cpu_ticks "$1")"
    read -r rps p99 < <(run_wrk "$2" "$SECONDS_PER_RUN" "${3:-}")
    after="$(cpu_ticks "$1")"
    echo "$rps $p99 $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="$SECONDS_PER_RUN" \
        'BEGIN {printf "%.2f", t / hz * 1e6 / (r * s)}')"
}


# LANGUAGES=1: the letter page in one language against the letter pages of
# all five, on the same server, alternated: GET / only, then GET /en/,
# /es/, /fa/, /ru/ and /zh-Hans/ in turn (each language its own cache slot
# and its own page). No nginx. Prints the medians and five/one.
if [ -n "${LANGUAGES:-}" ]; then
    for tag in en es fa ru zh-Hans; do
        [ "$(curl -sS -o /dev/null -w '%{http_code}' "http://$US_ADDR/$tag/")" = 200 ] || { echo "/$tag/ is not served" >&2; exit 1; }
    done
    cat >"$work/five.lua" <<'LUA'
local paths = { "/en/", "/es/", "/fa/", "/ru/", "/zh-Hans/" }
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
LUA
    url="http://$US_ADDR/"
    echo "warming up (2 s each)..." >&2
    run_wrk "$url" 2 >/dev/null
    run_wrk "$url" 2 "$work/five.lua" >/dev/null
    one=() five=() one_cpu=() five_cpu=()
    echo "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, $ROUNDS rounds, alternated: one language vs five"
    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) -eq 1 ]; then order="one five"; else order="five one"; fi
        for who in $order; do
            if [ "$who" = one ]; then
                read -r rps p99 cpu < <(measure "$US_PID" "$url")
                one+=("$rps") one_cpu+=("$cpu")
            else
                read -r rps p99 cpu < <(measure "$US_PID" "$url" "$work/five.lua")
                five+=("$rps") five_cpu+=("$cpu")
            fi
            printf 'round %d  %-4s languages %10.0f requests/s  (p99 %s)  %6.2f µs CPU per request\n' "$round" "$who" "$rps" "$p99" "$cpu"
        done
    done
    one_med="$(median "${one[@]}")"
    five_med="$(median "${five[@]}")"
    printf 'median   one  language  %10.0f requests/s  %6.2f µs CPU per request\n' "$one_med" "$(median "${one_cpu[@]}")"
    printf 'median   five languages %10.0f requests/s  %6.2f µs CPU per request\n' "$five_med" "$(median "${five_cpu[@]}")"
    echo "ratio five/one: $(ratio "$five_med" "$one_med")x"
    stop_pid "$US_PID"
    exit 0
fi

# The page exactly as undersign serves it (the token differs per request,
# its length does not).
www="$work/www"
mkdir -p "$www" "$work/nginx"
curl -sS -D "$work/headers" -o "$www/index.html" "http://$US_ADDR/"
echo "page: $(wc -c <"$www/index.html") bytes" >&2

headers=""
if [ -z "${BARE_NGINX:-}" ]; then
    # Every header but those nginx makes itself.
    while IFS= read -r line; do
        line="${line%$'\r'}"
        name="${line%%:*}"
        value="${line#*: }"
        case "${name,,}" in
        "" | http/* | content-type | content-length | date | server | connection) continue ;;
        esac
        headers+="        add_header $name '${value//\'/\\\'}' always;"$'\n'
    done <"$work/headers"
fi

nginx_port="$(free_port)"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
user root;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    types { }
    default_type "text/html; charset=utf-8";
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    open_file_cache max=16 inactive=60s;
    open_file_cache_valid 60s;
    server_tokens off;
    etag off;
    server {
        listen 127.0.0.1:$nginx_port;
        root $www;
        index index.html;
        location / {
$headers        }
    }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
STARTED_PIDS+=("$NGINX_PID")
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/" && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$work/nginx/error.log" >&2 || true; exit 1; }
    sleep 0.05
done
echo "nginx (PID $NGINX_PID) on 127.0.0.1:$nginx_port" >&2
if ! curl -sS "http://127.0.0.1:$nginx_port/" | cmp -s - "$www/index.html"; then
    echo "nginx does not serve the saved page" >&2
    exit 1
fi
echo "response head: undersign $(curl -sS -D - -o /dev/null "http://$US_ADDR/" | wc -c) bytes, nginx $(curl -sS -D - -o /dev/null "http://127.0.0.1:$nginx_port/" | wc -c) bytes" >&2

us_url="http://$US_ADDR/"
ng_url="http://127.0.0.1:$nginx_port/"
echo "warming up (2 s each)..." >&2
run_wrk "$us_url" 2 >/dev/null
run_wrk "$ng_url" 2 >/dev/null

us=() ng=() us_cpu=() ng_cpu=()
echo "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, $ROUNDS rounds, alternated"
for round in $(seq 1 "$ROUNDS"); do
    # Alternate which goes first, so neither always runs on a warmer machine.
    if [ $((round % 2)) -eq 1 ]; then order="us ng"; else order="ng us"; fi
    for who in $order; do
        if [ "$who" = us ]; then
            read -r rps p99 cpu < <(measure "$US_PID" "$us_url")
            us+=("$rps") us_cpu+=("$cpu")
            printf 'round %d  undersign  %10.0f requests/s  (p99 %s)  %6.2f µs CPU per request\n' "$round" "$rps" "$p99" "$cpu"
        else
            read -r rps p99 cpu < <(measure "$NGINX_PID" "$ng_url")
            ng+=("$rps") ng_cpu+=("$cpu")
            printf 'round %d  nginx      %10.0f requests/s  (p99 %s)  %6.2f µs CPU per request\n' "$round" "$rps" "$p99" "$cpu"
        fi
    done
done

us_med="$(median "${us[@]}")"
ng_med="$(median "${ng[@]}")"
printf 'median   undersign  %10.0f requests/s  %6.2f µs CPU per request\n' "$us_med" "$(median "${us_cpu[@]}")"
printf 'median   nginx      %10.0f requests/s  %6.2f µs CPU per request%s\n' "$ng_med" "$(median "${ng_cpu[@]}")" "$([ -n "${BARE_NGINX:-}" ] && echo ' (bare headers)' || echo ' (same headers)')"
r="$(ratio "$us_med" "$ng_med")"
echo "ratio undersign/nginx: ${r}x  (target >= 1.0x: $(awk -v r="$r" 'BEGIN {print (r >= 1.0) ? "met" : "missed"}'))"

stop_pid "$NGINX_PID"
stop_pid "$US_PID"
