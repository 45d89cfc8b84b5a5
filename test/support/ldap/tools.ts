// Shared by the throwaway directory servers: free ports, waiting for a port, test certificates,
// and the rule that a missing server binary fails in CI and skips locally only with a loud message.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function isListening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function waitForPortClosed(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await isListening(port))) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Whether a suite that needs `binary` can run. In CI a missing binary is a failure (thrown);
 * locally the suite is skipped, with a message nobody can miss.
 */
export function requireBinary(binary: string, packages: string): boolean {
  if (existsSync(binary)) return true;
  const message = `${binary} is not installed (apt-get install ${packages}); its tests cannot run`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING: ${message}.\n!!! .ci/run installs it; run that, or install it, to run these tests.\n${'!'.repeat(100)}\n`);
  return false;
}

export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export async function makeCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => path.join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=PinDesk Test CA', '-keyout', file('ca.key'), '-out', file('ca.pem')]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr')]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('san.ext'), '-out', file('server.pem')]);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

/** A server process that can be stopped and started again (an outage, then recovery). */
export class ServerProcess {
  private child: ChildProcess | undefined;

  constructor(
    private readonly binary: string,
    private readonly args: string[],
    private readonly port: number,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it unless it runs; resolves once its port listens. */
  async start(timeoutMs: number, what: string): Promise<boolean> {
    if (this.running) return false;
    this.child = spawn(this.binary, this.args, { stdio: 'ignore' });
    await waitForPort(this.port, timeoutMs, what);
    return true;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    this.child = undefined;
    await waitForPortClosed(this.port, 15_000);
  }
}

/** What the LDAP suites need of a throwaway directory server, whichever it is. */
export interface LdapTestServer {
  url: string;
  baseDn: string;
  bindDn: string;
  password: string;
  certificates: TestCertificates;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}
