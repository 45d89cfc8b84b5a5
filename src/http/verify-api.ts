// POST /api/pins/verify — what a dial-in conferencing system calls on every authenticated join —
// and the OpenAPI description at /api/openapi.json. Plain HTTP: no Bot Framework round trip.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { z } from 'zod';
import type { PinVerifier } from '../desk/pin-verifier.js';
import { OPENAPI } from './openapi.js';

const bodySchema = z
  .object({
    line: z.string().trim().regex(/^(tel:)?\+?[\d\-. ()]{3,30}(;.*)?$/, 'a phone number such as +14255550100').optional(),
    extension: z.string().trim().regex(/^\d{2,10}$/, '2 to 10 digits').optional(),
    sip: z.string().trim().regex(/^(sip:)?[^\s@]+@[^\s@]+$/i, 'a SIP address such as sip:ken.myer@contoso.com').optional(),
    pin: z.string().min(1, 'required').max(64, 'at most 64 characters'),
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
}

export function registerVerifyApi(server: Server, options: VerifyApiOptions): void {
  const digests = options.apiKeys.map((key) => sha256(key));

  server.get('/api/openapi.json', async (_req, res) => {
    res.send(200, OPENAPI);
  });

  server.post('/api/pins/verify', async (req, res) => {
    if (digests.length === 0) {
      res.send(503, { error: 'The verify API is not configured: set VERIFY_API_KEYS.' });
      return;
    }
    const presented = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    // Compare digests in constant time, against every key, whatever matches first.
    const candidate = sha256(presented ?? '');
    const known = digests.reduce((match, digest) => timingSafeEqual(digest, candidate) || match, false);
    if (!presented || !known) {
      res.header('WWW-Authenticate', 'Bearer');
      res.send(401, { error: 'A valid API key is required: Authorization: Bearer <key>.' });
      return;
    }
    const parsed = bodySchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      res.send(400, { error: `${issue.path.join('.') || 'body'}: ${issue.message}`, field: issue.path.join('.') || 'body' });
      return;
    }
    const { pin, line, extension, sip } = parsed.data;
    const subject = line !== undefined ? { line } : extension !== undefined ? { extension } : { sip: sip! };
    try {
      const result = await options.verifier.verify(subject, pin, `api-key:${keyLabel(candidate)}`);
      res.send(200, { result });
    } catch (err) {
      options.log.error({ err }, 'verify failed');
      res.send(503, { error: 'The PIN service is not available right now.' });
    }
  });
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Which key was used, for the audit trail, without the key: the first bytes of its digest. */
function keyLabel(digest: Buffer): string {
  return digest.subarray(0, 4).toString('hex');
}
