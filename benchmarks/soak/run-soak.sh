#!/usr/bin/env bash
# Soak: one Portcullis node from the built distribution under steady mixed traffic for a bounded
# time, watched for leaks and drift. See docs/benchmarks.md ("Soak") for how to read the result.
#
#   benchmarks/soak/run-soak.sh                     # 10 minutes: 2 of warm-up, 8 measured
#   benchmarks/soak/run-soak.sh --minutes 4 --warmup 1 --rate 300
#   benchmarks/soak/run-soak.sh --redis             # state in the local Redis instead of in memory
#
# Traffic (SoakDriver.java load): CONCURRENCY paced workers sending RATE requests/s in all, mixed
# by weight: 40 API GET (api-key -> rate-limit -> request-headers -> http backend), 20 LLM chat and
# 10 LLM stream (api-key -> token-rate-limit -> llm backend, openai-compatible), 30 MCP tools/call
# (api-key -> mcp backend; each worker ends its session and opens a new one every 50 calls). The
# limits are high enough never to refuse: they count every request in the store.
# Upstreams: nginx (API JSON, chat JSON, chat SSE; one worker) and SoakDriver.java mcp-mock.
# After each minute the driver forces a full GC in the gateway (jcmd GC.run) and records heap in use
# (jcmd GC.heap_info), committed heap, RSS, open file descriptors (/proc/PID/fd) and OS threads
# (/proc/PID/status); per minute p50/p99/p99.9/max latency, measured from each request's scheduled
# start, the longest GC pause other than the forced ones (-Xlog:gc), the machine's load average,
# and a control: 20 requests/s straight to the API mock (no gateway), timed the same way, whose p99
# shows how much of a latency spike is the machine's (other processes, the driver). Requests whose life
# overlaps the forced GC (from the jcmd call to 2 s after it) are counted (gc_exc), errors included,
# but left out of the percentiles: that pause is the measurement's, not the gateway's.
# Verdict over the minutes after warm-up: heap, fds, threads and p99 show no upward trend (least
# squares over the run: heap < +10% + 4 MiB, fds < +8, threads < +4, p99 < +50% + 2 ms); a minute
# whose p99 is above max(2x the median minute's, median + 2 ms) fails unless the control's p99
# jumped the same way in that minute; errors <= 0.01%. A p99 trend that the control shows too is
# INCONCLUSIVE (the machine drifted). Exit status 0 PASS, 1 FAIL, 3 INCONCLUSIVE.
#
# Options: --minutes N (10), --warmup N (2; 1 when --minutes < 6), --rate R (400), --concurrency C
# (32), --redis. Environment: DIST (distribution/target/portcullis), JAVA_HOME (a JDK >= 21 with
# jcmd; default: the newest under /usr/lib/jvm), PORTCULLIS_JAVA_OPTS (-Xmx512m), PORT_BASE (18480:
# uses 6 ports from there), RESULTS (results/<date>-soak.txt).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

MINUTES=10
WARMUP=
RATE=400
CONCURRENCY=32
STORE=local
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --redis) STORE=redis; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-soak: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$WARMUP" ] || { [ "$MINUTES" -lt 6 ] && WARMUP=1 || WARMUP=2; }
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:--Xmx512m}"
PORT_BASE="${PORT_BASE:-18480}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-soak.txt}"

API_PORT=$PORT_BASE
LLM_PORT=$((PORT_BASE + 1))
SSE_PORT=$((PORT_BASE + 2))
MCP_PORT=$((PORT_BASE + 3))
GW_PORT=$((PORT_BASE + 4))
GW_ADMIN_PORT=$((PORT_BASE + 5))
API_KEY="soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
REDIS_PREFIX="portcullis-soak:$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n'):"

SCRIPT=run-soak
# shellcheck source=../load/lib.sh
. "$here/../load/lib.sh"

require_tools nginx curl
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/jcmd" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/*/ 2>/dev/null | while read -r d; do [ -x "$d/bin/jcmd" ] && echo "${d%/}"; done | sort -V | tail -1)"
fi
[ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/jcmd" ] || die "no JDK with jcmd found: set JAVA_HOME to a JDK >= 21"
export JAVA_HOME
if [ "$STORE" = redis ]; then
  (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || die "--redis needs Redis on 127.0.0.1:6379"
fi
require_free_ports $API_PORT $LLM_PORT $SSE_PORT $MCP_PORT $GW_PORT $GW_ADMIN_PORT
start_run $(( MINUTES * 60 + 300 ))
if [ "$STORE" = redis ]; then
  # remove this run's keys on exit, after lib.sh's cleanup
  trap 'cleanup; redis-cli --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null | xargs -r redis-cli del >/dev/null 2>&1 || true' EXIT
fi

# --- upstreams ------------------------------------------------------------------------------------
item='{"id":48213,"status":"shipped","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"total":{"amount":"41.90","currency":"EUR"}}'
completion='{"id":"chatcmpl-soak","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Yes: the renewal was charged twice after a payment timeout, and the duplicate has been reversed.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":38,"completion_tokens":19,"total_tokens":57}}'
chunk() { printf 'data: {"id":"chatcmpl-soak","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":%s,"finish_reason":%s}]}\\n\\n' "$1" "$2"; }
sse="$(chunk '{"role":"assistant","content":""}' null)"
for w in Yes: the renewal was charged twice, reversed.; do sse+="$(chunk "{\"content\":\"$w \"}" null)"; done
sse+="$(chunk '{}' '"stop"')"
sse+='data: {"id":"chatcmpl-soak","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":38,"completion_tokens":8,"total_tokens":46}}\n\ndata: [DONE]\n\n'

start_nginx mocks "  server { listen 127.0.0.1:$API_PORT; location / { default_type application/json; return 200 '$item'; } }
  server { listen 127.0.0.1:$LLM_PORT; location / { default_type application/json; return 200 '$completion'; } }
  server { listen 127.0.0.1:$SSE_PORT; location / { default_type text/event-stream; return 200 '$sse'; } }"
wait_http "http://127.0.0.1:$API_PORT/" 10 || die "nginx mocks did not start: $(cat "$work/mocks/error.log")"

# Compiled once: both uses of the driver run the class, not the source (no compile per start).
mkdir -p "$work/driver"
"$JAVA_HOME/bin/javac" -d "$work/driver" -cp "$DIST/lib/*" "$here/SoakDriver.java"
driver_cp="$work/driver:$DIST/lib/*"
"$JAVA_HOME/bin/java" -Xmx128m -cp "$driver_cp" SoakDriver mcp-mock "$MCP_PORT" >"$work/mcp-mock.out" 2>&1 &
pids+=($!)

if [ "$STORE" = redis ]; then
  store_yaml="stores:
  default: { type: redis, uri: \"redis://127.0.0.1:6379\", keyPrefix: \"$REDIS_PREFIX\" }"
else
  store_yaml="stores:
  default: { type: local }"
fi
cat >"$work/portcullis.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  shutdownGracePeriod: 5s
  accessLog: { file: access.log }
$store_yaml
consumers:
  - { name: soak-agent, apiKeys: ["\${SOAK_API_KEY}"] }
policies:
  auth: { type: api-key, header: X-API-Key }
routes:
  - name: api
    match: { pathPrefix: /api }
    policies:
      - auth
      - { type: rate-limit, key: consumer, limit: 1000000, period: 1s }
      - { type: request-headers, set: { X-Gateway: portcullis } }
    backend: { type: http, stripPrefix: /api, targets: [ { url: "http://127.0.0.1:$API_PORT" } ] }
  - name: ai
    match: { pathPrefix: /v1 }
    policies:
      - auth
      - { type: token-rate-limit, key: consumer, tokensPerMinute: 1000000000000 }
    backend:
      type: llm
      providers:
        - { name: mock, type: openai-compatible, baseUrl: "http://127.0.0.1:$LLM_PORT/v1", models: { chat: gpt-4o-mini } }
        - { name: mock-sse, type: openai-compatible, baseUrl: "http://127.0.0.1:$SSE_PORT/v1", models: { stream: gpt-4o-mini } }
  - name: tools
    match: { path: /mcp }
    policies: [ auth ]
    backend: { type: mcp, servers: [ { name: echo, url: "http://127.0.0.1:$MCP_PORT/mcp" } ] }
EOF
SOAK_API_KEY="$API_KEY" JAVA_OPTS="$PORTCULLIS_JAVA_OPTS -Xlog:gc:file=$work/gc.log" "$DIST/bin/portcullis" run --config "$work/portcullis.yaml" \
  >"$work/portcullis.out" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
wait_http "http://127.0.0.1:$GW_ADMIN_PORT/ready" 60 "$gw_pid" || { tail -n 40 "$work/portcullis.out" >&2; die "Portcullis not ready on :$GW_ADMIN_PORT"; }
wait_http_any "http://127.0.0.1:$MCP_PORT/mcp" 30 || die "the MCP mock did not start: $(cat "$work/mcp-mock.out")"

# --- checks: every kind of request works before the clock starts -----------------------------------
h=(-H "X-API-Key: $API_KEY")
s=$(curl -s -o "$work/last" -w '%{http_code}' "${h[@]}" "http://127.0.0.1:$GW_PORT/api/items/1")
[ "$s" = 200 ] && grep -q shipped "$work/last" || die "API route answered $s: $(cat "$work/last")"
s=$(curl -s -o "$work/last" -w '%{http_code}' "${h[@]}" -H 'Content-Type: application/json' \
  -d '{"model":"chat","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$GW_PORT/v1/chat/completions")
[ "$s" = 200 ] && grep -q chat.completion "$work/last" || die "LLM route answered $s: $(cat "$work/last")"
s=$(curl -s -o "$work/last" -w '%{http_code}' "${h[@]}" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}' \
  "http://127.0.0.1:$GW_PORT/mcp")
[ "$s" = 200 ] && grep -q portcullis "$work/last" || die "MCP route answered $s: $(cat "$work/last")"

# --- the soak ------------------------------------------------------------------------------------
log "soak: $MINUTES minutes ($WARMUP warm-up), $RATE requests/s from $CONCURRENCY workers, store $STORE"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
set +e
"$JAVA_HOME/bin/java" -Xmx512m -cp "$driver_cp" SoakDriver load --url "http://127.0.0.1:$GW_PORT" --key "$API_KEY" \
  --pid "$gw_pid" --jcmd "$JAVA_HOME/bin/jcmd" --gclog "$work/gc.log" --control "http://127.0.0.1:$API_PORT/items/1" --minutes "$MINUTES" --warmup "$WARMUP" --rate "$RATE" \
  --concurrency "$CONCURRENCY" --out "$work/table.txt" >/dev/null
verdict=$?
set -e
kill -0 "$gw_pid" 2>/dev/null || { tail -n 40 "$work/portcullis.out" >&2; die "the gateway exited during the soak"; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Portcullis soak, $started to $(date -u +%T)Z: $MINUTES minutes ($WARMUP warm-up), $RATE requests/s paced from $CONCURRENCY workers, store $STORE"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# $("$DIST/bin/portcullis" version 2>/dev/null | head -1); JAVA_OPTS '$PORTCULLIS_JAVA_OPTS'; mix: 40 API GET, 20 LLM chat, 10 LLM stream, 30 MCP tools/call (session renewed every 50 calls)"
  echo "# per minute: latency from scheduled start (ms); ctl_p99: the control (20/s straight to the API mock, no gateway);"
  echo "# gc_ms: longest young/mixed GC pause (-Xlog:gc); after the minute: jcmd GC.run, then heap in use / committed, RSS,"
  echo "# open fds, OS threads of the gateway; gc_exc: requests overlapping that forced GC (+2 s), counted but left out of"
  echo "# the percentiles; load1: the machine's 1-minute load average"
  echo "# access log lines written: $(wc -l <"$work/access.log" 2>/dev/null || echo 0)"
  echo
  cat "$work/table.txt"
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
cat "$work/report.txt"
log "results written to $RESULTS"
exit "$verdict"
