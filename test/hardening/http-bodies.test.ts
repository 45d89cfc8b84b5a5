// Issue 12, items 5 and 6: what an unauthenticated request body can do. Compressed bodies are
// inflated as a bounded stream (a bad one is a 400, a bomb a 413, and the server keeps serving
// without swelling); only application/json is read; in local development a page on another site
// (Origin, Host) and an activity naming a non-loopback serviceUrl are refused.
import { request } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';

const KEY = 'test-verify-key-0123456789abcdef';
const MB = 1024 * 1024;
const PATHS = ['/api/messages', '/api/pins/verify'] as const;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ VERIFY_API_KEYS: KEY });
});
afterAll(async () => h?.stop());

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body,
  });
}

function activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `a-${Math.random()}`,
    text: 'help',
    channelId: 'emulator',
    serviceUrl: h.connector.url,
    from: { id: 'pilar', name: 'pilar' },
    conversation: { id: 'emulator-pilar' },
    recipient: { id: 'pindesk-bot', name: 'PinDesk' },
    ...extra,
  };
}

async function stillServing(): Promise<void> {
  const turn = await h.emulator('pilar').say('help');
  expect(turn.status).toBe(200);
  expect(turn.sent).toHaveLength(1);
  const verify = await post('/api/pins/verify', JSON.stringify({ line: '+14255550100', pin: '7301' }));
  expect(verify.status).toBe(200);
}

/** `size` bytes of zeros, gzipped as a stream (the test never holds them all). */
async function gzipBomb(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.once('end', resolve));
  const zeros = Buffer.alloc(MB);
  for (let written = 0; written < size; written += MB) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('item 5: Content-Encoding', () => {
  it.each(PATHS)('%s: a body that is not the gzip or deflate it claims is a clear 400, and the server keeps serving', async (path) => {
    for (const encoding of ['gzip', 'deflate']) {
      const response = await post(path, '{"type":"message","text":"this is not compressed"}', { 'content-encoding': encoding });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: `The body is not valid ${encoding} data.` });
    }
    await stillServing();
  });

  it('a 100 KB gzip body that inflates to 100 MB is a 413 on both endpoints, the limit applying to the inflated size, and memory stays flat', async () => {
    const bomb = await gzipBomb(100 * MB);
    expect(bomb.length).toBeLessThan(150 * 1024);
    const before = process.memoryUsage().rss;
    const answers: string[] = [];
    let peak = before;
    for (const path of PATHS) {
      for (let i = 0; i < 3; i++) {
        const response = await post(path, bomb, { 'content-encoding': 'gzip' });
        answers.push(`${response.status} ${((await response.json()) as { error: string }).error}`);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const grownMb = Math.round((peak - before) / MB);
    expect({ answers, grownUnder64Mb: grownMb < 64 }, `resident memory grew by ${grownMb} MB`).toEqual({
      answers: Array(6).fill('413 The body is larger than 8 KB (after decompression).').fill('413 The body is larger than 256 KB (after decompression).', 0, 3),
      grownUnder64Mb: true,
    });
    await stillServing();
  });

  it('a gzip body within the limit is inflated and served as usual', async () => {
    const response = await post('/api/messages', gzipSync(JSON.stringify(activity({ text: 'whoami' }))), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(h.connector.activities.at(-1)!.activity.text).toContain('Pilar Ackerman');
    const verify = await post('/api/pins/verify', gzipSync(JSON.stringify({ line: '+14255550100', pin: '7301' })), { 'content-encoding': 'gzip' });
    expect(verify.status).toBe(200);
  });

  it.each(PATHS)('%s: other encodings are a 415 naming the accepted ones', async (path) => {
    const response = await post(path, JSON.stringify(activity()), { 'content-encoding': 'br' });
    expect(response.status).toBe(415);
    expect(response.headers.get('accept-encoding')).toBe('gzip, deflate');
  });
});

describe('item 6: only JSON, and only from this machine in local development', () => {
  const kenStatus = async () => cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]));

  it.each(PATHS)('%s: form, multipart and text bodies are a 415 and change nothing', async (path) => {
    const before = await kenStatus();
    const sent = h.connector.activities.length;
    const form = new URLSearchParams({ type: 'message', text: 'lock pin Ken Myer', channelId: 'emulator', serviceUrl: h.connector.url, 'from[id]': 'anne', 'conversation[id]': 'x', line: '+14255550100', pin: '7301' });
    const multipart = new FormData();
    for (const [name, value] of form) multipart.append(name, value);
    for (const [body, contentType] of [
      [form.toString(), 'application/x-www-form-urlencoded'],
      [multipart, undefined],
      [JSON.stringify(activity({ text: 'lock pin Ken Myer', from: { id: 'anne' } })), 'text/plain'],
      [JSON.stringify(activity({ text: 'lock pin Ken Myer', from: { id: 'anne' } })), 'application/json; charset=latin1'],
    ] as const) {
      const response = await fetch(`${h.app.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      });
      expect(response.status, String(contentType)).toBe(415);
    }
    expect(h.connector.activities.length).toBe(sent);
    expect(await kenStatus()).toBe(before);
  });

  it('an activity whose serviceUrl is not on this machine is refused (403) and nothing is posted anywhere', async () => {
    const sent = h.connector.activities.length;
    for (const serviceUrl of ['https://attacker.example/', 'http://10.1.2.3:3978', 'http://127.0.0.1.attacker.example/', 'file:///etc/passwd']) {
      const response = await post('/api/messages', JSON.stringify(activity({ serviceUrl, text: 'set pin Ken Myer', from: { id: 'anne' } })));
      expect(response.status, serviceUrl).toBe(403);
    }
    expect(h.connector.activities.length).toBe(sent);
  });

  it('the Emulator keeps working: serviceUrl http://localhost:PORT, no Origin', async () => {
    const response = await post('/api/messages', JSON.stringify(activity({ serviceUrl: h.connector.url.replace('127.0.0.1', 'localhost'), text: 'whoami' })));
    expect(response.status).toBe(200);
  });

  it.each(PATHS)('%s: a request from a page on another site (Origin) is a 403; a page on this machine is served', async (path) => {
    const body = () => (path === '/api/messages' ? JSON.stringify(activity()) : JSON.stringify({ line: '+14255550100', pin: '7301' }));
    for (const origin of ['https://attacker.example', 'null', 'http://192.168.1.20:3978']) {
      expect((await post(path, body(), { origin })).status, origin).toBe(403);
    }
    expect((await post(path, body(), { origin: 'http://localhost:3000' })).status).toBe(200);
  });

  it('a request naming another host (DNS rebinding) is a 403', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${h.app.url}/api/messages`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'attacker.example:3978', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(activity()));
    });
    expect(status).toBe(403);
  });
});
