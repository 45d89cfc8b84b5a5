// The real bot as a child process (dist/main.js) with PIN_AUTHORITY=sfb on the fake module, for
// tests that kill it outright (kill -9) and start it again on the same DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../../src/config.js';
import { fakeModulePath, pwsh, type FakeSfb } from './pwsh.js';

export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** Everything it logged so far (JSON lines). */
  log(): string;
  /** kill -9, and waits until it is gone (its workers are left running, as after an OOM kill). */
  kill(): Promise<void>;
}

export async function startBotProcess(options: { dataDir: string; fake: FakeSfb; env?: Record<string, string> }): Promise<BotProcess> {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      PIN_AUTHORITY: 'sfb',
      SFB_PWSH: pwsh(),
      SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'),
      // The worker inherits the bot's environment: that is how the fake finds its files.
      SFB_FAKE_STATE: options.fake.stateFile,
      SFB_FAKE_CALLS: options.fake.callsFile,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 60_000);
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
