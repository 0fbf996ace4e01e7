#!/bin/sh
# run-flood.sh - the console's main loop under a flood: flood-bench with
# 1,000 echo clients for 60 s, then the same with connection churn on top
# (lifecycle events through the bridge). Prints one key=value line each.
#
#   tests/bench/run-flood.sh [flood-bench options]   (from a built tree)
#   tests/bench/run-flood.sh --duration 10           (a quick look)
#
# Environment: BUILD_DIR (default: build).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD_DIR:-$top/build}" && pwd)
bench=$build/tests/bench/flood-bench
[ -x "$bench" ] || { echo "run-flood.sh: build first ($bench missing)" >&2; exit 1; }

echo "== flood: 1000 clients, 32-byte messages, 4 in flight each"
"$bench" "$@"
echo "== flood + churn: the same, plus 4 threads connecting and disconnecting"
"$bench" --churn 4 "$@"
