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

/** A fault the connector plays: an error status (with headers), or no answer at all. */
export interface ConnectorFault {
  /** Which requests: method and path (e.g. POST /v3/conversations/personal:29:pilar/activities), and the body sent. */
  match: (method: string, path: string, body?: any) => boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** No answer: never (until heal or stop), or for this many milliseconds, then 503. */
  hang?: boolean | number;
  /** Answered as usual (the post goes through), but only after this many milliseconds. */
  slow?: number;
  /** How many requests it applies to (default: all). */
  times?: number;
}

export class FakeConnector {
  readonly activities: RecordedActivity[] = [];
  /** Faults in force, first match wins; each request that met one is in `faulted`. */
  readonly faults: ConnectorFault[] = [];
  readonly faulted: Array<{ method: string; path: string; at: number }> = [];
  private readonly hanging = new Set<ServerResponse>();
  /** Every activity post that got through, with when. */
  readonly posted: Array<{ path: string; at: number; activityId: string }> = [];
  readonly createdConversations: Array<Record<string, any>> = [];
  readonly roster = new Map<string, RosterMember>();
  /** When set, every roster look-up answers this HTTP status (a Teams outage). */
  rosterFailure: number | undefined;
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

  /** Plays `fault` for the requests it matches. */
  fail(fault: ConnectorFault): void {
    this.faults.push({ ...fault });
  }

  /** Ends every fault; requests left hanging get a 503 now. */
  heal(): void {
    this.faults.length = 0;
    for (const res of this.hanging) {
      if (res.writableEnded || res.destroyed) continue;
      res.writeHead(503);
      res.end();
    }
    this.hanging.clear();
  }

  async stop(): Promise<void> {
    this.heal();
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
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const method = req.method ?? 'GET';
    const fault = this.faults.find((f) => f.match(method, path, body) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      this.faulted.push({ method, path, at: Date.now() });
      if (fault.slow !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.slow));
      else if (fault.hang) {
        this.hanging.add(res);
        if (typeof fault.hang === 'number') {
          setTimeout(() => {
            if (res.writableEnded || res.destroyed) return;
            res.writeHead(503);
            res.end();
          }, fault.hang).unref();
        }
        return;
      } else return reply(fault.status ?? 500, fault.body ?? { error: { code: 'ServiceError', message: 'fault injected by the test' } }, fault.headers);
    }
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v3/conversations') {
      this.createdConversations.push(body);
      const member = body?.members?.[0]?.id ?? 'unknown';
      return reply(200, { id: `personal:${member}`, activityId: `created-${this.next++}` });
    }
    if ((match = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      if (this.rosterFailure) return reply(this.rosterFailure, { error: { code: 'ServiceError', message: 'roster unavailable' } });
      const member = this.roster.get(match[2]!);
      return member ? reply(200, member) : reply(404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
    }
    if ((match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path))) {
      const conversationId = match[1]!;
      if (req.method === 'POST') {
        const activityId = `activity-${this.next++}`;
        this.posted.push({ path, at: Date.now(), activityId });
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
