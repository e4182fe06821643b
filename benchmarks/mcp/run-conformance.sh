#!/usr/bin/env bash
# MCP conformance suite (@modelcontextprotocol/conformance) against server-everything, first
# directly, then through Portcullis (built distribution, one `mcp` route). Prints both summaries
# and the scenarios that differ; exits 1 when the gateway fails a scenario the direct run passed.
#
#   benchmarks/mcp/run-conformance.sh            # needs distribution/target/portcullis (./mvnw -DskipTests package -pl distribution -am)
#   MCP_PEERS=/tmp/mcp-peers benchmarks/mcp/run-conformance.sh   # reuse an npm folder
#
# Env: MCP_PEERS (npm cache folder), PORTCULLIS_DIST, SUITE_TIMEOUT (s, default 300), KEEP_WORK=1.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_peers
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}

# Runs the suite against $1, writing results under $WORK/$2 and the summary lines to $WORK/$2.summary.
run_suite() {
  local url=$1 name=$2
  timeout "$SUITE_TIMEOUT" "$NODE" "$SUITE" server --url "$url" -o "$WORK/$name" > "$WORK/$name.log" 2>&1
  local rc=$?
  [ $rc -ne 124 ] || die "the suite timed out after ${SUITE_TIMEOUT}s against $url"
  # lines like "✓ tools-list: 1 passed, 0 failed"
  grep -v '^Total' "$WORK/$name.log" \
    | sed -n 's/^[^a-z]*\([a-z0-9-]*\): \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2 \3/p' > "$WORK/$name.summary"
  [ -s "$WORK/$name.summary" ] || { tail -20 "$WORK/$name.log" >&2; die "no summary from the suite against $url"; }
}

# --- direct
EV_PORT=$(free_port)
start_everything "$EV_PORT"
run_suite "http://127.0.0.1:$EV_PORT/mcp" direct
stop_pid "$EVERYTHING_PID"

# --- through the gateway (a fresh server-everything: its event store grows with every run)
EV_PORT=$(free_port)
start_everything "$EV_PORT"
GW_PORT=$(free_port)
ADMIN_PORT=$(free_port)
cat > "$WORK/gateway.yaml" <<EOF
server: { host: 127.0.0.1, port: $GW_PORT, admin: { host: 127.0.0.1, port: $ADMIN_PORT }, accessLog: { enabled: false } }
routes:
  - name: everything
    match: { path: /mcp }
    backend:
      type: mcp
      servers:
        - { name: everything, url: "http://127.0.0.1:$EV_PORT/mcp" }
EOF
start_gateway "$WORK/gateway.yaml" "http://127.0.0.1:$GW_PORT/mcp"
run_suite "http://127.0.0.1:$GW_PORT/mcp" gateway

# --- compare
echo "scenario                            direct (pass/fail)   gateway (pass/fail)"
regressions=0
while read -r scenario dpass dfail; do
  read -r _ gpass gfail < <(grep "^$scenario " "$WORK/gateway.summary" || echo "$scenario - -")
  mark=""
  if [ "$dfail" = 0 ] && [ "$gfail" != 0 ]; then
    mark="  << REGRESSION"
    regressions=$((regressions + 1))
  elif [ "$dpass/$dfail" != "$gpass/$gfail" ]; then
    mark="  (differs)"
  fi
  printf '%-36s %8s %-11s %8s %s%s\n' "$scenario" "$dpass/$dfail" "" "$gpass/$gfail" "" "$mark"
done < "$WORK/direct.summary"
echo "direct:  $(grep '^Total:' "$WORK/direct.log")"
echo "gateway: $(grep '^Total:' "$WORK/gateway.log")"
if [ $regressions -gt 0 ]; then
  echo "FAIL: the gateway fails $regressions scenario(s) that pass directly (KEEP_WORK=1 keeps $WORK)"
  exit 1
fi
echo "OK: the gateway passes every scenario the upstream passes directly"
