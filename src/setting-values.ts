// Settings whose value needs more than a schema: a file to read, JSON to check, lists of keys or
// tenant ids. Each failure names its variable.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { scopedRolesFileSchema, type ScopedRoles } from './domain/role-grants.js';
import { ConfigError } from './config-error.js';

export function readSetting(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function jsonSetting<T>(name: string, text: string | undefined, schema: z.ZodType<T>): T {
  if (text === undefined) return schema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${name}: not valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function scopedRoles(file: string | undefined): ScopedRoles {
  if (!file) return [];
  return jsonSetting('ROLES_FILE', readSetting('ROLES_FILE', file).toString('utf8'), scopedRolesFileSchema).scopedRoles;
}

export function verifyKeys(text: string | undefined): string[] {
  const keys = (text ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const key of keys) if (key.length < 16) throw new ConfigError('VERIFY_API_KEYS: each key must be at least 16 characters (openssl rand -hex 24)');
  return keys;
}

/** Earlier keys for rotation: base64, comma-separated, each checked like the current one. */
export function previousKeys(name: string, text: string | undefined, valid: (key: Buffer) => boolean, size: string): Buffer[] {
  return (text ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, index) => {
      const key = Buffer.from(k, 'base64');
      if (!valid(key)) throw new ConfigError(`${name}: key ${index + 1} must be ${size}, base64-encoded`);
      return key;
    });
}

export function tenants(text: string | undefined): ReadonlySet<string> | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const id of ids) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new ConfigError(`ALLOWED_TENANTS: "${id.slice(0, 60)}" is not a tenant id (a GUID)`);
  }
  if (ids.length === 0) throw new ConfigError('ALLOWED_TENANTS: no tenant id given');
  return new Set(ids);
}
