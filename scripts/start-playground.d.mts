export function startPlayground(options: { endpoint: string; config: unknown; dir: string; port?: number }): Promise<{ url: string; stop(): Promise<void> }>;
