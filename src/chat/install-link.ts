// The Teams deep link that installs PinDesk for a user, built from the app manifest's id: what a
// user needs when Teams will not open a 1:1 chat with an app they have not installed.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function teamsInstallLink(packageRoot: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'manifest', 'manifest.json'), 'utf8')) as { id?: unknown };
    return typeof manifest.id === 'string' && /^[0-9a-f-]{36}$/i.test(manifest.id) ? `https://teams.microsoft.com/l/app/${manifest.id}` : undefined;
  } catch {
    return undefined;
  }
}
