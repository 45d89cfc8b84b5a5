// A TCP proxy in front of a loopback server that cuts the connection when the client sends given
// bytes — after passing them on (the server acts on them, the client never hears back) or before
// (they never arrive). Injects "the connection was lost during COMMIT" at the protocol boundary.
import net from 'node:net';

export interface CuttingProxy {
  port: number;
  /** The next chunk from a client containing `text` cuts that connection, passing the chunk on first when `deliver`. */
  cutOn(text: string, deliver: boolean): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let armed: { text: string; deliver: boolean } | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.end());
    client.on('data', (chunk) => {
      const cut = armed && chunk.includes(armed.text) ? armed : undefined;
      if (!cut) return void upstream.write(chunk);
      armed = undefined;
      if (cut.deliver) upstream.write(chunk);
      client.destroy();
      // Passed on: give the server time to read it before its side closes.
      if (cut.deliver) setTimeout(() => upstream.end(), 200);
      else upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cutOn(text, deliver) {
      armed = { text, deliver };
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
