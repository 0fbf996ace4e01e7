#!/bin/sh
# run-console.sh - the console as a person uses it, under load: inet-console
# under Xvfb with one echo server (a saved profile), started from the window
# (F5), its page with the client table in front; then loadgen (from
# ../shared/bench) runs against it: 1,000 clients that keep sending small
# messages, or 1,000 connect/close cycles. INET_CONSOLE_PROBE records the
# main loop's lateness (a 16 ms timeout) and each frame's update, layout and
# paint; this prints p50/p99/max over the load window, the console's CPU
# and resident memory, and takes a screenshot in the middle of the load.
#
#   tests/bench/run-console.sh [echo|idle|connect] [seconds] [connections]
#   (from a built tree; defaults: echo 60 1000)
#
# Environment: BUILD_DIR (default: build), LOADGEN (default: a copy of
# ../shared/bench built in $OUT/bench), OUT (default: a new directory under
# /tmp): the probe's samples, the screenshot and the logs stay there.
# PRIORITY: the server's priority (default normal). PERF=1 also records the console with perf (call graphs) during the load.
set -eu
mode=${1:-echo}
duration=${2:-60}
conns=${3:-1000}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD_DIR:-$top/build}" && pwd)
console=$build/app/console/inet-console
[ -x "$console" ] || { echo "run-console.sh: build first ($console missing)" >&2; exit 1; }
out=${OUT:-$(mktemp -d /tmp/inet-console-bench-XXXXXX)}
mkdir -p "$out"

loadgen=${LOADGEN:-}
if [ -z "$loadgen" ]; then
  shared=$top/../shared/bench
  [ -d "$shared" ] || shared=/work/shared/bench
  rm -rf "$out/bench" && cp -r "$shared" "$out/bench"
  make -s -C "$out/bench" loadgen >/dev/null
  loadgen=$out/bench/loadgen
fi

port=$("$loadgen" free-port)
config=$out/config
mkdir -p "$config/inet-console/profiles"
cat > "$config/inet-console/profiles/Echo.profile" <<EOF
[Profile]
Version=1
Name=Echo

[Server]
Host=127.0.0.1
Port=$port
Priority=${PRIORITY:-normal}

[Service]
Kind=echo
EOF

export XDG_CONFIG_HOME=$config
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR=$build/data
export INET_CONSOLE_PROBE=$out/probe.txt
export NO_AT_BRIDGE=1
export LC_ALL=C.UTF-8

display=:$(( 90 + $$ % 50 ))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=$display
sleep 1

"$console" >"$out/console.log" 2>&1 &
pid=$!
# the window, then the server's page, then Start (F5) as a person would
i=0
until window=$(xdotool search --sync --onlyvisible --pid "$pid" 2>/dev/null | head -1) && [ -n "$window" ]; do
  i=$((i + 1)); [ $i -lt 50 ] || { echo "no window" >&2; exit 1; }; sleep 0.2
done
xdotool windowsize "$window" 1400 900 windowmove "$window" 0 0
sleep 1
# keys go to the focused window through XTEST (GTK ignores sent events)
xdotool windowfocus --sync "$window"
xdotool key F5
"$loadgen" probe --port "$port" --timeout 10 >/dev/null
xdotool key alt+1
sleep 2

start=$(python3 -c 'import time; print(int(time.monotonic() * 1e6))')
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
main0=$(awk '{print $14 + $15}' "/proc/$pid/task/$pid/stat")
grep ctxt "/proc/$pid/task/$pid/status" > "$out/ctxt0.txt"
cat "/proc/$pid/task/$pid/schedstat" > "$out/schedstat0.txt"
perf=
if [ "${PERF:-0}" = 1 ]; then
  # the main thread only: recording a thousand session threads disturbs more
  perf record -g --call-graph dwarf,16384 -F 500 -t "$pid" -o "$out/perf.data" -- sleep "$duration" \
    >"$out/perf.log" 2>&1 &
  perf=$!
fi
( sleep $((duration / 2)); import -window root "$out/screenshot.png";
  grep VmRSS "/proc/$pid/status" > "$out/rss-mid.txt" ) &
shot=$!
case "$mode" in
  echo) "$loadgen" echo --port "$port" --conns "$conns" --size 32 --duration "$duration" \
          --server-pid "$pid" --setup-timeout 60 > "$out/loadgen.txt" ;;
  idle) "$loadgen" idle --port "$port" --conns "$conns" --hold "$duration" \
          --server-pid "$pid" --setup-timeout 60 > "$out/loadgen.txt" ;;
  connect) "$loadgen" connect --port "$port" --conns 64 --size 32 --duration "$duration" \
             --server-pid "$pid" > "$out/loadgen.txt" ;;
  *) echo "mode: echo, idle or connect" >&2; exit 2 ;;
esac
end=$(python3 -c 'import time; print(int(time.monotonic() * 1e6))')
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
main1=$(awk '{print $14 + $15}' "/proc/$pid/task/$pid/stat")
grep ctxt "/proc/$pid/task/$pid/status" > "$out/ctxt1.txt"
cat "/proc/$pid/task/$pid/schedstat" > "$out/schedstat1.txt"
wait $shot || true
[ -z "$perf" ] || wait "$perf" || true
rss_end=$(grep VmRSS "/proc/$pid/status")

# closing the window stops the server (its clients get their DISCONNECT)
# and the application; bounded: QUIT_WAIT seconds (default 120)
xdotool key ctrl+q
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt $((${QUIT_WAIT:-120} * 5)) ] || { kill "$pid"; echo "quit: killed"; break; }
  sleep 0.2
done
wait "$pid" || true
echo "quit: $((i / 5)) s after Ctrl+Q"

ticks=$(getconf CLK_TCK)
echo "load: $(cat "$out/loadgen.txt")"
python3 - "$out/probe.txt" "$start" "$end" "$cpu0" "$cpu1" "$main0" "$main1" "$ticks" <<'EOF'
import sys
path, start, end, cpu0, cpu1, main0, main1, ticks = sys.argv[1], *map(int, sys.argv[2:])
late, frames = [], []
for line in open(path):
    tag, t, v = line.split()
    if start <= int(t) <= end:
        (late if tag == 'L' else frames).append(int(v) / 1000)
def stats(name, xs):
    if not xs:
        print(f"{name}: no samples"); return
    xs.sort()
    pick = lambda q: xs[min(len(xs) - 1, int(q * (len(xs) - 1)))]
    print(f"{name}: n={len(xs)} p50={pick(.5):.1f} ms p99={pick(.99):.1f} ms max={xs[-1]:.1f} ms")
stats("main-loop lateness", late)
stats("frame update+layout+paint", frames)
secs = (end - start) / 1e6
print(f"frames/s={len(frames) / secs:.1f} console_cpu={(cpu1 - cpu0) / ticks / secs * 100:.0f}%"
      f" main_thread_cpu={(main1 - main0) / ticks / secs * 100:.0f}%")
EOF
echo "main thread context switches: $(paste "$out/ctxt0.txt" "$out/ctxt1.txt" | awk '{printf "%s %d  ", $1, $4 - $2}')"
# schedstat: time on a CPU, time runnable but waiting for one (ns)
paste "$out/schedstat0.txt" "$out/schedstat1.txt" | awk '{printf "main thread: ran %.0f ms, waited for a CPU %.0f ms\n", ($4 - $1) / 1e6, ($5 - $2) / 1e6}'
echo "rss: mid $(cat "$out/rss-mid.txt" | awk '{print $2, $3}'), end $(echo "$rss_end" | awk '{print $2, $3}')"
echo "out: $out (screenshot.png, probe.txt, console.log)"
