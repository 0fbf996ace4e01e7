#!/bin/sh
# run-http.sh - inet-serve --service=http beside a plain nginx serving the
# same body from a static file, in one run: wrk -c 100 -d 10s against each,
# on loopback, each server pinned to its own CPU and wrk to another. With
# TLS in the engine, the same again over TLS (nginx with ssl, and the
# `openssl s_server -HTTP` mode of the console peers: a handshake per request). Prints requests/s,
# p99 latency and server CPU per request, and their ratios to nginx.
#
#   tests/bench/run-http.sh [--quick]        (from a built tree: build/ by default)
#
# Environment: BUILD_DIR (default build), DURATION (10s; --quick 2s),
# CONNS (100), WRK_THREADS (1), ROUNDS (1: the servers take turns this many
# times, medians are shown), SERVER_CPUS (0), LOADGEN_CPUS (1; set both
# empty to disable pinning), NO_TLS=1 to skip the TLS part.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD_DIR:-$top/build}" && pwd)
serve=$build/app/cli/inet-serve
duration=${DURATION:-10s}
conns=${CONNS:-100}
rounds=${ROUNDS:-1}
threads=${WRK_THREADS:-1}
server_cpus=${SERVER_CPUS-0}
loadgen_cpus=${LOADGEN_CPUS-1}
[ "${1:-}" = "--quick" ] && duration=${DURATION:-2s}

die () { echo "run-http.sh: $*" >&2; exit 1; }
[ -x "$serve" ] || die "build first ($serve missing)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx-light)"

work=$(mktemp -d /tmp/run-http.XXXXXX)
chmod 755 "$work"
pids=""
cleanup () {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

pin () { # pin CPUS COMMAND...
  cpus=$1; shift
  if [ -n "$cpus" ] && command -v taskset >/dev/null; then exec taskset -c "$cpus" "$@"; fi
  exec "$@"
}

# The same 23-byte body as inet-serve's default, as a file for both.
mkdir -p "$work/www"
printf 'Hello from inet-serve.\n' > "$work/www/body.txt"
chmod -R a+rX "$work/www"

# A free loopback port: inet-serve picks one, then lets it go.
free_port () {
  "$serve" --events=json --reuseaddr 127.0.0.1:0 > "$work/port.json" 2>/dev/null &
  p=$!
  for _ in $(seq 100); do
    grep -q listening "$work/port.json" 2>/dev/null && break
    sleep 0.05
  done
  kill "$p"; wait "$p" 2>/dev/null || true
  sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/port.json" | head -n 1
}

wait_http () { # wait_http URL
  for _ in $(seq 200); do
    curl -ksf -o /dev/null "$1" && return 0
    sleep 0.05
  done
  die "nothing answers at $1"
}

cpu_ticks () { # user+system clock ticks of a process
  [ -r "/proc/$1/stat" ] || die "server $1 is gone: $(cat "$work"/*.err 2>/dev/null | tail -n 5)"
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# run_wrk NAME PID URL: a 1 s warm-up, then the measured run.
results="$work/results"
: > "$results"
run_wrk () {
  name=$1 pid=$2 url=$3 c=${4:-$conns}
  (pin "$loadgen_cpus" wrk -t "$threads" -c "$c" -d 1s "$url") > /dev/null 2>&1 || true
  before=$(cpu_ticks "$pid")
  (pin "$loadgen_cpus" wrk -t "$threads" -c "$c" -d "$duration" --latency "$url") \
    > "$work/$name.wrk" 2>&1 || die "wrk failed against $name: $(cat "$work/$name.wrk")"
  after=$(cpu_ticks "$pid")
  hz=$(getconf CLK_TCK)
  awk -v name="$name" -v ticks=$((after - before)) -v hz="$hz" '
    function us(v) {
      if (v ~ /us$/) return v + 0;
      if (v ~ /ms$/) return v * 1000;
      if (v ~ /s$/) return v * 1000000;
      return v + 0;
    }
    /^ +99%/ { p99 = us($2) }
    /^Requests\/sec:/ { rps = $2 }
    /requests in/ { n = $1 }
    /Socket errors/ { errors = $0 }
    /Non-2xx/ { non2xx = $NF }
    END {
      cpu = n > 0 ? ticks * 1000000 / hz / n : 0;
      printf "%s %.0f %.0f %.2f %s\n", name, rps, p99, cpu, (errors != "" || non2xx != "") ? "errors" : "ok";
    }' "$work/$name.wrk" >> "$results"
  cat "$work/$name.wrk" >&2
}

start_nginx () { # start_nginx NAME PORT [ssl CERT KEY]
  name=$1 port=$2
  listen="listen 127.0.0.1:$port;"
  ssl=""
  if [ "${3:-}" = ssl ]; then
    listen="listen 127.0.0.1:$port ssl;"
    ssl="ssl_certificate $4; ssl_certificate_key $5; ssl_protocols TLSv1.2 TLSv1.3;"
  fi
  mkdir -p "$work/$name"
  cat > "$work/$name/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
user root;
pid $work/$name/nginx.pid;
error_log $work/$name/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$name/body;
  proxy_temp_path $work/$name/proxy;
  fastcgi_temp_path $work/$name/fastcgi;
  uwsgi_temp_path $work/$name/uwsgi;
  scgi_temp_path $work/$name/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  default_type text/plain;
  server {
    $listen
    $ssl
    root $work/www;
    location / { try_files /body.txt =404; }
  }
}
EOF
  (pin "$server_cpus" nginx -p "$work/$name" -c "$work/$name/nginx.conf" -e "$work/$name/error.log") &
  pids="$pids $!"
  last_pid=$!
}

start_serve () { # start_serve NAME OPTIONS...
  name=$1; shift
  (pin "$server_cpus" "$serve" --events=json "$@" > "$work/$name.events" 2> "$work/$name.err") &
  pids="$pids $!"
  last_pid=$!
  for _ in $(seq 200); do
    grep -q listening "$work/$name.events" 2>/dev/null && break
    sleep 0.05
  done
  grep -q listening "$work/$name.events" || die "$name did not start: $(cat "$work/$name.err")"
  last_port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/$name.events" | head -n 1)
}

serve_can_tls () {
  "$serve" --events=json --tls --cert="$work/cert.pem" --key="$work/key.pem" 127.0.0.1:0 \
    > "$work/probe.events" 2>/dev/null &
  p=$!
  for _ in $(seq 40); do
    grep -q listening "$work/probe.events" 2>/dev/null && break
    kill -0 "$p" 2>/dev/null || break
    sleep 0.05
  done
  kill "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  grep -q listening "$work/probe.events"
}

stop_last () {
  kill "$last_pid" 2>/dev/null || true
  wait "$last_pid" 2>/dev/null || true
}

echo "== http: wrk -t $threads -c $conns -d $duration, $rounds round(s) (server on CPU ${server_cpus:-any}, wrk on CPU ${loadgen_cpus:-any})" >&2

# Every server is started first; the rounds then take turns between them,
# so a burst of noise on the machine hits all of them alike.
targets="$work/targets"
: > "$targets"

port=$(free_port)
start_nginx nginx "$port"
wait_http "http://127.0.0.1:$port/"
echo "nginx $last_pid http://127.0.0.1:$port/ $conns" >> "$targets"

start_serve inet-serve --service=http --http-body="$work/www/body.txt" 127.0.0.1:0
wait_http "http://127.0.0.1:$last_port/"
echo "inet-serve $last_pid http://127.0.0.1:$last_port/ $conns" >> "$targets"

# TLS, when the engine has it: the same over TLS, plus openssl s_server -HTTP
if [ -z "${NO_TLS:-}" ] && command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  if serve_can_tls; then
    port=$(free_port)
    start_nginx nginx-tls "$port" ssl "$work/cert.pem" "$work/key.pem"
    wait_http "https://127.0.0.1:$port/"
    echo "nginx-tls $last_pid https://127.0.0.1:$port/ $conns" >> "$targets"

    start_serve inet-serve-tls --service=http --http-body="$work/www/body.txt" --tls \
      --cert="$work/cert.pem" --key="$work/key.pem" 127.0.0.1:0
    wait_http "https://127.0.0.1:$last_port/"
    echo "inet-serve-tls $last_pid https://127.0.0.1:$last_port/ $conns" >> "$targets"

    # s_server -HTTP sends a file that holds a whole response, then closes:
    # one connection (and handshake) per request, one client at a time, so
    # wrk gets one connection (with 100 it stalls)
    printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 23\r\nConnection: close\r\n\r\nHello from inet-serve.\n' \
      > "$work/www/response.txt"
    port=$(free_port)
    (cd "$work/www" && pin "$server_cpus" openssl s_server -quiet -accept "127.0.0.1:$port" \
       -cert "$work/cert.pem" -key "$work/key.pem" -HTTP > /dev/null 2>&1) &
    pids="$pids $!"
    wait_http "https://127.0.0.1:$port/response.txt"
    echo "s_server-HTTP $! https://127.0.0.1:$port/response.txt 1" >> "$targets"
  else
    echo "== TLS skipped: inet-serve cannot serve TLS in this build" >&2
  fi
fi

for round in $(seq "$rounds"); do
  echo "== round $round" >&2
  while read -r name pid url c; do
    run_wrk "$name" "$pid" "$url" "$c"
  done < "$targets"
done

echo
# Medians over the rounds; ratios to nginx of the same kind (plain or TLS).
awk '
  function median(list,    n, v, i, j, t) {
    n = split(list, v, " ");
    for (i = 2; i <= n; i++)
      for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
  }
  {
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    rps[$1] = rps[$1] " " $2; p99[$1] = p99[$1] " " $3; cpu[$1] = cpu[$1] " " $4;
    if ($5 != "ok") bad[$1] = 1;
    runs[$1]++
  }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]; R[k] = median(rps[k]); P[k] = median(p99[k]); C[k] = median(cpu[k])
    }
    printf "%-16s %10s %9s %9s %9s %9s %9s %s\n", "server", "req/s", "p99 us", "us/req",
      "req/s x", "p99 x", "us/req x", "(medians of " runs[order[1]] "; x: divided by nginx of the same kind)";
    for (i = 1; i <= n; i++) {
      k = order[i];
      ref = (k ~ /tls|s_server/) ? "nginx-tls" : "nginx";
      printf "%-16s %10.0f %9.0f %9.2f", k, R[k], P[k], C[k];
      if ((ref in R) && R[ref] > 0 && P[ref] > 0 && C[ref] > 0)
        printf " %9.2f %9.2f %9.2f", R[k] / R[ref], P[k] / P[ref], C[k] / C[ref];
      printf " %s\n", (k in bad) ? "(wrk reported errors)" : "";
    }
  }' "$results"
