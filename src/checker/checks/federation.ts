// GET /_matrix/federation/v1/version on each connection, with the spec's Host and with a port in Host.
import { parseJsonObject, isJsonObject } from '../well-known.ts';
import { fullMeta, meta, type ConnectionCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';
import type { ProbeHttpResult } from '../interfaces.ts';

export function describeProbeHttp(response: ProbeHttpResult): string {
  return response.error ? `${response.error.kind} error: ${response.error.message}` : `HTTP ${response.status}`;
}

/** The `{"server": {"name", "version"}}` of a version response, when there is one. */
export function federationServer(response: ProbeHttpResult | undefined): { name?: string; version?: string; error?: string } | null {
  if (!response) return null;
  if (response.status !== 200 || response.body === undefined) return { error: describeProbeHttp(response) };
  const parsed = parseJsonObject(response.body);
  if (!parsed.ok) return { error: parsed.reason };
  const server = isJsonObject(parsed.value.server) ? parsed.value.server : {};
  return {
    ...(typeof server.name === 'string' ? { name: server.name } : {}),
    ...(typeof server.version === 'string' ? { version: server.version } : {}),
  };
}

/** Their heads apart from the logic: the page lists these checks as not tested without loading them, or their fixes. */
export const federationHeads = {
  federationVersion: meta({ id: 'federation.version', title: 'Federation API answers', area: 'federation' }),
  federationHostWithPort: meta({ id: 'federation.host-with-port', title: 'Federation API answers Host with port', area: 'federation' }),
};

export const federationVersion: ConnectionCheck = {
  meta: fullMeta(
    federationHeads.federationVersion,
    'Route /_matrix/ (all of it, not only /_matrix/client) from the reverse proxy to the homeserver for this host and port.',
  ),
  perConnection({ result }) {
    const server = federationServer(result.version);
    if (server === null) return null;
    // No homeserver asks for the version to federate (matrix-federation-tester's FederationOK
    // leaves it out too): a connection whose TLS and keys work still works without it.
    if (server.error !== undefined) {
      return { status: 'warn', detail: `The version endpoint gave ${server.error}. Peers do not need it to federate, but it is the usual way to see which homeserver answers.` };
    }
    if (server.name === undefined || server.version === undefined) {
      return { status: 'warn', detail: 'The version endpoint answered, but without "server.name" and "server.version" strings.' };
    }
    return { status: 'pass', detail: `${server.name} ${server.version}.`, data: { server } };
  },
};

export const federationHostWithPort: ConnectionCheck = {
  meta: fullMeta(
    federationHeads.federationHostWithPort,
    'Make the reverse proxy match the host name whatever the port in the Host header (HAProxy: `req.hdr_reg(host) -i ^matrix\\.example\\.org(:[0-9]+)?$` instead of `req.hdr(host) -i matrix.example.org`), or strip the port from Host before matching.',
  ),
  perConnection({ request, result }) {
    const withPort = result.versionWithPortHost;
    // Made only where Conduwuit-family peers send another Host (conduwuitHostHeader); a broken
    // spec Host is federation.version's finding.
    if (withPort === undefined || federationServer(result.version)?.error !== undefined) return null;
    const host = `${request.hostHeader}:${request.port}`;
    const server = federationServer(withPort);
    if (server?.error === undefined) return { status: 'pass', detail: `The version endpoint also answers with Host ${host}.` };
    return {
      status: 'warn',
      detail:
        `The version endpoint answers with Host ${request.hostHeader}, but with Host ${host} it gave ${server.error}. ` +
        'Conduwuit-family peers (tuwunel and others) send the port in Host, so they cannot federate with this server.',
    };
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'federation.version':
    'GET /_matrix/federation/v1/version should return 200 and a JSON object; it needs no authentication. It shows the request reaches a homeserver, and which one. No homeserver asks for it to federate, so a failure here is a warning: the connection still works when TLS and the keys do.',
  'federation.host-with-port':
    'The spec\'s Host header is the (delegated) server name without a port when discovery gave none, and that is what the other checks send. Conduwuit-family servers (tuwunel and others) send `Host: name:8448` instead. A reverse proxy that matches the Host header exactly routes that elsewhere, so those peers cannot federate while Synapse peers can. When the spec\'s Host has no port, the version endpoint is asked once more with the port the connection uses, except on port 443, where those servers send the spec\'s Host too (their HTTP client drops the default port); only a warning, never a failure.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'federation.version': {
    title: 'Föderations-API antwortet',
    description:
      'GET /_matrix/federation/v1/version muss 200 und ein JSON-Objekt liefern; eine Anmeldung braucht es nicht. Es zeigt, dass die Anfrage einen Homeserver erreicht, und welchen.',
    fix: 'Leite /_matrix/ (komplett, nicht nur /_matrix/client) für diesen Host und Port vom Reverse-Proxy an den Homeserver weiter.',
  },
  'federation.host-with-port': {
    title: 'Föderations-API antwortet auf Host mit Port',
    description:
      'Der Host-Header der Spezifikation ist der (delegierte) Servername ohne Port, wenn die Erkennung keinen ergab, und den senden auch die anderen Prüfungen. Server der Conduwuit-Familie (tuwunel und andere) senden stattdessen `Host: name:8448`. Ein Reverse-Proxy, der den Host-Header exakt vergleicht, leitet das anderswohin, sodass diese Server nicht föderieren können, Synapse-Server aber schon. Hat der Host der Spezifikation keinen Port, wird der Versions-Endpunkt noch einmal mit dem Port der Verbindung gefragt, außer auf Port 443, wo auch diese Server den Host der Spezifikation senden (ihr HTTP-Client lässt den Standardport weg); das ergibt höchstens eine Warnung, nie einen Fehler.',
    fix: 'Lass den Reverse-Proxy den Hostnamen unabhängig vom Port im Host-Header erkennen (HAProxy: `req.hdr_reg(host) -i ^matrix\\.example\\.org(:[0-9]+)?$` statt `req.hdr(host) -i matrix.example.org`) oder entferne den Port aus Host vor dem Vergleich.',
  },
};
