#!/usr/bin/env bash
# Start-up time to ready and resident memory of Portcullis, with every built-in plugin of the
# distribution loaded, without and with the ONNX embedder; and resident memory under load.
# See docs/benchmarks.md ("Start-up and memory") for how to read the result.
#
#   benchmarks/load/run-startup.sh              # 5 starts per config and launcher, then 30 s of load
#   STARTS=9 LOAD=0 benchmarks/load/run-startup.sh
#
# Two configs, both using all three gates so that every kind of factory runs at start:
#   base  API routes (api-key, rate-limit, inspect; request-headers, cors; an http backend), an AI
#         route (api-key, token-rate-limit, llm backend with an openai-compatible provider), an MCP
#         route (jwt HS256, mcp-tbac, mcp backend): no upstream is contacted at start
#   onnx  the same plus `components: { minilm: { type: onnx-embedder } }`: the bundled
#         all-MiniLM-L6-v2 (quantized) loaded into ONNX Runtime at start
# The distribution's plugins/ folder is loaded whole either way (PF4J loads every plugin there).
#
# Each start: the clock starts just before the launcher is executed and stops at the first 200
# from the admin listener's /ready (polled every 10 ms). Two launchers:
#   script  bin/portcullis as a user runs it (it probes `java -version` to find a JDK first)
#   jvm     the java command line bin/portcullis ends up executing (read from /proc of its last
#           start: the first one of a fresh install records the class-data archive), run
#           directly: the JVM's own start-up
# STARTS starts of each (config, launcher); the report gives min / median / max in ms. After each
# start, 3 s later: resident memory (VmRSS) and OS threads; after the last jvm start of each
# config also the heap used after a full GC (jcmd GC.run; GC.heap_info). Then, unless LOAD=0, the
# base config once more under LOAD seconds of `wrk` (c=64) on its http route to an nginx upstream:
# VmRSS sampled every second, the peak reported, and heap after GC at the end.
#
# Environment (defaults): STARTS (5), LOAD (30) seconds, DIST (distribution/target/portcullis),
# PORT_BASE (18480: uses 3 ports), PORTCULLIS_JAVA_OPTS (extra JVM flags), LAUNCHERS ("script jvm";
# "script" alone for A/B runs of two launchers), RESULTS
# (results/<date>-startup.txt). Targets of issue [7/8]: ready in < 1.5 s without the ONNX model,
# < 3 s with it.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

STARTS="${STARTS:-5}"
LOAD="${LOAD:-30}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORT_BASE="${PORT_BASE:-18480}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:-}"
LAUNCHERS="${LAUNCHERS:-script jvm}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-startup.txt}"

UPSTREAM_PORT=$PORT_BASE
GW_PORT=$((PORT_BASE + 1))
GW_ADMIN_PORT=$((PORT_BASE + 2))

SCRIPT=run-startup
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools curl nginx wrk
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
[ -d "$DIST/plugins/embeddings" ] || die "$DIST/plugins has no embeddings plugin"
require_free_ports $UPSTREAM_PORT $GW_PORT $GW_ADMIN_PORT
start_run $(( 2 * 2 * STARTS * 90 + LOAD + 240 ))
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"

write_config() { # name with-onnx(0|1)
  local file="$work/$1.yaml"
  cat >"$file" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  watchConfig: false
  shutdownGracePeriod: 1s
  accessLog: { enabled: false }
consumers:
  - { name: agent, apiKeys: ["\${BENCH_API_KEY}"] }
EOF
  if [ "$2" = 1 ]; then
    cat >>"$file" <<EOF
components:
  minilm: { type: onnx-embedder }
EOF
  fi
  cat >>"$file" <<EOF
policies:
  gate-auth: { type: api-key, header: X-API-Key }
  gate-limit: { type: rate-limit, key: consumer, limit: 1000, period: 1s }
  gate-inspect:
    type: inspect
    action: block
    rules:
      - name: external-mail-with-pii
        when:
          - { field: "\$.to[*]", emailDomainNotIn: [example.com] }
          - { field: "\$.body", anyDetector: [email, phone, payment-card, iban, us-ssn] }
  ai-tokens: { type: token-rate-limit, key: consumer, tokensPerMinute: 100000 }
  agent-jwt: { type: jwt, algorithms: [HS256], hmacSecret: "\${BENCH_JWT_SECRET}" }
routes:
  - name: plain
    match: { pathPrefix: /plain }
    backend:
      type: http
      stripPrefix: /plain
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
  - name: mail
    match: { pathPrefix: /mail, methods: [POST] }
    policies: [ gate-auth, gate-limit, gate-inspect, { type: request-headers, set: { X-Gateway: portcullis } } ]
    backend:
      type: http
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
  - name: ai
    match: { pathPrefix: /v1 }
    policies: [ gate-auth, ai-tokens, { type: cors, allowOrigins: ["*"], allowMethods: [POST] } ]
    backend:
      type: llm
      providers:
        - { name: mock, type: openai-compatible, baseUrl: "http://127.0.0.1:$UPSTREAM_PORT/v1", models: { chat: gpt-4o-mini } }
  - name: tools
    match: { path: /mcp }
    policies:
      - agent-jwt
      - type: mcp-tbac
        tasks:
          echo-only: { list: [echo], call: [ { tool: echo } ] }
    backend:
      type: mcp
      servers:
        - { name: everything, url: "http://127.0.0.1:$UPSTREAM_PORT/mcp" }
EOF
}

export BENCH_API_KEY="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BENCH_JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
write_config base 0
write_config onnx 1

java_cmd=() # the JVM command line bin/portcullis executes, from the first start

# Starts the gateway with launcher script|jvm and config; sets started_pid and ready_ms.
start_timed() { # launcher config
  local conf="$work/$2.yaml" t0 t1 i
  t0=$(date +%s%N)
  if [ "$1" = script ]; then
    JAVA_OPTS="$PORTCULLIS_JAVA_OPTS" "$DIST/bin/portcullis" run --config "$conf" >"$work/gw.out" 2>&1 &
  else
    "${java_cmd[@]}" run --config "$conf" >"$work/gw.out" 2>&1 &
  fi
  started_pid=$!
  pids+=("$started_pid")
  for ((i = 0; i < 6000; i++)); do
    if curl -sf -o /dev/null "http://127.0.0.1:$GW_ADMIN_PORT/ready" 2>/dev/null; then
      t1=$(date +%s%N)
      ready_ms=$(( (t1 - t0) / 1000000 ))
      return 0
    fi
    kill -0 "$started_pid" 2>/dev/null || { tail -n 30 "$work/gw.out" >&2; die "Portcullis exited during start ($2)"; }
    sleep 0.01
  done
  tail -n 30 "$work/gw.out" >&2
  die "Portcullis was not ready within 60 s ($2)"
}

rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
threads_of() { awk '/^Threads/ { print $2 }' "/proc/$1/status"; }
heap_after_gc() { # pid -> MiB used after a full GC
  "$JCMD" "$1" GC.run >/dev/null
  sleep 1
  "$JCMD" "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.1f", v / 1024; exit } }'
}

stats() { # numbers... -> "min median max"
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%d %d %d", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'
}

rows=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for conf in base onnx; do
  for launcher in $LAUNCHERS; do
    times=() rss=() threads=0 heap=-
    for ((s = 1; s <= STARTS; s++)); do
      start_timed "$launcher" "$conf"
      gw=$started_pid
      if [ "$launcher" = script ]; then
        mapfile -d '' java_cmd < "/proc/$gw/cmdline"
        # drop "run --config FILE": start_timed adds its own
        java_cmd=("${java_cmd[@]:0:${#java_cmd[@]}-3}")
      fi
      sleep 3
      times+=("$ready_ms")
      rss+=("$(rss_mib "$gw")")
      threads=$(threads_of "$gw")
      [ "$launcher" = jvm ] && [ "$s" = "$STARTS" ] && heap=$(heap_after_gc "$gw")
      log "$conf/$launcher start $s: ready in ${ready_ms} ms, RSS ${rss[-1]} MiB"
      stop "$gw"
    done
    rows+=("$conf $launcher $(stats "${times[@]}") $(stats "${rss[@]}") $threads $heap")
  done
done

load_row=""
if [ "$LOAD" -gt 0 ]; then
  body='{"id":42,"status":"shipped","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}]}'
  start_nginx upstream "  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type application/json; return 200 '$body'; }
  }"
  wait_http "http://127.0.0.1:$UPSTREAM_PORT/ping" 10 || die "nginx upstream did not start"
  start_timed jvm base
  gw=$started_pid
  idle_rss=$(rss_mib "$gw")
  log "load: ${LOAD}s of wrk -c64 on /plain"
  wrk -t2 -c64 -d"${LOAD}s" "http://127.0.0.1:$GW_PORT/plain/ping" >"$work/wrk.out" &
  wrk_pid=$!
  pids+=("$wrk_pid")
  peak=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    r=$(rss_mib "$gw")
    [ "$r" -gt "$peak" ] && peak=$r
    sleep 1
  done
  wait "$wrk_pid" || true
  end_rss=$(rss_mib "$gw")
  load_heap=$(heap_after_gc "$gw")
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/wrk.out")
  load_row="under load (base, jvm, wrk -c64 ${LOAD}s, $rps req/s): RSS before $idle_rss MiB, peak $peak MiB, at the end $end_rss MiB; heap after GC at the end $load_heap MiB; $(threads_of "$gw") threads"
  log "$load_row"
  stop "$gw"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Portcullis start-up and memory, $(date -u +%FT%TZ)"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# $STARTS starts per row; ready = launcher executed -> first 200 from /ready; RSS 3 s after ready; plugins: $(ls "$DIST/plugins" | tr '\n' ' ')"
  echo "# portcullis: $("$DIST/bin/portcullis" version 2>/dev/null | head -1); extra JVM flags: '${PORTCULLIS_JAVA_OPTS}'"
  echo "# jvm command: ${java_cmd[*]}"
  echo
  printf '%-6s %-8s %8s %8s %8s %8s %8s %8s %8s %13s\n' config launcher ready_min ready_med ready_max rss_min rss_med rss_max threads heap_MiB_gc
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%-6s %-8s %8s %8s %8s %8s %8s %8s %8s %13s\n' $r
  done
  echo
  [ -n "$load_row" ] && echo "$load_row"
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
cat "$work/report.txt"
log "results written to $RESULTS"
