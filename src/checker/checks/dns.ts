// DNS: SRV records (spec steps 3.3-3.4 and 4-5, Part C 3-5), the addresses they lead to,
// and what the resolvers say about them.
import type { Discovery, SrvLookup } from '../discovery.ts';
import { isNoRecords } from '../discovery.ts';
import type { DnsResult } from '../interfaces.ts';
import { classifyAddress } from '../ip.ts';
import { meta, onPart, type Evidence, type Outcome, type ReportCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';

function describeSrv(lookup: SrvLookup): string {
  return lookup.records.map((r) => `${r.priority} ${r.weight} ${r.port} ${r.target}`).join(', ');
}

function dnsError(result: DnsResult): string {
  return result.error ? `${result.rcode} (${result.error})` : result.rcode;
}

/** Every DNS answer the resolution used, named for messages. */
function usedLookups(discovery: Discovery): { question: string; result: DnsResult }[] {
  const srv = [discovery.srv?.fed, discovery.srv?.legacy].filter((lookup) => lookup !== undefined);
  return [
    ...srv.map((lookup) => ({ question: `SRV ${lookup.name}`, result: lookup.result })),
    ...discovery.hosts.flatMap((host) => [
      { question: `A ${host.host}`, result: host.a },
      { question: `AAAA ${host.host}`, result: host.aaaa },
    ]),
  ];
}

const SRV_EXAMPLE = '_matrix-fed._tcp.example.org. 3600 IN SRV 10 5 8448 matrix.example.org.';

export const dnsSrv: ReportCheck = {
  meta: meta({
    id: 'dns.srv',
    title: 'SRV lookup',
    area: 'dns',
    fix: `Make the authoritative DNS servers answer SRV queries (NXDOMAIN or an empty answer is fine). To use SRV: ${SRV_EXAMPLE}`,
  }),
  run: onPart('discovery', ({ srv }) => {
    if (!srv) return [];
    const failed = [srv.fed, srv.legacy].filter((lookup) => lookup && !isNoRecords(lookup.result)) as SrvLookup[];
    if (failed.length > 0) {
      const what = failed.map((lookup) => `SRV ${lookup.name}: ${dnsError(lookup.result)}`).join('; ');
      return [{
        status: 'fail',
        detail: `${what}. Synapse cannot resolve your server while this fails; other servers fall back to port 8448, which is what was tested below.`,
      }];
    }
    if (srv.fed.records.length > 0) return [{ status: 'pass', detail: `SRV ${srv.fed.name}: ${describeSrv(srv.fed)}.` }];
    if (srv.legacy?.records.length) return [];
    return [{ status: 'info', detail: `No SRV records for ${srv.fed.name} or ${srv.legacy?.name}; homeservers use port 8448.` }];
  }),
};

export const dnsSrvLegacy: ReportCheck = {
  meta: meta({
    id: 'dns.srv.legacy',
    title: 'Deprecated _matrix._tcp SRV record',
    area: 'dns',
    fix: `Publish the same record under _matrix-fed._tcp (e.g. ${SRV_EXAMPLE}), or better, delegate with /.well-known/matrix/server; then remove _matrix._tcp.`,
  }),
  run: onPart('discovery', ({ srv }) =>
    srv?.legacy?.records.length
      ? [{ status: 'warn', detail: `Found only the deprecated SRV ${srv.legacy.name}: ${describeSrv(srv.legacy)}.` }]
      : [],
  ),
};

export const dnsSrvDisabled: ReportCheck = {
  meta: meta({
    id: 'dns.srv.disabled',
    title: 'SRV target "." (service disabled)',
    area: 'dns',
    fix: 'If the server should federate, replace the "." target with the federation host, or delete the SRV record to use port 8448.',
  }),
  run: onPart('discovery', ({ srv, federationDisabled }) => {
    const lookup = srv?.legacy?.records.length ? srv.legacy : srv?.fed;
    if (!lookup || !lookup.records.some((record) => record.target === '.')) return [];
    return federationDisabled
      ? [{ status: 'fail', detail: `SRV ${lookup.name} has the target ".": federation is explicitly disabled.` }]
      : [{ status: 'warn', detail: `SRV ${lookup.name} mixes "." with real targets (${describeSrv(lookup)}); the "." record is ignored.` }];
  }),
};

export const dnsSrvTargetCname: ReportCheck = {
  meta: meta({
    id: 'dns.srv.target-cname',
    title: 'SRV targets are not CNAMEs',
    area: 'dns',
    fix: 'Point the SRV record at the canonical name (the end of the CNAME chain), which must have A/AAAA records.',
  }),
  run: onPart('discovery', ({ resolution, hosts }) => {
    const srvTargets = new Set(resolution.targets.filter((target) => target.srv).map((target) => target.host));
    const targetHosts = hosts.filter((host) => srvTargets.has(host.host));
    if (targetHosts.length === 0) return [];
    const aliased = targetHosts.filter((host) => host.aliases.length > 0);
    if (aliased.length === 0) return [{ status: 'pass', detail: `No SRV target is a CNAME (${targetHosts.map((h) => h.host).join(', ')}).` }];
    return aliased.map((host) => ({
      status: 'warn' as const,
      detail: `SRV target ${host.host} is a CNAME for ${host.aliases.join(' → ')}.`,
      fix: `Point the SRV record at ${host.aliases.at(-1)} instead of ${host.host}.`,
    }));
  }),
};

export const dnsTargetsResolve: ReportCheck = {
  meta: meta({
    id: 'dns.targets.resolve',
    title: 'Federation hosts have addresses',
    area: 'dns',
    fix: 'Publish A (IPv4) and/or AAAA (IPv6) records for the federation host.',
  }),
  run: onPart('discovery', ({ hosts }) => {
    if (hosts.length === 0) return [];
    const empty = hosts.filter((host) => host.addresses.length === 0);
    const describe = (host: (typeof hosts)[number]) => {
      const errors = [host.a, host.aaaa].filter((r) => !isNoRecords(r)).map(dnsError);
      return `${host.host}: ${errors.length > 0 ? errors.join(', ') : 'no A or AAAA records'}`;
    };
    if (empty.length === 0) {
      return [{ status: 'pass', detail: hosts.map((host) => `${host.host}: ${host.addresses.join(', ')}`).join('; ') }];
    }
    const status = empty.length === hosts.length ? 'fail' : 'warn';
    return [{ status, detail: `Not resolvable: ${empty.map(describe).join('; ')}.` }];
  }),
};

function allAddresses(discovery: Discovery): string[] {
  return [...new Set(discovery.resolution.targets.flatMap((target) => target.addresses))];
}

export const dnsAddressFamilies: ReportCheck = {
  meta: meta({
    id: 'dns.address-families',
    title: 'IPv4 and IPv6 addresses',
    area: 'dns',
    fix: 'Publish an A record (IPv4); add an AAAA record (IPv6) if the host has IPv6 connectivity.',
  }),
  run: onPart('discovery', (discovery) => {
    if (discovery.hosts.length === 0) return [];
    const families = new Set(allAddresses(discovery).map((address) => classifyAddress(address).family));
    if (families.has(4) && families.has(6)) return [{ status: 'pass', detail: 'Both IPv4 and IPv6 addresses are published.' }];
    if (families.has(4)) return [{ status: 'info', detail: 'Only IPv4 addresses; IPv6-only servers cannot reach you.' }];
    if (families.has(6)) return [{ status: 'warn', detail: 'Only IPv6 addresses; homeservers without IPv6 (most of them) cannot reach you.' }];
    return [];
  }),
};

export const dnsAddressesPublic: ReportCheck = {
  meta: meta({
    id: 'dns.addresses.public',
    title: 'Published addresses are public',
    area: 'dns',
    fix: 'Publish only the public address of the server (or of its reverse proxy); keep internal addresses in internal DNS.',
  }),
  run: onPart('discovery', (discovery, { allowPrivateAddresses }) => {
    const addresses = allAddresses(discovery);
    if (addresses.length === 0) return [];
    const internal = addresses.flatMap((address) => {
      const kind = classifyAddress(address);
      return kind.public ? [] : [{ text: `${address} (${kind.reason})`, lan: kind.scope === 'lan' }];
    });
    if (internal.length === 0) return [{ status: 'pass', detail: `All ${addresses.length} address(es) are public.` }];
    // Configuration may allow LAN addresses; broadcast, multicast, unspecified or scoped ones reach no single host anywhere.
    const unreachable = allowPrivateAddresses ? internal.filter((address) => !address.lan) : internal;
    const list = (entries: typeof internal) => entries.map((address) => address.text).join(', ');
    if (unreachable.length === 0) return [{ status: 'info', detail: `Not public, allowed by configuration: ${list(internal)}.` }];
    const status = unreachable.length === addresses.length ? 'fail' : 'warn';
    return [{ status, detail: `Not publicly reachable: ${list(unreachable)}.` }];
  }),
};

function answerSet(result: DnsResult): string {
  const data = result.answers.map((answer) => (typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data)));
  return `${result.rcode} ${[...new Set(data)].sort().join(' ')}`;
}

export const dnsResolversAgree: ReportCheck = {
  meta: meta({
    id: 'dns.resolvers.agree',
    title: 'Resolvers agree',
    area: 'dns',
    fix: 'Wait for the old records to expire (their TTL) after a change; if it persists, check that all authoritative servers serve the same zone (serial numbers).',
  }),
  run: onPart('discovery', (discovery) => {
    const compared = usedLookups(discovery).filter(({ result }) => (result.views?.length ?? 0) > 1);
    if (compared.length === 0) return [];
    // A resolver that gave no answer does not disagree: dns.resolvers.answer reports it.
    const differing = compared.filter(({ result }) => new Set(result.views!.filter(answered).map(answerSet)).size > 1);
    if (differing.length === 0) return [{ status: 'pass', detail: `${compared[0].result.views!.length} resolvers gave the same answers.` }];
    return differing.map(({ question, result }) => ({
      status: 'warn' as const,
      detail: `${question}: ${result.views!.map((view) => `${view.resolver} says ${answerSet(view)}`).join('; ')}.`,
    }));
  }),
};

const answered = (view: DnsResult) => view.rcode !== 'TIMEOUT' && view.rcode !== 'ERROR';

export const dnsResolversAnswer: ReportCheck = {
  meta: meta({
    id: 'dns.resolvers.answer',
    title: 'Every resolver answers',
    area: 'dns',
    fix: 'Check the resolver URLs in the settings (or ?resolver=): each must be an RFC 8484 or JSON DNS-over-HTTPS endpoint that answers this browser, with CORS.',
  }),
  run: onPart('discovery', (discovery) => {
    const compared = usedLookups(discovery).filter(({ result }) => (result.views?.length ?? 0) > 1);
    if (compared.length === 0) return [];
    const failures = new Map<string, string[]>();
    for (const { question, result } of compared) {
      for (const view of result.views!.filter((view) => !answered(view))) {
        failures.set(view.resolver, [...(failures.get(view.resolver) ?? []), `${question}: ${view.rcode}${view.error ? ` (${view.error})` : ''}`]);
      }
    }
    if (failures.size === 0) return [{ status: 'pass', detail: `All ${compared[0].result.views!.length} resolvers answered every question.` }];
    // About this page's resolvers, not the server: the answers came from the others.
    return [...failures].map(([resolver, failed]) => ({
      status: 'info' as const,
      detail: `${resolver} gave no answer to ${failed.length} of ${compared.length} questions, so the answers are the other resolvers': ${failed.slice(0, 3).join('; ')}${failed.length > 3 ? '; …' : ''}.`,
      data: { resolver },
    }));
  }),
};

export const dnsDnssec: ReportCheck = {
  meta: meta({
    id: 'dns.dnssec',
    title: 'DNSSEC',
    area: 'dns',
    fix: 'Optional: sign the zone with DNSSEC at your DNS provider.',
  }),
  run: onPart('discovery', (discovery) => {
    const answered = usedLookups(discovery).filter(({ result }) => result.answers.length > 0);
    if (answered.length === 0) return [];
    const lookups = answered.filter(({ result }) => result.authenticated !== null);
    if (lookups.length === 0) {
      return [{ status: 'skip', detail: 'Not known: the resolver gave no DNSSEC status (the AD bit) with its answers.' }];
    }
    const validated = lookups.filter(({ result }) => result.authenticated).map(({ question }) => question);
    const detail =
      validated.length === lookups.length
        ? 'All answers were DNSSEC-validated.'
        : validated.length === 0
          ? 'No answer was DNSSEC-validated (the zone is unsigned or the resolver does not validate).'
          : `DNSSEC-validated: ${validated.join(', ')}; the others were not.`;
    return [{ status: 'info', detail }];
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'dns.srv':
    'Without a usable .well-known (or when it delegates to a name without port), homeservers ask for _matrix-fed._tcp SRV records. "No such record" is a normal answer; a resolver failure (SERVFAIL, timeout) is not: Synapse then gives up on the server, while Go-based servers fall back to port 8448.',
  'dns.srv.legacy':
    'Only _matrix._tcp was found. It still works, but the spec deprecated it (the service name is not registered with IANA) and servers may drop it.',
  'dns.srv.disabled':
    'An SRV record whose target is "." says the service is decidedly not available (RFC 2782). Synapse then refuses to federate with the server, without any fallback.',
  'dns.srv.target-cname':
    'RFC 2782, which the spec quotes: the target of an SRV record "MUST NOT be an alias". Many resolvers follow the CNAME anyway, but strict ones do not.',
  'dns.targets.resolve':
    'The host that discovery arrives at (the server name, the delegated name or the SRV targets) needs A or AAAA records.',
  'dns.address-families':
    'Most homeservers only have IPv4, so a server without an A record is unreachable for them. Without AAAA, IPv6-only servers cannot reach you; that is rare.',
  'dns.addresses.public':
    'Loopback, private (RFC 1918), link-local, CGNAT, documentation and other special-purpose addresses cannot be reached from other networks; other servers may also refuse them.',
  'dns.resolvers.agree':
    'When several resolvers were asked, their answers are compared. Differences mean a change is still propagating, or the authoritative servers disagree.',
  'dns.resolvers.answer':
    'The checker page asks every DNS-over-HTTPS resolver in its settings each question. One that is down, times out or answers something that is not DNS gives no view: the check goes on with the answers of the others, and this finding names the resolver.',
  'dns.dnssec':
    'Whether the resolver validated the answers with DNSSEC (the AD bit). Matrix does not require DNSSEC: the TLS certificate proves the delegation.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'dns.srv': {
    title: 'SRV-Abfrage',
    description:
      'Ohne brauchbare .well-known (oder wenn sie auf einen Namen ohne Port delegiert) fragen Homeserver nach _matrix-fed._tcp-SRV-Einträgen. "Kein solcher Eintrag" ist eine normale Antwort, ein Fehler des Resolvers (SERVFAIL, Zeitüberschreitung) nicht: Synapse gibt den Server dann auf, während Go-basierte Server auf Port 8448 ausweichen.',
    fix: 'Sorge dafür, dass die autoritativen DNS-Server SRV-Anfragen beantworten (NXDOMAIN oder eine leere Antwort ist in Ordnung). Für SRV: _matrix-fed._tcp.example.org. 3600 IN SRV 10 5 8448 matrix.example.org.',
  },
  'dns.srv.legacy': {
    title: 'Veralteter SRV-Eintrag _matrix._tcp',
    description:
      'Gefunden wurde nur _matrix._tcp. Das funktioniert noch, aber die Spezifikation hat es als veraltet markiert (der Dienstname ist bei der IANA nicht registriert), und Server können es fallen lassen.',
    fix: 'Veröffentliche denselben Eintrag unter _matrix-fed._tcp (z. B. _matrix-fed._tcp.example.org. 3600 IN SRV 10 5 8448 matrix.example.org.) oder, besser, delegiere mit /.well-known/matrix/server; entferne danach _matrix._tcp.',
  },
  'dns.srv.disabled': {
    title: 'SRV-Ziel "." (Dienst abgeschaltet)',
    description:
      'Ein SRV-Eintrag mit dem Ziel "." sagt, dass der Dienst ausdrücklich nicht verfügbar ist (RFC 2782). Synapse verweigert dann die Föderation mit dem Server, ganz ohne Ausweichen.',
    fix: 'Soll der Server föderieren, ersetze das Ziel "." durch den Föderations-Host oder lösche den SRV-Eintrag, damit Port 8448 gilt.',
  },
  'dns.srv.target-cname': {
    title: 'SRV-Ziele sind keine CNAMEs',
    description:
      'RFC 2782, den die Spezifikation zitiert: Das Ziel eines SRV-Eintrags "MUST NOT be an alias". Viele Resolver folgen dem CNAME trotzdem, strenge aber nicht.',
    fix: 'Lass den SRV-Eintrag auf den kanonischen Namen zeigen (das Ende der CNAME-Kette), der A/AAAA-Einträge haben muss.',
  },
  'dns.targets.resolve': {
    title: 'Föderations-Hosts haben Adressen',
    description:
      'Der Host, bei dem die Erkennung ankommt (der Servername, der delegierte Name oder die SRV-Ziele), braucht A- oder AAAA-Einträge.',
    fix: 'Veröffentliche A- (IPv4) und/oder AAAA-Einträge (IPv6) für den Föderations-Host.',
  },
  'dns.address-families': {
    title: 'IPv4- und IPv6-Adressen',
    description:
      'Die meisten Homeserver haben nur IPv4, ein Server ohne A-Eintrag ist für sie also nicht erreichbar. Ohne AAAA können reine IPv6-Server dich nicht erreichen; das ist selten.',
    fix: 'Veröffentliche einen A-Eintrag (IPv4); füge einen AAAA-Eintrag (IPv6) hinzu, wenn der Host IPv6-Anbindung hat.',
  },
  'dns.addresses.public': {
    title: 'Veröffentlichte Adressen sind öffentlich',
    description:
      'Loopback-, private (RFC 1918), Link-Local-, CGNAT-, Dokumentations- und andere Sonderadressen sind aus anderen Netzen nicht erreichbar; andere Server können sie auch ablehnen.',
    fix: 'Veröffentliche nur die öffentliche Adresse des Servers (oder seines Reverse-Proxys); interne Adressen gehören ins interne DNS.',
  },
  'dns.resolvers.agree': {
    title: 'Resolver sind sich einig',
    description:
      'Wurden mehrere Resolver gefragt, werden ihre Antworten verglichen. Unterschiede heißen, dass sich eine Änderung noch verbreitet oder dass die autoritativen Server uneins sind.',
    fix: 'Warte nach einer Änderung, bis die alten Einträge abgelaufen sind (ihre TTL); bleibt es so, prüfe, ob alle autoritativen Server dieselbe Zone ausliefern (Seriennummern).',
  },
  'dns.dnssec': {
    title: 'DNSSEC-Validierung',
    description:
      'Ob der Resolver die Antworten mit DNSSEC validiert hat (das AD-Bit). Matrix verlangt kein DNSSEC: Das TLS-Zertifikat belegt die Delegation.',
    fix: 'Optional: Signiere die Zone bei deinem DNS-Anbieter mit DNSSEC.',
  },
  'dns.resolvers.answer': {
    title: 'Jeder Resolver antwortet',
    description:
      'Die Prüfseite stellt jede Frage an alle DNS-over-HTTPS-Resolver aus ihren Einstellungen. Ist einer nicht erreichbar, antwortet er zu spät oder mit etwas anderem als DNS, zählt er nicht: Die Prüfung geht mit den Antworten der anderen weiter, und dieser Befund nennt den Resolver.',
    fix: 'Prüfe die Resolver-Adressen in den Einstellungen (oder ?resolver=): Jede muss ein DNS-over-HTTPS-Endpunkt nach RFC 8484 oder mit JSON-Schnittstelle sein, der diesem Browser mit CORS antwortet.',
  },
};
