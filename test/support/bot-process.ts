// The real bot as a child process (dist/main.js) on its own settings, for tests that kill it
// outright (kill -9) and start it again on the same DATA_DIR. Resolves once it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/config.js';

export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** Everything it logged so far (JSON lines). */
  log(): string;
  /** kill -9, and waits until it is gone (what it started, such as workers, is left running, as after an OOM kill). */
  kill(): Promise<void>;
}

export async function startBotChild(env: Record<string, string>, startMs = 20_000): Promise<BotProcess> {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), startMs);
    const look = () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before it listened: ${out}`)));
  });
  return {
    child,
    url,
    log: () => out,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
