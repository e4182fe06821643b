#!/usr/bin/env bash
# CPU per AI-gate chat call, optionally with a JFR recording of the measured run: the Portcullis
# part of run-ai.sh alone (same mock, same 199-byte request, same route: api-key ->
# token-rate-limit -> llm backend with an openai-compatible provider), for A/B comparisons of
# plugin builds and for profiles. See docs/benchmarks.md ("AI gate: where the CPU of a chat call goes").
#
#   benchmarks/load/profile-ai.sh                              # 30 s warm-up, 20 s measured, c=32
#   JFR=/tmp/ai.jfr benchmarks/load/profile-ai.sh              # also record the measured run (settings=profile)
#   jfr view hot-methods /tmp/ai.jfr                           # then read it
#   FRESH_PROMPTS=1 benchmarks/load/profile-ai.sh              # a new user text per call (no remembered token counts)
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

request="$(ai_request)"
completion="$(ai_completion)"
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
if [ -n "${FRESH_PROMPTS:-}" ]; then fresh_prompts_lua "$work/post.lua"; fi # a new user text every call

start_nginx mock "  server {
    listen 127.0.0.1:$MOCK_PORT;
    location / { default_type application/json; return 200 '$completion'; }
  }"
wait_http_any "http://127.0.0.1:$MOCK_PORT/" 10 || die "mock did not start: $(cat "$work/mock/error.log")"

ai_portcullis_config "$work/portcullis.yaml" "$GW_PORT" "$GW_ADMIN_PORT" "$MOCK_PORT"
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
