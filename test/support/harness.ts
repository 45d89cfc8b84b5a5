// Starts the real PinDesk server (HTTP, botbuilder, SQLite, demo directory) on a free loopback
// port with a fake Bot Connector, and drives conversations the way the Emulator and Teams do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App, type AppOptions } from '../../src/app.js';
import { openDirectory } from '../../src/adapters/open-directory.js';
import { openStore } from '../../src/adapters/sql/open-store.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { FakeConnector, type RecordedActivity } from './fake-connector.js';
import { queryRows } from './store.js';

export interface Harness {
  app: App;
  /** The configuration the server was started with. */
  config: Config;
  /** Stop the server and start a new one on the same data directory (a restart). */
  restart(): Promise<void>;
  connector: FakeConnector;
  dataDir: string;
  logLines: string[];
  clock: { now: number; advance(ms: number): void };
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  emulator(user: string, conversationId?: string): Chat;
  teams(member: TeamsMember, conversation?: { type: 'personal' | 'channel' | 'groupChat'; id?: string }): Chat;
  /** The directory id of an account, as the running server's directory has it. */
  userId(samAccountName: string): Promise<string>;
  /** The account itself, as the running server's directory has it. */
  user(samAccountName: string): Promise<DirectoryUser>;
  /** A second store on the server's database (SQLite in dataDir, or DATABASE_URL's PostgreSQL); close it after. */
  openStore(): Promise<SqlStore>;
  /** Rows of one SQL query (`?` placeholders) on the server's database, whichever dialect it is. */
  rows(text: string, ...params: unknown[]): Promise<any[]>;
  /** Another PinDesk instance on the same configuration, database and connector (stopped with the harness). */
  addInstance(): Promise<Instance>;
  stop(): Promise<void>;
}

/** A further instance: its own server, pools and timers; the same database, directory and connector. */
export interface Instance {
  app: App;
  emulator(user: string, conversationId?: string): Chat;
  teams(member: TeamsMember, conversation?: { type: 'personal' | 'channel' | 'groupChat'; id?: string }): Chat;
}

export interface TeamsMember {
  /** Teams user id (29:...) */
  id: string;
  name: string;
  userPrincipalName: string;
  aadObjectId?: string;
}

export interface Turn {
  status: number;
  /** The HTTP response body (an invoke response for card actions). */
  body: any;
  /** Everything the bot sent to the connector during the turn. */
  sent: RecordedActivity[];
  /** How long the HTTP request took (before the work the turn left running ended). */
  ms: number;
}

export async function startHarness(env: Record<string, string> = {}, appOptions: Partial<AppOptions> = {}): Promise<Harness> {
  const connector = await new FakeConnector().start();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-test-'));
  const logLines: string[] = [];
  const clock = {
    now: Date.parse('2026-11-27T10:00:00Z'),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'debug', ...env });
  const launch = () => startApp(config, { clock: () => new Date(clock.now), logDestination: { write: (line: string) => void logLines.push(line) }, ...appOptions });
  let app = await launch().catch(async (error: unknown) => {
    await connector.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  let sequence = 0;

  async function post(activity: Record<string, unknown>, target: App = harness.app) {
    const response = await fetch(`${target.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? safeJson(text) : undefined };
  }

  function chat(base: Record<string, any>, on: () => App = () => harness.app): Chat {
    return new Chat(async (activity) => {
      const target = on();
      const before = connector.activities.length;
      const started = performance.now();
      const { status, body } = await post({
        id: `in-${++sequence}`,
        serviceUrl: connector.url,
        timestamp: new Date(clock.now).toISOString(),
        recipient: { id: 'pindesk-bot', name: 'PinDesk' },
        ...base,
        ...activity,
      }, target);
      const ms = performance.now() - started;
      // What the turn left running (a request's redraws, the requester's PIN card) is part of it.
      await target.idle();
      return { status, body, sent: connector.activities.slice(before), ms };
    }, base);
  }

  function emulator(user: string, conversationId?: string, on?: () => App): Chat {
    return chat({ channelId: 'emulator', from: { id: user, name: user }, conversation: { id: conversationId ?? `emulator-${user}` } }, on);
  }

  function teams(member: TeamsMember, conversation: { type: 'personal' | 'channel' | 'groupChat'; id?: string } = { type: 'personal' }, on?: () => App): Chat {
    connector.roster.set(member.id, { ...member, email: member.userPrincipalName });
    const conversationId = conversation.id ?? (conversation.type === 'personal' ? `personal:${member.id}` : `19:${conversation.type}@thread.tacv2`);
    return chat(
      {
        channelId: 'msteams',
        from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId },
        conversation: { id: conversationId, conversationType: conversation.type, tenantId: 'tenant-1', isGroup: conversation.type !== 'personal' },
        channelData: { tenant: { id: 'tenant-1' } },
      },
      on,
    );
  }

  const instances: App[] = [];
  const harness: Harness = {
    app,
    async restart() {
      await harness.app.close();
      app = await launch();
      harness.app = app;
    },
    connector,
    config,
    dataDir,
    logLines,
    clock,
    post,
    emulator: (user, conversationId) => emulator(user, conversationId),
    teams: (member, conversation) => teams(member, conversation),
    async userId(samAccountName: string) {
      return (await harness.user(samAccountName)).id;
    },
    async user(samAccountName: string) {
      const directory = await openDirectory(config);
      try {
        const user = await directory.findAccount({ samAccountName });
        if (!user) throw new Error(`no account ${samAccountName}`);
        return user;
      } finally {
        await directory.close();
      }
    },
    openStore: () => openStore(config.database, dataDir),
    rows: (text, ...params) => queryRows(config.database, dataDir, text, ...params),
    async addInstance() {
      const other = await launch();
      instances.push(other);
      return { app: other, emulator: (user, conversationId) => emulator(user, conversationId, () => other), teams: (member, conversation) => teams(member, conversation, () => other) };
    },
    async stop() {
      for (const other of instances.splice(0)) await other.close();
      await harness.app.close();
      await connector.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export class Chat {
  constructor(
    private readonly send: (activity: Record<string, unknown>) => Promise<Turn>,
    readonly base: Record<string, any>,
  ) {}

  say(text: string, extra: Record<string, unknown> = {}): Promise<Turn> {
    return this.send({ type: 'message', text, ...extra });
  }

  /** Teams: an Action.Execute click arrives as an adaptiveCard/action invoke. */
  execute(action: CardAction): Promise<Turn> {
    return this.send({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data }, trigger: 'manual' } });
  }

  /** Emulator / Web Chat: the Action.Submit fallback arrives as a message carrying the data. */
  submit(action: CardAction): Promise<Turn> {
    return this.send({ type: 'message', value: action.fallback?.data ?? action.data });
  }
}

export interface CardAction {
  type: string;
  title: string;
  verb?: string;
  data?: any;
  url?: string;
  fallback?: { type: string; data: any };
}

/** The Adaptive Card of a recorded activity (or of an invoke response). */
export function cardOf(activity: RecordedActivity | undefined): any {
  return activity?.activity.attachments?.[0]?.content;
}

export function invokeCard(turn: Turn): any {
  return turn.body?.type === 'application/vnd.microsoft.card.adaptive' ? turn.body.value : undefined;
}

/** Every action on a card, wherever it sits (actions, ActionSets). */
export function actionsOf(card: any): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) found.push(node);
    for (const [key, value] of Object.entries(node)) if (key !== 'fallback') walk(value);
  };
  walk(card?.actions);
  walk(card?.body);
  return found;
}

export function action(card: any, title: string | RegExp): CardAction {
  const found = actionsOf(card).find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  if (!found) throw new Error(`no action ${String(title)} on card: ${JSON.stringify(actionsOf(card).map((a) => a.title))}`);
  return found;
}

/** All visible text of a card, joined, to assert on. */
export function cardText(card: any): string {
  const parts: string[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node.type === 'TextBlock') parts.push(node.text);
    if (node.type === 'FactSet') for (const f of node.facts) parts.push(`${f.title}: ${f.value}`);
    if (node.type === 'RichTextBlock') parts.push(node.inlines.map((run: any) => (typeof run === 'string' ? run : run.text)).join(''));
    for (const [key, value] of Object.entries(node)) if (key !== 'actions') walk(value);
  };
  walk(card?.body);
  return parts.join('\n');
}

/** Text of every message and card the bot sent in a turn. */
export function sentText(turn: Turn): string {
  return turn.sent.map((s) => [s.activity.text ?? '', cardText(cardOf(s))].join('\n')).join('\n');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
