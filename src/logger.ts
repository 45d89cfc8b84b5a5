// Structured JSON logs (pino). Nothing PIN-shaped gets through: message text and card values are
// never passed to the logger, fields that could hold them are redacted, and error messages from
// libraries have long digit runs masked before they are written.
import pino, { type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'pindesk' },
      redact: { paths: ['pin', '*.pin', 'text', '*.text', 'value', '*.value', 'body', '*.body', 'attachments', '*.attachments'], censor: '[redacted]' },
      serializers: { err: safeError },
    },
    destination,
  );
}

/** Keeps what helps an operator (type, code, status) and masks anything that could be a PIN. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return {
    type: error.name,
    message: maskDigitRuns(error.message).slice(0, 300),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    ...(error.cause instanceof Error ? { cause: safeError(error.cause) } : {}),
  };
}

function maskDigitRuns(text: string): string {
  return text.replace(/\d{4,}/g, '####');
}
