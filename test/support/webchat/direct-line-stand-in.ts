// A tiny local Direct Line service for real Web Chat pages, and the Bot Connector for the bot, on
// one loopback port. It serves the page (Web Chat's UMD bundle from node_modules + page.js: no CDN),
// streams each conversation's activities to the page (Server-Sent Events), takes what Web Chat
// posts, echoes it back (Web Chat waits for that echo), and forwards it to PinDesk's
// /api/messages as a Bot Framework activity whose serviceUrl is this server. The bot's replies
// (POST /v3/conversations/:id/activities[/:replyToId]), in-place updates (PUT …/activities/:id)
// and new conversations (POST /v3/conversations) are answered with ids and pushed to the page:
// an update is an activity with the id of the one it replaces, as Direct Line delivers it.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../../src/config.js';

export const BOT = { id: 'pindesk-bot', name: 'PinDesk' } as const;

const PAGE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page.js');

export interface WebChatBundle {
  /** The package's version, as its package.json says. */
  version: string;
  /** Its UMD bundle (dist/webchat.js), which sets window.WebChat. */
  file: string;
}

/** The Web Chat packages installed side by side (package.json: an npm alias for the older line). */
export function webChatBundle(packageName: string): WebChatBundle {
  const dir = path.join(PACKAGE_ROOT, 'node_modules', packageName);
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return { version, file: path.join(dir, 'dist', 'webchat.js') };
}

/** What Web Chat posted, exactly as it arrived (before the stand-in added id, serviceUrl, …). */
export interface PostedByClient {
  conversationId: string;
  id: string;
  activity: Record<string, any>;
}

/** What the bot sent through the connector API. */
export interface SentByBot {
  conversationId: string;
  kind: 'send' | 'update';
  activityId: string;
  activity: Record<string, any>;
}

interface Conversation {
  streams: Set<ServerResponse>;
  next: number;
  /** When each activity was first delivered: an update keeps its place in the transcript. */
  timestamps: Map<string, string>;
}

export class DirectLineStandIn {
  readonly posted: PostedByClient[] = [];
  readonly sent: SentByBot[] = [];
  readonly createdConversations: Array<Record<string, any>> = [];
  /** Bot turns that did not answer 200, and anything else that went wrong here. */
  readonly problems: string[] = [];
  private readonly conversations = new Map<string, Conversation>();
  private server: Server | undefined;
  private created = 0;
  url = '';

  constructor(
    private readonly botEndpoint: string,
    private readonly bundles: readonly WebChatBundle[],
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.problems.push(`${req.method} ${req.url}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const conversation of this.conversations.values()) for (const stream of conversation.streams) stream.end();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The page of one person in one conversation, with the given Web Chat version. */
  pageUrl(version: string, user: { id: string; name: string }, conversationId: string): string {
    const query = new URLSearchParams({ version, user: user.id, name: user.name, conversation: conversationId });
    return `${this.url}/?${query}`;
  }

  /** What Direct Line does when a conversation starts: tell the bot who joined (it greets them). */
  async join(conversationId: string, user: { id: string; name: string }): Promise<void> {
    await this.toBot(conversationId, { type: 'conversationUpdate', from: user, membersAdded: [BOT, user], channelId: 'webchat' }, this.nextId(conversationId));
  }

  private conversation(id: string): Conversation {
    let conversation = this.conversations.get(id);
    if (!conversation) this.conversations.set(id, (conversation = { streams: new Set(), next: 0, timestamps: new Map() }));
    return conversation;
  }

  private nextId(conversationId: string): string {
    return `${conversationId}|${String(++this.conversation(conversationId).next).padStart(7, '0')}`;
  }

  private push(conversationId: string, activity: Record<string, any>): void {
    const conversation = this.conversation(conversationId);
    const id = String(activity.id);
    const timestamp = conversation.timestamps.get(id) ?? new Date().toISOString();
    conversation.timestamps.set(id, timestamp);
    const data = JSON.stringify({ ...activity, timestamp, conversation: { id: conversationId } });
    for (const stream of conversation.streams) stream.write(`data: ${data}\n\n`);
  }

  private async toBot(conversationId: string, activity: Record<string, any>, id: string): Promise<void> {
    const response = await fetch(this.botEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...activity,
        id,
        timestamp: new Date().toISOString(),
        serviceUrl: this.url,
        conversation: { id: conversationId },
        recipient: BOT,
      }),
    });
    const body = await response.text();
    if (response.status !== 200) this.problems.push(`bot answered ${response.status} to ${activity.type} ${id}: ${body.slice(0, 300)}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };

    // ---- the page --------------------------------------------------------------------------
    if (req.method === 'GET' && url.pathname === '/') {
      const version = url.searchParams.get('version') ?? '';
      if (!this.bundles.some((b) => b.version === version)) return json(404, { error: `no Web Chat ${version}` });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PinDesk · Web Chat</title>` +
          `<style>html, body { height: 100%; margin: 0; } #webchat { height: 100%; }</style></head>` +
          `<body><div id="webchat"></div><script src="/webchat/${encodeURIComponent(version)}/webchat.js"></script><script src="/page.js"></script></body></html>`,
      );
      return;
    }
    if (req.method === 'GET' && segments[0] === 'webchat' && segments[2] === 'webchat.js') {
      const bundle = this.bundles.find((b) => b.version === segments[1]);
      if (!bundle) return json(404, { error: 'no such bundle' });
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(bundle.file));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(PAGE_SCRIPT));
      return;
    }

    // ---- Direct Line, for the page ------------------------------------------------------------
    if (segments[0] === 'directline' && segments[1] === 'conversations' && segments[2]) {
      const conversationId = segments[2];
      if (req.method === 'GET' && segments[3] === 'stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        const { streams } = this.conversation(conversationId);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (req.method === 'POST' && segments[3] === 'activities') {
        const activity = (await readJson(req)) as Record<string, any>;
        const id = this.nextId(conversationId);
        this.posted.push({ conversationId, id, activity });
        // The echo first (a bot reply's replyToId points at it), then the bot's turn.
        this.push(conversationId, { ...activity, id, recipient: BOT });
        await this.toBot(conversationId, activity, id);
        return json(200, { id });
      }
    }

    // ---- the Bot Connector, for the bot -------------------------------------------------------
    if (segments[0] === 'v3' && segments[1] === 'conversations') {
      if (req.method === 'POST' && segments.length === 2) {
        const body = (await readJson(req)) as Record<string, any>;
        this.createdConversations.push(body);
        const id = `created-${++this.created}`;
        return json(200, { id, activityId: body?.activity ? this.nextId(id) : undefined });
      }
      const conversationId = segments[2]!;
      if (segments[3] === 'activities' && req.method === 'POST') {
        const activity = (await readJson(req)) as Record<string, any>;
        const id = this.nextId(conversationId);
        this.sent.push({ conversationId, kind: 'send', activityId: id, activity });
        this.push(conversationId, { ...activity, id, from: activity.from ?? BOT });
        return json(200, { id });
      }
      if (segments[3] === 'activities' && segments[4] && req.method === 'PUT') {
        const activity = (await readJson(req)) as Record<string, any>;
        const id = segments[4];
        this.sent.push({ conversationId, kind: 'update', activityId: id, activity });
        this.push(conversationId, { ...activity, id, from: activity.from ?? BOT });
        return json(200, { id });
      }
    }
    this.problems.push(`not handled: ${req.method} ${url.pathname}`);
    json(404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : undefined;
}
