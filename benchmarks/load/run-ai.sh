#!/usr/bin/env bash
# AI-gate load test: an OpenAI-compatible chat call direct to a mock provider, through nginx as a
# plain reverse proxy (the reference of issue [7/8]), through Portcullis (llm backend, api-key
# auth, token-rate-limit) and through Portkey's AI gateway, measured in one run against the same
# mock; then the time to first byte of a streamed answer, direct and through each gateway.
# See docs/benchmarks.md ("AI gate (issue [3/8])") for how to read the result.
#
#   PORTKEY_DIR=/tmp/portkey benchmarks/load/run-ai.sh        # defaults: 30 s warm-up, 20 s measured, c=32
#   WARMUP=10 DURATION=10 TTFB_N=50 benchmarks/load/run-ai.sh  # a quick look without Portkey
#   FRESH_PROMPTS=1 benchmarks/load/run-ai.sh                  # a new user text per call (token counts not remembered)
#
# Mock provider: nginx, one worker, two servers on loopback:
#   JSON  POST /v1/chat/completions -> 200, a fixed 448-byte chat.completion (usage included)
#   SSE   POST /v1/chat/completions -> 200 text/event-stream, a fixed stream of 9 chunks + a usage chunk + [DONE]
# Every target receives the same 199-byte request (model "chat", two messages, max_tokens 64).
# FRESH_PROMPTS=1: the user message differs in every call (an order number made unique per call by
# wrk's Lua, for every target alike), so the gateway counts its tokens afresh each time instead
# of remembering the count of a text it has seen: the cold path of a new conversation turn.
#   direct     wrk -> mock
#   nginx      wrk -> nginx reverse proxy (1 worker, keepalive 64) -> mock
#   portcullis wrk -> Portcullis route /v1: api-key (X-API-Key) -> token-rate-limit (key: consumer,
#              10^12 tokens per minute: counts every call, never refuses) -> llm backend
#              (openai-compatible provider "mock": alias chat -> JSON mock, alias stream -> SSE mock)
#   portkey    wrk -> @portkey-ai/gateway (node, headers x-portkey-provider: openai,
#              x-portkey-custom-host: http://127.0.0.1:PORT/v1) -> mock
# Each gateway: WARMUP seconds of wrk, then wrk --latency for DURATION seconds. CPU µs per request =
# the gateway process's utime+stime (/proc/PID/stat, plus its direct children for nginx) over the
# measured run divided by the requests served.
# Streams: the same gateway processes, after a STREAM_WARMUP-second wrk warm-up of the streamed
# request on kept-alive connections and another STREAM_WARMUP seconds with "Connection: close" (the
# measured calls each open a connection: that path must be as warm as the rest), then TTFB_N
# sequential curl calls each (a fresh connection per call, as curl makes it), time_starttransfer
# recorded, and TTFB_N more on one kept-alive connection (one curl, --next per call); added TTFB =
# the gateway's percentile minus the direct one.
#
# Portkey (optional: skipped when PORTKEY_DIR is unset): a directory with node_modules holding
# @portkey-ai/gateway 1.15.2 and @hono/node-server 1.13.5 (npm overrides), e.g.
#   mkdir -p /tmp/portkey && cd /tmp/portkey && echo '{"private":true,"dependencies":{"@portkey-ai/gateway":"1.15.2",
#     "@hono/node-server":"1.13.5"},"overrides":{"@hono/node-server":"1.13.5"}}' >package.json && npm install
# This script applies the one-line patch Portkey's streaming needs with that node-server (await
# responseViaResponseObject; idempotent) and binds Portkey to 127.0.0.1 by a --require preload.
#
# Environment (defaults): WARMUP (30), DURATION (20), STREAM_WARMUP (15) seconds, CONNECTIONS (32),
# THREADS (2), TTFB_N (300), DIST (distribution/target/portcullis), PORTKEY_DIR (unset),
# PORT_BASE (18380: uses 6 ports from there), PORTCULLIS_JAVA_OPTS, RESULTS (results/<date>-ai.txt), FRESH_PROMPTS (unset).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-20}"
STREAM_WARMUP="${STREAM_WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
TTFB_N="${TTFB_N:-300}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORTKEY_DIR="${PORTKEY_DIR:-}"
PORT_BASE="${PORT_BASE:-18380}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:-}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-ai.txt}"

MOCK_PORT=$PORT_BASE
SSE_PORT=$((PORT_BASE + 1))
NGINX_PORT=$((PORT_BASE + 2))
GW_PORT=$((PORT_BASE + 3))
GW_ADMIN_PORT=$((PORT_BASE + 4))
PORTKEY_PORT=$((PORT_BASE + 5))
API_KEY="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

SCRIPT=run-ai
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools wrk nginx curl
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
if [ -n "$PORTKEY_DIR" ]; then
  PORTKEY_START="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
  HONO="$PORTKEY_DIR/node_modules/@hono/node-server/dist/index.mjs"
  [ -f "$PORTKEY_START" ] && [ -f "$HONO" ] || die "no @portkey-ai/gateway and @hono/node-server under $PORTKEY_DIR/node_modules (see the header)"
  command -v node >/dev/null 2>&1 || die "missing node"
fi
require_free_ports $MOCK_PORT $SSE_PORT $NGINX_PORT $GW_PORT $GW_ADMIN_PORT $PORTKEY_PORT
start_run $(( 4 * (WARMUP + DURATION + 30) + 3 * (2 * STREAM_WARMUP + TTFB_N / 5 + 60) + 120 ))

# --- payloads ------------------------------------------------------------------------------------
request="$(ai_request)"
stream_request="${request%\}},\"stream\":true}"
stream_request="${stream_request/\"model\":\"chat\"/\"model\":\"stream\"}"
completion="$(ai_completion)"
chunk() { printf 'data: {"id":"chatcmpl-B9MBs8Cj","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":%s,"finish_reason":%s}]}\\n\\n' "$1" "$2"; }
sse="$(chunk '{"role":"assistant","content":""}' null)"
for w in Yes: the renewal was charged twice, reversed.; do sse+="$(chunk "{\"content\":\"$w \"}" null)"; done
sse+="$(chunk '{}' '"stop"')"
sse+='data: {"id":"chatcmpl-B9MBs8Cj","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":38,"completion_tokens":8,"total_tokens":46}}\n\ndata: [DONE]\n\n'
printf '%s' "$request" >"$work/request.json"
printf '%s' "$stream_request" >"$work/stream-request.json"

lua() { # file body-file [extra header lines]
  cat >"$1" <<EOF
local f = assert(io.open("$2", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-client"
wrk.headers["X-API-Key"] = "$API_KEY"
${3:-}
EOF
}
portkey_headers() { # port
  printf 'wrk.headers["x-portkey-provider"] = "openai"\nwrk.headers["x-portkey-custom-host"] = "http://127.0.0.1:%s/v1"\n' "$1"; }
lua "$work/post.lua" "$work/request.json"
lua "$work/stream.lua" "$work/stream-request.json"
lua "$work/portkey-post.lua" "$work/request.json" "$(portkey_headers $MOCK_PORT)"
lua "$work/portkey-stream.lua" "$work/stream-request.json" "$(portkey_headers $SSE_PORT)"
if [ -n "${FRESH_PROMPTS:-}" ]; then fresh_prompts_lua "$work/post.lua" "$work/portkey-post.lua"; fi

# --- processes -----------------------------------------------------------------------------------
start_nginx mock "  server {
    listen 127.0.0.1:$MOCK_PORT;
    location / { default_type application/json; return 200 '$completion'; }
  }
  server {
    listen 127.0.0.1:$SSE_PORT;
    location / { default_type text/event-stream; return 200 '$sse'; }
  }"
wait_http_any "http://127.0.0.1:$MOCK_PORT/" 10 || die "mock did not start: $(cat "$work/mock/error.log")"

start_nginx proxy "  upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 64; }
  upstream sse { server 127.0.0.1:$SSE_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
    location /sse/ { proxy_pass http://sse/; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }"
nginx_pid=$started_pid
wait_http_any "http://127.0.0.1:$NGINX_PORT/" 10 || die "nginx proxy did not start: $(cat "$work/proxy/error.log")"

ai_portcullis_config "$work/portcullis.yaml" "$GW_PORT" "$GW_ADMIN_PORT" "$MOCK_PORT" \
  "        - { name: mock-sse, type: openai-compatible, baseUrl: \"http://127.0.0.1:$SSE_PORT/v1\", models: { stream: gpt-4o-mini } }"
BENCH_API_KEY="$API_KEY" JAVA_OPTS="$PORTCULLIS_JAVA_OPTS" "$DIST/bin/portcullis" run --config "$work/portcullis.yaml" \
  >"$work/portcullis.out" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
wait_http_any "http://127.0.0.1:$GW_PORT/" 60 "$gw_pid" || { tail -n 40 "$work/portcullis.out" >&2; die "Portcullis did not answer on :$GW_PORT"; }

portkey_pid=
if [ -n "$PORTKEY_DIR" ]; then
  grep -q 'return await responseViaResponseObject(res, outgoing, options);' "$HONO" \
    || sed -i 's/^      return responseViaResponseObject(res, outgoing, options);/      return await responseViaResponseObject(res, outgoing, options);/' "$HONO"
  grep -q 'return await responseViaResponseObject(res, outgoing, options);' "$HONO" || die "could not patch $HONO"
  cat >"$work/loopback.cjs" <<'EOF'
// Portkey's server takes no host option: bind every listen() without one to loopback.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') return listen.call(this, args[0], '127.0.0.1', ...args.slice(1));
  if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};
EOF
  (cd "$PORTKEY_DIR" && exec node --require "$work/loopback.cjs" "$PORTKEY_START" --port="$PORTKEY_PORT" --headless) \
    >"$work/portkey.out" 2>&1 &
  portkey_pid=$!
  pids+=("$portkey_pid")
  wait_http_any "http://127.0.0.1:$PORTKEY_PORT/" 30 "$portkey_pid" || { tail -n 20 "$work/portkey.out" >&2; die "Portkey did not answer on :$PORTKEY_PORT"; }
fi

# --- checks: every target answers the chat call, the gate really runs ------------------------------
post() { # url body-file [header...]
  local url=$1 body=$2; shift 2
  curl -s -o "$work/last" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" --data-binary @"$body" "$url"
}
pk=(-H "x-portkey-provider: openai" -H "Authorization: Bearer sk-bench-client")
s=$(post "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$work/request.json") && [ "$s" = 401 ] || die "portcullis without a key answered $s, not 401"
s=$(post "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$work/request.json" -H "X-API-Key: $API_KEY" -D "$work/headers")
[ "$s" = 200 ] && grep -q '"chat.completion"' "$work/last" || die "portcullis chat answered $s: $(cat "$work/last")"
grep -qi '^RateLimit-Limit:' "$work/headers" || die "portcullis answer has no RateLimit-Limit header (token-rate-limit not running?)"
s=$(post "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$work/stream-request.json" -H "X-API-Key: $API_KEY")
[ "$s" = 200 ] && grep -q 'data: \[DONE\]' "$work/last" || die "portcullis stream answered $s: $(cat "$work/last")"
s=$(post "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" "$work/request.json") && [ "$s" = 200 ] || die "nginx proxy answered $s"
if [ -n "$portkey_pid" ]; then
  s=$(post "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$work/request.json" "${pk[@]}" -H "x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT/v1")
  [ "$s" = 200 ] && grep -q '"chat.completion"' "$work/last" || die "portkey chat answered $s: $(cat "$work/last")"
  s=$(post "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$work/stream-request.json" "${pk[@]}" -H "x-portkey-custom-host: http://127.0.0.1:$SSE_PORT/v1")
  [ "$s" = 200 ] && grep -q 'data: \[DONE\]' "$work/last" || die "portkey stream answered $s: $(cat "$work/last")"
fi

# --- throughput ----------------------------------------------------------------------------------
raw="$work/raw.txt"
: >"$raw"
rows=()
measure() { # name url lua pid (pid empty: no CPU column)
  local name=$1 url=$2 script=$3 pid=$4 out before=0 after=0 reqs rps p50 p99 cpu=- errs
  log "$name: warm-up ${WARMUP}s"
  timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$url" >/dev/null
  log "$name: measuring ${DURATION}s"
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "$url")
  [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || die "$name: the gateway ($pid) exited during the run"
  [ -n "$pid" ] && after=$(cpu_ticks "$pid")
  printf '=== %s (%s)\n%s\n\n' "$name" "$url" "$out" >>"$raw"
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_us "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_us "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errs=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' <<<"$out")
  [ -n "$pid" ] && cpu=$(cpu_us_per_request "$before" "$after" "$reqs")
  rows+=("$name $rps $p50 $p99 $cpu $errs")
  log "$name: $rps req/s, p50 ${p50}us, p99 ${p99}us, cpu ${cpu}us/req, errors $errs"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
measure direct "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$work/post.lua" ""
measure nginx "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" "$work/post.lua" "$nginx_pid"
measure portcullis "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$work/post.lua" "$gw_pid"
[ -n "$portkey_pid" ] && measure portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$work/portkey-post.lua" "$portkey_pid"

# --- streams: time to first byte ---------------------------------------------------------------------
ttfb_rows=()
ttfb() { # name url [curl args...]: prints p50 p99 in µs of time_starttransfer over TTFB_N calls
  local name=$1 url=$2 i; shift 2
  : >"$work/ttfb-$name"
  for ((i = 0; i < TTFB_N; i++)); do
    curl -s -N -o /dev/null -w '%{time_starttransfer}\n' -X POST -H 'Content-Type: application/json' \
      -H "X-API-Key: $API_KEY" "$@" --data-binary @"$work/stream-request.json" "$url" >>"$work/ttfb-$name"
  done
  percentiles "$name" "$work/ttfb-$name"
}
ttfb_kept() { # the same, all TTFB_N calls on one kept-alive connection (one curl, --next per call)
  local name=$1 url=$2 i args=(); shift 2
  for ((i = 0; i < TTFB_N; i++)); do
    args+=(--next -s -N -o /dev/null -w '%{time_starttransfer}\n' -X POST -H 'Content-Type: application/json'
      -H "X-API-Key: $API_KEY" "$@" --data-binary @"$work/stream-request.json" "$url")
  done
  curl "${args[@]:1}" >"$work/ttfb-kept-$name"
  percentiles "$name" "$work/ttfb-kept-$name"
}
percentiles() { # name file-of-seconds: prints name p50 p99 in µs
  sort -g "$2" | awk -v name="$1" '{ v[NR] = $1 * 1000000 } END {
    i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
    printf "%s %.0f %.0f\n", name, v[i50], v[i99] }'
}
stream_warm() { # name url lua
  log "$1: stream warm-up ${STREAM_WARMUP}s kept-alive, ${STREAM_WARMUP}s a connection per call"
  timeout $((STREAM_WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${STREAM_WARMUP}s" -s "$3" "$2" >/dev/null
  timeout $((STREAM_WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${STREAM_WARMUP}s" -H "Connection: close" -s "$3" "$2" >/dev/null
}
stream_warm nginx "http://127.0.0.1:$NGINX_PORT/sse/v1/chat/completions" "$work/stream.lua"
stream_warm portcullis "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$work/stream.lua"
[ -n "$portkey_pid" ] && stream_warm portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$work/portkey-stream.lua"
log "streams: $TTFB_N sequential calls per target"
ttfb_rows+=("$(ttfb direct "http://127.0.0.1:$SSE_PORT/v1/chat/completions")")
ttfb_rows+=("$(ttfb nginx "http://127.0.0.1:$NGINX_PORT/sse/v1/chat/completions")")
ttfb_rows+=("$(ttfb portcullis "http://127.0.0.1:$GW_PORT/v1/chat/completions")")
[ -n "$portkey_pid" ] && ttfb_rows+=("$(ttfb portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "${pk[@]}" -H "x-portkey-custom-host: http://127.0.0.1:$SSE_PORT/v1")")
kept_rows=()
kept_rows+=("$(ttfb_kept direct "http://127.0.0.1:$SSE_PORT/v1/chat/completions")")
kept_rows+=("$(ttfb_kept nginx "http://127.0.0.1:$NGINX_PORT/sse/v1/chat/completions")")
kept_rows+=("$(ttfb_kept portcullis "http://127.0.0.1:$GW_PORT/v1/chat/completions")")
[ -n "$portkey_pid" ] && kept_rows+=("$(ttfb_kept portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "${pk[@]}" -H "x-portkey-custom-host: http://127.0.0.1:$SSE_PORT/v1")")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------------------------
ttfb_table() { # rows "name p50 p99", the first one direct
  printf '%-11s %12s %12s %14s %14s\n' target ttfb_p50_us ttfb_p99_us added_p50_us added_p99_us
  printf '%s\n' "$@" | awk '
    NR == 1 { d50 = $2; d99 = $3 }
    { printf "%-11s %12s %12s %14s %14s\n", $1, $2, $3, (NR == 1 ? "-" : sprintf("%+d", $2 - d50)), (NR == 1 ? "-" : sprintf("%+d", $3 - d99)) }'
}
{
  echo "# Portcullis AI-gate load test, $(date -u +%FT%TZ)"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency after ${WARMUP}s warm-up; POST /v1/chat/completions, ${#request}-byte request${FRESH_PROMPTS:+ (a new user text per call: FRESH_PROMPTS=1)}, ${#completion}-byte answer"
  echo "# portcullis: api-key -> token-rate-limit -> llm (openai-compatible); $("$DIST/bin/portcullis" version 2>/dev/null | head -1); extra JVM flags: '${PORTCULLIS_JAVA_OPTS}'"
  echo "# $("$NGINX" -v 2>&1); $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }')${portkey_pid:+; @portkey-ai/gateway $(node -p "require('$PORTKEY_DIR/node_modules/@portkey-ai/gateway/package.json').version"), node $(node -v)}"
  echo
  printf '%-11s %9s %9s %9s %12s %7s\n' target RPS p50_us p99_us cpu_us/req errors
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%-11s %9s %9s %9s %12s %7s\n' $r
  done
  echo
  printf '%s\n' "${rows[@]}" | awk '{ rps[$1] = $2 } END {
    if (rps["nginx"]) printf "portcullis / nginx reverse proxy throughput: %.2fx (target from issue [7/8]: >= 0.5x)\n", rps["portcullis"] / rps["nginx"]
    if (rps["portkey"]) printf "portcullis / portkey throughput: %.2fx\n", rps["portcullis"] / rps["portkey"]
    if (rps["direct"]) printf "portcullis / direct throughput: %.2fx\n", rps["portcullis"] / rps["direct"] }'
  echo
  echo "# streams: time to first byte, $TTFB_N sequential curl calls per target (new connection each), after ${STREAM_WARMUP}s + ${STREAM_WARMUP}s wrk warm-up of the stream (kept-alive, then Connection: close)"
  ttfb_table "${ttfb_rows[@]}"
  echo "# the same $TTFB_N calls per target on one kept-alive connection (as SDK clients with a connection pool make them)"
  ttfb_table "${kept_rows[@]}"
  echo "(target from issue [7/8]: added TTFB on streams <= 1 ms p99)"
  echo
  echo "# raw wrk output"
  cat "$raw"
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
sed '/^# raw wrk output/,$d' "$work/report.txt"
log "results written to $RESULTS"
