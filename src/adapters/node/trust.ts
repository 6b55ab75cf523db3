// The certificates a server must chain to: Node's bundled Mozilla roots plus
// NODE_EXTRA_CA_CERTS (tls.getCACertificates('default')), the operating system's store
// (the spec asks to "rely on the operating system's judgement"), and any extra CAs a
// caller passes, e.g. a test rig's CA.
import tls from 'node:tls';

let baseline: string[] | undefined;

export function trustStore(extraCa: string[] = []): tls.SecureContext {
  baseline ??= [...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])];
  return tls.createSecureContext({ ca: [...baseline, ...extraCa] });
}
