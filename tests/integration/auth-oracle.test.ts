// matrix-js-sdk as the oracle for sign-in: for every sign-in row of the rig, the SDK's own
// discovery and validation (MatrixClient#getAuthMetadata: GET /_matrix/client/v1/auth_metadata,
// then isValidAuthMetadata, as Element Web runs them before signing in) and fedcheck's auth
// verdict must agree: the SDK accepts ↔ no auth finding fails; the SDK finds nothing (404)
// ↔ fedcheck reports no OAuth or only an older endpoint, never a failure.
import { Resolver } from 'node:dns/promises';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ConnectionError, createClient, MatrixError } from 'matrix-js-sdk';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import { runCheck } from '../../src/checker/check.ts';

const rig = inject('rig');
// Patient: other suites may load the machine, and a lost answer is not the SDK's verdict.
const resolver = new Resolver({ timeout: 5000, tries: 3 });
resolver.setServers([rig.dns.server]);

/** Node's https with the rig's DNS; the rig CA is trusted through NODE_EXTRA_CA_CERTS. */
const rigLookup: LookupFunction = (hostname, options, callback) => {
  resolver.resolve4(hostname).then(
    (addresses) => (options.all ? callback(null, addresses.map((address) => ({ address, family: 4 }))) : callback(null, addresses[0]!, 4)),
    (error: NodeJS.ErrnoException) => callback(error, '', 4),
  );
};

/** The fetch the SDK calls (`fetchFn`): a plain GET/OPTIONS over node:https. */
function rigFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const req = request(url, { method: init.method ?? 'GET', headers, lookup: rigLookup }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

type SdkOutcome = 'accepted' | 'not-offered' | 'refused';

async function sdkOutcome(baseUrl: string): Promise<{ outcome: SdkOutcome; reason: string }> {
  const client = createClient({ baseUrl, fetchFn: rigFetch as typeof fetch });
  try {
    const metadata = await client.getAuthMetadata();
    return { outcome: 'accepted', reason: `issuer ${metadata.issuer}` };
  } catch (error) {
    // Not reaching the rig says nothing about the metadata: the comparison cannot be made.
    if (error instanceof ConnectionError) throw new Error(`matrix-js-sdk could not reach ${baseUrl}: ${error.message}`);
    if (error instanceof MatrixError && error.httpStatus === 404) return { outcome: 'not-offered', reason: error.message };
    return { outcome: 'refused', reason: (error as Error).message };
  } finally {
    client.stopClient();
  }
}

describe('matrix-js-sdk and fedcheck agree on every sign-in row', () => {
  const rows = rig.scenarios.filter((s) => s.enabled && s.expect.areas?.auth !== undefined);
  const seen = new Set<SdkOutcome>();
  // The comparison means something only if the rows make the SDK accept, refuse and find nothing.
  afterAll(() => expect([...seen].sort()).toEqual(['accepted', 'not-offered', 'refused']));

  for (const row of rows) {
    it.concurrent(row.id, async () => {
      const report = await runCheck(row.serverName, {
        ...createNodeAdapters({ dnsServers: [rig.dns.server], allowPrivate: true }),
        clock: { now: () => Date.now() },
        source: 'cli',
        allowPrivateAddresses: true,
      });
      const auth = report.checks.filter((finding) => finding.id.startsWith('auth.'));
      const fails = auth.filter((finding) => finding.status === 'fail').map((finding) => `${finding.id}: ${finding.detail}`);
      // The SDK asks the client base URL that fedcheck found through the client .well-known.
      const metadataUrl = report.steps.find((step) => step.id === 'auth-stable')!.requests[0]!.url;
      const sdk = await sdkOutcome(metadataUrl.replace('/_matrix/client/v1/auth_metadata', ''));
      seen.add(sdk.outcome);
      const context = JSON.stringify({ sdk, auth: auth.map((finding) => `${finding.status} ${finding.id}: ${finding.detail}`) }, null, 1);
      if (sdk.outcome === 'refused') expect(fails, context).not.toEqual([]);
      else expect(fails, context).toEqual([]);
      if (sdk.outcome === 'not-offered') expect(['info', 'warn'], context).toContain(auth.find((finding) => finding.id === 'auth.metadata')!.status);
      if (sdk.outcome === 'accepted') expect(auth.find((finding) => finding.id === 'auth.metadata.fields')!.status, context).toBe('pass');
    });
  }
});
