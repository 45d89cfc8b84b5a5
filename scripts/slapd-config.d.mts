export const SLAPD_SCHEMA: string;
export function writeSlapdConfig(options: { dir: string; baseDn: string; bindDn: string; password: string; tls?: { caFile: string; certFile: string; keyFile: string } }): string;
