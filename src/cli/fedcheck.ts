#!/usr/bin/env node
// `fedcheck NAME`: the checker core with the Node adapters, for terminals, scripts and
// monitoring. Exit codes follow the monitoring-plugin convention.
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import { createNodeAdapters } from '../adapters/node/index.ts';
import { runCheck, withStrictClientVerdict } from '../checker/check.ts';
import { reportToMarkdown } from '../checker/markdown.ts';
import { outgoingTesting } from '../checker/outgoing.ts';
import { parseServerName } from '../checker/server-name.ts';
import { renderProbeExposition } from '../monitoring/probe-exposition.ts';
import { ConfigError, loadConfig, type ServerConfig } from '../server/config.ts';
import { createIdentity, identityRoutes } from '../server/identity.ts';
import { listen } from '../server/listen.ts';
import { EXIT_CODE, EXIT_COULD_NOT_CHECK, formatNagios, formatNagiosUnknown, formatTap, formatText } from './formats.ts';

const HELP = `Usage: fedcheck NAME [--json | --markdown | --tap | --nagios | --prometheus] [--strict] [--timeout SECONDS]

Checks how Matrix homeservers find, reach and trust the server NAME, following the
spec's server-name resolution (.well-known, SRV, ports, TLS, signing keys).

Output (one of):
  (default)    readable report: verdict, resolution trace, findings with fixes
  --json       the fedcheck.report/1 JSON report
  --markdown   Markdown, for pasting into a support room
  --tap        TAP 14, one test point per check
  --nagios     one monitoring-plugin status line with perfdata
  --prometheus the metrics of the proxy's GET /probe, with a target label (for the
               node_exporter textfile collector)

Options:
  --strict            a strict client check: failures of client discovery, sign-in,
                      calls and support fail the verdict (they otherwise cap it at warn)
  --timeout SECONDS   give up after this long (default 30)
  -h, --help          this help
  -v, --version       the fedcheck version

Exit codes: 0 pass, 1 warn, 2 fail, 3 could not check (bad name, usage, internal error).

Environment: FEDCHECK_DNS_SERVERS=ip[:port],...  FEDCHECK_ALLOW_PRIVATE=1
  NODE_EXTRA_CA_CERTS=file.pem  NO_COLOR=1  FEDCHECK_DOCS_URL (default ${packageJson.homepage})
  Outgoing federation: FEDCHECK_SERVER_NAME and FEDCHECK_KEY_FILE, and HOST/PORT (with
  FEDCHECK_TLS_CERT/FEDCHECK_TLS_KEY, or behind a reverse proxy) where that name's HTTPS
  arrives: fedcheck listens there while the check runs.

Examples:
  npx fedcheck matrix.org
  npx fedcheck example.org:8448 --json > report.json
  npx fedcheck example.org --nagios      # in a Nagios/Icinga check_command
  npx fedcheck example.org --prometheus > f.prom.tmp; [ $? -le 2 ] && mv f.prom.tmp f.prom
`;

const FORMATS = ['json', 'markdown', 'tap', 'nagios', 'prometheus'] as const;
type Format = 'text' | (typeof FORMATS)[number];

class UsageError extends Error {}

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      tap: { type: 'boolean' },
      nagios: { type: 'boolean' },
      prometheus: { type: 'boolean' },
      strict: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const chosen = FORMATS.filter((format) => values[format]);
  if (chosen.length > 1) throw new UsageError(`choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || seconds <= 0 || seconds > 600) {
      throw new UsageError(`--timeout ${JSON.stringify(values.timeout)}: expected seconds, more than 0 and at most 600`);
    }
    timeoutMs = seconds * 1000;
  }
  if (!values.help && !values.version && positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give one server name, e.g. fedcheck example.org' : `give one server name, not ${positionals.length}`);
  }
  return { format: chosen[0] ?? 'text', timeoutMs, strict: values.strict === true, help: values.help, version: values.version, name: positionals[0] };
}

async function main(argv: string[]): Promise<number> {
  let format: Format = argv.includes('--nagios') ? 'nagios' : 'text';
  const couldNotCheck = (message: string) => {
    if (format === 'nagios') process.stdout.write(formatNagiosUnknown(message));
    process.stderr.write(`fedcheck: ${message}\n`);
    return EXIT_COULD_NOT_CHECK;
  };
  try {
    const options = parseCommandLine(argv);
    format = options.format;
    if (options.help) return process.stdout.write(HELP), 0;
    if (options.version) return process.stdout.write(`fedcheck ${packageJson.version}\n`), 0;
    const parsed = parseServerName(options.name!);
    if (!parsed.ok) return couldNotCheck(parsed.error);
    const config = loadConfig();
    const identity = config.identity ? createIdentity(config.identity) : null;
    const listener = identity ? await listenForFetches(config, identityRoutes(identity, { version: packageJson.version, trustProxy: config.trustProxy }).fetch) : null;
    const checked = await runCheck(options.name!, {
      ...createNodeAdapters({ dnsServers: config.dnsServers, allowPrivate: config.allowPrivate }),
      outgoing: outgoingTesting(identity),
      clock: { now: () => Date.now() },
      source: 'cli',
      timeoutMs: options.timeoutMs,
      allowPrivateAddresses: config.allowPrivate,
    }).finally(() => listener?.close());
    const report = options.strict ? withStrictClientVerdict(checked) : checked;
    const docsBase = process.env.FEDCHECK_DOCS_URL || packageJson.homepage;
    const output = await {
      text: () => formatText(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, docsBase }),
      json: () => JSON.stringify(report, null, 2) + '\n',
      markdown: () => reportToMarkdown(report, { docsBase }),
      tap: () => formatTap(report),
      nagios: () => formatNagios(report),
      prometheus: () => renderProbeExposition(report, { target: report.serverName }),
    }[format]();
    process.stdout.write(output);
    return EXIT_CODE[report.verdict];
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) return couldNotCheck(error.message.replace(/\n\s*/g, ' '));
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return couldNotCheck(error.message);
    return couldNotCheck(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The identity's routes on HOST:PORT for the length of the check; a port in use is a clear error. */
function listenForFetches(config: ServerConfig, fetch: Parameters<typeof listen>[1]): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const { server, close } = listen(
      config,
      fetch,
      () =>
        resolve({
          close: () => {
            close();
            // A peer's kept-alive connection would hold the process open after the report.
            (server as import('node:http').Server).closeAllConnections();
          },
        }),
      (error) => reject(new ConfigError([`cannot listen on ${config.host}:${config.port} for the outgoing federation test: ${error.code ?? error.message}`])),
    );
  });
}

process.exitCode = await main(process.argv.slice(2));
