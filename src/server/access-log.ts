// One line per request: time, client, request line, status, duration.
import type { MiddlewareHandler } from 'hono';
import { clientAddress } from './client.ts';

export function accessLog(write: (line: string) => void, trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const url = new URL(c.req.url);
    const ms = Math.round(performance.now() - started);
    write(`${new Date().toISOString()} ${clientAddress(c, trustProxy)} "${c.req.method} ${url.pathname}${url.search}" ${c.res.status} ${ms}ms`);
  };
}
