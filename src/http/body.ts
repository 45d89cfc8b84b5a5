// Request bodies, read by PinDesk itself rather than by restify's bodyParser: JSON only (415 for
// forms, multipart, text), gzip / deflate inflated as a stream with an error handler (a body that
// is not what its Content-Encoding says is a 400, never a crash) and the size limit applied to the
// *inflated* bytes as well as to the bytes on the wire (413), so a small compressed body cannot
// grow to hundreds of megabytes in memory.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

export interface BodyLimits {
  /** Most bytes a body may have, on the wire and after inflating. */
  maxBytes: number;
}

/** A request whose body could not be accepted: the status and a short, fixed reason. */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  error: string;
  /** The connection is closed after the answer (the client was still sending too much). */
  close?: boolean;
}

/**
 * How far past the limit a refused body is still read (and thrown away) so the client, which is
 * usually still sending, gets the answer instead of a reset connection. Beyond it the answer is
 * sent at once and the connection closed.
 */
const DRAIN_FACTOR = 4;

const ENCODINGS = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' } as const;

/** `application/json`, with at most a UTF-8 charset. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => parameter === '' || /^charset="?utf-?8"?$/.test(parameter));
}

/**
 * Reads and parses a JSON body. Resolves with the parsed value (undefined for an empty body) or a
 * refusal; never rejects, and leaves no stream without an error handler.
 */
export function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<{ value: unknown } | { refusal: BodyRefusal }> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return Promise.resolve({ refusal: { status: 415, error: 'Only application/json bodies are accepted.' } });
  }
  const encodingHeader = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const encoding = encodingHeader === '' || encodingHeader === 'identity' ? 'identity' : ENCODINGS[encodingHeader as keyof typeof ENCODINGS];
  if (!encoding) {
    return Promise.resolve({ refusal: { status: 415, error: 'Content-Encoding must be gzip, deflate or none.' } });
  }
  const drainLimit = limits.maxBytes * DRAIN_FACTOR;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainLimit) {
    return Promise.resolve({ refusal: { status: 413, error: tooLarge(limits), close: true } });
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let bodyBytes = 0;
    let refusal: BodyRefusal | undefined;
    let settled = false;
    const inflater: Gunzip | Inflate | undefined = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;

    const settle = (result: { value: unknown } | { refusal: BodyRefusal }) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      inflater?.destroy();
      resolve(result);
    };
    const refuse = (why: BodyRefusal) => {
      refusal ??= why;
      // Stop inflating at once; keep reading (and dropping) the wire bytes up to the drain limit.
      inflater?.destroy();
    };
    const keep = (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > limits.maxBytes) refuse({ status: 413, error: tooLarge(limits) });
      else chunks.push(chunk);
    };
    const finish = () => {
      if (refusal) return settle({ refusal });
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return settle({ value: undefined });
      try {
        settle({ value: JSON.parse(text) as unknown });
      } catch {
        settle({ refusal: { status: 400, error: 'The body is not valid JSON.' } });
      }
    };
    function onData(chunk: Buffer): void {
      wireBytes += chunk.length;
      if (wireBytes > drainLimit) {
        refuse({ status: 413, error: tooLarge(limits), close: true });
        settle({ refusal: { ...refusal!, close: true } });
        return;
      }
      if (refusal) return;
      if (wireBytes > limits.maxBytes) return refuse({ status: 413, error: tooLarge(limits) });
      if (inflater) inflater.write(chunk);
      else keep(chunk);
    }

    if (inflater) {
      inflater.on('data', (chunk: Buffer) => {
        if (!refusal) keep(chunk);
      });
      inflater.on('error', () => refuse({ status: 400, error: `The body is not valid ${encoding} data.` }));
    }
    req.on('data', onData);
    req.once('end', () => {
      if (!inflater || refusal) return finish();
      inflater.once('end', finish);
      // An inflater destroyed by an error (or by refuse) ends neither way: settle on close too.
      inflater.once('close', finish);
      inflater.end();
    });
    req.once('error', () => settle({ refusal: { status: 400, error: 'The request body could not be read.', close: true } }));
    req.once('aborted', () => settle({ refusal: { status: 400, error: 'The request was aborted.', close: true } }));
  });
}

/** Sends a refusal as JSON; closes the connection when the client may still be sending. */
export function sendRefusal(res: ServerResponse, refusal: BodyRefusal): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ error: refusal.error });
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (refusal.status === 415) headers['accept-encoding'] = 'gzip, deflate';
  if (refusal.close) headers.connection = 'close';
  res.writeHead(refusal.status, headers);
  res.end(body);
}

function tooLarge(limits: BodyLimits): string {
  return `The body is larger than ${Math.round(limits.maxBytes / 1024)} KB (after decompression).`;
}
