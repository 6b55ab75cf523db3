// The server name itself (spec appendix "Server Name").
import { meta, type ReportCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';

export const nameSyntax: ReportCheck = {
  meta: meta({
    id: 'name.syntax',
    title: 'Server name is valid',
    area: 'name',
    fix: 'Use the part of your Matrix IDs after the colon: a lower-case hostname, optionally with ":port", e.g. "example.org" or "example.org:8448".',
  }),
  run({ parse }) {
    if (!parse.ok) return [{ status: 'fail', detail: parse.error }];
    if (parse.warnings.length > 0) return [{ status: 'warn', detail: parse.warnings.join('; ') }];
    const kind = { dns: 'a DNS name', ipv4: 'an IPv4 literal', ipv6: 'an IPv6 literal' }[parse.name.hostKind];
    const port = parse.name.port === undefined ? 'no port' : `port ${parse.name.port}`;
    return [{ status: 'pass', detail: `${JSON.stringify(parse.name.input)} is ${kind} with ${port}.` }];
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'name.syntax':
    'The server name must follow the grammar in the spec appendix: a DNS name, an IPv4 address or a bracketed IPv6 address, with an optional port 1-65535. Upper case, a trailing dot, empty labels and names over 230 characters are allowed by the grammar but discouraged, and peers handle them inconsistently.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'name.syntax': {
    title: 'Servername ist gültig',
    description:
      'Der Servername muss der Grammatik im Anhang der Spezifikation folgen: ein DNS-Name, eine IPv4-Adresse oder eine IPv6-Adresse in eckigen Klammern, optional mit einem Port von 1 bis 65535. Großbuchstaben, ein Punkt am Ende, leere Labels und Namen mit mehr als 230 Zeichen erlaubt die Grammatik zwar, rät aber davon ab, und andere Server gehen uneinheitlich damit um.',
    fix: 'Nimm den Teil deiner Matrix-IDs nach dem Doppelpunkt: einen Hostnamen in Kleinbuchstaben, optional mit ":port", z. B. "example.org" oder "example.org:8448".',
  },
};
