# Shared by the load scripts (run-proxy.sh, run-apigate.sh, run-ai.sh): tools, the work folder,
# the time bound, CPU sampling, waits and nginx. Source it after setting SCRIPT (the name used in
# messages); everything started in the background is recorded in `pids` and killed on exit.

# shellcheck source=nginx-conf.sh
. "$(dirname "${BASH_SOURCE[0]}")/nginx-conf.sh"

die() { echo "$SCRIPT: $*" >&2; exit 1; }
log() { echo "[$(date +%T)] $*" >&2; }

# Installs missing Debian packages when running as root, else says what to install.
require_tools() { # tool...
  local need=() t
  for t in "$@"; do
    if [ "$t" = nginx ]; then
      command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
    else
      command -v "$t" >/dev/null 2>&1 || need+=("$t")
    fi
  done
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing ${need[*]}"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
    else
      die "missing ${need[*]}: install them (Debian: sudo apt-get install -y ${need[*]})"
    fi
  fi
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
}

require_free_ports() { # port...
  local p
  for p in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is in use (set PORT_BASE)"; fi
  done
}

# A fresh work folder removed on exit, every recorded background pid killed on exit, and a
# watchdog that stops the whole run once it is over its time budget.
start_run() { # budget-seconds
  work="$(mktemp -d "/tmp/portcullis-$SCRIPT.XXXXXX")"
  pids=()
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  local budget=$1 main_pid=$$
  ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$budget" & s=$!
    wait "$s" && { echo "$SCRIPT: over the time budget of ${budget}s, stopping" >&2; kill -TERM "$main_pid"; } ) &
  pids+=($!)
  clk_tck=$(getconf CLK_TCK)
}

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# utime+stime in clock ticks of a process plus its direct children (an nginx master's worker);
# fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends comm
cpu_ticks() { # pid
  local t=0 c
  for c in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$c/stat")))
  done
  echo "$t"
}

# CPU microseconds per request from two cpu_ticks samples
cpu_us_per_request() { # ticks-before ticks-after requests
  awk -v t=$(($2 - $1)) -v hz="$clk_tck" -v n="$3" 'BEGIN { printf "%.1f", t * 1000000 / hz / n }'
}

_wait_http() { # curl-flag url seconds [pid that must stay alive]
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    curl "$1" -o /dev/null "$2" && return 0
    if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}
wait_http() { _wait_http -sf "$@"; }      # until a 2xx/3xx answer
wait_http_any() { _wait_http -s "$@"; }   # until any HTTP answer (e.g. a 401 from an auth policy)

# wrk latency like "812.00us", "3.25ms", "1.02s" -> microseconds
to_us() { awk -v v="$1" 'BEGIN {
  n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
  if (u == "ms") n *= 1000; else if (u == "s") n *= 1000000; else if (u == "m") n *= 60000000
  printf "%.0f", n }'; }

# Starts one nginx worker in the foreground of a background job; sets started_pid to its master.
start_nginx() { # name http-block-body
  local conf="$work/$1.conf"
  mkdir -p "$work/$1"
  nginx_conf "$work/$1" "$2" >"$conf"
  "$NGINX" -e "$work/$1/error.log" -p "$work/$1" -c "$conf" >"$work/$1/stdout.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}

# Java thread names by OS thread id (jcmd Thread.print: "name" ... nid=TID), to name threads
# beyond the 15 characters of /proc/PID/task/TID/comm; run it before a measured window (attaching
# costs the JVM some CPU).
jvm_thread_names() { # pid file
  local jcmd
  jcmd="$(dirname "$(readlink -f "/proc/$1/exe")")/jcmd"
  "$jcmd" "$1" Thread.print 2>/dev/null \
    | sed -n 's/^"\([^"]*\)".* nid=\([0-9][0-9]*\) .*/\2\t\1/p' >"$2" || : >"$2"
}

# CPU ticks per thread group of a process: thread names with digits folded ("ForkJoinPool-1-worker-3"
# -> "ForkJoinPool-#-worker-#"), so carriers, GC workers and JIT compilers each sum into one line.
# Names come from a jvm_thread_names file when given, else from comm (15 characters).
thread_cpu_snapshot() { # pid file [names-file]
  local t tid name
  for t in /proc/"$1"/task/*; do
    tid=${t##*/}
    name=""
    [ -n "${3:-}" ] && name=$(awk -F'\t' -v id="$tid" '$1 == id { print $2; exit }' "$3")
    [ -z "$name" ] && { name=$(tr -d '\n' 2>/dev/null <"$t/comm") || continue; } # the thread may have ended
    awk -v name="$(sed 's/[0-9][0-9]*/#/g' <<<"$name")" \
      '{ sub(/^.*\) /, ""); print name "\t" $12 + $13 }' "$t/stat" 2>/dev/null || true
  done | awk -F'\t' '{ s[$1] += $2 } END { for (n in s) print n "\t" s[n] }' | sort >"$2"
}

# CPU µs per request by thread group between two snapshots, largest first (groups under 0.5 µs left out)
thread_cpu_report() { # before-file after-file requests
  join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 "$1" "$2" \
    | awk -F'\t' -v hz="$clk_tck" -v n="$3" '{ us = ($3 - $2) * 1000000 / hz / n; if (us >= 0.5) printf "%8.1f  %s\n", us, $1 }' \
    | sort -rn
}

# Lua appended to every wrk script: wrk --latency prints p50..p99 only; this adds the 99.9th
# percentile (µs) as a line "p99.9 N".
P999_LUA='done = function(summary, latency, requests) io.write(string.format("p99.9 %d\n", latency:percentile(99.9))) end'

# p50, p99, p99.9 in µs and error count from one wrk --latency output (with P999_LUA)
wrk_stats() { # wrk-output -> "p50 p99 p999 errors"
  local p50 p99 p999 errs
  p50=$(to_us "$(awk '$1 == "50%" { print $2 }' <<<"$1")")
  p99=$(to_us "$(awk '$1 == "99%" { print $2 }' <<<"$1")")
  p999=$(awk '$1 == "p99.9" { print $2 }' <<<"$1")
  errs=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' <<<"$1")
  echo "$p50 $p99 ${p999:--} $errs"
}

# utime and stime ticks of a process (all threads): "user sys"
cpu_user_sys() { # pid
  awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"
}

# --- the AI-gate benchmark (run-ai.sh, profile-ai.sh): one chat request, one mock answer, one route ---
# the 199-byte chat request every target gets, and the mock provider's 448-byte answer
ai_request() { cat <<'JSON'
{"model":"chat","max_tokens":64,"messages":[{"role":"system","content":"You are a terse assistant."},{"role":"user","content":"Is the renewal of order 48213 charged twice? Answer in one sentence."}]}
JSON
}
# Appends to wrk Lua scripts a request() that makes the order number in the user message unique
# per call (per thread and counter): a new user text every call, the token estimate's cold path.
fresh_prompts_lua() { # lua-file...
  local f
  for f in "$@"; do
    cat >>"$f" <<'LUA'
local body, n, tag = wrk.body, 0, tostring({}):sub(8) -- tag: this thread's table address
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, (body:gsub("48213", tag .. "-" .. n)))
end
LUA
  done
}
ai_completion() { cat <<'JSON'
{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Yes: the renewal was charged twice after a payment timeout, and the duplicate has been reversed.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":38,"completion_tokens":19,"total_tokens":57},"system_fingerprint":"fp_bench"}
JSON
}

# Portcullis's config for the AI gate: api-key -> token-rate-limit (counts, never refuses) -> llm
# with the mock as an openai-compatible provider of alias `chat`; extra provider lines may follow.
ai_portcullis_config() { # file gateway-port admin-port mock-port [extra provider lines]
  cat >"$1" <<YAML
server:
  host: 127.0.0.1
  port: $2
  admin: { host: 127.0.0.1, port: $3 }
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
        - { name: mock, type: openai-compatible, baseUrl: "http://127.0.0.1:$4/v1", models: { chat: gpt-4o-mini } }
${5:-}
YAML
}
