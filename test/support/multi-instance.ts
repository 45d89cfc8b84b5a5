// Two real PinDesk processes (dist/main.js, built by `npm run build`) on one throwaway PostgreSQL
// database and one fake Bot Connector, as a load balancer would run them: each with its own
// DATA_DIR, pool and timers, the same keys and DATABASE_URL. An instance can be killed outright
// (kill -9) and started again on the same settings. Used by test/e2e/multi-instance/*.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_DIRECTORY_FILE, PACKAGE_ROOT } from '../../src/config.js';
import { FakeConnector, type RecordedActivity } from './fake-connector.js';
import { cardOf, cardText, Chat, type TeamsMember, type Turn } from './harness.js';
import { postgresCluster, stopPostgresCluster } from './store.js';

export interface BotInstance {
  readonly name: string;
  /** Its current address (a restart listens elsewhere). */
  url: string;
  /** Everything it logged since its last start (JSON lines). */
  log(): string;
  /** kill -9, and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same DATA_DIR and settings. */
  restart(): Promise<void>;
  teams(member: TeamsMember, conversation?: { type: 'personal' | 'channel'; id?: string }): Chat;
  emulator(user: string): Chat;
  /** POST /api/pins/verify with `key`. */
  verify(body: Record<string, unknown>, key: string): Promise<{ status: number; json: any }>;
}

export interface Instances {
  a: BotInstance;
  b: BotInstance;
  connector: FakeConnector;
  /** Rows of one SQL query on the shared database (`?` placeholders). */
  rows(text: string, ...params: unknown[]): Promise<any[]>;
  /** The first column of the first row, as a number (PostgreSQL returns counts as strings). */
  count(text: string, ...params: unknown[]): Promise<number>;
  stop(): Promise<void>;
}

/** Starts A and B together (their migrations race under the advisory lock) on a fresh database. */
export async function startInstances(env: Record<string, string> = {}): Promise<Instances> {
  if (!existsSync(path.join(PACKAGE_ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const databaseUrl = await (await postgresCluster()).createDatabase();
  const connector = await new FakeConnector().start();
  const shared = {
    DATABASE_URL: databaseUrl,
    PIN_HASH_KEY: randomBytes(32).toString('base64'),
    PIN_SEAL_KEY: randomBytes(32).toString('base64'),
    ...env,
  };
  const instances = await Promise.all(['A', 'B'].map((name) => startInstance(name, shared, connector)));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const rows = async (text: string, ...params: unknown[]) => {
    let n = 0;
    return (await pool.query(text.replace(/\?/g, () => `$${++n}`), params)).rows;
  };
  return {
    a: instances[0]!,
    b: instances[1]!,
    connector,
    rows,
    count: async (text, ...params) => Number(Object.values((await rows(text, ...params))[0] ?? {})[0] ?? 0),
    async stop() {
      await Promise.all(instances.map((i) => i.stop()));
      await pool.end();
      await connector.stop();
      await stopPostgresCluster();
    },
  };
}

async function startInstance(name: string, env: Record<string, string>, connector: FakeConnector): Promise<BotInstance & { stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `pindesk-instance-${name}-`));
  let child: ChildProcess;
  let out = '';
  let sequence = 0;
  const launch = async () => {
    out = '';
    child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (out += chunk));
    instance.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance ${name} did not start: ${out}`)), 60_000);
      const look = () => {
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      };
      child.stdout!.on('data', look);
      child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code}) before it listened: ${out}`)));
    });
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const chat = (base: Record<string, any>) =>
    new Chat(async (activity): Promise<Turn> => {
      const before = connector.activities.length;
      const started = performance.now();
      const response = await fetch(`${instance.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: `${name}-in-${++sequence}`, serviceUrl: connector.url, timestamp: new Date().toISOString(), recipient: { id: 'pindesk-bot', name: 'PinDesk' }, ...base, ...activity }),
      });
      const text = await response.text();
      // What the turn sent so far; work it left running (a PIN card) is waited for with `waitFor`.
      return { status: response.status, body: text ? JSON.parse(text) : undefined, sent: connector.activities.slice(before), ms: performance.now() - started };
    }, base);
  const instance: BotInstance & { stop(): Promise<void> } = {
    name,
    url: '',
    log: () => out,
    kill,
    restart: launch,
    teams(member, conversation = { type: 'personal' }) {
      connector.roster.set(member.id, { ...member, email: member.userPrincipalName });
      const conversationId = conversation.id ?? `personal:${member.id}`;
      return chat({
        channelId: 'msteams',
        from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId },
        conversation: { id: conversationId, conversationType: conversation.type, tenantId: 'tenant-1', isGroup: conversation.type !== 'personal' },
        channelData: { tenant: { id: 'tenant-1' } },
      });
    },
    emulator: (user) => chat({ channelId: 'emulator', from: { id: user, name: user }, conversation: { id: `emulator-${user}` } }),
    async verify(body, key) {
      const response = await fetch(`${instance.url}/api/pins/verify`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
      return { status: response.status, json: await response.json() };
    },
    async stop() {
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await launch();
  return instance;
}

/** Polls `check` until it returns something other than undefined/false (at most `ms`). */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `approvals here` in the approvals channel (posted through `on`). */
export async function approvalsChannel(on: BotInstance, admin: TeamsMember): Promise<void> {
  const turn = await on.teams(admin, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', atPinDesk);
  if (!/Approval requests will be posted in this conversation/.test(turn.sent[0]?.activity.text ?? '')) throw new Error(`no approvals channel: ${JSON.stringify(turn.sent)}`);
}

/** `reset my pin` from `requester` on `on`; the approval card it posts to the approvals channel. */
export async function askForReset(m: Instances, on: BotInstance, requester: TeamsMember): Promise<any> {
  const from = m.connector.activities.length;
  const turn = await on.teams(requester).say('reset my pin - new phone');
  if (turn.status !== 200) throw new Error(`the request turn answered ${turn.status}`);
  const isApproval = (s: RecordedActivity) => s.conversationId === APPROVALS && s.kind === 'send' && cardText(cardOf(s)).includes(requester.name);
  return cardOf(await waitFor(`${requester.name}'s approval card`, () => m.connector.activities.slice(from).find(isApproval)));
}

/** The directory id of a demo account (its objectGUID). */
export function demoUserId(sam: string): string {
  const users = (JSON.parse(readFileSync(DEMO_DIRECTORY_FILE, 'utf8')) as { users: Array<Record<string, string>> }).users;
  const user = users.find((u) => u.sAMAccountName === sam);
  if (!user) throw new Error(`no demo account ${sam}`);
  return user.objectGUID!;
}

export const member = (sam: string, name: string, upn: string): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });
export const APPROVALS = '19:approvals@thread.tacv2';
export const atPinDesk = { entities: [{ type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } }] };
/** The PIN shown on a revealed card. */
export const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;
/** Cards sent to `conversationId` that carry a new PIN (never the PIN itself: it is revealed on demand). */
export const pinCardsTo = (connector: FakeConnector, conversationId: string, from = 0) =>
  connector.activities.slice(from).filter((s) => s.conversationId === conversationId && s.kind === 'send' && JSON.stringify(s.activity).includes('Your new dial-in PIN'));
