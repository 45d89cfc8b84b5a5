// The hashing and sealing keys. Production passes them in the environment (config enforces it);
// local development generates them once into DATA_DIR, readable by the owner only. Previous keys
// (rotation) come from the environment only.
import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.js';
import { ensureDataDir, fsCause } from './data-dir.js';

export interface Keys {
  pinHash: Buffer;
  seal: Buffer;
  pinHashPrevious: Buffer[];
  sealPrevious: Buffer[];
  /** Where each current key came from: its variable, or the secrets file. */
  sources: { pinHash: string; seal: string };
}

export interface EnvKeys {
  pinHash?: Buffer | undefined;
  seal?: Buffer | undefined;
  pinHashPrevious?: Buffer[] | undefined;
  sealPrevious?: Buffer[] | undefined;
}

/**
 * `mayCreate: false` when the store already holds key checks: then a missing secrets.json is an
 * error (new keys would not match the data), not a reason to generate fresh ones.
 */
export async function loadKeys(dataDir: string, fromEnv: EnvKeys, log: Logger, options: { mayCreate?: boolean } = {}): Promise<Keys> {
  const previous = { pinHashPrevious: fromEnv.pinHashPrevious ?? [], sealPrevious: fromEnv.sealPrevious ?? [] };
  if (fromEnv.pinHash && fromEnv.seal) return { pinHash: fromEnv.pinHash, seal: fromEnv.seal, ...previous, sources: { pinHash: 'PIN_HASH_KEY', seal: 'PIN_SEAL_KEY' } };
  ensureDataDir(dataDir);
  const file = path.join(dataDir, 'secrets.json');
  const stored = await readKeys(file);
  if (!stored && options.mayCreate === false) {
    throw new StartupError(
      `${file} is missing, but the data in ${dataDir} was written with keys: restore it from a backup, or set PIN_HASH_KEY and PIN_SEAL_KEY to the keys it held. New keys would reject every stored PIN.`,
    );
  }
  const keys = stored ?? (await createKeys(file));
  if (!stored) log.warn({ file }, 'generated local development keys for PIN hashing and sealing; set PIN_HASH_KEY and PIN_SEAL_KEY in production');
  return {
    pinHash: fromEnv.pinHash ?? keys.pinHash,
    seal: fromEnv.seal ?? keys.seal,
    ...previous,
    sources: { pinHash: fromEnv.pinHash ? 'PIN_HASH_KEY' : file, seal: fromEnv.seal ? 'PIN_SEAL_KEY' : file },
  };
}

type FileKeys = Pick<Keys, 'pinHash' | 'seal'>;

async function readKeys(file: string): Promise<FileKeys | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StartupError(`${file}: cannot read it: ${fsCause(error)}`, { cause: error });
  }
  // Keys are for the owner only; a copy left readable by others (restored from a backup) is tightened
  // where we may (a read-only or foreign-owned file is left as it is).
  await chmod(file, 0o600).catch(() => undefined);
  const damaged = (problem: string, cause?: unknown) =>
    new StartupError(
      `${file} is damaged (${problem}): restore it from a backup, or set PIN_HASH_KEY and PIN_SEAL_KEY to the keys it held. PINs set under its keys verify only with them.`,
      { cause },
    );
  let json: { pinHashKey?: unknown; sealKey?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (error) {
    throw damaged(`not valid JSON: ${(error as Error).message}`, error);
  }
  const pinHash = Buffer.from(typeof json?.pinHashKey === 'string' ? json.pinHashKey : '', 'base64');
  const seal = Buffer.from(typeof json?.sealKey === 'string' ? json.sealKey : '', 'base64');
  if (pinHash.length < 32) throw damaged('pinHashKey is not a base64 key of at least 32 bytes');
  if (seal.length !== 32) throw damaged('sealKey is not a base64 key of 32 bytes');
  return { pinHash, seal };
}

/**
 * Written whole or not at all: into a temporary file first, then linked into place (which fails if
 * another process created it first: then theirs is used). A full disk leaves no half-written file.
 */
async function createKeys(file: string): Promise<FileKeys> {
  const keys = { pinHash: randomBytes(32), seal: randomBytes(32) };
  const json = JSON.stringify({ pinHashKey: keys.pinHash.toString('base64'), sealKey: keys.seal.toString('base64') });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, json, { mode: 0o600, flag: 'wx' });
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readKeys(file))!;
    throw new StartupError(`${file}: cannot create it: ${fsCause(error)}`, { cause: error });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return keys;
}
