// What counts as "this machine": loopback host names and addresses. Without credentials PinDesk
// trusts whoever reaches it, so it listens, answers and posts only there unless told otherwise.
import { isIPv4, isIPv6 } from 'node:net';

/** `localhost` (and `*.localhost`), 127.0.0.0/8, ::1 and ::ffff:127.x.y.z, with or without brackets. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (isIPv6(name)) {
    if (/^(0{0,4}:){7}0{0,3}1$|^::1$/.test(name)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped ? mapped[1]!.startsWith('127.') : false;
  }
  return false;
}

/** An http(s) URL whose host is a loopback host (`http://localhost:3978/...`). */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/** The host part of a Host header (`localhost:3978`, `[::1]:3978`). */
export function hostOfHostHeader(header: string): string {
  const trimmed = header.trim();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d+$/, '');
}
