// One listening server for the Hono app: plain HTTP behind a reverse proxy, or HTTPS with
// FEDCHECK_TLS_CERT/FEDCHECK_TLS_KEY when peers reach fedcheck's own name directly. Shared by
// `npm start` and the CLI (which listens only while an outgoing test may be fetched from).
//
// Node (libuv since 1.45) accepts one connection per listening socket per event-loop turn.
// While reports keep the loop busy a turn lasts tens of milliseconds, so clients that connect
// during a burst waited seconds in the kernel's accept queue (20 s and more at 200 at once)
// before the proxy saw their request. On Linux several sockets listen on the port
// (SO_REUSEPORT), the kernel spreads new connections over them, and each hands its
// connections to the one HTTP server: that many accepts per turn.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { ConfigError, type ServerConfig } from './config.ts';

/** Listening sockets on Linux; one elsewhere (no load-balancing SO_REUSEPORT). */
const LISTENERS = process.platform === 'linux' ? 8 : 1;
/**
 * How Node's HTTP server sets up the connections it accepts (http.createServer's defaults), for
 * those the further sockets accept: without noDelay, Nagle held a response's last small write
 * until the client's delayed ACK, 40 ms on every report on a kept-alive connection.
 */
const ACCEPT_OPTIONS: net.ServerOpts = { allowHalfOpen: true, noDelay: true };

export interface Listening {
  /** The HTTP(S) server that answers every connection, whichever socket accepted it. */
  server: ServerType;
  /** Stops accepting on every socket; the callback runs once the last connection has closed. */
  close(callback?: () => void): void;
}

export function listen(
  config: Pick<ServerConfig, 'host' | 'port' | 'tls'>,
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  onListening: (url: string) => void,
  onError: (error: NodeJS.ErrnoException) => void,
): Listening {
  const tls = config.tls && { cert: readPem('FEDCHECK_TLS_CERT', config.tls.certFile), key: readPem('FEDCHECK_TLS_KEY', config.tls.keyFile) };
  const scheme = tls ? 'https' : 'http';
  const server = createAdaptorServer({ fetch, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) });
  // The server listens itself (which also starts its tracking of connections and timeouts);
  // the further sockets hand what they accept to it.
  const further: net.Server[] = [];
  const listening: Listening = { server, close: (callback) => closeAll([server, ...further], callback) };

  // The port is first taken alone, so that a port in use (also by another fedcheck, whose
  // sockets would otherwise share it) is an error as before; then the group takes it.
  const alone = net.createServer();
  alone.once('error', onError);
  alone.listen({ port: config.port, host: config.host }, () => {
    const { port } = alone.address() as AddressInfo;
    alone.close(() => {
      const options = { port, host: config.host, reusePort: LISTENERS > 1 };
      server.on('error', onError);
      server.listen(options, () => {
        const info = server.address() as AddressInfo;
        for (let index = 1; index < LISTENERS; index++) {
          const socket = net.createServer(ACCEPT_OPTIONS, (connection) => server.emit('connection', connection));
          // A further socket only adds accepts per turn: without it the server still listens.
          socket.once('error', () => further.splice(further.indexOf(socket), 1));
          socket.listen(options);
          further.push(socket);
        }
        onListening(`${scheme}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}/`);
      });
    });
  });
  return listening;
}

/** Each socket's close waits for the connections it accepted; the server closes idle ones. */
function closeAll(sockets: net.Server[], callback?: () => void): void {
  let open = sockets.length;
  for (const socket of sockets) socket.close(() => --open === 0 && callback?.());
}

function readPem(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${variable}=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
}
