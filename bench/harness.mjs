// Benchmark plumbing: a fake Bot Connector, a fixed-concurrency HTTP load loop with per-request
// latencies, and CPU / memory readings of a child process from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';

/** Answers the bot's replies fast, counting them, and keeps the reveal refs of PIN cards. */
export async function startConnector() {
  const state = { replies: 0, revealRefs: [] };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.replies++;
      const body = Buffer.concat(chunks).toString();
      const ref = /"verb":"pin\.reveal","ref":"([\w-]+)"/.exec(body)?.[1];
      if (ref && state.revealRefs.length < 5000) state.revealRefs.push(ref);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"r${state.replies}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, state, close: () => new Promise((r) => server.close(r)) };
}

/** Starts a server script that prints {"url": ...} on its first line of stdout. */
export async function startServer(script, env = {}) {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system, ms) and memory (current and peak RSS, MB) of a process. */
export function processStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / 100, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * `count` POSTs at a fixed concurrency over keep-alive connections; `body(i)` makes request i.
 * `url` may be a list: request i goes to url[i % n] (round-robin, as a load balancer would).
 * Returns every latency (ms) and the wall time.
 */
export async function load({ url, count, concurrency, body, headers = {}, expectStatus = 200 }) {
  const targets = (Array.isArray(url) ? url : [url]).map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Array(count);
  let next = 0;
  let failures = 0;
  const post = (payload, target) =>
    new Promise((resolve, reject) => {
      const data = Buffer.from(JSON.stringify(payload));
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const status = await post(body(i), targets[i % targets.length]);
        latencies[i] = performance.now() - t0;
        if (status !== expectStatus) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failures > 0) throw new Error(`${failures} of ${count} requests to ${url} did not answer ${expectStatus}`);
  return { latencies, seconds };
}

export function summarize(latencies, seconds) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: at(50), p95: at(95), p99: at(99), rps: latencies.length / seconds };
}
