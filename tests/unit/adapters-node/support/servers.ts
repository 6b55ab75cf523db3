// Loopback servers for adapter tests: HTTPS with a chosen certificate, and a listener that
// only counts connection attempts (to prove the policy stopped a connection before it began).
import https from 'node:https';
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  host?: string;
  /** SNI the client sent; false when it sent none. */
  servername: string | false;
  headers: IncomingMessage['headers'];
}

export interface TestHttpsServer {
  port: number;
  seen: Seen[];
  /** TLS handshakes completed so far. */
  handshakes: number;
  /** Connections open now. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export async function startHttpsServer(
  tlsOptions: { key: string; cert: string },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
  port = 0,
): Promise<TestHttpsServer> {
  const seen: Seen[] = [];
  const server = https.createServer(tlsOptions, (req, res) => {
    const servername = (req.socket as unknown as { servername: string | false }).servername;
    seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host, servername, headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const started: TestHttpsServer = {
    port: (server.address() as AddressInfo).port,
    seen,
    handshakes: 0,
    openConnections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  server.on('secureConnection', () => started.handshakes++);
  return started;
}

export interface CountingListener {
  port: number;
  accepts: number;
  close(): Promise<void>;
}

export async function startCountingListener(host = '127.0.0.1', port = 0): Promise<CountingListener> {
  const listener: CountingListener = { port: 0, accepts: 0, close: () => Promise.resolve() };
  const server = net.createServer((socket) => {
    listener.accepts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.close = () => new Promise((resolve) => server.close(() => resolve()));
  return listener;
}
