#!/bin/sh
# run-echo.sh - the engine's echo server beside the peers of ../shared/bench,
# in one run of the shared harness (echo, connect, idle; TLS when the
# engine has it). Extra arguments go to the harness (e.g. --quick).
#
#   tests/bench/run-echo.sh [--quick]      (from a built tree: build/ by default)
#
# Environment: BUILD_DIR (default: build), BENCH_DIR (default:
# ../shared/bench next to the checkout), and everything run.sh reads
# (SERVERS, SCENARIOS, DURATION, IDLE_N, ...).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD_DIR:-$top/build}" && pwd)
bench=${BENCH_DIR:-$top/../shared/bench}
server=$build/tests/bench/inet-echo-bench
[ -x "$server" ] || { echo "run-echo.sh: build first ($server missing)" >&2; exit 1; }
[ -x "$bench/run.sh" ] || { echo "run-echo.sh: no harness at $bench" >&2; exit 1; }

export TARGET_NAME=${TARGET_NAME:-inet}
export TARGET_CMD="$server --port {port}"
export TARGET_TLS_CMD="$server --port {port} --tls-cert {cert} --tls-key {key}"
exec "$bench/run.sh" "$@"
