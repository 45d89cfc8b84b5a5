// The real entry point (`npm start` runs dist/main.js; `npm test` builds it first): configuration
// errors stop it with the variable named, and SIGTERM shuts it down cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/config.js';

/** Servers started here, killed after each test if still running (a test that fails must not leave one). */
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Resolves with the server's address once it logs that it is listening. */
function listening(proc: ReturnType<typeof run>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${JSON.stringify(proc.output())}`)), 15_000);
    const look = () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(proc.output().stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    proc.child.stdout.on('data', look);
    look();
  });
}

describe('the server process', () => {
  it('refuses bad configuration, naming the variable', async () => {
    const proc = run({ PORT: 'eighty', DATA_DIR: await mkdtemp(path.join(tmpdir(), 'main-')) });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr).toMatch(/PinDesk cannot start: invalid configuration: PORT/);
  });

  it('refuses production without keys', async () => {
    const proc = run({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'b', DATA_DIR: await mkdtemp(path.join(tmpdir(), 'main-')) });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr).toMatch(/PIN_HASH_KEY/);
  });

  it('refuses a damaged secrets.json, naming the file and what is wrong with it (issue 12, A.3)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'main-'));
    await writeFile(path.join(dataDir, 'secrets.json'), '{"pinHashKey": "abc", "sealKey": ');
    const proc = run({ PORT: '0', DATA_DIR: dataDir });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr).toMatch(/PinDesk cannot start: \S+\/secrets\.json is damaged \(not valid JSON: .+\): restore it from a backup, or set PIN_HASH_KEY and PIN_SEAL_KEY/);
    expect(proc.output().stderr).toContain(path.join(dataDir, 'secrets.json'));
  });

  it('refuses a database file that is not a database, naming it (issue 12, A.3)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'main-'));
    await writeFile(path.join(dataDir, 'pindesk.sqlite'), 'this is a shopping list, not a database. '.repeat(100));
    const proc = run({ PORT: '0', DATA_DIR: dataDir });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr).toContain(`PinDesk cannot start: database ${path.join(dataDir, 'pindesk.sqlite')}: it is damaged: file is not a database (SQLITE_NOTADB); restore it from a backup`);
  });

  it('refuses a PIN_HASH_KEY or PIN_SEAL_KEY the data was not written with, naming the variable (issue 12, A.4)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'main-'));
    const key = () => randomBytes(32).toString('base64');
    const keys = { PIN_HASH_KEY: key(), PIN_SEAL_KEY: key() };
    const first = run({ PORT: '0', DATA_DIR: dataDir, ...keys });
    await listening(first);
    first.child.kill('SIGTERM');
    await first.exited;

    const wrongHash = run({ PORT: '0', DATA_DIR: dataDir, ...keys, PIN_HASH_KEY: key() });
    expect(await wrongHash.exited).toBe(2);
    expect(wrongHash.output().stderr).toMatch(/PinDesk cannot start: PIN_HASH_KEY: not the key the data in DATA_DIR \S+ was written with/);
    const wrongSeal = run({ PORT: '0', DATA_DIR: dataDir, ...keys, PIN_SEAL_KEY: key() });
    expect(await wrongSeal.exited).toBe(2);
    expect(wrongSeal.output().stderr).toMatch(/PinDesk cannot start: PIN_SEAL_KEY: not the key/);
    for (const proc of [wrongHash, wrongSeal]) expect(proc.output().stderr).not.toContain(keys.PIN_HASH_KEY);
  });

  it('refuses to generate new keys over data written with a secrets.json that is now missing (issue 12, A.4)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'main-'));
    const first = run({ PORT: '0', DATA_DIR: dataDir });
    await listening(first);
    first.child.kill('SIGTERM');
    await first.exited;
    await rm(path.join(dataDir, 'secrets.json'));
    const again = run({ PORT: '0', DATA_DIR: dataDir });
    expect(await again.exited).toBe(2);
    expect(again.output().stderr).toContain(`PinDesk cannot start: ${path.join(dataDir, 'secrets.json')} is missing, but the data in ${dataDir} was written with keys`);
  });

  it('without credentials, a non-loopback HOST refuses to start (exit 2, naming HOST); a blank app id or a lone password too', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'main-'));
    const host = run({ HOST: '0.0.0.0', PORT: '0', DATA_DIR: dataDir });
    expect(await host.exited).toBe(2);
    expect(host.output().stderr).toMatch(/PinDesk cannot start: HOST: "0\.0\.0\.0" is not a loopback address/);
    const blank = run({ MICROSOFT_APP_ID: '  ', PORT: '0', DATA_DIR: dataDir });
    expect(await blank.exited).toBe(2);
    expect(blank.output().stderr).toMatch(/PinDesk cannot start: MICROSOFT_APP_ID: set but blank/);
    const password = run({ MICROSOFT_APP_PASSWORD: 'secret', PORT: '0', DATA_DIR: dataDir });
    expect(await password.exited).toBe(2);
    expect(password.output().stderr).toMatch(/PinDesk cannot start: MICROSOFT_APP_PASSWORD: set without MICROSOFT_APP_ID/);
  });

  it('ALLOW_UNAUTHENTICATED_NETWORK=true: starts on 0.0.0.0, warns, and the log states the real address', async () => {
    const proc = run({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_NETWORK: 'true', PORT: '0', DATA_DIR: await mkdtemp(path.join(tmpdir(), 'main-')) });
    const lines = await new Promise<Array<Record<string, any>>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${JSON.stringify(proc.output())}`)), 15_000);
      proc.child.stdout.on('data', () => {
        if (proc.output().stdout.includes('Local development mode')) {
          clearTimeout(timer);
          resolve(proc.output().stdout.trim().split('\n').map((line) => JSON.parse(line)));
        }
      });
    });
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const listening = lines.find((l) => l.address)!;
    expect(listening.address).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(listening.msg).toBe(`PinDesk is listening on ${listening.address}`);
    const warning = lines.find((l) => l.level === 40 && l.setting === 'ALLOW_UNAUTHENTICATED_NETWORK');
    expect(warning?.msg).toMatch(/anyone who can reach it can act as anyone/);
    const mode = lines.find((l) => String(l.msg).startsWith('Local development mode'))!;
    expect(mode.msg).toContain(`listening on ${listening.address}, NOT loopback only`);
    expect(lines.filter((l) => /(?<!NOT )loopback only/.test(String(l.msg)))).toEqual([]);
  });

  it('starts on the embedded default, answers readiness, and stops on SIGTERM', async () => {
    const proc = run({ PORT: '0', DATA_DIR: await mkdtemp(path.join(tmpdir(), 'main-')) });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${JSON.stringify(proc.output())}`)), 15_000);
      proc.child.stdout.on('data', () => {
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(proc.output().stdout);
        if (match && proc.output().stdout.includes('Local development mode')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(proc.output().stdout).toMatch(/"msg":"PinDesk is listening on 127\.0\.0\.1:\d+"/);
    expect(proc.output().stdout).toMatch(/listening on 127\.0\.0\.1:\d+, loopback only/);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output().stdout).toContain('"msg":"shutting down"');
  });
});
