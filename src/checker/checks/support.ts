// /.well-known/matrix/support (MSC1929, spec v1.10): who to contact about this server.
import { meta, type ReportCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';

export const supportWellKnown: ReportCheck = {
  meta: meta({
    id: 'support.wellknown',
    title: 'Support contacts (.well-known/matrix/support)',
    area: 'support',
    fix: 'Serve {"contacts": [{"matrix_id": "@admin:example.org", "email_address": "admin@example.org", "role": "m.role.admin"}], "support_page": "https://example.org/support"} at https://<server name>/.well-known/matrix/support.',
  }),
  run({ support }) {
    if (!support) return [];
    const result = support.interpretation;
    if (result.status === 'absent') return [{ status: 'info', detail: `${support.url}: ${result.reason}.` }];
    if (result.status === 'invalid') return [{ status: 'warn', detail: [...result.problems, ...result.warnings].join('; ') + '.' }];
    const summary = `${result.contacts} contact(s)${result.supportPage ? `, support page ${result.supportPage}` : ''}`;
    return result.warnings.length > 0
      ? [{ status: 'warn', detail: `${summary}; ${result.warnings.join('; ')}.` }]
      : [{ status: 'pass', detail: `${summary}.` }];
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'support.wellknown':
    'Optional. Lets other admins and users reach you about abuse or security problems. Needs "contacts" (each with "role" and a "matrix_id" or "email_address") and/or "support_page".',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'support.wellknown': {
    title: 'Support-Kontakte (.well-known/matrix/support)',
    description:
      'Optional. Damit erreichen dich andere Admins und Nutzer bei Missbrauch oder Sicherheitsproblemen. Braucht "contacts" (jeweils mit "role" und einer "matrix_id" oder "email_address") und/oder "support_page".',
    fix: 'Liefere {"contacts": [{"matrix_id": "@admin:example.org", "email_address": "admin@example.org", "role": "m.role.admin"}], "support_page": "https://example.org/support"} unter https://<Servername>/.well-known/matrix/support aus.',
  },
};
