// Closed-loop tools/call load over MCP Streamable HTTP: each worker opens its own MCP session
// (initialize + notifications/initialized), then calls `tool` back to back, and ends its session
// (DELETE) when done, so repeated runs against one server do not pile up sessions. Latencies are
// kept only after the warm-up. Prints one JSON line: {url, rps, p50Ms, p99Ms, calls, errors,
// sessionsEnded}.
//
//   node toolcall-load.mjs URL TOOL CONCURRENCY WARMUP_S MEASURE_S [BEARER_TOKEN]
const [url, tool, concurrency = '16', warmupS = '30', measureS = '30', token] = process.argv.slice(2);
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
if (token) headers.Authorization = `Bearer ${token}`;

const sessionHeaders = (session) => ({ ...headers, 'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-06-18' });

async function post(session, body) {
  const h = session ? sessionHeaders(session) : headers;
  const res = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const text = await res.text();
  return { res, text };
}

async function openSession() {
  const { res, text } = await post(null, { jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'toolcall-load', version: '1' } } });
  const session = res.headers.get('mcp-session-id');
  if (!res.ok || !session) throw new Error(`initialize failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  await post(session, { jsonrpc: '2.0', method: 'notifications/initialized' });
  return session;
}

const start = performance.now();
const warmupEnd = start + Number(warmupS) * 1000;
const end = warmupEnd + Number(measureS) * 1000;
const latencies = [];
let errors = 0;
let firstError;
let sessionsEnded = 0;

async function worker(n) {
  const session = await openSession();
  let id = 1;
  while (true) {
    const t0 = performance.now();
    if (t0 >= end) break;
    const { res, text } = await post(session, { jsonrpc: '2.0', id: id++, method: 'tools/call',
      params: { name: tool, arguments: { message: `hello ${n}` } } });
    const t1 = performance.now();
    const ok = res.ok && text.includes('"result"') && !text.includes('"isError":true');
    if (t0 >= warmupEnd) {
      if (ok) latencies.push(t1 - t0); else errors++;
    }
    if (!ok && !firstError) firstError = `HTTP ${res.status} ${text.slice(0, 300)}`;
  }
  const res = await fetch(url, { method: 'DELETE', headers: sessionHeaders(session) }).catch(() => null);
  if (res) await res.arrayBuffer();
  if (res && res.ok) sessionsEnded++;
}

await Promise.all(Array.from({ length: Number(concurrency) }, (_, i) => worker(i)));
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
console.log(JSON.stringify({ url, rps: +(latencies.length / Number(measureS)).toFixed(1),
  p50Ms: +pct(0.5).toFixed(2), p99Ms: +pct(0.99).toFixed(2), calls: latencies.length, errors, firstError, sessionsEnded }));
