// Who is asking: the socket's peer, or behind a reverse proxy we run, the address that
// proxy saw (the last X-Forwarded-For entry; earlier entries are the client's own claims).
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded && net.isIP(forwarded)) return forwarded;
  }
  return getConnInfo(c).remote.address ?? 'unknown';
}

/** Rate-limit key: an IPv6 client gets its whole /64, which one subscriber usually holds. */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes IPv4
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
