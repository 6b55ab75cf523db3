// The check reference page's entries: each check's metadata with its description. Only the
// docs build reads the descriptions, so the browser bundle leaves them out.
import type { CheckMeta } from './evidence.ts';
import { CHECK_METAS } from './registry.ts';
import { descriptions as name } from './checks/name.ts';
import { descriptions as wellKnownServer } from './checks/well-known-server.ts';
import { descriptions as dns } from './checks/dns.ts';
import { descriptions as browser } from './checks/browser.ts';
import { descriptions as connection } from './checks/connection.ts';
import { descriptions as federation } from './checks/federation.ts';
import { descriptions as keys } from './checks/keys.ts';
import { descriptions as client } from './checks/client.ts';
import { descriptions as rtc } from './checks/rtc.ts';
import { descriptions as support } from './checks/support.ts';
import { descriptions as auth } from './checks/auth.ts';
import { descriptions as outgoing } from './checks/outgoing.ts';

const DESCRIPTIONS: Record<string, string> = { ...name, ...wellKnownServer, ...dns, ...browser, ...connection, ...federation, ...keys, ...outgoing, ...client, ...auth, ...rtc, ...support };

export interface CheckReferenceEntry extends CheckMeta {
  description: string;
}

export const CHECK_REFERENCE: readonly CheckReferenceEntry[] = CHECK_METAS.map((meta) => {
  const description = DESCRIPTIONS[meta.id];
  if (description === undefined) throw new Error(`check ${meta.id} has no description`);
  return { ...meta, description };
});
