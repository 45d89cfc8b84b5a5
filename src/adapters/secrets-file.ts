// The hashing and sealing keys. Production passes them in the environment (config enforces it);
// local development generates them once into DATA_DIR, readable by the owner only.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

export interface Keys {
  pinHash: Buffer;
  seal: Buffer;
}

export async function loadKeys(dataDir: string, fromEnv: { pinHash?: Buffer | undefined; seal?: Buffer | undefined }, log: Logger): Promise<Keys> {
  if (fromEnv.pinHash && fromEnv.seal) return { pinHash: fromEnv.pinHash, seal: fromEnv.seal };
  const file = path.join(dataDir, 'secrets.json');
  const stored = await readKeys(file);
  const keys = stored ?? (await createKeys(file));
  if (!stored) log.warn({ file }, 'generated local development keys for PIN hashing and sealing; set PIN_HASH_KEY and PIN_SEAL_KEY in production');
  return { pinHash: fromEnv.pinHash ?? keys.pinHash, seal: fromEnv.seal ?? keys.seal };
}

async function readKeys(file: string): Promise<Keys | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Keys are for the owner only; a copy left readable by others (restored from a backup) is tightened
  // where we may (a read-only or foreign-owned file is left as it is).
  await chmod(file, 0o600).catch(() => undefined);
  const json = JSON.parse(text) as { pinHashKey?: string; sealKey?: string };
  const pinHash = Buffer.from(json.pinHashKey ?? '', 'base64');
  const seal = Buffer.from(json.sealKey ?? '', 'base64');
  if (pinHash.length < 32 || seal.length !== 32) throw new Error(`${file} is damaged: delete it to generate new keys (existing PINs will no longer verify)`);
  return { pinHash, seal };
}

async function createKeys(file: string): Promise<Keys> {
  const keys = { pinHash: randomBytes(32), seal: randomBytes(32) };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const json = JSON.stringify({ pinHashKey: keys.pinHash.toString('base64'), sealKey: keys.seal.toString('base64') });
  try {
    await writeFile(file, json, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readKeys(file))!;
    throw error;
  }
  return keys;
}
