// Each address and port: TCP, the TLS handshake and the certificate (spec § TLS, Part C 15).
import type { CertificateSummary, ProbeResult } from '../interfaces.ts';
import { fullMeta, meta, type ConnectionCheck, type Outcome, type ProbeEvidence, type Descriptions, type CheckTranslations } from '../evidence.ts';

const DAY_MS = 24 * 3600 * 1000;
const EXPIRY_WARNING_DAYS = 14;
const MODERN_TLS = ['TLSv1.2', 'TLSv1.3'];

type Tls = NonNullable<ProbeResult['tls']>;

/** Certificate checks only apply once a handshake produced a chain. */
function withLeaf(run: (leaf: CertificateSummary, tls: Tls, probe: ProbeEvidence, nowMs: number) => Outcome) {
  return (probe: ProbeEvidence, { nowMs }: { nowMs: number }): Outcome | null => {
    const tls = probe.result.tls;
    const leaf = tls?.certificates[0];
    return tls && leaf ? run(leaf, tls, probe, nowMs) : null;
  };
}

/**
 * The intermediates the chain needed that the server did not send: this prober's trust store
 * happened to hold them. Peers verify with what was sent and their roots (Part C 15), so
 * such a chain fails for them. Roots (self-issued) come from a store by design.
 */
export function unsentIntermediates(tls: Tls): CertificateSummary[] {
  return (tls.fromTrustStore ?? []).filter((certificate) => certificate.subject !== certificate.issuer);
}

/** Trusted as a peer would trust it: verified, and with every intermediate sent. */
export function trustedByPeers(tls: Tls): boolean {
  return tls.trusted && unsentIntermediates(tls).length === 0;
}

const names = (certificates: CertificateSummary[]) => certificates.map((certificate) => certificate.subjectCommonName || certificate.subject).join(', ');

/** "ECONNREFUSED connect ECONNREFUSED 1.2.3.4:8448", from the adapter's code and message. */
function platformError(error: { code: string; message: string } | undefined): string {
  return `${error?.code ?? ''} ${error?.message ?? ''}`;
}

/** Their heads apart from the logic: the page lists these checks as not tested without loading them, or their fixes. */
export const connectionHeads = {
  connectionTcp: meta({ id: 'connection.tcp', title: 'TCP connection', area: 'connection' }),
  tlsHandshake: meta({ id: 'tls.handshake', title: 'TLS handshake', area: 'tls' }),
  tlsVersion: meta({ id: 'tls.version', title: 'TLS 1.2 or newer', area: 'tls' }),
  tlsCertificateTrusted: meta({ id: 'tls.certificate.trusted', title: 'Certificate chain is trusted', area: 'tls' }),
  tlsCertificateName: meta({ id: 'tls.certificate.name', title: 'Certificate is valid for the expected name', area: 'tls' }),
  tlsCertificateExpiry: meta({ id: 'tls.certificate.expiry', title: 'Certificate is within its validity period', area: 'tls' }),
};

export const connectionTcp: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.connectionTcp,
    'Open the port in the firewall (and forward it on the router), and make sure the reverse proxy or homeserver listens on it on this address.',
  ),
  perConnection({ result }) {
    return result.tcp.ok
      ? { status: 'pass', detail: `Connected in ${Math.round(result.tcp.elapsedMs)} ms.` }
      : { status: 'fail', detail: `Could not connect: ${platformError(result.tcp.error)}`.trim() };
  },
};

export const tlsHandshake: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.tlsHandshake,
    'Serve HTTPS (not plain HTTP) on this port: terminate TLS in the reverse proxy or configure a TLS listener on the homeserver.',
  ),
  perConnection({ result }) {
    if (!result.tcp.ok || !result.tls) return null;
    return result.tls.ok
      ? { status: 'pass', detail: `${result.tls.version ?? 'TLS'} with ${result.tls.cipher ?? 'unknown cipher'}.` }
      : { status: 'fail', detail: `The handshake failed: ${platformError(result.tls.error)}`.trim() };
  },
};

export const tlsVersion: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.tlsVersion,
    'Enable TLS 1.2 and 1.3 and disable older versions (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`).',
  ),
  perConnection({ result }) {
    const version = result.tls?.ok ? result.tls.version : undefined;
    if (version === undefined) return null;
    return MODERN_TLS.includes(version)
      ? { status: 'pass', detail: `Negotiated ${version}.` }
      : { status: 'fail', detail: `Negotiated ${version}; peers require TLS 1.2 or newer.` };
  },
};

export const tlsCertificateTrusted: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.tlsCertificateTrusted,
    "Use a certificate from a public CA (e.g. Let's Encrypt) and send the full chain (nginx: `ssl_certificate fullchain.pem;`, not cert.pem).",
  ),
  perConnection: withLeaf((leaf, tls) => {
    const data = { sent: names(tls.certificates), ...(tls.fromTrustStore ? { fromTrustStore: names(tls.fromTrustStore) } : {}) };
    const unsent = unsentIntermediates(tls);
    if (!tls.trusted) {
      return {
        status: 'fail',
        detail: `Not trusted: ${tls.verifyError?.code ?? 'unknown reason'}${tls.verifyError?.message ? ` (${tls.verifyError.message})` : ''}. Issuer: ${leaf.issuerCommonName || leaf.issuer}. The server sent ${tls.certificates.length}: ${data.sent}.`,
        data,
      };
    }
    if (unsent.length > 0) {
      return {
        status: 'fail',
        detail:
          `The server does not send the intermediate certificate ${names(unsent)}: it sent ${tls.certificates.length} (${data.sent}). ` +
          'The chain verified here only because this trust store holds that intermediate; peers verify with the certificates sent and their roots, so they refuse it.',
        data,
      };
    }
    return { status: 'pass', detail: `Issued by ${leaf.issuerCommonName || leaf.issuer}; the server sent ${tls.certificates.length} (${data.sent}), and the chain is trusted.`, data };
  }),
};

export const tlsCertificateName: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.tlsCertificateName,
    'Get a certificate whose subject alternative names include the name shown (the server name, or the delegated name); for SRV, never only the SRV target.',
  ),
  perConnection: withLeaf((leaf, tls, { request, target }) => {
    const names = leaf.subjectAltNames.length > 0 ? leaf.subjectAltNames.join(', ') : `CN=${leaf.subjectCommonName}`;
    if (tls.nameMatches) return { status: 'pass', detail: `Valid for ${request.tlsName} (${names}).` };
    const srvNote = target.srv && target.host !== request.tlsName ? ` It must cover ${request.tlsName}, not the SRV target ${target.host}.` : '';
    return {
      status: 'fail',
      detail: `Not valid for ${request.tlsName}: the certificate names ${names}.${srvNote}`,
      fix: `Get a certificate that includes ${request.tlsName} in its subject alternative names.`,
    };
  }),
};

export const tlsCertificateExpiry: ConnectionCheck = {
  meta: fullMeta(
    connectionHeads.tlsCertificateExpiry,
    "Renew the certificate, and automate renewal (e.g. certbot's timer) and the reload of the server afterwards.",
  ),
  perConnection: withLeaf((leaf, _tls, _probe, nowMs) => {
    const notAfter = Date.parse(leaf.notAfter);
    const notBefore = Date.parse(leaf.notBefore);
    const data = { notBefore: leaf.notBefore, notAfter: leaf.notAfter };
    if (Number.isNaN(notAfter)) return { status: 'fail', detail: `Cannot read the expiry date ${JSON.stringify(leaf.notAfter)}.`, data };
    if (notBefore > nowMs) return { status: 'fail', detail: `Not valid before ${leaf.notBefore}.`, data };
    if (notAfter <= nowMs) return { status: 'fail', detail: `Expired on ${leaf.notAfter}.`, data };
    const days = Math.floor((notAfter - nowMs) / DAY_MS);
    return days < EXPIRY_WARNING_DAYS
      ? { status: 'warn', detail: `Expires in ${days} day(s), on ${leaf.notAfter}.`, data }
      : { status: 'pass', detail: `Valid until ${leaf.notAfter} (${days} days).`, data };
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'connection.tcp':
    'A TCP connection to the address and port that discovery found.',
  'tls.handshake':
    'Federation runs over HTTPS only. The handshake must complete; certificate trust is checked separately.',
  'tls.version':
    'TLS 1.0 and 1.1 are deprecated (RFC 8996) and refused by current TLS libraries.',
  'tls.certificate.trusted':
    'The certificate must chain to a public root using only the certificates the server sends (no fetching of missing intermediates). Self-signed and private-CA certificates fail. The chain is reported as the server sent it, from a second handshake that trusts nothing, so an intermediate that only the checker\'s own trust store holds still counts as missing.',
  'tls.certificate.name':
    'The certificate must be valid for the name the resolution step dictates: the server name, or the delegated name from .well-known. For SRV records it is still that name, not the SRV target; for IP literals it is the IP address.',
  'tls.certificate.expiry':
    `Expired (or not yet valid) certificates are refused. A warning is given ${EXPIRY_WARNING_DAYS} days before expiry: automatic renewal should have happened by then.`,
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'connection.tcp': {
    title: 'TCP-Verbindung',
    description:
      'Eine TCP-Verbindung zu der Adresse und dem Port, die die Erkennung gefunden hat.',
    fix: 'Öffne den Port in der Firewall (und leite ihn am Router weiter) und stelle sicher, dass der Reverse-Proxy oder Homeserver auf dieser Adresse an diesem Port lauscht.',
  },
  'tls.handshake': {
    title: 'TLS-Handshake',
    description:
      'Föderation läuft nur über HTTPS. Der Handshake muss gelingen; das Vertrauen in das Zertifikat wird getrennt geprüft.',
    fix: 'Liefere auf diesem Port HTTPS aus (kein reines HTTP): Beende TLS im Reverse-Proxy oder richte einen TLS-Listener im Homeserver ein.',
  },
  'tls.version': {
    title: 'TLS 1.2 oder neuer',
    description:
      'TLS 1.0 und 1.1 sind veraltet (RFC 8996) und werden von aktuellen TLS-Bibliotheken abgelehnt.',
    fix: 'Aktiviere TLS 1.2 und 1.3 und schalte ältere Versionen ab (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`).',
  },
  'tls.certificate.trusted': {
    title: 'Zertifikatskette ist vertrauenswürdig',
    description:
      'Das Zertifikat muss sich allein mit den Zertifikaten, die der Server schickt, bis zu einer öffentlichen Wurzel verketten lassen (fehlende Zwischenzertifikate werden nicht nachgeladen). Selbstsignierte Zertifikate und solche einer privaten CA fallen durch.',
    fix: 'Verwende ein Zertifikat einer öffentlichen CA (z. B. Let\'s Encrypt) und sende die vollständige Kette (nginx: `ssl_certificate fullchain.pem;`, nicht cert.pem).',
  },
  'tls.certificate.name': {
    title: 'Zertifikat gilt für den erwarteten Namen',
    description:
      'Das Zertifikat muss für den Namen gelten, den der Auflösungsschritt vorgibt: den Servernamen oder den delegierten Namen aus der .well-known. Bei SRV-Einträgen bleibt es dieser Name, nicht das SRV-Ziel; bei IP-Literalen ist es die IP-Adresse.',
    fix: 'Besorge ein Zertifikat, dessen Subject Alternative Names den angezeigten Namen enthalten (den Servernamen oder den delegierten Namen); bei SRV niemals nur das SRV-Ziel.',
  },
  'tls.certificate.expiry': {
    title: 'Zertifikat ist in seinem Gültigkeitszeitraum',
    description:
      'Abgelaufene (oder noch nicht gültige) Zertifikate werden abgelehnt. 14 Tage vor dem Ablauf gibt es eine Warnung: Bis dahin hätte die automatische Erneuerung stattfinden sollen.',
    fix: 'Erneuere das Zertifikat und automatisiere die Erneuerung (z. B. mit dem Timer von certbot) und das anschließende Neuladen des Servers.',
  },
};
