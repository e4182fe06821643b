#!/usr/bin/env bash
# CPU per AI-gate chat call, optionally with a JFR recording of the measured run: the Portcullis
# part of run-ai.sh alone (same mock, same 199-byte request, same route: api-key ->
# token-rate-limit -> llm backend with an openai-compatible provider), for A/B comparisons of
# plugin builds and for profiles. See docs/benchmarks.md ("AI gate: where the CPU of a chat call goes").
#
#   benchmarks/load/profile-ai.sh                              # 30 s warm-up, 20 s measured, c=32
#   JFR=/tmp/ai.jfr benchmarks/load/profile-ai.sh              # also record the measured run (settings=profile)
#   jfr view hot-methods /tmp/ai.jfr                           # then read it
#
# Prints wrk's throughput and latency, the load average and the gateway JVM's CPU µs per request
# (utime+stime from /proc over the measured run / requests served).
# Environment (defaults): WARMUP (30), DURATION (20), CONNECTIONS (32), THREADS (2),
# DIST (distribution/target/portcullis), PORT_BASE (18480: uses 3 ports from there), JFR (unset).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORT_BASE="${PORT_BASE:-18480}"
JFR="${JFR:-}"
MOCK_PORT=$PORT_BASE
GW_PORT=$((PORT_BASE + 1))
GW_ADMIN_PORT=$((PORT_BASE + 2))
API_KEY="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

SCRIPT=profile-ai
# shellcheck source=lib.sh
. "$here/lib.sh"

require_tools wrk nginx curl
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
[ -z "$JFR" ] || command -v jcmd >/dev/null 2>&1 || die "JFR needs jcmd on the PATH"
require_free_ports $MOCK_PORT $GW_PORT $GW_ADMIN_PORT
start_run $((WARMUP + DURATION + 180))

request='{"model":"chat","max_tokens":64,"messages":[{"role":"system","content":"You are a terse assistant."},{"role":"user","content":"Is the renewal of order 48213 charged twice? Answer in one sentence."}]}'
completion='{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Yes: the renewal was charged twice after a payment timeout, and the duplicate has been reversed.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":38,"completion_tokens":19,"total_tokens":57},"system_fingerprint":"fp_bench"}'
printf '%s' "$request" >"$work/request.json"
cat >"$work/post.lua" <<LUA
local f = assert(io.open("$work/request.json", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-client"
wrk.headers["X-API-Key"] = "$API_KEY"
LUA

start_nginx mock "  server {
    listen 127.0.0.1:$MOCK_PORT;
    location / { default_type application/json; return 200 '$completion'; }
  }"
wait_http_any "http://127.0.0.1:$MOCK_PORT/" 10 || die "mock did not start: $(cat "$work/mock/error.log")"

cat >"$work/portcullis.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  watchConfig: false
  shutdownGracePeriod: 2s
  accessLog: { enabled: false }
consumers:
  - { name: agent, apiKeys: ["\${BENCH_API_KEY}"] }
policies:
  gate-auth: { type: api-key, header: X-API-Key }
  gate-tpm: { type: token-rate-limit, key: consumer, tokensPerMinute: 1000000000000 }
routes:
  - name: ai
    match: { pathPrefix: /v1 }
    policies: [ gate-auth, gate-tpm ]
    backend:
      type: llm
      providers:
        - { name: mock, type: openai-compatible, baseUrl: "http://127.0.0.1:$MOCK_PORT/v1", models: { chat: gpt-4o-mini } }
YAML
BENCH_API_KEY="$API_KEY" "$DIST/bin/portcullis" run --config "$work/portcullis.yaml" >"$work/portcullis.out" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
wait_http_any "http://127.0.0.1:$GW_PORT/" 60 "$gw_pid" || { tail -n 40 "$work/portcullis.out" >&2; die "Portcullis did not answer on :$GW_PORT"; }
s=$(curl -s -o "$work/last" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H "X-API-Key: $API_KEY" \
  --data-binary @"$work/request.json" "http://127.0.0.1:$GW_PORT/v1/chat/completions")
[ "$s" = 200 ] && grep -q '"chat.completion"' "$work/last" || die "portcullis chat answered $s: $(cat "$work/last")"

url="http://127.0.0.1:$GW_PORT/v1/chat/completions"
log "warm-up ${WARMUP}s"
timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$work/post.lua" "$url" >/dev/null
[ -z "$JFR" ] || jcmd "$gw_pid" JFR.start name=profile-ai settings=profile filename="$JFR" >/dev/null
log "measuring ${DURATION}s"
before=$(cpu_ticks "$gw_pid")
out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" "$url")
after=$(cpu_ticks "$gw_pid")
[ -z "$JFR" ] || jcmd "$gw_pid" JFR.stop name=profile-ai >/dev/null
reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
grep -E 'Requests/sec|Non-2xx|Socket errors| 50%| 99%' <<<"$out" || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); requests: $reqs; gateway CPU: $(cpu_us_per_request "$before" "$after" "$reqs") us/request"
[ -z "$JFR" ] || echo "JFR recording: $JFR"
