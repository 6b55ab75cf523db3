// startRig(): real DNS (knot x2), DoH (dnsdist + ours), HTTPS (nginx) and a Node helper
// on loopback, generated from scenarios.ts. Every process is tracked and stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dnsdistConf,
  hostMap,
  hostPort,
  hostResolverRules,
  innerPort,
  knotConf,
  makeLayout,
  nginxConf,
  resolveScenarios,
  unboundConf,
  unsignedZones,
  zoneFile,
  type Layout,
  type ResolvedScenario,
} from './build.ts';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { obtainCertificates, type CertRequest } from './certs.ts';
import type { HelperConfig } from './helper.ts';
import { makeKeysResponse } from './keys.ts';
import type { NotaryConfig } from './notary.ts';
import { identityNames, infraHosts, scenarios as defaultScenarios, type Scenario } from './scenarios.ts';
import { loadSigningKey } from '../../src/server/identity.ts';

export const RIG_DIR = dirname(fileURLToPath(import.meta.url));
export const RUN_ROOT = join(RIG_DIR, '.run');
export const MAX_SLOTS = 10;

export interface RigOptions {
  /** Delay every DNS and HTTP(S) answer by this many ms (forwarders in front of each server). */
  latencyMs?: number;
  /** Force a slot (0 = 127.0.1.x/127.0.2.x, DNS 5300); default: the first free one. */
  slot?: number;
  /** 'cli': processes outlive this process (slot 0 also writes .run/state.json). Default 'process'. */
  mode?: 'process' | 'cli';
  scenarios?: Scenario[];
  /** Make a new CA and leaves even if an identical set from an earlier start exists (env FEDCHECK_RIG_FRESH_CA=1). */
  freshCa?: boolean;
  log?: (msg: string) => void;
}

export interface RigState {
  version: 1;
  slot: number;
  mode: 'process' | 'cli';
  runDir: string;
  stateFile: string;
  startedAt: string;
  /** Wall time of startRig, ms. */
  startupMs: number;
  /** ms since start at which each phase ended (prepared, ca, certs, configs, ready). */
  timings: Record<string, number>;
  latencyMs: number;
  net: { scenarios: string; infra: string };
  dns: {
    /** knot, zone a: for node:dns Resolver#setServers / FEDCHECK_DNS_SERVERS. */
    server: string;
    /** knot, zone b: differs from a only on the split-dns row. */
    alt: string;
    /** Accepts UDP/TCP queries and never answers (resolver timeouts). */
    blackhole: string;
    /** unbound, validating: fed.test (zone a) is signed and its key is unbound's trust anchor. */
    validating: string;
    zone: 'fed.test';
  };
  doh: {
    /** RFC 8484 wire GET/POST, dnsdist -> zone a. */
    wire: string;
    /** JSON API (?name=&type=) -> zone a; also answers ?dns= wire. */
    json: string;
    /** Ours -> zone b (the resolver that disagrees on split-dns). */
    altJson: string;
    altWire: string;
  };
  ca: {
    /** Root PEM: NODE_EXTRA_CA_CERTS, `ca:` option, certutil. */
    root: string;
    intermediate: string;
    dir: string;
    /** The CA and leaves of an earlier start were reused (same table, < 14 days old). */
    reused: boolean;
  };
  /**
   * fedcheck's own identity for outgoing tests: a test's proxy serves `names.v4:<its port>`
   * on `address` (or `names.v6` on ::1) with TLS from `chainFile`/`keyFile`, and signs with
   * (a copy of) `signingKeyFile`, which the from-cache notary also knows.
   */
  identity: { names: typeof identityNames; address: string; chainFile: string; keyFile: string; signingKeyFile: string; v6: boolean };
  /** HOME for Chromium: $HOME/.pki/nssdb trusts the root. */
  nss: { home: string; db: string };
  /** Chromium --host-resolver-rules value. */
  hostResolverRules: string;
  /** Every rig name -> its addresses (zone a). */
  hosts: Record<string, string[]>;
  /** Environment for processes that should use the rig. */
  env: Record<string, string>;
  scenarios: ResolvedScenario[];
  pids: Record<string, number>;
  logs: string;
}

export interface Rig {
  state: RigState;
  stop(): Promise<void>;
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** A process's command line, arguments joined by spaces ('' once it is gone). */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Stop the given processes: SIGTERM, wait, SIGKILL. Resolves when all are gone. */
export async function stopPids(pids: number[], timeoutMs = 3000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(10);
  for (const pid of pids.filter(pidAlive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  while (pids.some(pidAlive) && Date.now() < deadline + 2000) await sleep(10);
}

// ------------------------------------------------------------------ slots

interface LockInfo {
  ownerPid: number;
  mode: 'process' | 'cli';
  runDir: string;
  pids: number[];
}

const lockDir = (slot: number) => join(RUN_ROOT, `slot-${slot}.lock`);

function readLock(slot: number): LockInfo | null {
  try {
    return JSON.parse(readFileSync(join(lockDir(slot), 'owner.json'), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

function writeLock(slot: number, info: LockInfo) {
  writeFileSync(join(lockDir(slot), 'owner.json'), JSON.stringify(info));
}

/** Take a slot: atomic mkdir; a stale lock (owner dead, or CLI rig whose processes are gone) is cleaned up. */
async function acquireSlot(wanted: number | undefined, mode: 'process' | 'cli'): Promise<number> {
  mkdirSync(RUN_ROOT, { recursive: true });
  const candidates = wanted === undefined ? [...Array(MAX_SLOTS).keys()] : [wanted];
  for (const slot of candidates) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        mkdirSync(lockDir(slot));
        // Locks live in this checkout; a rig of another checkout on the same machine shows
        // only as its DNS port being taken.
        if (wanted === undefined && !(await udpPortFree('127.0.0.1', makeLayout(slot, 0, '').dnsA))) {
          releaseSlot(slot);
          break;
        }
        writeLock(slot, { ownerPid: process.pid, mode, runDir: join(RUN_ROOT, `slot-${slot}`), pids: [] });
        return slot;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const info = readLock(slot);
      if (!info) {
        // Being created right now, or garbage: only treat as stale if old.
        await sleep(50);
        if (readLock(slot)) continue;
        rmSync(lockDir(slot), { recursive: true, force: true });
        continue;
      }
      const ownerAlive = info.ownerPid !== process.pid && pidAlive(info.ownerPid);
      const livePids = info.pids.filter((p) => pidAlive(p) && cmdlineOf(p).includes(info.runDir));
      const inUse = ownerAlive || (info.mode === 'cli' && livePids.length > 0);
      if (inUse) break;
      await stopPids(livePids); // leftovers of a crashed test run
      rmSync(lockDir(slot), { recursive: true, force: true });
    }
  }
  throw new Error(
    wanted === undefined
      ? `fedcheck rig: all ${MAX_SLOTS} slots are busy (see ${RUN_ROOT}/slot-*.lock)`
      : `fedcheck rig: slot ${wanted} is in use (run "npm run rig -- stop" or pick another slot)`,
  );
}

function udpPortFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
}

function releaseSlot(slot: number) {
  rmSync(lockDir(slot), { recursive: true, force: true });
}

// ------------------------------------------------------------------ readiness

/** The zone's key-signing key (DNSKEY flags 257) as a trust-anchor line, once the zone is signed. */
function signingKey(address: string, port: number, zone: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (line: string | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(line);
    };
    const timer = setTimeout(() => done(undefined), 500);
    socket.on('error', () => done(undefined));
    socket.on('message', (message) => {
      const answer = dnsPacket.decode(message).answers?.find((record) => record.type === 'DNSKEY' && record.data.flags === 257);
      if (answer?.type !== 'DNSKEY') return done(undefined);
      const { flags, algorithm, key } = answer.data;
      done(`${zone}. 3600 IN DNSKEY ${flags} 3 ${algorithm} ${Buffer.from(key).toString('base64')}\n`);
    });
    socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'DNSKEY', name: zone }] }), port, address);
  });
}

function tcpReady(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, proc: Proc | undefined, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode}) before ${what} was ready:\n${tail(proc.log)}`);
    }
    if (await check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}${proc ? `\n${tail(proc.log)}` : ''}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Can we listen on ::1? (Docker can run with IPv6 disabled on lo.) */
function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(0, '::1', () => srv.close(() => resolve(true)));
  });
}

// ------------------------------------------------------------------ start

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const latencyMs = options.latencyMs ?? 0;
  const mode = options.mode ?? 'process';
  const log = options.log ?? (() => {});
  const slot = await acquireSlot(options.slot, mode);
  const runDir = join(RUN_ROOT, `slot-${slot}`);
  const procs: Proc[] = [];
  const record = () => {
    const info = readLock(slot);
    if (info) writeLock(slot, { ...info, pids: procs.map((p) => p.child.pid!).filter(Boolean) });
  };
  const stopAll = async () => {
    await stopPids(procs.map((p) => p.child.pid!).filter(Boolean));
    releaseSlot(slot);
  };

  try {
    await rm(runDir, { recursive: true, force: true });
    const logs = join(runDir, 'logs');
    const www = join(runDir, 'www');
    await Promise.all(
      [logs, www, join(runDir, 'knot-a', 'db'), join(runDir, 'knot-b', 'db'), join(runDir, 'zones-a'), join(runDir, 'zones-b'), join(runDir, 'nginx-tmp'), join(runDir, 'home')].map(
        (d) => mkdir(d, { recursive: true }),
      ),
    );
    const l: Layout = makeLayout(slot, latencyMs, runDir, await ipv6Loopback());
    const now = Date.now();
    const resolved = resolveScenarios(options.scenarios ?? defaultScenarios, l, (name, variant) => makeKeysResponse(name, variant, now));

    // knot needs no certificates: start it while the CA works.
    const start = (name: string, cmd: string, args: string[]): Proc => {
      const logFile = join(logs, `${name}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(cmd, args, {
        cwd: runDir,
        detached: true,
        stdio: ['ignore', name === 'helper' || name === 'notary' ? 'pipe' : fd, fd],
        env: { ...process.env, HOME: join(runDir, 'home') },
      });
      closeSync(fd);
      child.on('error', () => {});
      const p = { name, child, log: logFile };
      procs.push(p);
      return p;
    };
    const servfailZones = resolved.filter((s) => s.enabled).flatMap((s) => s.servfail);
    const unsigned = unsignedZones(resolved);
    await Promise.all([
      ...(['a', 'b'] as const).flatMap((zone) =>
        ['fed.test', ...unsigned].map((origin) => writeFile(join(runDir, `zones-${zone}`, `${origin}.zone`), zoneFile(resolved, zone, l, origin))),
      ),
      // Zone a is signed (knot's automatic DNSSEC signing), for the validating resolver.
      writeFile(join(runDir, 'knot-a.conf'), knotConf(join(runDir, 'knot-a'), l.knotA, join(runDir, 'zones-a'), servfailZones, unsigned, true)),
      writeFile(join(runDir, 'knot-b.conf'), knotConf(join(runDir, 'knot-b'), l.knotB, join(runDir, 'zones-b'), servfailZones, unsigned, false)),
    ]);
    const knotA = start('knot-a', 'knotd', ['-c', join(runDir, 'knot-a.conf')]);
    const knotB = start('knot-b', 'knotd', ['-c', join(runDir, 'knot-b.conf')]);
    record();

    // Certificates: one per distinct (kind, names); plus the DoH servers' certificate.
    const mark = (what: string) => (timings[what] = Math.round(performance.now() - t0));
    mark('prepared');
    const hosts = resolved.filter((s) => s.enabled).flatMap((s) => s.hosts);
    const reqs = new Map<string, CertRequest>();
    const keyOf = (r: CertRequest) => `${r.kind}|${r.names.join(',')}`;
    for (const h of hosts) if (h.cert) reqs.set(keyOf(h.cert), { kind: h.cert.kind, names: h.cert.names });
    const infraNames = [...Object.keys(infraHosts), identityNames.v6];
    const dohNames = Object.keys(infraHosts).filter((name) => name !== identityNames.v4);
    reqs.set(keyOf({ kind: 'good', names: infraNames }), { kind: 'good', names: infraNames });
    const reqList = [...reqs.values()];
    const certs = await obtainCertificates(join(RUN_ROOT, 'certs', `slot-${slot}`), `slot ${slot}`, reqList, options.freshCa ?? process.env.FEDCHECK_RIG_FRESH_CA === '1');
    const issued = certs.issued;
    mark('certs');
    const byKey = new Map(reqList.map((r, i) => [keyOf(r), issued[i]!]));
    for (const h of hosts) {
      if (!h.cert) continue;
      const c = byKey.get(keyOf(h.cert))!;
      h.cert.chainFile = c.chainFile;
      h.cert.keyFile = c.keyFile;
    }
    const dohCert = byKey.get(keyOf({ kind: 'good', names: infraNames }))!;

    // Bodies, zones, configs.
    const bodyFile = (h: { id: string }, i: number) => join(www, `${h.id}.${i}.body`);
    const writes: Promise<void>[] = [];
    for (const h of hosts) h.routes.forEach((r, i) => r.body !== undefined && writes.push(writeFile(bodyFile(h, i), r.body)));
    writes.push(writeFile(join(runDir, 'nginx.conf'), nginxConf(resolved, l, bodyFile)));
    writes.push(writeFile(join(runDir, 'dnsdist.conf'), dnsdistConf(l, dohCert.chainFile, dohCert.keyFile)));
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) writes.push(mkdir(join(runDir, 'nginx-tmp', d), { recursive: true }).then(() => {}));

    const infra = (name: keyof typeof infraHosts) => `${l.infraNet}.${infraHosts[name]}`;
    const helperCfg: HelperConfig = {
      doh: [
        { name: 'doh-json.fed.test', address: infra('doh-json.fed.test'), port: innerPort(l, 443), chainFile: dohCert.chainFile, keyFile: dohCert.keyFile, upstream: { address: '127.0.0.1', port: l.knotA } },
        { name: 'doh-alt.fed.test', address: infra('doh-alt.fed.test'), port: innerPort(l, 443), chainFile: dohCert.chainFile, keyFile: dohCert.keyFile, upstream: { address: '127.0.0.1', port: l.knotB } },
      ],
      tarpits: hosts.filter((h) => h.tarpit).flatMap((h) => h.ports.map((port) => ({ address: h.address, port }))),
      blackholes: [{ address: '127.0.0.1', port: l.dnsBlackhole }],
      forwarders: [],
    };
    // Every listening socket a client talks to: (address, port).
    const httpSockets = new Map<string, { address: string; port: number }>();
    for (const h of hosts) if (!h.tarpit) for (const port of h.ports) httpSockets.set(hostPort(h.address, port), { address: h.address, port });
    const dohSockets = dohNames.map((n) => ({ address: infra(n as keyof typeof infraHosts), port: 443 }));
    if (latencyMs > 0) {
      for (const s of [...httpSockets.values(), ...dohSockets]) {
        helperCfg.forwarders.push({ proto: 'tcp', address: s.address, port: s.port, targetPort: innerPort(l, s.port), delayMs: latencyMs });
      }
      for (const [pub, inner] of [[l.dnsA, l.knotA], [l.dnsB, l.knotB]] as const) {
        helperCfg.forwarders.push({ proto: 'udp', address: '127.0.0.1', port: pub, targetPort: inner, delayMs: latencyMs });
        helperCfg.forwarders.push({ proto: 'tcp', address: '127.0.0.1', port: pub, targetPort: inner, delayMs: latencyMs });
      }
    }
    writes.push(writeFile(join(runDir, 'helper.json'), JSON.stringify(helperCfg, null, 1)));
    const signingKeyFile = join(runDir, 'fedcheck-signing.key');
    loadSigningKey(signingKeyFile);
    const notaryCfg: NotaryConfig = {
      dnsServer: `127.0.0.1:${l.dnsA}`,
      caFile: certs.rootFile,
      fedcheckKeyFile: signingKeyFile,
      notaries: resolved
        .filter((s) => s.enabled)
        .flatMap((s) =>
          s.hosts.flatMap((h) =>
            h.notary && h.cert
              ? h.ports.map((port) => ({ serverName: s.serverName, variant: h.notary!, address: h.address, port: innerPort(l, port), chainFile: h.cert!.chainFile!, keyFile: h.cert!.keyFile! }))
              : [],
          ),
        ),
    };
    writes.push(writeFile(join(runDir, 'notary.json'), JSON.stringify(notaryCfg, null, 1)));
    await Promise.all(writes);
    mark('configs');

    // Processes.
    const nginx = start('nginx', 'nginx', ['-c', join(runDir, 'nginx.conf'), '-p', runDir, '-e', join(logs, 'nginx-error.log')]);
    const dnsdist = start('dnsdist', 'dnsdist', ['--supervised', '--disable-syslog', '-C', join(runDir, 'dnsdist.conf')]);
    const helper = start('helper', process.execPath, [join(RIG_DIR, 'helper.ts'), join(runDir, 'helper.json')]);
    const notary = start('notary', process.execPath, [join(RIG_DIR, 'notary.ts'), join(runDir, 'notary.json')]);
    record();

    const said = (proc: Proc) => {
      let ready = false;
      proc.child.stdout!.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) ready = true;
      });
      return async () => ready;
    };
    const helperReady = said(helper);
    const notaryReady = said(notary);
    const firstHttp = [...httpSockets.values()][0];
    await Promise.all([
      waitFor('knot a', knotA, () => tcpReady('127.0.0.1', l.knotA)),
      waitFor('knot b', knotB, () => tcpReady('127.0.0.1', l.knotB)),
      waitFor('nginx', nginx, async () => (firstHttp ? tcpReady(firstHttp.address, innerPort(l, firstHttp.port)) : true)),
      waitFor('dnsdist', dnsdist, () => tcpReady(infra('doh.fed.test'), innerPort(l, 443))),
      waitFor('helper', helper, helperReady),
      waitFor('notary', notary, notaryReady),
    ]);
    // unbound needs fed.test's key, which knot made when it signed the zone.
    const trustAnchorFile = join(runDir, 'fed.test.trust-anchor');
    let anchor: string | undefined;
    await waitFor('knot a to sign fed.test', knotA, async () => (anchor = await signingKey('127.0.0.1', l.knotA, 'fed.test')) !== undefined);
    await writeFile(trustAnchorFile, anchor!);
    await writeFile(join(runDir, 'unbound.conf'), unboundConf(runDir, l, trustAnchorFile));
    const unbound = start('unbound', 'unbound', ['-d', '-c', join(runDir, 'unbound.conf')]);
    record();
    await waitFor('unbound', unbound, () => tcpReady('127.0.0.1', l.dnsValidating));
    mark('ready');
    helper.child.stdout!.destroy();
    notary.child.stdout!.destroy();
    if (mode === 'cli') for (const p of procs) p.child.unref();

    const map = hostMap(resolved, l);
    const stateFile = join(runDir, 'state.json');
    const state: RigState = {
      version: 1,
      slot,
      mode,
      runDir,
      stateFile,
      startedAt: new Date().toISOString(),
      startupMs: 0,
      timings: {},
      latencyMs,
      net: { scenarios: l.net, infra: l.infraNet },
      dns: {
        server: `127.0.0.1:${l.dnsA}`,
        alt: `127.0.0.1:${l.dnsB}`,
        blackhole: `127.0.0.1:${l.dnsBlackhole}`,
        validating: `127.0.0.1:${l.dnsValidating}`,
        zone: 'fed.test',
      },
      doh: {
        wire: 'https://doh.fed.test/dns-query',
        json: 'https://doh-json.fed.test/resolve',
        altJson: 'https://doh-alt.fed.test/resolve',
        altWire: 'https://doh-alt.fed.test/dns-query',
      },
      identity: { names: identityNames, address: infra(identityNames.v4), chainFile: dohCert.chainFile, keyFile: dohCert.keyFile, signingKeyFile, v6: l.ipv6 },
      ca: { root: certs.rootFile, intermediate: certs.intermediateFile, dir: certs.dir, reused: certs.cached },
      nss: { home: certs.nssHome, db: certs.nssDb },
      hostResolverRules: hostResolverRules(map),
      hosts: map,
      env: {
        NODE_EXTRA_CA_CERTS: certs.rootFile,
        FEDCHECK_DNS_SERVERS: `127.0.0.1:${l.dnsA}`,
        FEDCHECK_RIG_STATE: stateFile,
      },
      scenarios: resolved,
      pids: Object.fromEntries(procs.map((p) => [p.name, p.child.pid!])),
      logs,
    };
    state.startupMs = Math.round(performance.now() - t0);
    state.timings = timings;
    const json = JSON.stringify(state, null, 1);
    writeFileSync(stateFile, json);
    if (mode === 'cli' && slot === 0) writeFileSync(join(RUN_ROOT, 'state.json'), json);
    log(`fedcheck rig: slot ${slot}, ${resolved.length} scenarios, up in ${state.startupMs} ms ${JSON.stringify(timings)}`);

    let stopped: Promise<void> | undefined;
    return {
      state,
      stop: () => (stopped ??= stopAll().then(() => {
        if (mode === 'cli' && slot === 0) rmSync(join(RUN_ROOT, 'state.json'), { force: true });
      })),
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Stop a rig from its state (another process started it, e.g. `cli start`). */
export async function stopRigFromState(state: Pick<RigState, 'pids' | 'slot' | 'runDir'>, opts: { force?: boolean } = {}): Promise<void> {
  const lock = readLock(state.slot);
  if (lock && lock.mode !== 'cli' && pidAlive(lock.ownerPid) && !opts.force) {
    throw new Error(`slot ${state.slot} belongs to a running test process (pid ${lock.ownerPid}); not stopping it`);
  }
  const pids = Object.values(state.pids).filter((p) => pidAlive(p) && cmdlineOf(p).includes(state.runDir));
  await stopPids(pids);
  const now = readLock(state.slot);
  if (!now || now.pids.every((p) => Object.values(state.pids).includes(p))) releaseSlot(state.slot);
  if (state.slot === 0) rmSync(join(RUN_ROOT, 'state.json'), { force: true });
}

/** The state file of a slot (`.run/slot-N/state.json`), or `.run/state.json` (the CLI rig in slot 0). */
export const stateFileOf = (slot?: number) => (slot === undefined ? join(RUN_ROOT, 'state.json') : join(RUN_ROOT, `slot-${slot}`, 'state.json'));

export function readState(file = join(RUN_ROOT, 'state.json')): RigState | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RigState) : null;
}
