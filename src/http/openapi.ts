// The verify API, described for the people who connect a dial-in system to it.

/** What the API answers (404) with PIN_AUTHORITY=sfb, where the server checks dial-in PINs. */
export const VERIFY_NOT_APPLICABLE = 'The verify API does not apply with PIN_AUTHORITY=sfb: dial-in PINs are verified by the Skype for Business server itself.';

/** Longest value accepted in each field (a longer one is a 400 naming the field). */
export const VERIFY_FIELD_LIMITS = { line: 64, extension: 16, sip: 256, pin: 64 } as const;

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, field: { type: 'string' }, limit: { type: 'string' } } } } },
});

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'PinDesk PIN verification',
    version: '1.1.0',
    description:
      'Checks a dial-in conferencing PIN for the person behind a phone number, extension or SIP address, and applies the lockout rules: two failure counters, a 30-minute observation window, a one-hour temporary lockout at the local limit, and a lock until an administrator unlocks at the global limit. ' +
      'By default (VERIFY_ANSWERS=uniform) the answer is only "ok" or "invalid": a locked, expired or unset PIN and an unknown number all answer "invalid", and an unknown number is checked the same way as a real one (same steps, similar time), so a caller cannot learn which numbers have accounts. VERIFY_ANSWERS=detailed gives every state. ' +
      'Requests are limited per API key and overall (VERIFY_RATE_PER_KEY, VERIFY_RATE_TOTAL), and attempts on one number are paced (VERIFY_RATE_PER_NUMBER, default 5 a minute) so that no caller can lock out many users quickly; over a limit the answer is 429 with Retry-After. ' +
      'Bodies are JSON only (Content-Encoding gzip or deflate accepted), at most 8 KB after decompression. ' +
      'With PIN_AUTHORITY=sfb the API does not apply and answers 404: dial-in PINs are verified by the Skype for Business server itself.',
  },
  paths: {
    '/api/pins/verify': {
      post: {
        summary: 'Verify a PIN',
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['pin'],
                properties: {
                  line: { type: 'string', maxLength: VERIFY_FIELD_LIMITS.line, pattern: '^(tel:)?\\+?[\\d\\-. ()]{3,30}(;.*)?$', example: '+14255550100', description: "The caller's phone number (a line URI or E.164)." },
                  extension: { type: 'string', maxLength: VERIFY_FIELD_LIMITS.extension, pattern: '^\\d{2,10}$', example: '0100', description: "The line URI's ;ext=, or the last digits of its number." },
                  sip: { type: 'string', maxLength: VERIFY_FIELD_LIMITS.sip, pattern: '^(sip:)?[^\\s@]+@[^\\s@]+$', example: 'sip:ken.myer@contoso.com' },
                  pin: { type: 'string', minLength: 1, maxLength: VERIFY_FIELD_LIMITS.pin, example: '730194' },
                },
                oneOf: [{ required: ['line'] }, { required: ['extension'] }, { required: ['sip'] }],
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The answer.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    result: {
                      type: 'string',
                      enum: ['ok', 'invalid', 'locked', 'temporarily-locked', 'expired', 'not-set', 'unknown-user'],
                      description:
                        'With VERIFY_ANSWERS=uniform (the default) only "ok" or "invalid". With VERIFY_ANSWERS=detailed also "locked", "temporarily-locked", "expired" and "not-set"; unknown users answer "invalid", or "unknown-user" when VERIFY_UNKNOWN_USER=unknown-user.',
                    },
                  },
                },
              },
            },
          },
          '400': error('The body is not valid; `field` names the problem (a missing, malformed or too long field).'),
          '401': error('Missing or unknown API key.'),
          '403': error('Local development only (no credentials): the request came from a page on another site (Origin).'),
          '404': error('PIN_AUTHORITY=sfb: the API does not apply, because dial-in PINs are verified by the Skype for Business server itself; `error` says so.'),
          '413': error('The body is larger than 8 KB (after decompression).'),
          '415': error('The body is not application/json, or its Content-Encoding is not gzip, deflate or none.'),
          '429': {
            ...error('Over a rate limit; `limit` says which: "per API key", "all API keys" or "per number". Retry after the Retry-After header\'s seconds.'),
            headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 }, description: 'Seconds until the limit\'s window ends.' } },
          },
          '503': error('The API is not configured (no VERIFY_API_KEYS) or the store is unavailable.'),
        },
      },
    },
  },
  components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
} as const;
