// Ready-to-paste configuration for the findings whose fix is a config change, filled in
// with this server's names. Keyed by check id; the core's fix text says what and why.
import type { Finding, Report } from '../checker/report.ts';

export interface Snippet {
  title: string;
  text: string;
}

type SnippetSource = (report: Report, finding: Finding) => Snippet[];

/** Where federation should be delegated: what the server already uses, else a placeholder. */
function delegationTarget(report: Report): string {
  const resolution = report.resolution;
  if (resolution?.delegatedServerName) return resolution.delegatedServerName;
  const target = resolution?.targets[0];
  return target && resolution.step !== 'default' ? `${target.host}:${target.port}` : `matrix.${report.serverName}:443`;
}

function clientBaseUrl(report: Report): string {
  return `https://${delegationTarget(report).replace(/:\d+$/, '')}`;
}

const serverJson = (report: Report) => JSON.stringify({ 'm.server': delegationTarget(report) });
const clientJson = (report: Report) => JSON.stringify({ 'm.homeserver': { base_url: clientBaseUrl(report) } });

const wellKnownFiles = (report: Report): Snippet[] => [
  { title: `https://${report.serverName}/.well-known/matrix/server`, text: serverJson(report) },
  {
    title: 'nginx, in the server block for the server name',
    text: [
      'location = /.well-known/matrix/server {',
      '    default_type application/json;',
      '    add_header Access-Control-Allow-Origin "*" always;',
      `    return 200 '${serverJson(report)}';`,
      '}',
      'location = /.well-known/matrix/client {',
      '    default_type application/json;',
      '    add_header Access-Control-Allow-Origin "*" always;',
      '    add_header Access-Control-Allow-Methods "GET, OPTIONS" always;',
      '    add_header Access-Control-Allow-Headers "X-Requested-With, Content-Type, Authorization" always;',
      '    if ($request_method = OPTIONS) { return 204; }',
      `    return 200 '${clientJson(report)}';`,
      '}',
    ].join('\n'),
  },
  {
    title: 'Caddy',
    text: [
      `${report.serverName.replace(/:\d+$/, '')} {`,
      '\theader /.well-known/matrix/* Content-Type application/json',
      '\theader /.well-known/matrix/* Access-Control-Allow-Origin *',
      `\trespond /.well-known/matrix/server \`${serverJson(report)}\``,
      `\trespond /.well-known/matrix/client \`${clientJson(report)}\``,
      '}',
    ].join('\n'),
  },
];

const clientFile = (report: Report): Snippet[] => [
  { title: `https://${report.serverName}/.well-known/matrix/client`, text: clientJson(report) },
  ...wellKnownFiles(report).slice(1),
];

const srvRecord = (report: Report): Snippet[] =>
  (report.resolution?.targets ?? [])
    .filter((target) => target.srv)
    .map((target) => ({
      title: 'DNS record',
      text: `_matrix-fed._tcp.${report.serverName}. 3600 IN SRV ${target.srv!.priority} ${target.srv!.weight} ${target.port} ${target.host}.`,
    }));

const supportFile = (report: Report): Snippet[] => [
  {
    title: `https://${report.serverName}/.well-known/matrix/support`,
    text: JSON.stringify(
      {
        contacts: [{ matrix_id: `@admin:${report.serverName}`, email_address: `admin@${report.serverName}`, role: 'm.role.admin' }],
        support_page: `https://${report.serverName}/support`,
      },
      null,
      2,
    ),
  },
];

const SNIPPETS: Record<string, SnippetSource> = {
  'wellknown.server.status': wellKnownFiles,
  'wellknown.server.json': wellKnownFiles,
  'wellknown.server.m-server': wellKnownFiles,
  'wellknown.server.content-type': wellKnownFiles,
  'wellknown.server.size': wellKnownFiles,
  'wellknown.server.redirects': wellKnownFiles,
  'client.wellknown': clientFile,
  'client.wellknown.base-url': clientFile,
  'client.wellknown.cors': clientFile,
  'dns.srv.legacy': srvRecord,
  'support.wellknown': supportFile,
};

export function snippetsFor(report: Report, finding: Finding): Snippet[] {
  return SNIPPETS[finding.id]?.(report, finding) ?? [];
}
