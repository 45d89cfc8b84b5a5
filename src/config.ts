// Settings come from environment variables, validated once at start-up. A bad value stops the
// process with a message naming the variable. With app credentials present PinDesk is in
// production and fails closed: no anonymous callers, no demo directory unless asked for.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultAttributes, defaultGroupFilter, defaultUserFilter, type LdapAttributeMap, type LdapSettings } from './adapters/ldap/settings.js';
import type { ScopedRoles } from './domain/role-grants.js';
import type { Role } from './domain/roles.js';
import { isLoopbackHost } from './http/loopback.js';
import { ConfigError } from './config-error.js';
import { databaseSettings, type DatabaseSettings } from './database-settings.js';
import { anyDuration, duration, flag, key, optionalText, rate, type Rate } from './setting-types.js';
import { jsonSetting, previousKeys, readSetting, scopedRoles, tenants, verifyKeys } from './setting-values.js';
import { refuseStraySfbSettings, sfbSettings, type SfbSettings } from './sfb-settings.js';

export { ConfigError } from './config-error.js';
export type { Rate } from './setting-types.js';
export type { SfbSettings, SshSettings } from './sfb-settings.js';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_DIRECTORY_FILE = path.join(PACKAGE_ROOT, 'demo', 'directory.json');
export const DEMO_ROLES_FILE = path.join(PACKAGE_ROOT, 'demo', 'roles.json');

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText,
  ALLOW_UNAUTHENTICATED_NETWORK: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MICROSOFT_APP_TENANT_ID: optionalText,
  ALLOWED_TENANTS: optionalText,
  DIRECTORY: z.enum(['file', 'ldap']).default('file'),
  DIRECTORY_FILE: optionalText,
  ALLOW_DEMO_DIRECTORY: flag.default(false),
  LDAP_URL: optionalText,
  LDAP_BIND_DN: optionalText,
  LDAP_BIND_PASSWORD: optionalText,
  LDAP_BIND_PASSWORD_FILE: optionalText,
  LDAP_BASE_DN: optionalText,
  LDAP_FLAVOR: z.enum(['ad', 'openldap']).default('ad'),
  LDAP_NETBIOS_DOMAIN: optionalText,
  LDAP_STARTTLS: flag.default(false),
  LDAP_CA_FILE: optionalText,
  LDAP_TIMEOUT: duration.default(5000),
  LDAP_CONNECT_TIMEOUT: duration.default(3000),
  LDAP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  LDAP_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  LDAP_USER_FILTER: optionalText,
  LDAP_GROUP_FILTER: optionalText,
  LDAP_ATTRIBUTES: optionalText,
  LDAP_SITES_FILE: optionalText,
  ROLES_FILE: optionalText,
  ROLE_CACHE_TTL: anyDuration.refine((ms) => ms <= 30_000, 'must be at most 30s (0 = no cache)').default(0),
  FIND_LIMIT: z.coerce.number().int().min(1).max(200).default(25),
  REQUEST_TTL: duration.default(24 * 3_600_000),
  REQUESTS_PER_DAY: z.coerce.number().int().min(1).max(100).default(3),
  DECISIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  APPROVERS: optionalText,
  VERIFY_API_KEYS: optionalText,
  VERIFY_UNKNOWN_USER: z.enum(['invalid', 'unknown-user']).default('invalid'),
  VERIFY_ANSWERS: z.enum(['uniform', 'detailed']).default('uniform'),
  VERIFY_RATE_PER_KEY: rate.default({ limit: 600, windowMs: 60_000 }),
  VERIFY_RATE_TOTAL: rate.default({ limit: 3000, windowMs: 60_000 }),
  VERIFY_RATE_PER_NUMBER: rate.default({ limit: 5, windowMs: 60_000 }),
  PIN_HASH_KEY: key(32).optional(),
  PIN_SEAL_KEY: key(32).refine((b) => b.length === 32, 'must be exactly 32 bytes, base64-encoded').optional(),
  REVEAL_TTL: duration.default(600_000),
  CHOICE_TTL: duration.default(900_000),
  PICKER_LIMIT: z.coerce.number().int().min(2).max(25).default(10),
  TRUSTED_CHANNELS: optionalText,
  UNRECOGNISED_CALLERS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(600),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  ROLE_GROUP_CS_ADMINISTRATOR: z.string().trim().min(1).default('CsAdministrator'),
  ROLE_GROUP_CS_USER_ADMINISTRATOR: z.string().trim().min(1).default('CsUserAdministrator'),
  ROLE_GROUP_CS_HELPDESK: z.string().trim().min(1).default('CsHelpDesk'),
  ROLE_GROUP_CS_VIEW_ONLY_ADMINISTRATOR: z.string().trim().min(1).default('CsViewOnlyAdministrator'),
  // Key rotation: keys used before PIN_HASH_KEY / PIN_SEAL_KEY, comma-separated, still accepted to
  // verify stored PINs and open sealed ones (a PIN is re-hashed with the current key when next set).
  PIN_HASH_KEYS_PREVIOUS: optionalText,
  PIN_SEAL_KEYS_PREVIOUS: optionalText,
  // Who holds the PINs: the built-in store, or Skype for Business Server through a PowerShell worker.
  PIN_AUTHORITY: z.enum(['builtin', 'sfb']).default('builtin'),
  SFB_PWSH: optionalText,
  SFB_MODULE: z.string().trim().min(1).default('SkypeForBusiness'),
  SFB_TIMEOUT: duration.default(20_000),
  SFB_TRANSPORT: z.enum(['local', 'ssh']).default('local'),
  SFB_SSH: optionalText,
  SFB_SSH_HOST: optionalText,
  SFB_SSH_PORT: z.coerce.number().int().min(1).max(65535).default(22),
  SFB_SSH_USER: optionalText,
  SFB_SSH_KEY_FILE: optionalText,
  SFB_SSH_KNOWN_HOSTS: optionalText,
  SFB_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  SFB_QUEUE: z.coerce.number().int().min(0).max(1000).default(16),
  DELIVERY_LEASE: duration.refine((ms) => ms <= 3_600_000, 'must be at most 1h').default(30_000),
  SWEEP_INTERVAL: duration.refine((ms) => ms <= 3_600_000, 'must be at most 1h').default(30_000),
});

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  dataDir: string;
  /** DATABASE_URL and friends: PostgreSQL shared by several instances, else SQLite in DATA_DIR. */
  database: DatabaseSettings;
  /** App credentials present: authenticated Bot Framework traffic only. */
  production: boolean;
  /**
   * ALLOW_UNAUTHENTICATED_NETWORK: without credentials, listen beyond loopback (and accept any Host
   * and serviceUrl). Anyone who reaches the port can then act as anyone; warned at every start.
   */
  unauthenticatedNetwork: boolean;
  app: { id?: string | undefined; password?: string | undefined; type: string; tenantId?: string | undefined };
  /** ALLOWED_TENANTS, lower case: activities naming another tenant are refused. Undefined = any (local development only). */
  allowedTenants?: ReadonlySet<string> | undefined;
  /** Rows (audit records, 1:1 conversation references) callers PinDesk does not recognise may add per hour, per kind. */
  unrecognisedCallersPerHour: number;
  auditRetentionDays: number;
  directory: { kind: 'file'; file: string; isDemo: boolean } | { kind: 'ldap'; ldap: LdapSettings; isDemo: false };
  scopedRoles: ScopedRoles;
  roleCacheTtlMs: number;
  findLimit: number;
  selfService: { requestTtlMs: number; requestsPerDay: number; decisionsPerMinute: number; approvers: string[] };
  verify: {
    apiKeys: string[];
    unknownUserResult: 'invalid' | 'unknown-user';
    answers: 'uniform' | 'detailed';
    /** Per API key, over all keys, and per number / extension / SIP address (attempt pacing). */
    rates: { perKey: Rate; total: Rate; perNumber: Rate };
  };
  keys: { pinHash?: Buffer | undefined; seal?: Buffer | undefined; pinHashPrevious: Buffer[]; sealPrevious: Buffer[] };
  revealTtlMs: number;
  choiceTtlMs: number;
  pickerLimit: number;
  /** Channels whose `from.id` is believed as a UPN or account name; '*' = all. */
  trustedChannels: ReadonlySet<string> | '*';
  roleGroups: Record<Role, string>;
  /** PIN_AUTHORITY: the built-in store, or Skype for Business Server through the PowerShell worker. */
  authority: { kind: 'builtin' } | SfbSettings;
  /** DELIVERY_LEASE: how long one instance holds a PIN card it sends; SWEEP_INTERVAL: how often expiry runs. */
  timers: { deliveryLeaseMs: number; sweepIntervalMs: number };
}

export const SFB_WORKER_SCRIPT = path.join(PACKAGE_ROOT, 'sfb', 'pindesk-worker.ps1');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A blank app id is most likely a secret that did not arrive: refuse rather than quietly run
  // without authentication.
  if (env.MICROSOFT_APP_ID !== undefined && env.MICROSOFT_APP_ID.trim() === '') {
    throw new ConfigError('MICROSOFT_APP_ID: set but blank; give the bot\'s app id, or unset it for local development without credentials');
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = Boolean(e.MICROSOFT_APP_ID);
  if (!production && e.MICROSOFT_APP_PASSWORD) {
    throw new ConfigError('MICROSOFT_APP_PASSWORD: set without MICROSOFT_APP_ID; set both (production) or neither (local development)');
  }
  if (!production && e.HOST && !isLoopbackHost(e.HOST) && !e.ALLOW_UNAUTHENTICATED_NETWORK) {
    throw new ConfigError(
      `HOST: "${e.HOST}" is not a loopback address, and without credentials anyone who reaches PinDesk can act as anyone; set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, or use 127.0.0.1, or set ALLOW_UNAUTHENTICATED_NETWORK=true if you really mean it`,
    );
  }
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
    if (!e.ALLOWED_TENANTS) {
      throw new ConfigError('ALLOWED_TENANTS: required in production: the Microsoft Entra tenant ids (GUIDs, comma-separated) whose users may use PinDesk');
    }
    if (e.DIRECTORY === 'file' && isDemo && !e.ALLOW_DEMO_DIRECTORY) {
      throw new ConfigError('DIRECTORY_FILE: production needs a real directory; set ALLOW_DEMO_DIRECTORY=true to use the demo one');
    }
  }
  if (e.VERIFY_UNKNOWN_USER === 'unknown-user' && e.VERIFY_ANSWERS !== 'detailed') {
    throw new ConfigError('VERIFY_UNKNOWN_USER: unknown-user tells callers which numbers have accounts; it needs VERIFY_ANSWERS=detailed');
  }
  const trusted = e.TRUSTED_CHANNELS?.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
  return {
    port: e.PORT,
    // Without credentials anyone who can reach the port can act as anyone: stay on loopback.
    host: e.HOST?.replace(/^\[(.*)\]$/, '$1') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    database: databaseSettings(env),
    production,
    unauthenticatedNetwork: !production && e.ALLOW_UNAUTHENTICATED_NETWORK,
    app: { id: e.MICROSOFT_APP_ID, password: e.MICROSOFT_APP_PASSWORD, type: e.MICROSOFT_APP_TYPE, tenantId: e.MICROSOFT_APP_TENANT_ID },
    allowedTenants: tenants(e.ALLOWED_TENANTS),
    unrecognisedCallersPerHour: e.UNRECOGNISED_CALLERS_PER_HOUR,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    directory: e.DIRECTORY === 'ldap' ? { kind: 'ldap', ldap: ldapSettings(e), isDemo: false } : { kind: 'file', file: directoryFile, isDemo },
    scopedRoles: scopedRoles(e.ROLES_FILE ?? (e.DIRECTORY === 'file' && isDemo ? DEMO_ROLES_FILE : undefined)),
    roleCacheTtlMs: e.ROLE_CACHE_TTL,
    findLimit: e.FIND_LIMIT,
    verify: {
      apiKeys: verifyKeys(e.VERIFY_API_KEYS),
      unknownUserResult: e.VERIFY_UNKNOWN_USER,
      answers: e.VERIFY_ANSWERS,
      rates: { perKey: e.VERIFY_RATE_PER_KEY, total: e.VERIFY_RATE_TOTAL, perNumber: e.VERIFY_RATE_PER_NUMBER },
    },
    selfService: {
      requestTtlMs: e.REQUEST_TTL,
      requestsPerDay: e.REQUESTS_PER_DAY,
      decisionsPerMinute: e.DECISIONS_PER_MINUTE,
      approvers: (e.APPROVERS ?? '').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean),
    },
    keys: {
      pinHash: e.PIN_HASH_KEY,
      seal: e.PIN_SEAL_KEY,
      pinHashPrevious: previousKeys('PIN_HASH_KEYS_PREVIOUS', e.PIN_HASH_KEYS_PREVIOUS, (b) => b.length >= 32, 'at least 32 bytes'),
      sealPrevious: previousKeys('PIN_SEAL_KEYS_PREVIOUS', e.PIN_SEAL_KEYS_PREVIOUS, (b) => b.length === 32, 'exactly 32 bytes'),
    },
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
    authority: e.PIN_AUTHORITY === 'sfb' ? sfbSettings(e, SFB_WORKER_SCRIPT) : (refuseStraySfbSettings(env), { kind: 'builtin' }),
    timers: { deliveryLeaseMs: e.DELIVERY_LEASE, sweepIntervalMs: e.SWEEP_INTERVAL },
  };
}

type Env = z.infer<typeof envSchema>;

function ldapSettings(e: Env): LdapSettings {
  const required = (name: keyof Env, value: string | undefined): string => {
    if (!value) throw new ConfigError(`${name}: required when DIRECTORY=ldap`);
    return value;
  };
  const urls = required('LDAP_URL', e.LDAP_URL).split(',').map((u) => u.trim()).filter(Boolean);
  for (const url of urls) {
    if (!/^ldaps?:\/\/[^/\s]+\/?$/i.test(url)) throw new ConfigError(`LDAP_URL: "${url}" is not an ldap:// or ldaps:// URL (host and port only)`);
  }
  if (e.LDAP_BIND_PASSWORD && e.LDAP_BIND_PASSWORD_FILE) throw new ConfigError('LDAP_BIND_PASSWORD_FILE: set either it or LDAP_BIND_PASSWORD, not both');
  const password = e.LDAP_BIND_PASSWORD_FILE ? readSetting('LDAP_BIND_PASSWORD_FILE', e.LDAP_BIND_PASSWORD_FILE).toString('utf8').replace(/\r?\n$/, '') : e.LDAP_BIND_PASSWORD;
  const baseDn = required('LDAP_BASE_DN', e.LDAP_BASE_DN);
  const attributes = { ...defaultAttributes(e.LDAP_FLAVOR), ...jsonSetting('LDAP_ATTRIBUTES', e.LDAP_ATTRIBUTES, attributeOverrides) };
  const sites = e.LDAP_SITES_FILE ? jsonSetting('LDAP_SITES_FILE', readSetting('LDAP_SITES_FILE', e.LDAP_SITES_FILE).toString('utf8'), sitesFileSchema) : { pools: {} };
  return {
    urls,
    bindDn: required('LDAP_BIND_DN', e.LDAP_BIND_DN),
    bindPassword: required('LDAP_BIND_PASSWORD', password),
    baseDn,
    flavor: e.LDAP_FLAVOR,
    netbiosDomain: e.LDAP_NETBIOS_DOMAIN ?? (/dc=([^,]+)/i.exec(baseDn)?.[1] ?? '').toUpperCase(),
    startTls: e.LDAP_STARTTLS,
    ca: e.LDAP_CA_FILE ? readSetting('LDAP_CA_FILE', e.LDAP_CA_FILE) : undefined,
    timeoutMs: e.LDAP_TIMEOUT,
    connectTimeoutMs: e.LDAP_CONNECT_TIMEOUT,
    poolSize: e.LDAP_POOL_SIZE,
    pageSize: e.LDAP_PAGE_SIZE,
    userFilter: filterSetting('LDAP_USER_FILTER', e.LDAP_USER_FILTER ?? defaultUserFilter(e.LDAP_FLAVOR)),
    groupFilter: filterSetting('LDAP_GROUP_FILTER', e.LDAP_GROUP_FILTER ?? defaultGroupFilter(e.LDAP_FLAVOR)),
    attributes,
    pools: sites.pools,
  };
}

const attributeOverrides = z.record(z.string(), z.string().min(1)).superRefine((map, ctx) => {
  const known = Object.keys(defaultAttributes('ad'));
  for (const key of Object.keys(map)) if (!known.includes(key)) ctx.addIssue({ code: 'custom', message: `unknown property "${key}"; known: ${known.join(', ')}` });
}) as unknown as z.ZodType<Partial<LdapAttributeMap>>;

const sitesFileSchema = z.object({ pools: z.record(z.string(), z.string().min(1)) });

function filterSetting(name: string, filter: string): string {
  if (!/^\(.*\)$/s.test(filter.trim())) throw new ConfigError(`${name}: an LDAP filter in parentheses, like (objectClass=user)`);
  return filter.trim();
}
