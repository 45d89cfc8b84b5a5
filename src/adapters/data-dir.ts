// DATA_DIR: created if missing (owner only), and writable — or a StartupError naming it and the cause
// (a read-only file system, no permission, a missing parent), instead of a bare `ENOENT … mkdir`.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup-error.js';

const CAUSES: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (an immutable file?)',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'it is a directory',
};

/** "read-only file system (EROFS)": what failed, in words, with the code to search for. */
export function fsCause(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const words = (e.code && CAUSES[e.code]) || (error instanceof Error ? error.message : String(error));
  return e.code ? `${words} (${e.code})` : words;
}

export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // A recursive mkdir on a read-only file system says ENOENT: find out what really stands in the way.
    throw new StartupError(`DATA_DIR ${dataDir}: cannot create it: ${whyNotCreated(dataDir, error)}`, { cause: error });
  }
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupError(`DATA_DIR ${dataDir}: cannot write in it: ${fsCause(error)}`, { cause: error });
  }
}

/** The cause in the nearest existing parent (read-only, no permission), else the error itself. */
function whyNotCreated(dir: string, error: unknown): string {
  let parent = path.dirname(dir);
  while (!existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch (accessError) {
    return `${fsCause(accessError)} in ${parent}`;
  }
  return fsCause(error);
}
