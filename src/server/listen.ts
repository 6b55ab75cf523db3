// One listening server for the Hono app: plain HTTP behind a reverse proxy, or HTTPS with
// FEDCHECK_TLS_CERT/FEDCHECK_TLS_KEY when peers reach fedcheck's own name directly. Shared by
// `npm start` and the CLI (which listens only while an outgoing test may be fetched from).
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, type ServerConfig } from './config.ts';

export function listen(config: Pick<ServerConfig, 'host' | 'port' | 'tls'>, fetch: (request: Request, env: unknown) => Response | Promise<Response>, onListening?: (url: string) => void): ServerType {
  const tls = config.tls && { cert: readPem('FEDCHECK_TLS_CERT', config.tls.certFile), key: readPem('FEDCHECK_TLS_KEY', config.tls.keyFile) };
  const scheme = tls ? 'https' : 'http';
  return serve(
    { fetch, hostname: config.host, port: config.port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) },
    (info: AddressInfo) => onListening?.(`${scheme}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}/`),
  );
}

function readPem(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${variable}=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
}
