// A local stand-in for the Bot Connector service (what the Emulator runs): records everything the
// bot sends — replies, updates, new conversations — and answers Teams roster look-ups.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  conversationId: string;
  /** 'send' for a new message, 'update' for an in-place card update. */
  kind: 'send' | 'update';
  activityId: string;
  activity: Record<string, any>;
}

export interface RosterMember {
  id: string;
  name: string;
  aadObjectId?: string;
  userPrincipalName?: string;
  email?: string;
}

export class FakeConnector {
  readonly activities: RecordedActivity[] = [];
  readonly createdConversations: Array<Record<string, any>> = [];
  readonly roster = new Map<string, RosterMember>();
  readonly rawBodies: string[] = [];
  /** Every request received, as "METHOD /path". */
  readonly requests: string[] = [];
  private server: Server | undefined;
  private next = 1;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (raw) this.rawBodies.push(raw);
    const body = raw ? JSON.parse(raw) : undefined;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    this.requests.push(`${req.method} ${path}`);
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v3/conversations') {
      this.createdConversations.push(body);
      const member = body?.members?.[0]?.id ?? 'unknown';
      return reply(200, { id: `personal:${member}`, activityId: `created-${this.next++}` });
    }
    if ((match = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const member = this.roster.get(match[2]!);
      return member ? reply(200, member) : reply(404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
    }
    if ((match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path))) {
      const conversationId = match[1]!;
      if (req.method === 'POST') {
        const activityId = `activity-${this.next++}`;
        this.activities.push({ conversationId, kind: 'send', activityId, activity: body });
        return reply(200, { id: activityId });
      }
      if (req.method === 'PUT') {
        this.activities.push({ conversationId, kind: 'update', activityId: match[2]!, activity: body });
        return reply(200, { id: match[2] });
      }
    }
    reply(404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
  }
}
