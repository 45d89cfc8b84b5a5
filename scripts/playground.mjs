// `npm run playground [-- --as anne] [--with kmyer]`: PinDesk on its embedded default plus the
// Microsoft 365 Agents Playground (a local page that behaves like Teams) pointed at it, signed in
// as a demo user — and, with --with, a second Playground signed in as another user on the same
// PinDesk, for flows that cross people (self-service approval).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundConfig } from './playground-config.mjs';
import { startPlayground } from './start-playground.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const as = option('--as') ?? 'pilar';
const other = option('--with');
const port = Number(process.env.PORT ?? 3978);

const config = playgroundConfig(path.join(root, 'demo', 'directory.json'), as);
const bot = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'main.js')], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
await waitForBot(port);
const endpoint = `http://127.0.0.1:${port}/api/messages`;
const firstPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
const playgrounds = [await startPlayground({ endpoint, config, dir: path.join(root, '.playground', as), port: firstPort })];
console.log(`\nMicrosoft 365 Agents Playground: ${playgrounds[0].url}  (signed in as ${config.currentUser.name}; others: ${config.users.map((u) => u.name).join(', ')})`);
if (other) {
  const second = playgroundConfig(path.join(root, 'demo', 'directory.json'), other);
  playgrounds.push(await startPlayground({ endpoint, config: second, dir: path.join(root, '.playground', other), port: firstPort + 1 }));
  console.log(`Second Playground:                ${playgrounds[1].url}  (signed in as ${second.currentUser.name})`);
}
console.log('In channels, @mention PinDesk. Ctrl-C stops everything.\n');

const stop = async () => {
  for (const playground of playgrounds) await playground.stop();
  bot.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
bot.on('exit', (code) => {
  console.error(`PinDesk exited (${code}).`);
  void Promise.all(playgrounds.map((p) => p.stop())).then(() => process.exit(1));
});

async function waitForBot(p) {
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`http://127.0.0.1:${p}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PinDesk did not start on port ${p}`);
}
