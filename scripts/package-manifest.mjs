// `npm run package`: the Teams app package (manifest + icons) as a zip, checked against the
// manifest schema offline first. The bot id comes from MICROSOFT_APP_ID.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { buildManifest, validateManifest } from './manifest-tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = path.join(root, 'manifest');
const { manifest, warnings } = buildManifest(JSON.parse(readFileSync(path.join(manifestDir, 'manifest.json'), 'utf8')), process.env);
const errors = validateManifest(manifest);
if (errors.length > 0) {
  console.error(`The manifest does not match the Teams schema ${manifest.manifestVersion}:\n${errors.join('\n')}`);
  process.exit(1);
}
for (const warning of warnings) console.warn(`warning: ${warning}`);
const zip = zipSync({
  'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)),
  'color.png': readFileSync(path.join(manifestDir, manifest.icons.color)),
  'outline.png': readFileSync(path.join(manifestDir, manifest.icons.outline)),
});
const out = path.join(root, 'build', 'pindesk-teams-app.zip');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, zip);
console.log(`Wrote ${path.relative(process.cwd(), out)} (bot ${manifest.bots[0].botId}). Upload it in Teams: Apps → Manage your apps → Upload an app.`);
