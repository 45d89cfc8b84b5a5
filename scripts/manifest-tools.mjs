// Shared by the packaging script and its test: fill in the bot id, check against the schema that
// ships in @microsoft/app-manifest (no network needed).
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const PLACEHOLDER = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildManifest(template, env) {
  const warnings = [];
  const manifest = structuredClone(template);
  const botId = env.MICROSOFT_APP_ID?.trim();
  if (botId && !GUID.test(botId)) throw new Error(`MICROSOFT_APP_ID must be the bot's app id (a GUID), not "${botId}"`);
  if (!botId) warnings.push('MICROSOFT_APP_ID is not set: the package uses a placeholder bot id and will not reach your bot.');
  for (const bot of manifest.bots) bot.botId = botId ?? PLACEHOLDER;
  if (env.TEAMS_APP_VERSION) manifest.version = env.TEAMS_APP_VERSION;
  return { manifest, warnings };
}

export function validateManifest(manifest) {
  const schema = require(`@microsoft/app-manifest/build/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
}
