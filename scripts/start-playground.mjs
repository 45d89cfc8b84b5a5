// Starts the Microsoft 365 Agents Playground against a bot endpoint and resolves with the page's
// address once it answers. Shared by `npm run playground` and the browser tests.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export async function startPlayground({ endpoint, config, dir, port = 0 }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '.m365agentsplayground.yml'), JSON.stringify(config, null, 2));
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const args = [cli, 'start', '-e', endpoint, '-c', 'msteams', '--dt', ...(port ? ['-p', String(port)] : [])];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    // No browser of its own (it would try to open one and may exit 1); its log goes to a file.
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, 'playground.log') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Playground did not start: ${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      // Only "Listening on <port>" reaches stdout; the port falls back to a random one when taken.
      const match = /Listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://localhost:${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Playground exited with code ${code}: ${output}`));
    });
  });
  for (let i = 0; i < 100; i++) {
    const pong = await fetch(`${url}/_debug/ping`).then((r) => r.text(), () => '');
    if (pong.includes('pong')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
