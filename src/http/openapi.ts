// The verify API, described for the people who connect a dial-in system to it.
export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'PinDesk PIN verification',
    version: '1.0.0',
    description:
      'Checks a dial-in conferencing PIN for the person behind a phone number, extension or SIP address, and applies the lockout rules: two failure counters, a 30-minute observation window, a one-hour temporary lockout at the local limit, and a lock until an administrator unlocks at the global limit. Unknown users answer "invalid" by default (VERIFY_UNKNOWN_USER=invalid), so a caller cannot learn which numbers have accounts.',
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
                  line: { type: 'string', pattern: '^(tel:)?\\+?[\\d\\-. ()]{3,30}(;.*)?$', example: '+14255550100', description: 'The caller\'s phone number (a line URI or E.164).' },
                  extension: { type: 'string', pattern: '^\\d{2,10}$', example: '0100', description: "The line URI's ;ext=, or the last digits of its number." },
                  sip: { type: 'string', pattern: '^(sip:)?[^\\s@]+@[^\\s@]+$', example: 'sip:ken.myer@contoso.com' },
                  pin: { type: 'string', minLength: 1, maxLength: 64, example: '730194' },
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
                  required: ['result'],
                  properties: {
                    result: {
                      type: 'string',
                      enum: ['ok', 'invalid', 'locked', 'temporarily-locked', 'expired', 'not-set', 'unknown-user'],
                      description: '"unknown-user" only when VERIFY_UNKNOWN_USER=unknown-user; otherwise unknown users answer "invalid".',
                    },
                  },
                },
              },
            },
          },
          '400': { description: 'The body is not valid; `field` names the problem.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          '401': { description: 'Missing or unknown API key.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          '503': {
            description: 'The API is not configured (no VERIFY_API_KEYS) or the store is unavailable.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        additionalProperties: false,
        properties: {
          error: { type: 'string', description: 'What went wrong, for a person to read.' },
          field: { type: 'string', description: 'With 400: the request field at fault (`body` for the body as a whole).' },
        },
      },
    },
  },
} as const;
