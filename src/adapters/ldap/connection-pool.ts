// A small pool of bound LDAP connections reused across requests (no bind per request). A broken
// connection is dropped and the operation retried once on a fresh one; a fresh connection tries
// each URL in order, so a dead server fails over to the next. Every operation has a deadline.
import { Client, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import type { LdapSettings } from './settings.js';

/** The directory refused our own bind: a configuration problem, named for the operator. */
export class LdapBindError extends Error {
  constructor(url: string) {
    super(`LDAP_BIND_DN / LDAP_BIND_PASSWORD: ${url} refused the bind (invalid credentials)`);
  }
}

export class LdapTimeoutError extends Error {
  constructor(ms: number) {
    super(`the directory did not answer within ${ms} ms`);
  }
}

export class LdapPool {
  private readonly idle: Client[] = [];
  private readonly waiting: Array<(client: Client | undefined) => void> = [];
  private open = 0;
  private closed = false;

  constructor(private readonly settings: LdapSettings) {}

  /** Runs `operation` on a bound connection, with a deadline and one retry on a broken connection. */
  async use<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.acquire();
      try {
        const result = await withDeadline(operation(client), this.settings.timeoutMs);
        this.release(client);
        return result;
      } catch (error) {
        if (error instanceof ResultCodeError) {
          // The server answered: the connection is fine, the request was not.
          this.release(client);
          throw error;
        }
        this.discard(client);
        if (attempt >= 2 || error instanceof LdapBindError) throw error;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    await Promise.allSettled(this.idle.splice(0).map((client) => client.unbind()));
  }

  private async acquire(): Promise<Client> {
    if (this.closed) throw new Error('directory connection pool is closed');
    let idle: Client | undefined;
    while ((idle = this.idle.pop())) {
      // A socket the server closed while idle would silently reconnect unauthenticated: drop it.
      if (idle.isConnected) return idle;
      this.open--;
    }
    if (this.open < this.settings.poolSize) {
      this.open++;
      try {
        return await this.connect();
      } catch (error) {
        this.open--;
        this.wakeOne();
        throw error;
      }
    }
    return new Promise<Client>((resolve, reject) => {
      this.waiting.push((client) => (client ? resolve(client) : reject(new Error('no directory connection could be opened'))));
    });
  }

  private release(client: Client): void {
    const next = this.waiting.shift();
    if (next) next(client);
    else if (this.closed) void client.unbind().catch(() => undefined);
    else this.idle.push(client);
  }

  private discard(client: Client): void {
    this.open--;
    void client.unbind().catch(() => undefined);
    this.wakeOne();
  }

  /** A slot freed up: let one waiter open its own connection. */
  private wakeOne(): void {
    const next = this.waiting.shift();
    if (!next) return;
    this.open++;
    this.connect().then(next, () => {
      this.open--;
      next(undefined);
    });
  }

  private async connect(): Promise<Client> {
    const { urls, bindDn, bindPassword, startTls, ca, timeoutMs, connectTimeoutMs } = this.settings;
    let lastError: unknown;
    for (const url of urls) {
      const secure = url.toLowerCase().startsWith('ldaps://');
      // ldapts forces TLS on plain ldap:// when tlsOptions is set: only pass them where TLS is meant.
      const tlsOptions: ConnectionOptions = { ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' };
      const client = new Client({ url, timeout: timeoutMs, connectTimeout: connectTimeoutMs, ...(secure ? { tlsOptions } : {}) });
      try {
        if (startTls && !secure) await withDeadline(client.startTLS(tlsOptions), connectTimeoutMs);
        await withDeadline(client.bind(bindDn, bindPassword), timeoutMs);
        return client;
      } catch (error) {
        void client.unbind().catch(() => undefined);
        if (error instanceof InvalidCredentialsError) throw new LdapBindError(url);
        lastError = error;
      }
    }
    throw lastError;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LdapTimeoutError(ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
