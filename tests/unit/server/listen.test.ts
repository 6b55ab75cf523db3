import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../src/server/listen.ts';

const answer = () => new Response('ok');

function started(port = 0): Promise<Listening & { url: string }> {
  return new Promise((resolve, reject) => {
    const listening = listen({ host: '127.0.0.1', port }, answer, (url) => resolve({ ...listening, url }), reject);
  });
}

describe('listen', () => {
  it('serves HTTP on the port it reports, and closes', async () => {
    const { url, close } = await started();
    expect(await (await fetch(url)).text()).toBe('ok');
    await new Promise<void>((resolve) => close(resolve));
    await expect(fetch(url)).rejects.toThrow();
  });

  it.runIf(process.platform === 'linux')('accepts several waiting connections in one event-loop turn', async () => {
    const { server, close, url } = await started();
    let turn = 0;
    let turning = true;
    const nextTurn = () => {
      turn++;
      if (turning) setImmediate(nextTurn);
    };
    nextTurn();
    const acceptedIn: number[] = [];
    server.on('connection', () => acceptedIn.push(turn));
    const clients = Array.from({ length: 16 }, () => net.connect(Number(new URL(url).port), '127.0.0.1'));
    await Promise.all(clients.map((client) => once(client, 'connect')));
    while (acceptedIn.length < clients.length) await new Promise((resolve) => setTimeout(resolve, 10));
    turning = false;
    for (const client of clients) client.destroy();
    await new Promise<void>((resolve) => close(resolve));
    // One listening socket accepts one connection per turn: 16 would take 16 turns.
    const perTurn = acceptedIn.reduce((counts, at) => counts.set(at, (counts.get(at) ?? 0) + 1), new Map<number, number>());
    expect(Math.max(...perTurn.values())).toBeGreaterThan(1);
  });

  // Node's own setting on a socket: no public getter says whether Nagle is off.
  const noDelay = (socket: net.Socket) => socket[Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kSetNoDelay')! as keyof net.Socket];

  it('sets up every connection as the HTTP server does, whichever socket accepted it: Nagle off, half-open allowed', async () => {
    const { server, close, url } = await started();
    const accepted: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => accepted.push(socket));
    // Enough connections that the kernel spreads them over all the listening sockets.
    const clients = Array.from({ length: 48 }, () => net.connect(Number(new URL(url).port), '127.0.0.1'));
    await Promise.all(clients.map((client) => once(client, 'connect')));
    while (accepted.length < clients.length) await new Promise((resolve) => setTimeout(resolve, 10));
    const setUp = accepted.map((socket) => ({ noDelay: noDelay(socket), allowHalfOpen: socket.allowHalfOpen }));
    for (const client of clients) client.destroy();
    await new Promise<void>((resolve) => close(resolve));
    expect(setUp).toEqual(accepted.map(() => ({ noDelay: true, allowHalfOpen: true })));
  });

  it('reports a port in use, also when another fedcheck listens there', async () => {
    const first = await started();
    const port = Number(new URL(first.url).port);
    await expect(started(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise<void>((resolve) => first.close(resolve));
  });
});
