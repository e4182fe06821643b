#!/usr/bin/env bash
# Reverse-proxy load test: Portcullis against nginx, both in front of the same nginx upstream,
# everything on 127.0.0.1. See docs/benchmarks.md for how to read the result.
#
#   benchmarks/load/run-proxy.sh                      # defaults: 30 s warm-up, 30 s measured, c=64
#   WARMUP=10 DURATION=10 benchmarks/load/run-proxy.sh  # a quick look (warm-up too short for the JVM)
#
# Targets, each warmed up with the same load and then measured with `wrk --latency`:
#   direct          wrk -> nginx upstream (the ceiling for this machine)
#   nginx           wrk -> nginx reverse proxy (1 worker, keepalive 64) -> upstream
#   nginx-gw        (not in the defaults) the same nginx doing the header work Portcullis does on
#                   every request: X-Forwarded-For/-Proto/-Host, a request id upstream (X-Request-Id,
#                   X-Correlation-Id) and back to the client
#   portcullis      wrk -> Portcullis (one http route, access log to a file) -> upstream
#   portcullis-nolog  the same with the access log disabled
#   floor-vt, floor-relay, floor-nio  (not in the defaults) FloorProxy.java, the least a JVM
#                   proxy must do to relay this request: a virtual thread per connection
#                   (Portcullis' model), two per connection copying bytes, or one event-loop thread
#                   (nginx's); they split the gap to nginx into the I/O model's share and the gateway's
#   floor-helidon   (not in the defaults) FloorHelidon.java: Helidon's web server with a handler that
#                   relays over its own socket, no gateway: Helidon's share of the gateway's cost
# For the proxies, the CPU time (utime+stime from /proc/PID/stat) of the proxy process (the
# nginx worker; the whole Portcullis JVM, GC and JIT included) is read before and after the
# measured run and divided by the requests served.
#
# Environment (defaults): WARMUP (30) and DURATION (30) seconds, CONNECTIONS (64), THREADS (2),
# DIST (distribution/target/portcullis), PORT_BASE (18080: uses 5 ports from there),
# TARGETS ("direct nginx portcullis portcullis-nolog"), PORTCULLIS_JAVA_OPTS (extra JVM flags,
# appended to bin/portcullis's defaults), FLOOR_JAVA_OPTS (extra JVM flags of the floor proxies,
# e.g. a profiler agent to compare with Portcullis'), RESULTS (results/<date>-proxy.txt), JFR_DIR (when set,
# each Portcullis run records a JFR profile of its measured window there, <target>.jfr; read it
# with `jfr view hot-methods FILE`. Profiling costs a little CPU: take numbers from runs without),
# JFR_SETTINGS (profile: a .jfc file or a JDK setting name; `jfr configure --input profile
# jdk.ExecutionSample#period=1ms --output fast.jfc` samples 10x more often than "profile").
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORT_BASE="${PORT_BASE:-18080}"
TARGETS="${TARGETS:-direct nginx portcullis portcullis-nolog}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:-}"
JFR_DIR="${JFR_DIR:-}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-proxy.txt}"

UPSTREAM_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 1))
GW_PORT=$((PORT_BASE + 2))
GW_ADMIN_PORT=$((PORT_BASE + 3))
NGINX_GW_PORT=$((PORT_BASE + 4))

SCRIPT=run-proxy
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools wrk nginx curl
[ -x "$DIST/bin/portcullis" ] || case " $TARGETS " in
  *" portcullis"*) die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am" ;;
esac
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
require_free_ports $UPSTREAM_PORT $NGINX_PORT $GW_PORT $GW_ADMIN_PORT $NGINX_GW_PORT
n_targets=$(wc -w <<<"$TARGETS")
start_run $(( n_targets * (WARMUP + DURATION + 60) + 60 ))

nginx_worker() { # master pid -> its one worker
  local w i
  for ((i = 0; i < 50; i++)); do
    w=$(ps -o pid= --ppid "$1" | head -1 | tr -d ' ')
    [ -n "$w" ] && { echo "$w"; return 0; }
    sleep 0.1
  done
  die "nginx master $1 has no worker"
}

# Starts Portcullis (bin/portcullis execs the JVM, so the job's pid is the JVM's); sets started_pid.
start_portcullis() { # access-log: file|off
  local conf="$work/portcullis-$1.yaml" log_line
  if [ "$1" = file ]; then
    log_line="accessLog: { enabled: true, file: $work/access.log }"
  else
    log_line="accessLog: { enabled: false }"
  fi
  cat >"$conf" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  watchConfig: false
  shutdownGracePeriod: 2s
  $log_line
routes:
  - name: upstream
    match: { pathPrefix: / }
    backend:
      type: http
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
      pool: { maxIdlePerTarget: 64 }
EOF
  JAVA_OPTS="$PORTCULLIS_JAVA_OPTS" "$DIST/bin/portcullis" run --config "$conf" >"$work/portcullis-$1.out" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  wait_http "http://127.0.0.1:$GW_PORT/ping" 60 "$started_pid" || { cat "$work/portcullis-$1.out" >&2; die "Portcullis did not answer on :$GW_PORT"; }
}

raw="$work/raw.txt"
threads="$work/threads.txt"
: >"$raw"
: >"$threads"
echo "$P999_LUA" >"$work/get.lua"
rows=()

# Records a JFR profile of a JVM for the next DURATION seconds (attach with the JVM's own jcmd).
start_jfr() { # pid name
  local jcmd
  jcmd="$(dirname "$(readlink -f "/proc/$1/exe")")/jcmd"
  mkdir -p "$JFR_DIR"
  "$jcmd" "$1" JFR.start name=bench settings="${JFR_SETTINGS:-profile}" duration="${DURATION}s" filename="$JFR_DIR/$2.jfr" >/dev/null
}

# measure name url cpu-pid(or -) [jvm]
measure() {
  local name=$1 url=$2 pid=$3 out before after reqs rps p50 p99 p999 cpu errs us_before us_after
  log "$name: warm-up ${WARMUP}s"
  timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null
  [ "${4:-}" = jvm ] && jvm_thread_names "$pid" "$work/thread-names"
  [ "${4:-}" = jvm ] && [ -n "$JFR_DIR" ] && start_jfr "$pid" "$name"
  log "$name: measuring ${DURATION}s"
  [ "$pid" != - ] && before=$(cpu_ticks "$pid")
  [ "${4:-}" = jvm ] && thread_cpu_snapshot "$pid" "$work/threads-before" "$work/thread-names"
  [ "$pid" != - ] && us_before=$(cpu_user_sys "$pid")
  out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/get.lua" "$url")
  if [ "$pid" != - ] && ! kill -0 "$pid" 2>/dev/null; then
    [ "${4:-}" = jvm ] && tail -n 30 "$work"/portcullis-*.out >&2
    die "$name: the proxy process $pid exited during the run"
  fi
  [ "$pid" != - ] && after=$(cpu_ticks "$pid")
  [ "${4:-}" = jvm ] && thread_cpu_snapshot "$pid" "$work/threads-after" "$work/thread-names"
  [ "$pid" != - ] && us_after=$(cpu_user_sys "$pid")
  printf '=== %s (%s)\n%s\n\n' "$name" "$url" "$out" >>"$raw"
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  read -r p50 p99 p999 errs <<<"$(wrk_stats "$out")"
  if [ "$pid" != - ]; then
    cpu=$(cpu_us_per_request "$before" "$after" "$reqs")
  else
    cpu=-
  fi
  if [ "$pid" != - ]; then
    { echo "=== $name: CPU us/request"
      awk -v b="$us_before" -v a="$us_after" -v hz="$clk_tck" -v n="$reqs" 'BEGIN { split(b, x, " "); split(a, y, " ")
        printf "    user %.1f, system %.1f\n", (y[1] - x[1]) * 1e6 / hz / n, (y[2] - x[2]) * 1e6 / hz / n }'
      [ "${4:-}" = jvm ] && { echo "  by JVM thread group:"; thread_cpu_report "$work/threads-before" "$work/threads-after" "$reqs"; }
      echo; } >>"$threads"
  fi
  rows+=("$name $rps $p50 $p99 $p999 $cpu $errs")
  log "$name: $rps req/s, p50 ${p50}us, p99 ${p99}us, p99.9 ${p999}us, cpu ${cpu}us/req, errors $errs"
}

# Starts a floor proxy (a JVM with these arguments) on GW_PORT, measures it, stops it.
measure_floor() { # target java-args...
  local t=$1
  shift
  # shellcheck disable=SC2086 # FLOOR_JAVA_OPTS holds several flags
  "$JAVA" -XX:+UseG1GC -Xmx256m ${FLOOR_JAVA_OPTS:-} "$@" >"$work/$t.out" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  wait_http "http://127.0.0.1:$GW_PORT/ping" 30 "$started_pid" || { cat "$work/$t.out" >&2; die "$t did not answer on :$GW_PORT"; }
  measure "$t" "http://127.0.0.1:$GW_PORT/ping" "$started_pid" jvm
  stop "$started_pid"
}

# --- run -----------------------------------------------------------------------------------------
body='{"id":42,"status":"shipped","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}]}'
start_nginx upstream "  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type application/json; return 200 '$body'; }
  }"
start_nginx proxy "  upstream up { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }
  server {
    listen 127.0.0.1:$NGINX_GW_PORT;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Request-Id \$request_id;
      proxy_set_header X-Correlation-Id \$request_id;
      add_header X-Request-Id \$request_id always;
    }
  }"
nx_master=$started_pid
wait_http "http://127.0.0.1:$UPSTREAM_PORT/ping" 10 || die "nginx upstream did not start: $(cat "$work/upstream/error.log")"
wait_http "http://127.0.0.1:$NGINX_PORT/ping" 10 || die "nginx proxy did not start: $(cat "$work/proxy/error.log")"
nx_worker=$(nginx_worker "$nx_master")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for t in $TARGETS; do
  case $t in
    direct) measure direct "http://127.0.0.1:$UPSTREAM_PORT/ping" - ;;
    nginx) measure nginx "http://127.0.0.1:$NGINX_PORT/ping" "$nx_worker" ;;
    nginx-gw) measure nginx-gw "http://127.0.0.1:$NGINX_GW_PORT/ping" "$nx_worker" ;;
    portcullis | portcullis-nolog)
      mode=file; [ "$t" = portcullis-nolog ] && mode=off
      log "$t: starting Portcullis"
      start_portcullis $mode
      gw=$started_pid
      measure "$t" "http://127.0.0.1:$GW_PORT/ping" "$gw" jvm
      [ -n "$JFR_DIR" ] && sleep 2 # let the recording end and write its file
      stop "$gw"
      ;;
    floor-vt | floor-relay | floor-nio)
      [ -f "$work/classes/FloorProxy.class" ] || "$JAVAC" -d "$work/classes" "$here/FloorProxy.java" || die "FloorProxy.java does not compile"
      measure_floor "$t" -cp "$work/classes" FloorProxy "${t#floor-}" "$GW_PORT" "$UPSTREAM_PORT"
      ;;
    floor-helidon)
      [ -x "$DIST/bin/portcullis" ] || die "floor-helidon runs on the distribution's lib/: build it first"
      "$JAVAC" -cp "$DIST/lib/*" -d "$work/classes" "$here/FloorProxy.java" "$here/FloorHelidon.java" || die "FloorHelidon.java does not compile"
      measure_floor "$t" -cp "$work/classes:$DIST/lib/*" FloorHelidon "$GW_PORT" "$UPSTREAM_PORT"
      ;;
    *) die "unknown target $t" ;;
  esac
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------------------------
declare -A rps_of cpu_of
ratio() { # target reference note: one line comparing two measured targets, if both ran
  [ -n "${rps_of[$1]:-}" ] && [ -n "${rps_of[$2]:-}" ] || return 0
  awk -v p="$1" -v r="$2" -v a="${rps_of[$1]}" -v b="${rps_of[$2]}" -v ca="${cpu_of[$1]}" -v cb="${cpu_of[$2]}" -v note="$3" \
    'BEGIN { printf "%s/%s: throughput %.2fx, CPU per request %.2fx%s\n", p, r, a / b, ca / cb, note }'
}
for r in "${rows[@]}"; do
  read -r name rps _ _ _ cpu _ <<<"$r"
  rps_of[$name]=$rps
  cpu_of[$name]=$cpu
done
{
  echo "# Portcullis reverse-proxy load test, $(date -u +%FT%TZ)"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency after ${WARMUP}s warm-up; GET /ping, ${#body}-byte JSON from nginx"
  echo "# $("$NGINX" -v 2>&1); $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  [ -x "$DIST/bin/portcullis" ] && echo "# portcullis: $("$DIST/bin/portcullis" version 2>/dev/null | head -1); extra JVM flags: '${PORTCULLIS_JAVA_OPTS}'"
  echo
  printf '%-18s %10s %10s %10s %10s %14s %8s\n' target RPS p50_us p99_us p99.9_us cpu_us/req errors
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%-18s %10s %10s %10s %10s %14s %8s\n' $r
  done
  echo
  for p in nginx-gw floor-helidon floor-vt floor-relay floor-nio; do
    ratio "$p" nginx ""
  done
  for p in portcullis portcullis-nolog; do
    ratio "$p" nginx " (issue [7/8] target: throughput >= 1x at <= 30 us CPU/request)"
    ratio "$p" nginx-gw " (the same header work on both)"
  done
  echo
  cat "$threads"
  echo "# raw wrk output"
  cat "$raw"
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
sed '/^# raw wrk output/,$d' "$work/report.txt"
log "results written to $RESULTS"
