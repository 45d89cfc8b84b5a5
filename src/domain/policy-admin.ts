// Creating, changing and removing PIN policies (New/Set/Remove-CsPinPolicy): identities, the
// settings an admin can give (cmdlet or plain words), and validation that names the parameter.
import { CommandSyntaxError, PolicySettingError } from './errors.js';
import { GLOBAL_POLICY_IDENTITY, pinPolicySettingsSchema, sitePolicyIdentity, tagPolicyIdentity, type PinPolicySettings } from './policy.js';

/** What a New/Set-CsPinPolicy changes; `maximumLogonAttempts: null` unsets it. */
export interface PolicyChange {
  minPasswordLength?: number;
  pinHistoryCount?: number;
  pinLifetimeDays?: number;
  allowCommonPatterns?: boolean;
  maximumLogonAttempts?: number | null;
  description?: string;
}

/** The cmdlet parameter for each setting, used in messages. */
export const PARAMETER: Record<keyof PolicyChange, string> = {
  minPasswordLength: 'MinPasswordLength',
  pinHistoryCount: 'PINHistoryCount',
  pinLifetimeDays: 'PINLifetime',
  allowCommonPatterns: 'AllowCommonPatterns',
  maximumLogonAttempts: 'MaximumLogonAttempts',
  description: 'Description',
};

const RANGES: Partial<Record<keyof PolicyChange, [number, number]>> = {
  minPasswordLength: [4, 24],
  pinHistoryCount: [0, 20],
  pinLifetimeDays: [0, 999],
  maximumLogonAttempts: [1, 999],
};

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** `Global`, `site:Redmond`, `tag:StrictPin` or a bare per-user name (`StrictPin` → `tag:StrictPin`). */
export function parsePolicyIdentity(text: string | undefined): string {
  const value = (text ?? '').trim();
  if (!value || /^global$/i.test(value)) return GLOBAL_POLICY_IDENTITY;
  const [, scope, name = ''] = /^(site|tag):(.*)$/i.exec(value) ?? [undefined, undefined, value];
  if (!NAME.test(name)) {
    throw new CommandSyntaxError(`"${value}" is not a policy identity: use Global, site:<site name> or a per-user policy name (letters, digits, . _ -).`, 'Get-CsPinPolicy -Identity site:Redmond');
  }
  return scope?.toLowerCase() === 'site' ? sitePolicyIdentity(name) : tagPolicyIdentity(name);
}

/** From cmdlet parameters (`-MinPasswordLength 6 -AllowCommonPatterns $false`). */
export function changeFromParameters(parameters: ReadonlyMap<string, string | true>): PolicyChange {
  const change: PolicyChange = {};
  for (const [key, parameter] of Object.entries(PARAMETER) as Array<[keyof PolicyChange, string]>) {
    const raw = parameters.get(parameter);
    if (raw === undefined) continue;
    setSetting(change, key, raw === true ? '$true' : raw);
  }
  return change;
}

const WORDS: Record<string, keyof PolicyChange> = {
  min: 'minPasswordLength',
  length: 'minPasswordLength',
  history: 'pinHistoryCount',
  lifetime: 'pinLifetimeDays',
  expiry: 'pinLifetimeDays',
  attempts: 'maximumLogonAttempts',
  'common-patterns': 'allowCommonPatterns',
  patterns: 'allowCommonPatterns',
  description: 'description',
};

/** From plain words (`min 6 history 3 lifetime 90 attempts 10 common-patterns no`). */
export function changeFromWords(tokens: readonly string[]): PolicyChange {
  const change: PolicyChange = {};
  for (let i = 0; i < tokens.length; i += 2) {
    const word = tokens[i]!.toLowerCase();
    const key = WORDS[word];
    if (!key) {
      throw new CommandSyntaxError(`"${tokens[i]}" is not a policy setting. Use min, history, lifetime, attempts, common-patterns or description.`, 'new pin policy site:Redmond min 6 history 3');
    }
    const value = tokens[i + 1];
    if (value === undefined) throw new CommandSyntaxError(`${word} needs a value.`, 'new pin policy site:Redmond min 6');
    setSetting(change, key, value);
  }
  return change;
}

function setSetting(change: PolicyChange, key: keyof PolicyChange, raw: string): void {
  const value = raw.trim();
  const parameter = PARAMETER[key];
  if (key === 'description') {
    change.description = value.slice(0, 1024);
    return;
  }
  if (key === 'allowCommonPatterns') {
    if (/^(\$?true|yes|on|1)$/i.test(value)) change.allowCommonPatterns = true;
    else if (/^(\$?false|no|off|0)$/i.test(value)) change.allowCommonPatterns = false;
    else throw new PolicySettingError(parameter, 'must be $true or $false (yes or no)');
    return;
  }
  if (key === 'maximumLogonAttempts' && /^(\$null|unset|none|default)$/i.test(value)) {
    change.maximumLogonAttempts = null;
    return;
  }
  if (!/^\d+$/.test(value)) throw new PolicySettingError(parameter, 'must be a whole number');
  const number = Number(value);
  const [min, max] = RANGES[key]!;
  if (number < min || number > max) throw new PolicySettingError(parameter, `must be from ${min} to ${max}`);
  (change as Record<string, number>)[key] = number;
}

/** The settings after a change, checked as a whole (PINLifetime > 0 needs PINHistoryCount > 0). */
export function applyPolicyChange(base: PinPolicySettings, change: PolicyChange): PinPolicySettings {
  const { maximumLogonAttempts, ...rest } = change;
  const next: PinPolicySettings = { ...base, ...rest };
  if (maximumLogonAttempts === null) delete next.maximumLogonAttempts;
  else if (maximumLogonAttempts !== undefined) next.maximumLogonAttempts = maximumLogonAttempts;
  const parsed = pinPolicySettingsSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof PolicyChange | undefined;
    throw new PolicySettingError(key ? PARAMETER[key] : 'policy', issue.message);
  }
  return parsed.data;
}

/** Only what changed, for the audit trail: `{MinPasswordLength: [5, 6]}`. */
export function describeChange(before: PinPolicySettings | undefined, after: PinPolicySettings | undefined): string {
  const diff: Record<string, [unknown, unknown]> = {};
  for (const [key, parameter] of Object.entries(PARAMETER) as Array<[keyof PinPolicySettings, string]>) {
    const a = before?.[key];
    const b = after?.[key];
    if (a !== b) diff[parameter] = [a ?? null, b ?? null];
  }
  return JSON.stringify(diff);
}
