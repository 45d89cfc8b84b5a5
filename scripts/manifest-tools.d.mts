export function buildManifest(template: any, env: Record<string, string | undefined>): { manifest: any; warnings: string[] };
export function validateManifest(manifest: any): string[];
