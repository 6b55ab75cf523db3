// The proxy app on a real loopback socket, for tests that go through HTTP like a browser
// or a monitoring script would.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createNodeAdapters, type NodeAdapters } from '../../../../src/adapters/node/index.ts';
import type { Report } from '../../../../src/checker/report.ts';
import { createApp } from '../../../../src/server/app.ts';
import { loadConfig, type ServerConfig } from '../../../../src/server/config.ts';
import { createIdentity, type Identity } from '../../../../src/server/identity.ts';
import type { RigState } from '../../../rig/rig.ts';

/** Where the proxy's own federation identity is served: HTTPS on `address`, a port of its own. */
export interface IdentityListener {
  /** The name's host part; the server name is `${host}:${port}`. */
  host: string;
  address: string;
  chainFile: string;
  keyFile: string;
  signingKeyFile: string;
}

export interface RunningProxy {
  url: string;
  /** With an identity listener: fedcheck's server name, e.g. fedcheck.fed.test:41234. */
  identity?: Identity;
  log: string[];
  /** GET /api/v1/report; `from` binds the client socket to that loopback address. */
  report(serverName: string, from?: string): Promise<{ status: number; headers: Headers; body: Report & { error?: { code: string; message: string } } }>;
  close(): Promise<void>;
}

export async function startProxy(config: Partial<ServerConfig>, adapters: NodeAdapters, identityAt?: IdentityListener): Promise<RunningProxy> {
  const log: string[] = [];
  // The identity's name carries the HTTPS port, known once that server listens.
  let handle: (request: Request, env: unknown) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  let identity: Identity | undefined;
  let identityServer: ServerType | undefined;
  if (identityAt) {
    identityServer = serve({
      fetch: (request, env) => handle(request, env),
      hostname: identityAt.address,
      port: 0,
      createServer: createHttpsServer,
      serverOptions: { cert: readFileSync(identityAt.chainFile), key: readFileSync(identityAt.keyFile) },
    });
    await new Promise((resolve) => identityServer!.once('listening', resolve));
    const port = (identityServer.address() as AddressInfo).port;
    identity = createIdentity({ serverName: `${identityAt.host}:${port}`, keyFile: identityAt.signingKeyFile });
  }
  const app = createApp({ config: { ...loadConfig({}), ...config }, adapters, identity: identity ?? null, log: (line) => log.push(line) });
  handle = app.fetch;
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    identity,
    log,
    async report(serverName, from) {
      const { request } = await import('node:http');
      return new Promise((resolve, reject) => {
        const req = request(`${url}/api/v1/report?server_name=${encodeURIComponent(serverName)}`, { localAddress: from, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
            resolve({ status: res.statusCode ?? 0, headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          });
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: async () => {
      for (const open of [server, identityServer]) {
        if (!open) continue;
        (open as import('node:http').Server).closeAllConnections();
        await new Promise<void>((resolve) => open.close(() => resolve()));
      }
    },
  };
}

/** The proxy on the rig: its DNS (or `dnsServer`), its CA trusted (or `extraCa`), private
 * addresses allowed, no rate limit. */
export function startRigProxy(
  rig: Pick<RigState, 'dns' | 'ca'>,
  config: Partial<ServerConfig> = {},
  { dnsServer = rig.dns.server, extraCa = [readFileSync(rig.ca.root, 'utf8')] }: { dnsServer?: string; extraCa?: string[] } = {},
): Promise<RunningProxy> {
  const adapters = createNodeAdapters({ dnsServers: [dnsServer], allowPrivate: true, extraCa });
  return startProxy({ dnsServers: [dnsServer], allowPrivate: true, rateLimit: null, ...config }, adapters);
}
