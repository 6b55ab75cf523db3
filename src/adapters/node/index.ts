// The Node adapters as one set, configured the way the proxy and the CLI both need them.
import type { ConnectionTesting } from '../../checker/check.ts';
import { knownFeatureTable, type KnownFeature } from '../../checker/evidence.ts';
import type { DnsClient, HttpClient } from '../../checker/interfaces.ts';
import knownFeatures from '../../../public/unstable-features.json' with { type: 'json' };
import { connectionTesting } from '../../checker/probing.ts';
import { createAddressPolicy } from './address-policy.ts';
import { createNodeDnsClient } from './dns.ts';
import { createNodeHttpClient } from './http.ts';
import { createNodeProber } from './prober.ts';

export interface NodeAdapterOptions {
  /** FEDCHECK_DNS_SERVERS; empty means the system resolvers. */
  dnsServers: string[];
  /** FEDCHECK_ALLOW_PRIVATE: connect to non-public addresses too (test rigs, LANs). */
  allowPrivate: boolean;
  /** Extra trusted CAs (PEM) on top of the system store and NODE_EXTRA_CA_CERTS. */
  extraCa?: string[];
}

export interface NodeAdapters {
  dns: DnsClient;
  http: HttpClient;
  /** The prober with the checks that judge what it saw. */
  connections: ConnectionTesting;
  /** Names for unstable feature flags (public/unstable-features.json). */
  knownFeatures?: readonly KnownFeature[];
}

export function createNodeAdapters(options: NodeAdapterOptions): NodeAdapters {
  const policy = createAddressPolicy({ allowPrivate: options.allowPrivate });
  const dns = createNodeDnsClient({ servers: options.dnsServers });
  return {
    dns,
    http: createNodeHttpClient({ dns, policy, extraCa: options.extraCa }),
    connections: connectionTesting(createNodeProber({ policy, extraCa: options.extraCa })),
    knownFeatures: knownFeatureTable(knownFeatures),
  };
}
