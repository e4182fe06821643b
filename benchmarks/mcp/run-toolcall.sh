#!/usr/bin/env bash
# tools/call throughput and latency: server-everything's `echo` tool directly vs through Portcullis
# (built distribution) with the `jwt` policy (HS256) and `mcp-tbac` on, a token whose task allows
# only `echo`. Load: toolcall-load.mjs, CONCURRENCY workers each holding its own MCP session,
# closed loop, WARMUP seconds discarded then MEASURE seconds measured. Prints a Markdown table.
#
#   benchmarks/mcp/run-toolcall.sh      # env: CONCURRENCY=16 WARMUP=30 MEASURE=30 MCP_PEERS PORTCULLIS_DIST
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

install_peers
CONCURRENCY=${CONCURRENCY:-16}
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-30}
LOAD_TIMEOUT=$((WARMUP + MEASURE + 60))

# An HS256 token (random secret per run) carrying the task claim.
SECRET=$(openssl rand -hex 32)
TOKEN=$(SECRET=$SECRET "$NODE" -e '
  const c = require("crypto"), b = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = b({ alg: "HS256", typ: "JWT" }) + "." + b({ sub: "bench-agent", iat: now, exp: now + 3600, authorized_tasks: ["echo-only"] });
  console.log(body + "." + c.createHmac("sha256", process.env.SECRET).update(body).digest("base64url"));')

load() { # URL TOOL [TOKEN]
  timeout "$LOAD_TIMEOUT" "$NODE" "$HERE/toolcall-load.mjs" "$1" "$2" "$CONCURRENCY" "$WARMUP" "$MEASURE" ${3:+"$3"} \
    || die "load against $1 failed"
}
field() { "$NODE" -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }

EV_PORT=$(free_port)
start_everything "$EV_PORT"
echo "direct: ${WARMUP}s warm-up + ${MEASURE}s, $CONCURRENCY sessions" >&2
DIRECT=$(load "http://127.0.0.1:$EV_PORT/mcp" echo)
echo "$DIRECT" >&2
stop_pid "$EVERYTHING_PID"

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
start_gateway "$WORK/gateway.yaml" "http://127.0.0.1:$GW_PORT/mcp"
echo "gateway: ${WARMUP}s warm-up + ${MEASURE}s, $CONCURRENCY sessions" >&2
# the gateway's CPU over the measured window (the JVM is the child of the `timeout` wrapper)
ticks() { local t=0 c; for c in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
  t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$c/stat"))); done; echo "$t"; }
( sleep "$WARMUP"; ticks "$GATEWAY_PID" > "$WORK/ticks.before" ) &
GATEWAY=$(load "http://127.0.0.1:$GW_PORT/mcp" echo "$TOKEN")
TICKS_AFTER=$(ticks "$GATEWAY_PID")
echo "$GATEWAY" >&2

d_rps=$(field "$DIRECT" rps); g_rps=$(field "$GATEWAY" rps)
d50=$(field "$DIRECT" p50Ms); g50=$(field "$GATEWAY" p50Ms)
d99=$(field "$DIRECT" p99Ms); g99=$(field "$GATEWAY" p99Ms)
calc() { "$NODE" -e "console.log(($1).toFixed(2))"; }
echo
echo "| tools/call (echo), $CONCURRENCY sessions, ${MEASURE}s after ${WARMUP}s warm-up | RPS | p50 ms | p99 ms | errors |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| direct (server-everything) | $d_rps | $d50 | $d99 | $(field "$DIRECT" errors) |"
echo "| through Portcullis (jwt HS256 + mcp-tbac) | $g_rps | $g50 | $g99 | $(field "$GATEWAY" errors) |"
echo "| gateway / direct | $(calc "$g_rps / $d_rps") | +$(calc "$g50 - $d50") | +$(calc "$g99 - $d99") | |"
echo
echo "gateway CPU: $(calc "($TICKS_AFTER - $(cat "$WORK/ticks.before")) * 1e6 / $(getconf CLK_TCK) / ($g_rps * $MEASURE)") µs per tools/call (JVM utime+stime over the measured window, approximate: the window's edges are the script's sleeps)"
[ "$(field "$GATEWAY" errors)" = 0 ] && [ "$(field "$DIRECT" errors)" = 0 ] || { echo "errors during the run (KEEP_WORK=1 keeps $WORK)" >&2; exit 1; }
