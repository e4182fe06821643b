#!/usr/bin/env bash
# tools/call throughput and latency: server-everything's `echo` tool directly vs through Portcullis
# (built distribution) with the `jwt` policy (HS256) and `mcp-tbac` on, a token whose task allows
# only `echo`. Load: toolcall-load.mjs, CONCURRENCY workers each holding its own MCP session,
# closed loop. One server-everything serves both targets. After WARMUP seconds of load on each,
# ROUNDS rounds alternate the two (direct first in odd rounds, the gateway first in even ones), each
# load ROUND_WARMUP seconds (its new sessions, Node's JIT) then MEASURE/ROUNDS seconds measured: the
# machine's drift lands on both sides of each round's ratio. Prints a Markdown table per round and
# the medians.
#
#   benchmarks/mcp/run-toolcall.sh      # env: CONCURRENCY=16 WARMUP=30 MEASURE=30 ROUNDS=3 ROUND_WARMUP=5 MCP_PEERS PORTCULLIS_DIST
#   TARGET=floor-relay benchmarks/mcp/run-toolcall.sh   (or TARGET=floor-nio)
#       the gateway's place taken by benchmarks/load/FloorProxy.java: bytes copied as they come, no
#       HTTP, no policy (the bearer token travels unread), on two virtual threads per connection
#       (relay) or by one event-loop thread (nio). What a proxy costs here before it does anything.
#   TARGET=nginx benchmarks/mcp/run-toolcall.sh
#       nginx as a plain reverse proxy in the gateway's place (one worker, upstream keepalive,
#       proxy_buffering off so events pass as they come; no policy). Its CPU column is the worker's.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

install_peers
CONCURRENCY=${CONCURRENCY:-16}
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-30}
ROUNDS=${ROUNDS:-3}
ROUND_WARMUP=${ROUND_WARMUP:-5}
ROUND_MEASURE=$((MEASURE / ROUNDS))
[ "$ROUND_MEASURE" -ge 1 ] || die "MEASURE ($MEASURE) must be at least ROUNDS ($ROUNDS) seconds"

# An HS256 token (random secret per run) carrying the task claim.
SECRET=$(openssl rand -hex 32)
TOKEN=$(SECRET=$SECRET "$NODE" -e '
  const c = require("crypto"), b = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = b({ alg: "HS256", typ: "JWT" }) + "." + b({ sub: "bench-agent", iat: now, exp: now + 3600, authorized_tasks: ["echo-only"] });
  console.log(body + "." + c.createHmac("sha256", process.env.SECRET).update(body).digest("base64url"));')

load() { # URL TOOL WARMUP MEASURE [TOKEN]
  ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} timeout $(($3 + $4 + 60)) "$NODE" "$HERE/toolcall-load.mjs" "$1" "$2" "$CONCURRENCY" "$3" "$4" ${5:+"$5"} \
    || die "load against $1 failed"
}
field() { "$NODE" -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
calc() { "$NODE" -e "console.log(($1).toFixed(2))"; }
median() { "$NODE" -e 'const v = process.argv.slice(1).map(Number).sort((a, b) => a - b); console.log(v[(v.length - 1) >> 1])' "$@"; }
# CPU ticks (utime+stime) of a process and its children: the JVM is the child of bin/portcullis'
# `timeout` wrapper, server-everything is the `timeout` wrapper's child too
ticks() { local t=0 c; for c in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
  t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$c/stat"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)

EV_PORT=$(free_port)
start_everything "$EV_PORT"
GW_PORT=$(free_port)
ADMIN_PORT=$(free_port)
cat > "$WORK/gateway.yaml" <<YAML
server: { host: 127.0.0.1, port: $GW_PORT, admin: { host: 127.0.0.1, port: $ADMIN_PORT }, accessLog: { enabled: false } }
policies:
  agent-auth: { type: jwt, algorithms: [HS256], hmacSecret: "$SECRET" }
routes:
  - name: everything
    match: { path: /mcp }
    policies:
      - agent-auth
      - type: mcp-tbac
        tasks:
          echo-only: { list: [echo], call: [ { tool: echo } ] }
    backend:
      type: mcp
      servers:
        - { name: everything, url: "http://127.0.0.1:$EV_PORT/mcp" }
YAML
TARGET=${TARGET:-portcullis}
case $TARGET in
  portcullis)
    start_gateway "$WORK/gateway.yaml" "http://127.0.0.1:$GW_PORT/mcp"
    THROUGH="through Portcullis (jwt HS256 + mcp-tbac)" ;;
  floor-relay | floor-nio)
    JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    "${JAVA_HOME:+$JAVA_HOME/bin/}javac" -d "$WORK/classes" "$HERE/../load/FloorProxy.java" || die "FloorProxy.java does not compile"
    ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} timeout "${PEER_LIFETIME:-900}" "$JAVA" -XX:+UseG1GC -Xmx256m -cp "$WORK/classes" \
      FloorProxy "${TARGET#floor-}" "$GW_PORT" "$EV_PORT" > "$LOGS/$TARGET.log" 2>&1 &
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
    wait_http "http://127.0.0.1:$GW_PORT/mcp" 30 || { cat "$LOGS/$TARGET.log" >&2; die "$TARGET did not start"; }
    THROUGH="through FloorProxy ${TARGET#floor-} (no policy)" ;;
  nginx)
    # shellcheck source=../load/nginx-conf.sh
    . "$HERE/../load/nginx-conf.sh"
    mkdir -p "$WORK/nginx"
    nginx_conf "$WORK/nginx" "  upstream everything { server 127.0.0.1:$EV_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$GW_PORT;
    location / { proxy_pass http://everything; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }" > "$WORK/nginx.conf"
    ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} timeout "${PEER_LIFETIME:-900}" nginx -e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx.conf" > "$LOGS/nginx.log" 2>&1 &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$GW_PORT/mcp" 30 || { cat "$WORK/nginx/error.log" >&2; die "nginx did not start"; }
    GATEWAY_PID=$(cat "$WORK/nginx/nginx.pid") # the master: ticks() adds its worker
    THROUGH="through nginx (no policy)" ;;
  *) die "TARGET is portcullis, floor-relay, floor-nio or nginx, not $TARGET" ;;
esac
DIRECT_URL="http://127.0.0.1:$EV_PORT/mcp"
GATEWAY_URL="http://127.0.0.1:$GW_PORT/mcp"

echo "warm-up: ${WARMUP}s direct, ${WARMUP}s through the gateway, $CONCURRENCY sessions" >&2
load "$DIRECT_URL" echo "$WARMUP" 1 > /dev/null
load "$GATEWAY_URL" echo "$WARMUP" 1 "$TOKEN" > /dev/null

# measure TARGET: one load's result JSON with the gateway's and server-everything's CPU over its
# measured window added (the window's start is a sleep beside the load: approximate)
measure() {
  local url=$DIRECT_URL token="" out
  [ "$1" = gateway ] && { url=$GATEWAY_URL; token=$TOKEN; }
  ( sleep "$ROUND_WARMUP"; echo "$(ticks "$GATEWAY_PID") $(ticks "$EVERYTHING_PID")" > "$WORK/ticks.before" ) &
  out=$(load "$url" echo "$ROUND_WARMUP" "$ROUND_MEASURE" $token)
  local after; after="$(ticks "$GATEWAY_PID") $(ticks "$EVERYTHING_PID")"
  wait
  echo "$out" >&2
  "$NODE" -e '
    const r = JSON.parse(process.argv[1]), [g0, e0] = process.argv[2].split(" ").map(Number),
      [g1, e1] = process.argv[3].split(" ").map(Number), hz = +process.argv[4], s = +process.argv[5];
    r.gatewayUsPerCall = +((g1 - g0) * 1e6 / hz / (r.rps * s)).toFixed(1);
    r.serverCorePct = +((e1 - e0) * 100 / hz / s).toFixed(0);
    console.log(JSON.stringify(r));' "$out" "$(cat "$WORK/ticks.before")" "$after" "$HZ" "$ROUND_MEASURE"
}

echo
echo "| tools/call (echo), $CONCURRENCY sessions, ${ROUND_MEASURE}s per round after ${ROUND_WARMUP}s | RPS | p50 ms | p99 ms | errors | server-everything, % of a core | gateway CPU µs per call |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
RATIOS=(); CPUS=(); ERRORS=0
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then D=$(measure direct); G=$(measure gateway); else G=$(measure gateway); D=$(measure direct); fi
  [ -n "$D" ] && [ -n "$G" ] || die "round $r: a load failed"
  echo "| round $r, direct (server-everything) | $(field "$D" rps) | $(field "$D" p50Ms) | $(field "$D" p99Ms) | $(field "$D" errors) | $(field "$D" serverCorePct) | |"
  echo "| round $r, $THROUGH | $(field "$G" rps) | $(field "$G" p50Ms) | $(field "$G" p99Ms) | $(field "$G" errors) | $(field "$G" serverCorePct) | $(field "$G" gatewayUsPerCall) |"
  RATIOS+=("$(calc "$(field "$G" rps) / $(field "$D" rps)")")
  CPUS+=("$(field "$G" gatewayUsPerCall)")
  ERRORS=$((ERRORS + $(field "$D" errors) + $(field "$G" errors)))
done
echo
echo "gateway / direct per round: ${RATIOS[*]} → median **$(median "${RATIOS[@]}")×**; gateway CPU per call (the proxy process's utime+stime over each measured window): ${CPUS[*]} µs → median $(median "${CPUS[@]}") µs"
[ "$ERRORS" = 0 ] || { echo "errors during the run (KEEP_WORK=1 keeps $WORK)" >&2; exit 1; }
