#!/bin/sh
# run-tls.sh - the TLS scenarios of ../shared/bench (full handshakes per
# second, TLS echo at 100 clients and with 16 KiB messages) for the engine
# beside the TLS-capable peers, in one run, repeated.
#
#   tests/bench/run-tls.sh [--quick]       (from a built tree: build/ by default)
#
# Environment: REPEAT (runs, default 3), BUILD_DIR, BENCH_DIR (the harness,
# default ../shared/bench next to the checkout), OUT_DIR (default: a new
# temp dir; one CSV and its tables per run), and what run.sh reads
# (SERVERS, DURATION, ...). The harness is built in a private copy, so runs
# of other checkouts do not collide.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
repeat=${REPEAT:-3}
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tls-bench.XXXXXX")}
mkdir -p "$out"

export BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-$out/harness}
export SCENARIOS=tls
# libuv has no TLS
export SERVERS=${SERVERS:-"epoll_limit threads gthreaded gsocketservice_async libevent"}
i=1
while [ "$i" -le "$repeat" ]; do
    echo "== run $i of $repeat"
    BENCH_CSV="$out/run$i.csv" "$top/tests/bench/run-echo.sh" "$@"
    i=$((i + 1))
done
echo "CSV and tables in $out"
