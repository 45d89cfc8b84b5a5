// Settings come from environment variables, validated once at start-up. A bad value stops the
// process with a message naming the variable. With app credentials present PinDesk is in
// production and fails closed: no anonymous callers, no demo directory unless asked for.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Role } from './domain/roles.js';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_DIRECTORY_FILE = path.join(PACKAGE_ROOT, 'demo', 'directory.json');

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `90s`, `1h`, or plain seconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'use a number with a unit, like 10m, 90s or 1h')
  .transform((text) => {
    const [, amount = '0', unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(text)!;
    return Number(amount) * UNITS[unit]!;
  })
  .refine((ms) => ms >= 1000, 'must be at least 1s');

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const key = (bytes: number) =>
  z
    .string()
    .trim()
    .transform((text) => Buffer.from(text, 'base64'))
    .refine((buffer) => buffer.length >= bytes, `must be at least ${bytes} bytes, base64-encoded (openssl rand -base64 ${bytes})`);

const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MICROSOFT_APP_TENANT_ID: optionalText,
  DIRECTORY: z.enum(['file']).default('file'),
  DIRECTORY_FILE: optionalText,
  ALLOW_DEMO_DIRECTORY: flag.default(false),
  PIN_HASH_KEY: key(32).optional(),
  PIN_SEAL_KEY: key(32).refine((b) => b.length === 32, 'must be exactly 32 bytes, base64-encoded').optional(),
  REVEAL_TTL: duration.default(600_000),
  CHOICE_TTL: duration.default(900_000),
  PICKER_LIMIT: z.coerce.number().int().min(2).max(25).default(10),
  TRUSTED_CHANNELS: optionalText,
  ROLE_GROUP_CS_ADMINISTRATOR: z.string().trim().min(1).default('CsAdministrator'),
  ROLE_GROUP_CS_USER_ADMINISTRATOR: z.string().trim().min(1).default('CsUserAdministrator'),
  ROLE_GROUP_CS_HELPDESK: z.string().trim().min(1).default('CsHelpDesk'),
  ROLE_GROUP_CS_VIEW_ONLY_ADMINISTRATOR: z.string().trim().min(1).default('CsViewOnlyAdministrator'),
});

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  dataDir: string;
  /** App credentials present: authenticated Bot Framework traffic only. */
  production: boolean;
  app: { id?: string | undefined; password?: string | undefined; type: string; tenantId?: string | undefined };
  directory: { kind: 'file'; file: string; isDemo: boolean };
  keys: { pinHash?: Buffer | undefined; seal?: Buffer | undefined };
  revealTtlMs: number;
  choiceTtlMs: number;
  pickerLimit: number;
  /** Channels whose `from.id` is believed as a UPN or account name; '*' = all. */
  trustedChannels: ReadonlySet<string> | '*';
  roleGroups: Record<Role, string>;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = Boolean(e.MICROSOFT_APP_ID);
  const directoryFile = e.DIRECTORY_FILE ? path.resolve(e.DIRECTORY_FILE) : DEMO_DIRECTORY_FILE;
  const isDemo = directoryFile === DEMO_DIRECTORY_FILE;
  if (production) {
    if (!e.MICROSOFT_APP_PASSWORD && e.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
      throw new ConfigError('MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set (or use MICROSOFT_APP_TYPE=UserAssignedMSI)');
    }
    if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) {
      throw new ConfigError('MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE=SingleTenant');
    }
    if (!e.PIN_HASH_KEY) throw new ConfigError('PIN_HASH_KEY: required in production (openssl rand -base64 32)');
    if (!e.PIN_SEAL_KEY) throw new ConfigError('PIN_SEAL_KEY: required in production (openssl rand -base64 32)');
    if (isDemo && !e.ALLOW_DEMO_DIRECTORY) {
      throw new ConfigError('DIRECTORY_FILE: production needs a real directory; set ALLOW_DEMO_DIRECTORY=true to use the demo one');
    }
  }
  const trusted = e.TRUSTED_CHANNELS?.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
  return {
    port: e.PORT,
    // Without credentials anyone who can reach the port can act as anyone: stay on loopback.
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    production,
    app: { id: e.MICROSOFT_APP_ID, password: e.MICROSOFT_APP_PASSWORD, type: e.MICROSOFT_APP_TYPE, tenantId: e.MICROSOFT_APP_TENANT_ID },
    directory: { kind: e.DIRECTORY, file: directoryFile, isDemo },
    keys: { pinHash: e.PIN_HASH_KEY, seal: e.PIN_SEAL_KEY },
    revealTtlMs: e.REVEAL_TTL,
    choiceTtlMs: e.CHOICE_TTL,
    pickerLimit: e.PICKER_LIMIT,
    trustedChannels: trusted?.includes('*') ? '*' : trusted ? new Set(trusted) : production ? new Set() : '*',
    roleGroups: {
      CsAdministrator: e.ROLE_GROUP_CS_ADMINISTRATOR,
      CsUserAdministrator: e.ROLE_GROUP_CS_USER_ADMINISTRATOR,
      CsHelpDesk: e.ROLE_GROUP_CS_HELPDESK,
      CsViewOnlyAdministrator: e.ROLE_GROUP_CS_VIEW_ONLY_ADMINISTRATOR,
    },
  };
}
