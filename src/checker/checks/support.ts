// /.well-known/matrix/support (MSC1929, spec v1.10): who to contact about this server, with
// the DPO role (MSC4265), policy documents (MSC4266) and PGP keys per contact (MSC4439).
import { meta, type ReportCheck, type Descriptions, type CheckTranslations, type SupportEvidence, type Outcome } from '../evidence.ts';
import { DPO_ROLE, DPO_ROLE_UNSTABLE, isJsonObject, type SupportContact, type SupportWellKnown } from '../well-known.ts';
import { quote } from '../server-name.ts';

type ParsedSupport = Exclude<SupportWellKnown, { status: 'absent' }>;

/** Runs `check` over a support file that was there (valid or not); nothing when absent. */
function onSupportFile(run: (file: ParsedSupport, support: SupportEvidence) => Outcome[]) {
  return ({ support }: { support: SupportEvidence | null }): Outcome[] =>
    support && support.interpretation.status !== 'absent' ? run(support.interpretation, support) : [];
}

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
    const summary = `${result.contacts.length} contact(s)${result.supportPage ? `, support page ${result.supportPage}` : ''}`;
    return result.warnings.length > 0
      ? [{ status: 'warn', detail: `${summary}; ${result.warnings.join('; ')}.` }]
      : [{ status: 'pass', detail: `${summary}.` }];
  },
};

const ROLE_NAMES: Record<string, string> = {
  'm.role.admin': 'admin',
  'm.role.security': 'security',
  [DPO_ROLE]: 'data protection officer',
};

function describeContact(contact: SupportContact): string {
  const role = contact.role === undefined ? 'no role' : (ROLE_NAMES[contact.role] ?? quote(contact.role));
  const ways = [contact.matrixId, contact.email].filter((way) => way !== undefined);
  return `${role}: ${ways.length > 0 ? ways.join(', ') : 'no way to reach'}`;
}

export const supportContacts: ReportCheck = {
  meta: meta({
    id: 'support.contacts',
    title: 'Support contacts can be reached, by role',
    area: 'support',
    fix: 'Give every contact a "matrix_id" or an "email_address" that someone reads.',
  }),
  run: onSupportFile(({ contacts }) => {
    if (contacts.length === 0) return [];
    const unreachable = contacts.filter((contact) => contact.matrixId === undefined && contact.email === undefined);
    const roles = new Set(contacts.map((contact) => contact.role));
    const data = { contacts: contacts.map((contact) => ({ role: contact.role ?? null, matrix_id: contact.matrixId ?? null, email_address: contact.email ?? null })) };
    const listed = contacts.map(describeContact).join('; ');
    if (unreachable.length > 0) {
      return [{ status: 'warn', detail: `${unreachable.map((contact) => contact.where).join(', ')} cannot be reached: no valid "matrix_id" or "email_address". Contacts: ${listed}.`, data }];
    }
    const notes = [
      ...(roles.has(DPO_ROLE_UNSTABLE) && !roles.has(DPO_ROLE) ? [`the DPO role uses its unstable name "${DPO_ROLE_UNSTABLE}"; clients that know only "${DPO_ROLE}" will not find it`] : []),
      ...(roles.has('m.role.security') ? [] : ['no security contact (m.role.security) for vulnerability reports']),
    ];
    return [{ status: 'pass', detail: `${listed}.${notes.length > 0 ? ` Note: ${notes.join('; ')}.` : ''}`, data }];
  }),
};

/** MSC4266: each policy `{ "version": "1.2", "<language>": { "name", "url" } }`. */
function policyProblems(name: string, policy: unknown): { documents: { language: string; url: string }[]; problems: string[] } {
  if (!isJsonObject(policy)) return { documents: [], problems: [`${quote(name)} is not an object`] };
  const problems: string[] = [];
  if (typeof policy.version !== 'string') problems.push(`${quote(name)} has no "version" string`);
  const documents: { language: string; url: string }[] = [];
  for (const [language, translation] of Object.entries(policy)) {
    if (language === 'version') continue;
    if (!isJsonObject(translation) || typeof translation.url !== 'string' || typeof translation.name !== 'string') {
      problems.push(`${quote(name)}.${language} needs a "name" and a "url"`);
    } else if (!URL.canParse(translation.url) || !translation.url.startsWith('https:')) {
      problems.push(`${quote(name)}.${language}.url ${quote(translation.url)} is not an https URL`);
    } else documents.push({ language, url: translation.url });
  }
  if (documents.length === 0 && problems.length === 0) problems.push(`${quote(name)} has no document in any language`);
  return { documents, problems };
}

export const supportPolicies: ReportCheck = {
  meta: meta({
    id: 'support.policies',
    title: 'Policy documents in the support file (MSC4266)',
    area: 'support',
    fix: 'Give each policy a "version" and, per language, a "name" and an https "url", as at registration.',
  }),
  run: onSupportFile(({ policies }) => {
    if (!policies) return [{ status: 'info', detail: 'No policy documents published (optional, MSC4266): other servers\' users cannot look up your privacy policy or terms.' }];
    if (!isJsonObject(policies.value)) return [{ status: 'warn', detail: `"${policies.field}" is not an object of policies.` }];
    const checked = Object.entries(policies.value).map(([name, policy]) => ({ name, ...policyProblems(name, policy) }));
    const problems = checked.flatMap((policy) => policy.problems);
    const data = { field: policies.field, policies: checked.map(({ name, documents }) => ({ name, documents })) };
    if (checked.length === 0) return [{ status: 'warn', detail: `"${policies.field}" is empty.`, data }];
    if (problems.length > 0) return [{ status: 'warn', detail: `In "${policies.field}": ${problems.join('; ')}.`, data }];
    const listed = checked.map(({ name, documents }) => `${name} (${documents.map((document) => document.language).join(', ')})`).join(', ');
    return [{ status: 'pass', detail: `Policies under "${policies.field}": ${listed}.`, data }];
  }),
};

export const supportPgpKeys: ReportCheck = {
  meta: meta({
    id: 'support.pgp-keys',
    title: 'PGP keys of support contacts (MSC4439)',
    area: 'support',
    fix: 'Give "pgp_key" as a URI to the key (https:…, openpgp4fpr:…), not the key itself, on a contact with an "email_address".',
  }),
  run: onSupportFile(({ contacts }) => {
    const withKeys = contacts.filter((contact) => contact.pgpKey !== undefined);
    if (withKeys.length === 0) return [];
    const problems = withKeys.flatMap(({ where, pgpKey, email }) => {
      const { field, value } = pgpKey!;
      if (typeof value !== 'string') return [`${where}.${field} is not a string`];
      if (value.includes('-----BEGIN PGP')) return [`${where}.${field} holds the key itself; MSC4439 asks for a URI pointing to it`];
      if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) return [`${where}.${field} ${quote(value)} is not a URI`];
      return email === undefined ? [`${where} has a PGP key but no "email_address" to write to`] : [];
    });
    const keys = withKeys.map(({ where, pgpKey }) => ({ contact: where, field: pgpKey!.field, key: typeof pgpKey!.value === 'string' ? pgpKey!.value : null }));
    if (problems.length > 0) return [{ status: 'warn', detail: `${problems.join('; ')}.`, data: { keys } }];
    return [{ status: 'pass', detail: keys.map(({ contact, key }) => `${contact}: ${key}`).join('; ') + '.', data: { keys } }];
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'support.wellknown':
    'Optional. Lets other admins and users reach you about abuse or security problems. Needs "contacts" (each with "role" and a "matrix_id" or "email_address") and/or "support_page".',
  'support.contacts':
    'Lists each contact with its role (admin, security, data protection officer: "m.role.dpo" from MSC4265, unstable "org.matrix.msc4265.role.dpo") and how to reach it. A contact without a valid "matrix_id" or "email_address" cannot be reached.',
  'support.policies':
    'MSC4266 publishes the policies users accept at registration (privacy policy, terms) in the support file under "policies" (unstable "org.matrix.msc4266.policies"), so anyone can look them up later. Each policy has a "version" and, per language, a "name" and an https "url".',
  'support.pgp-keys':
    'MSC4439 lets each contact carry "pgp_key" (unstable "dev.zirco.msc4439.pgp_key"): a URI where the key can be fetched, like security.txt\'s Encryption field. Raw key material is not allowed, and the contact should have an "email_address".',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'support.wellknown': {
    title: 'Support-Kontakte (.well-known/matrix/support)',
    description:
      'Optional. Damit erreichen dich andere Admins und Nutzer bei Missbrauch oder Sicherheitsproblemen. Braucht "contacts" (jeweils mit "role" und einer "matrix_id" oder "email_address") und/oder "support_page".',
    fix: 'Liefere {"contacts": [{"matrix_id": "@admin:example.org", "email_address": "admin@example.org", "role": "m.role.admin"}], "support_page": "https://example.org/support"} unter https://<Servername>/.well-known/matrix/support aus.',
  },
  'support.contacts': {
    title: 'Support-Kontakte sind erreichbar, nach Rolle',
    description: 'Zeigt jeden Kontakt mit seiner Rolle (Admin, Sicherheit, Datenschutzbeauftragte: "m.role.dpo" aus MSC4265, instabil "org.matrix.msc4265.role.dpo") und wie er erreichbar ist. Ein Kontakt ohne gültige "matrix_id" oder "email_address" ist nicht erreichbar.',
    fix: 'Gib jedem Kontakt eine "matrix_id" (ein Konto, das jemand liest) oder eine "email_address" und eine Rolle: "m.role.admin", "m.role.security" oder "m.role.dpo" für deine Datenschutzbeauftragte oder deinen Datenschutzbeauftragten.',
  },
  'support.policies': {
    title: 'Richtlinien in der Support-Datei (MSC4266)',
    description: 'MSC4266 veröffentlicht die Richtlinien, denen Nutzer bei der Registrierung zustimmen (Datenschutzerklärung, Nutzungsbedingungen), in der Support-Datei unter "policies" (instabil "org.matrix.msc4266.policies"), damit jeder sie später nachlesen kann. Jede Richtlinie hat eine "version" und je Sprache einen "name" und eine https-"url".',
    fix: 'Veröffentliche "policies" wie bei der Registrierung: {"privacy_policy": {"version": "1.0", "de": {"name": "Datenschutzerklärung", "url": "https://example.org/datenschutz"}}} (instabiler Name "org.matrix.msc4266.policies").',
  },
  'support.pgp-keys': {
    title: 'PGP-Schlüssel der Support-Kontakte (MSC4439)',
    description: 'Mit MSC4439 kann jeder Kontakt "pgp_key" tragen (instabil "dev.zirco.msc4439.pgp_key"): eine URI, unter der der Schlüssel abrufbar ist, wie das Encryption-Feld von security.txt. Der Schlüssel selbst ist nicht erlaubt, und der Kontakt sollte eine "email_address" haben.',
    fix: 'Gib "pgp_key" (instabiler Name "dev.zirco.msc4439.pgp_key") als URI an, unter der der Schlüssel abrufbar ist, etwa "https://example.org/security.asc" oder "openpgp4fpr:<Fingerabdruck>", nie den Schlüssel selbst, und zwar bei einem Kontakt, der auch eine "email_address" hat.',
  },
};
