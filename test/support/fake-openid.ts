// A local stand-in for the Bot Framework's token signing keys: an OpenID metadata document and its
// JWKS on loopback, and tokens signed as the Bot Connector signs them (or forged, for tests).
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export class FakeOpenId {
  readonly kid = 'pindesk-test-signing-key';
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | undefined;
  url = '';
  /** The metadata document's address (ToBotFromChannelOpenIdMetadataUrl). */
  metadataUrl = '';
  fetches = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.fetches++;
      const send = (payload: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.url === '/.well-known/openidconfiguration') return send({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      if (req.url === '/keys') return send({ keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', kty: 'RSA' }] });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    this.metadataUrl = `${this.url}/.well-known/openidconfiguration`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** A token as the Bot Connector sends it to the bot `appId` for `serviceUrl`. */
  channelToken(appId: string, serviceUrl: string, options: { key?: KeyObject; alg?: 'RS256' | 'HS256' | 'none'; secret?: string | Buffer; expiresIn?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + (options.expiresIn ?? 3600) };
    return signJwt({ alg: options.alg ?? 'RS256', typ: 'JWT', kid: this.kid }, payload, options.key ?? this.keys.privateKey, options.secret);
  }
}

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, secret?: string | Buffer): string {
  const data = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  if (header.alg === 'none') return `${data}.`;
  if (header.alg === 'HS256') return `${data}.${createHmac('sha256', secret ?? 'secret').update(data).digest('base64url')}`;
  return `${data}.${sign('RSA-SHA256', Buffer.from(data), key).toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
