// POST /api/pins/verify — what a dial-in conferencing system calls on every authenticated join —
// and the OpenAPI description at /api/openapi.json. Plain HTTP: no Bot Framework round trip.
// In order: the API key (401), the key's rate and the overall rate (429 with Retry-After), the
// body (400 naming the field; every field bounded), the number's attempt pacing (429), then the
// check. Rate counters live in the store, so every instance shares them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Response, Server } from 'restify';
import { z } from 'zod';
import type { Rate } from '../config.js';
import { subjectKey, type PinVerifier } from '../desk/pin-verifier.js';
import type { RefusalLog } from '../logger.js';
import type { RateLimiter } from '../ports/store.js';
import { OPENAPI, VERIFY_FIELD_LIMITS } from './openapi.js';

export { VERIFY_NOT_APPLICABLE } from './openapi.js';

const bodySchema = z
  .object({
    line: z
      .string()
      .max(VERIFY_FIELD_LIMITS.line, `at most ${VERIFY_FIELD_LIMITS.line} characters`)
      .trim()
      .regex(/^(tel:)?\+?[\d\-. ()]{3,30}(;.*)?$/, 'a phone number such as +14255550100')
      .optional(),
    extension: z.string().max(VERIFY_FIELD_LIMITS.extension, `at most ${VERIFY_FIELD_LIMITS.extension} characters`).trim().regex(/^\d{2,10}$/, '2 to 10 digits').optional(),
    sip: z
      .string()
      .max(VERIFY_FIELD_LIMITS.sip, `at most ${VERIFY_FIELD_LIMITS.sip} characters`)
      .trim()
      .regex(/^(sip:)?[^\s@]+@[^\s@]+$/i, 'a SIP address such as sip:ken.myer@contoso.com')
      .optional(),
    pin: z.string().min(1, 'required').max(VERIFY_FIELD_LIMITS.pin, `at most ${VERIFY_FIELD_LIMITS.pin} characters`),
  })
  .strict()
  .refine((b) => [b.line, b.extension, b.sip].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of line, extension or sip',
    path: ['line'],
  });

export interface VerifyApiOptions {
  verifier: PinVerifier;
  /** Accepted bearer keys (several, for rotation). Empty: the API answers 503. */
  apiKeys: readonly string[];
  log: Logger;
  refusals: RefusalLog;
  /** The store's counters (shared by every instance). */
  rateLimits: RateLimiter;
  rates: { perKey: Rate; total: Rate; perNumber: Rate };
  clock: () => Date;
  /** Keyed fingerprint: numbers are counted under it, never in clear. */
  fingerprint: (text: string) => string;
  /** Why the API does not apply (PIN_AUTHORITY=sfb): every verify request answers 404 with it. */
  notApplicable?: string | undefined;
}

export function registerVerifyApi(server: Server, options: VerifyApiOptions): void {
  const { refusals, rateLimits, rates, clock } = options;
  const digests = options.apiKeys.map((key) => sha256(key));

  server.get('/api/openapi.json', async (_req, res) => {
    res.send(200, OPENAPI);
  });

  /** Counts one hit on `key`; answers 429 (true) when over `rate`. */
  async function overLimit(res: Response, key: string, rate: Rate, what: string): Promise<boolean> {
    const { allowed, retryAfterMs } = await rateLimits.take(key, rate.limit, rate.windowMs, clock());
    if (allowed) return false;
    refusals.warn('verify-rate', { limit: what }, 'verify request over its rate limit');
    res.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    res.send(429, { error: `Too many requests (${what}: at most ${rate.limit} per ${describeWindow(rate.windowMs)}).`, limit: what });
    return true;
  }

  server.post('/api/pins/verify', async (req, res) => {
    if (options.notApplicable) {
      res.send(404, { error: options.notApplicable });
      return;
    }
    if (digests.length === 0) {
      res.send(503, { error: 'The verify API is not configured: set VERIFY_API_KEYS.' });
      return;
    }
    const presented = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    // Compare digests in constant time, against every key, whatever matches first.
    const candidate = sha256(presented ?? '');
    const known = digests.reduce((match, digest) => timingSafeEqual(digest, candidate) || match, false);
    if (!presented || !known) {
      refusals.warn('wrong-api-key', { presented: presented ? 'an unknown key' : 'no key' }, 'verify request without a valid API key');
      res.header('WWW-Authenticate', 'Bearer');
      res.send(401, { error: 'A valid API key is required: Authorization: Bearer <key>.' });
      return;
    }
    const label = keyLabel(candidate);
    try {
      if (await overLimit(res, `verify:key:${label}`, rates.perKey, 'per API key')) return;
      if (await overLimit(res, 'verify:total', rates.total, 'all API keys')) return;
      const parsed = bodySchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.') || 'body';
        refusals.warn('bad-verify-body', { field, key: label }, 'verify request with a bad body');
        res.send(400, { error: `${field}: ${issue.message}`, field });
        return;
      }
      const { pin, line, extension, sip } = parsed.data;
      const subject = line !== undefined ? { line } : extension !== undefined ? { extension } : { sip: sip! };
      // Attempt pacing per number: one key cannot lock out a whole company in a minute.
      if (await overLimit(res, `verify:number:${options.fingerprint(subjectKey(subject))}`, rates.perNumber, 'per number')) return;
      const result = await options.verifier.verify(subject, pin, `api-key:${label}`);
      res.send(200, { result });
    } catch (err) {
      options.log.error({ err }, 'verify failed');
      res.send(503, { error: 'The PIN service is not available right now.' });
    }
  });
}

function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Which key was used, for the audit trail, without the key: the first bytes of its digest. */
function keyLabel(digest: Buffer): string {
  return digest.subarray(0, 4).toString('hex');
}
