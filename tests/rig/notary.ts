// The rig's notary stand-in: a homeserver's key API as the outgoing federation test meets it.
// Started by rig.ts as `node tests/rig/notary.ts <config.json>`, one HTTPS listener per
// notary host; prints "ready" once all listen. On `POST /_matrix/key/v2/query` it resolves
// the queried name by the spec's rules through the rig's DNS (the checker core's discovery
// with the Node adapters), fetches `/_matrix/key/v2/server` over TLS trusting the rig's CA,
// from its own address, and answers with what it fetched, signed with its own key.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, type RequestOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkServerIdentity } from 'node:tls';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import { discover } from '../../src/checker/discovery.ts';
import { parseServerName } from '../../src/checker/server-name.ts';
import { createTrace } from '../../src/checker/trace.ts';
import { keysResponse, loadSigningKey, signJson, signingKeyFromSeed, type SigningKey } from '../../src/server/identity.ts';
import type { NotaryVariant } from './scenarios.ts';

export interface NotaryConfig {
  dnsServer: string;
  caFile: string;
  /** fedcheck's signing key as the tests' proxies use it: what the `from-cache` variant "cached". */
  fedcheckKeyFile: string;
  notaries: {
    serverName: string;
    variant: NotaryVariant;
    address: string;
    /** Where it listens (shifted when a latency forwarder sits in front). */
    port: number;
    chainFile: string;
    keyFile: string;
  }[];
}

const FETCH_TIMEOUT_MS = 5000;

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as NotaryConfig;
const ca = readFileSync(config.caFile, 'utf8');
const adapters = createNodeAdapters({ dnsServers: [config.dnsServer], allowPrivate: true, extraCa: [ca] });

type Notary = NotaryConfig['notaries'][number];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** GET https://<tls name>:<port>/_matrix/key/v2/server from `localAddress`, as a homeserver would. */
function fetchKeys(options: RequestOptions & { tlsName: string }): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...options,
        path: '/_matrix/key/v2/server',
        ca,
        agent: false,
        timeout: FETCH_TIMEOUT_MS,
        checkServerIdentity: (_host, cert) => checkServerIdentity(options.tlsName, cert),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The keys of `serverName` fetched the way the variant's network allows; null when it cannot. */
async function fetchFor(notary: Notary, serverName: string): Promise<Record<string, unknown> | null> {
  const parsed = parseServerName(serverName);
  if (!parsed.ok) return null;
  const clock = { now: () => Date.now() };
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  const discovery = await discover(parsed.name, { ...adapters, clock, trace: createTrace(clock), signal, requestTimeoutMs: FETCH_TIMEOUT_MS });
  const { resolution } = discovery;
  const ipv6Only = notary.variant === 'ipv6-only';
  for (const target of resolution.targets) {
    for (const address of target.addresses) {
      const v6 = address.includes(':');
      if (ipv6Only && !v6) continue;
      try {
        return await fetchKeys({
          host: address,
          port: target.port,
          servername: resolution.sni ?? '',
          tlsName: resolution.tlsName,
          headers: { host: resolution.hostHeader, 'user-agent': `fedcheck-rig-notary/${notary.variant}` },
          // The fetch leaves from the notary's own address, so a test can see whose it was.
          localAddress: v6 ? '::1' : notary.address,
        });
      } catch {
        /* the next address */
      }
    }
  }
  return null;
}

async function answerQuery(notary: Notary, key: SigningKey, body: string): Promise<Record<string, unknown>[]> {
  const query = JSON.parse(body) as { server_keys?: Record<string, unknown> };
  const names = Object.keys(query.server_keys ?? {});
  const answers: Record<string, unknown>[] = [];
  for (const name of names) {
    let fetched: Record<string, unknown> | null = null;
    if (notary.variant === 'from-cache') {
      // A copy from "before": fedcheck's key, a validity no fetch of this test can have made.
      fetched = keysResponse(name, loadSigningKey(config.fedcheckKeyFile, false), Date.now() - 3_600_000);
    } else if (notary.variant !== 'egress-blocked') {
      fetched = await fetchFor(notary, name).catch(() => null);
    }
    if (!fetched || fetched.server_name !== name) continue;
    let signed = signJson(fetched, notary.serverName, key);
    if (notary.variant === 'wrong-signature') {
      // A real signature by the notary's key, over other bytes.
      const other = signJson({ ...fetched, valid_until_ts: Number(fetched.valid_until_ts) + 1 }, notary.serverName, key);
      signed = { ...signed, signatures: { ...(signed.signatures as object), [notary.serverName]: (other.signatures as Record<string, unknown>)[notary.serverName] } };
    }
    answers.push(signed);
  }
  return answers;
}

function serve(notary: Notary): Promise<void> {
  const key = signingKeyFromSeed('ed25519:notary', randomBytes(32));
  const server = createServer({ cert: readFileSync(notary.chainFile), key: readFileSync(notary.keyFile) }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/_matrix/federation/v1/version') return json(res, 200, { server: { name: 'fedcheck-rig-notary', version: notary.variant } });
    if (req.method === 'GET' && path === '/_matrix/key/v2/server') return json(res, 200, keysResponse(notary.serverName, key, Date.now() + 86_400_000));
    if (req.method === 'POST' && path === '/_matrix/key/v2/query' && notary.variant !== 'refuses') {
      readBody(req)
        .then((body) => answerQuery(notary, key, body))
        .then(
          (serverKeys) => json(res, 200, { server_keys: serverKeys }),
          (error: Error) => json(res, 400, { errcode: 'M_BAD_JSON', error: error.message }),
        );
      return;
    }
    json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(notary.port, notary.address, () => resolve());
  });
}

await Promise.all(config.notaries.map(serve));
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
