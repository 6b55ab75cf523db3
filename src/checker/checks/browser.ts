// Without a prober (the browser on its own), the one connection test a page can make.
import { inconclusiveReach } from '../connections.ts';
import { connectionKey, describeFailure, meta, type ReportCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';

export const browserReachability: ReportCheck = {
  meta: meta({
    id: 'browser.reachability',
    title: 'Reachable from this browser',
    area: 'connection',
    fix: 'Open the port in the firewall, serve HTTPS with a publicly trusted certificate there, and route /_matrix/ to the homeserver.',
  }),
  run({ browserReach, discovery }) {
    return browserReach.map(({ target, url, response }) => {
      const data = { connection: connectionKey(target.host, target.port), url };
      const srvNote = target.srv ? ` The browser checked the certificate for ${target.host}, not for the server name; use the proxy to check that.` : '';
      // Such findings carry no connection, so they neither pass nor fail one in the verdict.
      const inconclusive = discovery ? inconclusiveReach(discovery, target) : undefined;
      if (response.ok) {
        return { status: 'pass' as const, detail: `${url} answered HTTP ${response.status}.${srvNote}`, data };
      }
      if (response.error.kind === 'cors' && response.error.reachable) {
        return {
          status: 'pass' as const,
          detail: `${url} was reached over TLS with a certificate this browser trusts; without CORS headers its answer cannot be read here.${srvNote}`,
          data,
        };
      }
      const failure = `${url} could not be reached from this browser: ${describeFailure(response)}.`;
      if (inconclusive) return { status: 'info' as const, detail: `${failure} Not conclusive: ${inconclusive}. The proxy tests this properly.`, data: { url } };
      return { status: 'fail' as const, detail: failure, data };
    });
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'browser.reachability':
    'A browser cannot open raw TLS connections, but a fetch of /_matrix/key/v2/server (which every peer asks for; the version endpoint is optional) only completes when TCP, TLS (trusted by this browser, for the host in the URL) and HTTP worked, even when CORS hides the response. This is weaker than the proxy\'s connection checks.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'browser.reachability': {
    title: 'Von diesem Browser erreichbar',
    description:
      'Ein Browser kann keine rohen TLS-Verbindungen öffnen, aber ein fetch von /_matrix/federation/v1/version kommt nur zustande, wenn TCP, TLS (diesem Browser vertrauenswürdig, für den Host in der URL) und HTTP funktioniert haben, selbst wenn CORS die Antwort verbirgt. Das ist schwächer als die Verbindungsprüfungen des Proxys.',
    fix: 'Öffne den Port in der Firewall, liefere dort HTTPS mit einem öffentlich vertrauenswürdigen Zertifikat aus und leite /_matrix/ an den Homeserver weiter.',
  },
};
