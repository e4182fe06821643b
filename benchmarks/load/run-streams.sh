#!/usr/bin/env bash
# Concurrent idle SSE streams through Portcullis: how many it holds and what each one costs.
# See docs/benchmarks.md ("Concurrent SSE streams") for how to read the result.
#
#   benchmarks/load/run-streams.sh                          # 10, 100, 1000, 5000 streams, 30 s each
#   STREAMS="5000" HOLD=60 benchmarks/load/run-streams.sh   # one size, held longer
#
# Everything on 127.0.0.1, one JVM each, all killed on exit:
#   upstream  SseStreams.java upstream: answers every GET with 200 text/event-stream (chunked),
#             one event "data: ready", then only a comment line every HEARTBEAT seconds
#   gateway   Portcullis from the distribution, one route /events -> http backend to the upstream
#             (timeouts.idle 10m, so the heartbeat keeps nothing alive that would otherwise die),
#             access log off
#   holder    SseStreams.java hold: opens N streams through the gateway (one virtual thread and
#             socket each, at most 200 connecting at once), checks each gets 200 and its first
#             event, keeps them all open HOLD seconds, and reports how many stayed open
# For each N (a fresh holder, the same gateway): once all N streams have their first event, the
# gateway JVM is sampled: heap used after a full GC (jcmd GC.run, then GC.heap_info), resident
# memory (VmRSS), OS threads, and the gateway's own gauges portcullis_connections_open and
# portcullis_requests_active; then, over the rest of the hold, its CPU time (percent of one core:
# the heartbeats, closing the streams at the end, and the JVM's own background work). After the
# holder ends, the row says whether every stream stayed open to the end. The gateway idle (before
# any stream, measured for HOLD seconds) is the first row. The issue [7/8] target: 5,000 concurrent idle SSE streams with < 1 GiB heap.
#
# Environment (defaults): STREAMS ("10 100 1000 5000"), HOLD (30) seconds per size, HEARTBEAT
# (15) seconds between upstream comment lines (0: none at all), DIST (distribution/target/portcullis),
# PORT_BASE (18380: uses 3 ports), PORTCULLIS_JAVA_OPTS (extra JVM flags), RESULTS
# (results/<date>-streams.txt). Needs ulimit -n above 2 x the largest N (the gateway holds a
# client and an upstream socket per stream).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

STREAMS="${STREAMS:-10 100 1000 5000}"
HOLD="${HOLD:-30}"
HEARTBEAT="${HEARTBEAT:-15}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORT_BASE="${PORT_BASE:-18380}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:-}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-streams.txt}"

UPSTREAM_PORT=$PORT_BASE
GW_PORT=$((PORT_BASE + 1))
GW_ADMIN_PORT=$((PORT_BASE + 2))

SCRIPT=run-streams
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools curl
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$JAVA" -version >/dev/null 2>&1 || die "no java: set JAVA_HOME to a JDK 21+"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
max=0
for n in $STREAMS; do [ "$n" -gt "$max" ] && max=$n; done
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((2 * max + 200)) ] \
  || die "ulimit -n is $(ulimit -n): $max streams need more than $((2 * max + 200)) descriptors (ulimit -n $((2 * max + 1000)))"
require_free_ports $UPSTREAM_PORT $GW_PORT $GW_ADMIN_PORT
n_sizes=$(wc -w <<<"$STREAMS")
start_run $(( n_sizes * (HOLD + 240) + 180 ))

mkdir -p "$work/classes"
"$JAVAC" -d "$work/classes" "$here/SseStreams.java" || die "SseStreams.java does not compile"

"$JAVA" -Xmx256m -cp "$work/classes" SseStreams upstream "$UPSTREAM_PORT" "$HEARTBEAT" >"$work/upstream.out" 2>&1 &
pids+=($!)

cat >"$work/portcullis.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  watchConfig: false
  shutdownGracePeriod: 1s
  accessLog: { enabled: false }
routes:
  - name: events
    match: { pathPrefix: /events }
    backend:
      type: http
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
      timeouts: { connect: 2s, response: 10s, idle: 10m }
EOF
JAVA_OPTS="$PORTCULLIS_JAVA_OPTS" "$DIST/bin/portcullis" run --config "$work/portcullis.yaml" >"$work/portcullis.out" 2>&1 &
gw=$!
pids+=("$gw")
wait_http "http://127.0.0.1:$GW_ADMIN_PORT/ready" 60 "$gw" || { tail -n 40 "$work/portcullis.out" >&2; die "Portcullis did not become ready"; }

gauge() { # metric-name -> value from the admin /metrics
  curl -s "http://127.0.0.1:$GW_ADMIN_PORT/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { v = $2 } END { printf "%d", v }'
}

# heap used after a full GC, MiB; RSS MiB; OS threads
sample_jvm() {
  "$JCMD" "$gw" GC.run >/dev/null
  sleep 1
  heap=$("$JCMD" "$gw" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.1f", v / 1024; exit } }')
  rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$gw/status")
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$gw/status")
}

# percent of one core the gateway used between two cpu_ticks samples taken ns nanoseconds apart
core_pct() { # ticks0 ticks1 ns
  awk -v t=$(($2 - $1)) -v hz="$clk_tck" -v ns="$3" 'BEGIN { printf "%.1f", t * 100 / hz / (ns / 1e9) }'
}

rows=()
sleep 2
sample_jvm
ticks0=$(cpu_ticks "$gw"); t0=$(date +%s%N)
sleep "$HOLD"
ticks1=$(cpu_ticks "$gw"); t1=$(date +%s%N)
rows+=("0 - $heap $rss $threads $(gauge portcullis_connections_open) $(gauge portcullis_requests_active) - - $(core_pct "$ticks0" "$ticks1" $((t1 - t0)))")
log "idle: heap ${heap} MiB after GC, RSS ${rss} MiB, $threads threads"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $STREAMS; do
  log "$n streams: opening"
  "$JAVA" -Xmx512m -cp "$work/classes" SseStreams hold "http://127.0.0.1:$GW_PORT/events" "$n" "$HOLD" >"$work/hold-$n.out" 2>&1 &
  holder=$!
  pids+=("$holder")
  for ((i = 0; i < 600; i++)); do
    grep -q '^OPEN' "$work/hold-$n.out" 2>/dev/null && break
    kill -0 "$holder" 2>/dev/null || break
    sleep 0.5
  done
  open_line=$(grep '^OPEN' "$work/hold-$n.out" || echo "OPEN-FAILED none")
  log "$n streams: $open_line"
  sample_jvm
  conns=$(gauge portcullis_connections_open)
  active=$(gauge portcullis_requests_active)
  ticks0=$(cpu_ticks "$gw")
  t0=$(date +%s%N)
  wait "$holder" || true
  ticks1=$(cpu_ticks "$gw")
  t1=$(date +%s%N)
  result=$(grep '^RESULT' "$work/hold-$n.out" || echo "RESULT none")
  open_at_end=$(sed -n 's/.*open_at_end=\([0-9]*\).*/\1/p' <<<"$result")
  open_ms=$(sed -n 's/.*open_ms=\([0-9]*\).*/\1/p' <<<"$result")
  idle_cpu=$(core_pct "$ticks0" "$ticks1" $((t1 - t0)))
  all=yes
  [ "${open_at_end:-0}" = "$n" ] || all=NO
  rows+=("$n ${open_ms:--} $heap $rss $threads $conns $active ${open_at_end:-0} $all $idle_cpu")
  log "$n streams: heap ${heap} MiB, RSS ${rss} MiB, $threads threads, $conns connections, $active active; $result"
  printf '=== %s streams\n%s\n\n' "$n" "$(cat "$work/hold-$n.out")" >>"$work/raw.txt"
  # An idle stream learns that its client left when it next writes (the upstream's heartbeat):
  # wait for the gateway to let every stream go before the next size.
  for ((i = 0; i < (HEARTBEAT + 20) * 2; i++)); do
    [ "$(gauge portcullis_connections_open)" = 0 ] && break
    sleep 0.5
  done
  log "$n streams: $(gauge portcullis_connections_open) client connections still open $((i / 2)) s after the holder left"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Portcullis concurrent SSE streams, $(date -u +%FT%TZ)"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# each size: N streams opened through the gateway, held ${HOLD}s; upstream heartbeat every ${HEARTBEAT}s; heap = used after jcmd GC.run"
  echo "# portcullis: $("$DIST/bin/portcullis" version 2>/dev/null | head -1); extra JVM flags: '${PORTCULLIS_JAVA_OPTS}'"
  echo
  printf '%8s %9s %9s %8s %8s %8s %8s %11s %9s %14s\n' streams open_ms heap_MiB rss_MiB threads conns active open_at_end all_held cpu_%_of_core
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%8s %9s %9s %8s %8s %8s %8s %11s %9s %14s\n' $r
  done
  echo
  echo "# holder output"
  cat "$work/raw.txt" 2>/dev/null || true
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
sed '/^# holder output/,$d' "$work/report.txt"
log "results written to $RESULTS"
