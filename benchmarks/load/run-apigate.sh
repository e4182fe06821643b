#!/usr/bin/env bash
# API-gate load test: what the API gate (api-key auth + rate limit + content inspection of a JSON
# POST body) costs on top of plain proxying, measured in one run against the same nginx upstream.
# See docs/benchmarks.md ("API gate under load") for how to read the result.
#
#   benchmarks/load/run-apigate.sh                       # defaults: 30 s warm-up, 30 s measured, c=64
#   WARMUP=10 DURATION=10 benchmarks/load/run-apigate.sh  # a quick look (warm-up too short for the JVM)
#
# One Portcullis config with two routes to the same upstream (nginx, `return 200`, 82-byte JSON):
#   /plain  no policies
#   /gated  api-key (X-API-Key, one consumer) -> rate-limit (key: consumer, local store, a limit
#           of 10^9 per second: counts every request, never refuses) -> inspect (the mail rule of
#           the design story: recipient outside example.com AND customer PII in $.body -> 403)
# Both targets send the same request: POST /send with a 4,096-byte JSON mail to an external
# recipient whose message holds no PII, so the inspect rule evaluates fully (JSON parse, recipient
# check, five detectors over the ~3 KB message) and lets it through. Before measuring, the gated
# route is checked to answer 401 without the key, 200 with RateLimit headers with it, and 403 for the
# same mail carrying a customer record.
#
# Each target gets a fresh Portcullis JVM, WARMUP seconds of wrk (the same POST), then wrk --latency
# for DURATION seconds. CPU µs per request = the JVM's utime+stime (/proc/PID/stat; GC and JIT
# included) over the measured run divided by the requests served. The report gives RPS, p50, p99,
# CPU µs/request and errors (non-2xx responses + socket errors) per target, and gated - plain.
#
# Environment (defaults): WARMUP (30) and DURATION (30) seconds, CONNECTIONS (64), THREADS (2),
# ROUNDS (1: plain then gated; 2 repeats the pair, to see the noise), DIST
# (distribution/target/portcullis), PORT_BASE (18280: uses 3 ports from there), ACCESS_LOG (off; on
# writes the JSON access log to a file for both targets), PORTCULLIS_JAVA_OPTS (extra JVM flags),
# RESULTS (results/<date>-apigate.txt).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-1}"
DIST="${DIST:-$repo/distribution/target/portcullis}"
PORT_BASE="${PORT_BASE:-18280}"
ACCESS_LOG="${ACCESS_LOG:-off}"
PORTCULLIS_JAVA_OPTS="${PORTCULLIS_JAVA_OPTS:-}"
RESULTS="${RESULTS:-$here/results/$(date +%Y-%m-%d-%H%M)-apigate.txt}"

UPSTREAM_PORT=$PORT_BASE
GW_PORT=$((PORT_BASE + 1))
GW_ADMIN_PORT=$((PORT_BASE + 2))
API_KEY="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

SCRIPT=run-apigate
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools wrk nginx curl
[ -x "$DIST/bin/portcullis" ] || die "no distribution at $DIST: build it with ./mvnw -B -DskipTests package -pl distribution -am"
require_free_ports $UPSTREAM_PORT $GW_PORT $GW_ADMIN_PORT
case $ACCESS_LOG in on | off) ;; *) die "ACCESS_LOG is on or off, not '$ACCESS_LOG'" ;; esac
start_run $(( 2 * ROUNDS * (WARMUP + DURATION + 60) + 60 ))

# The 4,096-byte mail: the structure of benchmarks' MailBody, to an external recipient; message
# prose without personal data (PII=1 adds the customer record instead of one sentence).
mail_body() {
  local pii=${1:-0} prose message head tail json fill trace=""
  prose=("Thank you for contacting the support team about the billing discrepancy on the last statement."
    "We reviewed the account history for the past twelve months and compared every invoice with the payments received."
    "Two charges were applied twice because the renewal job ran again after a timeout in the payment provider."
    "The duplicate amounts have been reversed and will appear on the next statement as separate credit lines."
    "No further action is needed on your side, and the subscription stays active without interruption."
    "If the credit does not show within ten business days, reply to this message and quote the ticket number."
    "For security reasons we never ask for passwords or one-time codes by e-mail or over the phone."
    "The summary of the account review is attached for your records, together with the list of affected invoices.")
  message='Hello,\n\n'
  local i=0
  while [ ${#message} -lt 3200 ]; do
    if [ "$pii" = 1 ] && [ $i -eq 14 ]; then
      message+='For reference: Customer: Jane Roe, jane.roe@mail.test, +1 415 555 2671, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00. '
    else
      message+="${prose[i % 8]} "
    fi
    i=$((i + 1))
  done
  message+='\n\nKind regards,\nThe support team'
  head='{"from":"support-agent@example.com","to":["billing@partner.test"],"cc":["team-lead@example.com"],"replyTo":"support@example.com","subject":"Account review for ticket CS-48213: duplicate renewal charges","body":"'
  tail='","headers":{"X-Ticket":"CS-48213","X-Priority":"normal","X-Mailer":"support-agent/2.4"},"attachments":[{"name":"account-review-CS-48213.txt","contentType":"text/plain","size":1832}],"metadata":{"ticketId":48213,"createdAt":"2026-11-24T09:14:03Z","agent":{"id":"agent-7","task":"customer-support","model":"support-llm-v3"},"tags":["billing","refund","renewal"],"clientIp":"10.20.30.40","attempt":1,"priority":3,"traceId":"'
  json="$head$message$tail"
  fill=$((4096 - ${#json} - 3))
  [ $fill -ge 0 ] || die "mail body outgrew 4096 bytes"
  while [ ${#trace} -lt $fill ]; do trace+="3a18f6d4b2907e5c"; done
  printf '%s%s"}}' "$json" "${trace:0:$fill}"
}

write_config() {
  local log_line
  if [ "$ACCESS_LOG" = on ]; then
    log_line="accessLog: { enabled: true, file: $work/access.log }"
  else
    log_line="accessLog: { enabled: false }"
  fi
  cat >"$work/portcullis.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  admin: { host: 127.0.0.1, port: $GW_ADMIN_PORT }
  watchConfig: false
  shutdownGracePeriod: 2s
  $log_line
consumers:
  - { name: support-agent, apiKeys: ["\${BENCH_API_KEY}"], labels: { team: support } }
policies:
  gate-auth: { type: api-key, header: X-API-Key }
  gate-limit: { type: rate-limit, key: consumer, limit: 1000000000, period: 1s }
  gate-inspect:
    type: inspect
    action: block
    rules:
      - name: external-mail-with-pii
        when:
          - { field: "\$.to[*]", emailDomainNotIn: [example.com] }
          - { field: "\$.body", anyDetector: [email, phone, payment-card, iban, us-ssn] }
routes:
  - name: plain
    match: { pathPrefix: /plain }
    backend:
      type: http
      stripPrefix: /plain
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
      pool: { maxIdlePerTarget: 64 }
  - name: gated
    match: { pathPrefix: /gated }
    policies: [ gate-auth, gate-limit, gate-inspect ]
    backend:
      type: http
      stripPrefix: /gated
      targets: [ { url: "http://127.0.0.1:$UPSTREAM_PORT" } ]
      pool: { maxIdlePerTarget: 64 }
EOF
}

start_portcullis() { # sets started_pid
  BENCH_API_KEY="$API_KEY" JAVA_OPTS="$PORTCULLIS_JAVA_OPTS" "$DIST/bin/portcullis" run --config "$work/portcullis.yaml" \
    >"$work/portcullis.out" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  wait_http "http://127.0.0.1:$GW_PORT/plain/ping" 60 "$started_pid" \
    || { tail -n 40 "$work/portcullis.out" >&2; die "Portcullis did not answer on :$GW_PORT"; }
}

status_of() { # url body-file [header]
  curl -s -o "$work/last-response" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    ${3:+-H "$3"} --data-binary @"$2" "$1"
}

# The gated route must really run all three policies, or the comparison means nothing.
check_gate() {
  local url="http://127.0.0.1:$GW_PORT/gated/send" s
  s=$(status_of "$url" "$work/mail.json") && [ "$s" = 401 ] || die "gated without a key answered $s, not 401"
  s=$(status_of "$url" "$work/mail-pii.json" "X-API-Key: $API_KEY") && [ "$s" = 403 ] \
    || die "gated with a customer record answered $s, not 403: $(cat "$work/last-response")"
  s=$(curl -s -o /dev/null -D "$work/headers" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "X-API-Key: $API_KEY" --data-binary @"$work/mail.json" "$url")
  [ "$s" = 200 ] || die "gated with the key answered $s, not 200"
  grep -qi '^RateLimit-Limit: 1000000000' "$work/headers" || die "gated answer has no RateLimit-Limit header"
  s=$(status_of "http://127.0.0.1:$GW_PORT/plain/send" "$work/mail-pii.json") && [ "$s" = 200 ] \
    || die "plain answered $s, not 200"
}

raw="$work/raw.txt"
split="$work/split.txt"
: >"$raw"
: >"$split"
rows=()

measure() { # name url pid
  local name=$1 url=$2 pid=$3 out before after reqs rps p50 p99 p999 cpu errs us_before us_after
  log "$name: warm-up ${WARMUP}s"
  timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$work/post.lua" "$url" >/dev/null
  log "$name: measuring ${DURATION}s"
  before=$(cpu_ticks "$pid")
  us_before=$(cpu_user_sys "$pid")
  out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" "$url")
  kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/portcullis.out" >&2; die "$name: Portcullis ($pid) exited during the run"; }
  after=$(cpu_ticks "$pid")
  us_after=$(cpu_user_sys "$pid")
  printf '=== %s (%s)\n%s\n\n' "$name" "$url" "$out" >>"$raw"
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  read -r p50 p99 p999 errs <<<"$(wrk_stats "$out")"
  cpu=$(cpu_us_per_request "$before" "$after" "$reqs")
  awk -v t="$name" -v b="$us_before" -v a="$us_after" -v hz="$clk_tck" -v n="$reqs" 'BEGIN { split(b, x, " "); split(a, y, " ")
    printf "%s: CPU us/request user %.1f, system %.1f\n", t, (y[1] - x[1]) * 1e6 / hz / n, (y[2] - x[2]) * 1e6 / hz / n }' >>"$split"
  rows+=("$name $rps $p50 $p99 $p999 $cpu $errs")
  log "$name: $rps req/s, p50 ${p50}us, p99 ${p99}us, p99.9 ${p999}us, cpu ${cpu}us/req, errors $errs"
}

# --- run -----------------------------------------------------------------------------------------
mail_body 0 >"$work/mail.json"
mail_body 1 >"$work/mail-pii.json"
[ "$(wc -c <"$work/mail.json")" = 4096 ] || die "mail body is $(wc -c <"$work/mail.json") bytes, not 4096"
cat >"$work/post.lua" <<EOF
-- POST the 4 KiB JSON mail with the consumer's API key (the plain route ignores the key).
local f = assert(io.open("$work/mail.json", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "$API_KEY"
$P999_LUA
EOF
write_config

upstream_body='{"id":42,"status":"shipped","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}]}'
start_nginx upstream "  client_body_buffer_size 16k;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type application/json; return 200 '$upstream_body'; }
  }"
wait_http "http://127.0.0.1:$UPSTREAM_PORT/ping" 10 || die "nginx upstream did not start: $(cat "$work/upstream/error.log")"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((round = 1; round <= ROUNDS; round++)); do
  for t in plain gated; do
    name=$t
    [ "$ROUNDS" -gt 1 ] && name="$t-$round"
    log "$name: starting Portcullis"
    start_portcullis
    gw=$started_pid
    check_gate
    measure "$name" "http://127.0.0.1:$GW_PORT/$t/send" "$gw"
    stop "$gw"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------------------------
{
  echo "# Portcullis API-gate load test, $(date -u +%FT%TZ)"
  echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $load_before, after: $load_after (shared machine)"
  echo "# wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency after ${WARMUP}s warm-up, each target in a fresh JVM; POST /send, 4096-byte JSON mail, Lua script"
  echo "# plain: no policies; gated: api-key -> rate-limit (local, never refuses) -> inspect (mail rule, detectors over \$.body); access log $ACCESS_LOG"
  echo "# $("$NGINX" -v 2>&1); $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  echo "# portcullis: $("$DIST/bin/portcullis" version 2>/dev/null | head -1); extra JVM flags: '${PORTCULLIS_JAVA_OPTS}'"
  echo
  printf '%-10s %10s %10s %10s %10s %14s %8s\n' target RPS p50_us p99_us p99.9_us cpu_us/req errors
  for r in "${rows[@]}"; do
    # shellcheck disable=SC2086
    printf '%-10s %10s %10s %10s %10s %14s %8s\n' $r
  done
  echo
  cat "$split"
  echo
  printf '%s\n' "${rows[@]}" | awk '
    { split($1, n, "-"); cpu[n[1]] += $6; p50[n[1]] += $3; rps[n[1]] += $2; k[n[1]]++ }
    END {
      if (k["plain"] && k["gated"]) {
        c = cpu["gated"] / k["gated"] - cpu["plain"] / k["plain"]
        printf "API gate (gated - plain, mean of %d round(s)): %+.1f us CPU per request (target from issue [7/8]: <= 15 us), p50 %+.0f us, throughput %.2fx\n",
          k["plain"], c, p50["gated"] / k["gated"] - p50["plain"] / k["plain"], (rps["gated"] / k["gated"]) / (rps["plain"] / k["plain"])
      }
    }'
  echo
  echo "# raw wrk output"
  cat "$raw"
} >"$work/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$work/report.txt" "$RESULTS"
sed '/^# raw wrk output/,$d' "$work/report.txt"
log "results written to $RESULTS"
