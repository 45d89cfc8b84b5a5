// The verify API's OpenAPI description, served at /api/openapi.json, checked as a document (the
// OpenAPI 3.1 structure, asserted field by field: no OpenAPI meta-schema ships in node_modules),
// against the routes the API registers, and against what the running API really accepts and
// answers. Its schemas are JSON Schema 2020-12 (the OpenAPI 3.1 dialect), compiled with ajv.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinVerifier } from '../../src/desk/pin-verifier.js';
import { registerVerifyApi } from '../../src/http/verify-api.js';
import { startHarness, type Harness } from '../support/harness.js';

const KEY = 'openapi-test-key-0123456789abcdef';
const DOC_PATH = '/api/openapi.json';
let h: Harness;
let doc: any;

beforeAll(async () => {
  h = await startHarness({ VERIFY_API_KEYS: KEY });
  const response = await fetch(`${h.app.url}${DOC_PATH}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await response.json();
});
afterAll(async () => h?.stop());

async function post(body: string, key: string | null = KEY): Promise<{ status: number; json: unknown; contentType: string | null }> {
  const response = await fetch(`${h.app.url}/api/pins/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: response.status, json: await response.json(), contentType: response.headers.get('content-type') };
}

/** Replaces every local `$ref` with what it points at (the document has no cycles). */
function deref(node: unknown): any {
  if (Array.isArray(node)) return node.map(deref);
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    expect(ref).toMatch(/^#\//);
    const target = ref
      .slice(2)
      .split('/')
      .reduce<any>((at, part) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    expect(target, `unresolved ${ref}`).toBeDefined();
    return deref(target);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(value)]));
}

/** Strict ajv: an unknown keyword or a malformed schema throws instead of validating nothing. */
function compile(schema: unknown): ValidateFunction {
  // strictRequired off: `oneOf: [{ required: ['line'] }, ...]` names properties of the parent, as meant.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword('example'); // an OpenAPI annotation
  return ajv.compile(deref(schema));
}

const operation = () => doc.paths['/api/pins/verify'].post;
const responseSchema = (status: string) => compile(operation().responses[status].content['application/json'].schema);
const requestSchema = () => compile(operation().requestBody.content['application/json'].schema);

function expectOnly(object: object, allowed: string[], where: string): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key) && !key.startsWith('x-'));
  expect(unknown, `unknown fields in ${where}`).toEqual([]);
}

describe('the OpenAPI document', () => {
  it('has the OpenAPI 3.1 structure', () => {
    expectOnly(doc, ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'], 'the root');
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expectOnly(doc.info, ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'], 'info');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path).toMatch(/^\//);
      expectOnly(item, ['$ref', 'summary', 'description', 'servers', 'parameters', ...methods], `paths.${path}`);
      for (const method of methods.filter((m) => m in item)) {
        const op = item[method];
        const where = `${method.toUpperCase()} ${path}`;
        expectOnly(op, ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers'], where);
        if (op.requestBody) {
          expectOnly(op.requestBody, ['description', 'content', 'required'], `${where} requestBody`);
          expect(Object.keys(op.requestBody.content).length).toBeGreaterThan(0);
        }
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          expect(status).toMatch(/^([1-5](\d\d|XX)|default)$/);
          expectOnly(response, ['description', 'headers', 'content', 'links'], `${where} ${status}`);
          expect(response.description).toEqual(expect.any(String));
        }
        for (const content of [op.requestBody?.content, ...Object.values<any>(op.responses).map((r) => r.content)].filter(Boolean)) {
          for (const [mediaType, media] of Object.entries<any>(content)) {
            expect(mediaType).toMatch(/^[\w.+-]+\/[\w.+-]+$/);
            expectOnly(media, ['schema', 'example', 'examples', 'encoding'], `${where} ${mediaType}`);
            expect(() => compile(media.schema), `${where} ${mediaType} schema`).not.toThrow();
          }
        }
        // Every security requirement names a scheme the document defines.
        for (const requirement of op.security ?? doc.security ?? []) {
          for (const name of Object.keys(requirement)) expect(doc.components?.securitySchemes?.[name], `security scheme ${name}`).toBeDefined();
        }
      }
    }
    expectOnly(doc.components, ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems'], 'components');
    for (const schema of Object.values(doc.components.schemas ?? {})) expect(() => compile(schema)).not.toThrow();
    for (const scheme of Object.values<any>(doc.components.securitySchemes)) {
      expect(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect']).toContain(scheme.type);
      if (scheme.type === 'http') expect(scheme.scheme).toEqual(expect.any(String));
    }
    // Every $ref anywhere resolves.
    expect(() => deref(doc)).not.toThrow();
  });

  it('describes every route the verify API serves (but the description itself), with its method', () => {
    const routes: Array<[string, string]> = [];
    const record = (method: string) => (path: string) => void routes.push([method, path]);
    const server = { get: record('get'), post: record('post'), put: record('put'), patch: record('patch'), del: record('delete'), head: record('head'), opts: record('options') };
    registerVerifyApi(server as unknown as Server, { verifier: {} as PinVerifier, apiKeys: [KEY], log: {} as Logger } as unknown as Parameters<typeof registerVerifyApi>[1]);
    expect(routes).toContainEqual(['get', DOC_PATH]);
    const described = routes.filter(([, path]) => path !== DOC_PATH);
    expect(described.length).toBeGreaterThan(0);
    for (const [method, path] of described) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    // ...and nothing the API does not serve.
    const documented = Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters' && k !== 'summary' && k !== 'description').map((method) => [method, path]));
    expect(documented.sort()).toEqual(described.map(([method, path]) => [method, path]).sort());
  });

  it('POST /api/pins/verify: a required JSON body needing pin and exactly one of line, extension, sip; bearer auth; 200, 400, 401, 404 (PIN_AUTHORITY=sfb) and 503 described', () => {
    const op = operation();
    expect(op.requestBody.required).toBe(true);
    const body = op.requestBody.content['application/json'].schema;
    expect(body.type).toBe('object');
    expect(body.required).toEqual(['pin']);
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties).sort()).toEqual(['extension', 'line', 'pin', 'sip']);
    expect(body.oneOf).toEqual([{ required: ['line'] }, { required: ['extension'] }, { required: ['sip'] }]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '429', '503']);
    for (const status of ['200', '400', '401', '403', '404', '413', '415', '429', '503']) expect(op.responses[status].content['application/json'].schema).toBeDefined();
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'http', scheme: 'bearer' });
  });
});

describe('the document agrees with the running API', () => {
  // Each body: the documented request schema accepts it exactly when the API does (not 400).
  // Values are given without surrounding spaces: the API trims them, the document does not say so.
  const bodies: Array<[string, unknown]> = [
    ['by line', { line: '+14255550100', pin: '7301' }],
    ['by line URI with ext', { line: 'tel:+14255550100;ext=0100', pin: '7301' }],
    ['by extension', { extension: '0100', pin: '7301' }],
    ['by SIP address', { sip: 'sip:ken.myer@contoso.com', pin: '7301' }],
    ['by SIP address without sip:', { sip: 'ken.myer@contoso.com', pin: '1' }],
    ['a 64-character PIN', { line: '+14255550100', pin: '7'.repeat(64) }],
    ['no subject', { pin: '7301' }],
    ['two subjects', { line: '+14255550100', sip: 'sip:a@b.c', pin: '7301' }],
    ['three subjects', { line: '+14255550100', extension: '0100', sip: 'sip:a@b.c', pin: '7301' }],
    ['no PIN', { line: '+14255550100' }],
    ['an empty PIN', { line: '+14255550100', pin: '' }],
    ['a 65-character PIN', { line: '+14255550100', pin: '7'.repeat(65) }],
    ['a numeric PIN', { line: '+14255550100', pin: 7301 }],
    ['a numeric line', { line: 14255550100, pin: '7301' }],
    ['a letter extension', { extension: 'abc', pin: '1' }],
    ['a one-digit extension', { extension: '1', pin: '1' }],
    ['an 11-digit extension', { extension: '12345678901', pin: '1' }],
    ['a line that is no number', { line: 'call me', pin: '1' }],
    ['a SIP address without @', { sip: 'sip:kenmyer', pin: '1' }],
    ['an extra field', { line: '+14255550100', pin: '7301', extra: 1 }],
    ['an empty object', {}],
    ['an array', []],
    ['a string', 'line=+14255550100'],
  ];

  it.each(bodies)('%s', async (_, body) => {
    const documented = requestSchema()(body);
    const { status, json, contentType } = await post(JSON.stringify(body));
    expect(contentType).toMatch(/^application\/json/);
    if (documented) {
      expect(status).toBe(200);
      expect(responseSchema('200')(json), JSON.stringify(json)).toBe(true);
    } else {
      expect(status).toBe(400);
      const valid = responseSchema('400');
      expect(valid(json), JSON.stringify(valid.errors)).toBe(true);
      expect(json).toMatchObject({ field: expect.any(String) });
    }
  });

  it('a 401 body matches the documented error schema', async () => {
    for (const key of [null, 'not-the-key-0000000000000000']) {
      const { status, json } = await post(JSON.stringify({ line: '+14255550100', pin: '7301' }), key);
      expect(status).toBe(401);
      const valid = responseSchema('401');
      expect(valid(json), JSON.stringify(valid.errors)).toBe(true);
    }
  });

  it('a 503 body (no VERIFY_API_KEYS) matches the documented error schema', async () => {
    const unconfigured = await startHarness();
    try {
      const response = await fetch(`${unconfigured.app.url}/api/pins/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ line: '+14255550100', pin: '7301' }),
      });
      expect(response.status).toBe(503);
      const valid = responseSchema('503');
      expect(valid(await response.json()), JSON.stringify(valid.errors)).toBe(true);
    } finally {
      await unconfigured.stop();
    }
  });
});
