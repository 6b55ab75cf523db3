// The report's areas in the groups an admin reads first, one summary line each (the page,
// the CLI's text and the Markdown report). Built from `report.areas` alone, so a group shows
// up once a report has findings in it. The labels live here once; a language other than
// English gets its own `Record<AreaGroup, string>` beside the page's other texts.
import type { CheckArea } from './evidence.ts';
import type { CheckStatus, Report } from './report.ts';

export const AREA_GROUPS = [
  { id: 'federation', areas: ['name', 'well-known', 'dns', 'connection', 'tls', 'federation', 'keys'] },
  { id: 'outgoing', areas: ['outgoing'] },
  { id: 'auth', areas: ['auth'] },
  { id: 'rtc', areas: ['rtc'] },
  { id: 'client', areas: ['client'] },
  { id: 'support', areas: ['support'] },
] as const satisfies readonly { id: string; areas: readonly CheckArea[] }[];

export type AreaGroup = (typeof AREA_GROUPS)[number]['id'];

export const AREA_GROUP_TEXT: Record<AreaGroup, string> = {
  federation: 'Federation',
  outgoing: 'Outgoing federation',
  auth: 'Sign-in',
  rtc: 'Calls',
  client: 'Client discovery',
  support: 'Support',
};

/** Worst first: an area's (or a group's) status is the first of these that any part of it has. */
export const STATUS_SEVERITY: readonly CheckStatus[] = ['fail', 'warn', 'pass', 'info', 'skip'];

export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus | undefined {
  const present = new Set(statuses);
  return STATUS_SEVERITY.find((status) => present.has(status));
}

export interface AreaGroupSummary {
  group: AreaGroup;
  label: string;
  status: CheckStatus;
  /** Some of the group's areas were not tested (a page without a proxy), others were. */
  partlyTested: boolean;
}

/** One entry per group that the report has findings in, in the order of AREA_GROUPS, labelled
 * in the page's language (English unless another record of labels is given). */
export function summarizeAreaGroups(areas: Report['areas'], labels: Record<AreaGroup, string> = AREA_GROUP_TEXT): AreaGroupSummary[] {
  return AREA_GROUPS.flatMap(({ id, areas: members }) => {
    const statuses = members.flatMap((area) => areas[area] ?? []);
    const status = worstStatus(statuses);
    if (status === undefined) return [];
    return [{ group: id, label: labels[id], status, partlyTested: status !== 'skip' && statuses.includes('skip') }];
  });
}
