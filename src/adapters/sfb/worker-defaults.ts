// What a local PowerShell worker gets by default: the fixed arguments running the script, and this
// process's environment without its secrets. Also how a script hash is shown in messages and logs.
// DATABASE_URL may hold the database's password; LDAP_URL and the like are no business of the worker's.
const SECRET_ENV = /PIN|SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|^DATABASE_|^LDAP_|^MICROSOFT_APP/i;

/** This process's environment without anything that looks like a secret, for the worker. */
export function workerEnvironment(base: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) if (!SECRET_ENV.test(name)) env[name] = value;
  return { ...env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...extra };
}

/** A hash's start as hex pairs (`a2:7d:…`): readable in a log that masks digit runs. */
export const hashFingerprint = (hash: string): string => (hash.slice(0, 16).match(/.{1,2}/g) ?? []).join(':');

/** The fixed arguments: nothing in them comes from a request. */
export function workerArguments(script: string): string[] {
  return ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script];
}
