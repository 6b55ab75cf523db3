// Every Apache configuration in the guides, run for real with Debian's apache2: the files the
// page writes with `echo | tee` go into a temp copy of their /var/www path, each snippet's virtual
// hosts move to loopback test ports with a test certificate, and the modules are the ones Debian
// enables by default plus what the page's `a2enmod` line enables (with a2enmod's dependencies).
// One apache2 serves every snippet: `apache2 -t`, a foreground start with its own pid file, real
// HTTPS requests with the checks of the nginx test, and a stop by PID.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readGuides, echoedFiles, type Page } from './docs-markdown.ts';
import { freePort, exerciseServer, type ServerCommand, type Site, snippetWorkspace, type SnippetWorkspace } from './docs-servers.ts';

const APACHE = '/usr/sbin/apache2';
const MODS_AVAILABLE = '/etc/apache2/mods-available';
// Enabled by a fresh Debian install (the rest of that list plays no part in these snippets).
const DEBIAN_DEFAULT_MODULES = ['mpm_event', 'authz_core', 'mime'];

const snippets = readGuides().flatMap((page) =>
  page.blocks.filter((b) => b.lang === 'apache').map((block) => ({ code: block.code, where: page.where(block.line), page })),
);

/** The page's shell blocks: what they enable with a2enmod and the files they write. */
function setupOf(page: Page) {
  const shell = page.blocks.filter((b) => b.lang === 'bash').map((b) => b.code);
  return {
    modules: shell.flatMap((code) => [...code.matchAll(/^(?:sudo )?a2enmod ([\w ]+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/))),
    files: shell.flatMap(echoedFiles),
  };
}

/** LoadModule lines for the modules and, as a2enmod does, the modules their .load file depends on. */
function loadModules(names: string[], loaded = new Map<string, string>()): Map<string, string> {
  for (const name of names) {
    if (loaded.has(name)) continue;
    const load = readFileSync(join(MODS_AVAILABLE, `${name}.load`), 'utf8');
    loadModules(load.match(/^# Depends:(.*)$/m)?.[1].trim().split(/\s+/) ?? [], loaded);
    loaded.set(name, load.split('\n').filter((l) => l.startsWith('LoadModule ')).join('\n'));
  }
  return loaded;
}

/** Rewrites a snippet for the test: its /var/www under `root`, loopback test ports, the test certificate. */
function plan(code: string, root: string, ports: Map<number, number>, cert: { cert: string; key: string }, served: Set<string>) {
  if (/^\s*ProxyPass/m.test(code)) throw new Error('reverse-proxy snippets are not run yet: map ProxyPass to the test upstream and list its prefixes in plan()');
  const sites: Site[] = [];
  for (const [, port, body] of code.matchAll(/^<VirtualHost \*:(\d+)>$([\s\S]*?)^<\/VirtualHost>$/gm)) {
    const name = body.match(/^\s*ServerName\s+(\S+)$/m)?.[1];
    const documentRoot = body.match(/^\s*DocumentRoot\s+(\S+)$/m)?.[1];
    if (!name || !documentRoot) throw new Error('VirtualHost without ServerName or DocumentRoot');
    const mapped = ports.get(Number(port))!;
    sites.push({
      name,
      addresses: [{ address: '127.0.0.1', port: mapped }, { address: '::1', port: mapped }],
      wellKnown: (['server', 'client', 'support'] as const).filter((kind) => served.has(`${documentRoot}/.well-known/matrix/${kind}`)),
      proxied: [],
      private: [],
    });
  }
  if (sites.length === 0) throw new Error('no <VirtualHost *:port> block');
  const config = code
    .replace(/^<VirtualHost \*:(\d+)>$/gm, (_, port: string) => `<VirtualHost *:${ports.get(Number(port))}>`)
    .replace(/^(\s*DocumentRoot\s+)(\/\S+)$/gm, `$1${root}$2`)
    .replace(/^(\s*SSLCertificateFile\s+)\S+$/gm, `$1${cert.cert}`)
    .replace(/^(\s*SSLCertificateKeyFile\s+)\S+$/gm, `$1${cert.key}`);
  return { config, sites };
}

/** What Debian's apache2.conf, ports.conf and ssl.conf provide, with every runtime path in `dir`. */
function apacheConf(dir: string, modules: Map<string, string>, ports: number[], vhosts: string): string {
  return `ServerRoot ${dir}
ServerName localhost
PidFile ${join(dir, 'apache2.pid')}
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
# Node's stdio pipes are sockets, which apache2 cannot open as /dev/stderr.
ErrorLog ${join(dir, 'error.log')}
LogLevel warn
# Ignored unless started as root; then, as on Debian, requests are served as www-data.
User www-data
Group www-data
${[...modules.values()].join('\n')}
TypesConfig /etc/mime.types
SSLSessionCache shmcb:${join(dir, 'ssl_scache')}(512000)

<Directory />
    AllowOverride None
    Require all denied
</Directory>
# Debian grants /var/www/; each page's copy of it lives in ${dir}/<page>/var/www/.
<Directory ${dir}/*/var/www/>
    AllowOverride None
    Require all granted
</Directory>

${ports.map((port) => `Listen 127.0.0.1:${port}\nListen [::1]:${port}`).join('\n')}

${vhosts}
`;
}

describe('Apache snippets in the guides', () => {
  let workspace: SnippetWorkspace;

  beforeAll(async () => {
    if (!existsSync(APACHE)) throw new Error(`${APACHE} is missing: install Debian's apache2 (.ci/run does)`);
    const names = new Set<string>();
    for (const { code } of snippets) for (const m of code.matchAll(/^\s*ServerName\s+(\S+)$/gm)) names.add(m[1]);
    // Its upstream goes unused: exerciseSites wants one, and plan() refuses ProxyPass for now.
    workspace = await snippetWorkspace('apache', names);
  });

  afterAll(async () => {
    await workspace?.close();
  });

  it('finds the snippets: the .well-known files with CORS, and the files they serve', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(1);
    expect(snippets.some((s) => /<Location "\/\.well-known\/matrix\/">/.test(s.code))).toBe(true);
    for (const { page, where } of snippets) expect(setupOf(page).files.length, where).toBeGreaterThanOrEqual(3);
  });

  it('apache2 -t passes without warnings, then real HTTPS requests to every snippet', async () => {
    const modules = loadModules(DEBIAN_DEFAULT_MODULES);
    const sites: Site[] = [];
    const vhosts: string[] = [];
    const listen: number[] = [];
    for (const { code, where, page } of snippets) {
      const setup = setupOf(page);
      loadModules(setup.modules, modules);
      const root = join(workspace.dir, page.file);
      for (const { path, content } of setup.files) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content, { mode: 0o644 });
      }
      // Each snippet gets its own ports, so they share one apache2 without sharing virtual hosts.
      const ports = new Map<number, number>();
      for (const m of code.matchAll(/^<VirtualHost \*:(\d+)>$/gm)) ports.set(Number(m[1]), await freePort());
      listen.push(...ports.values());
      const planned = plan(code, root, ports, workspace.cert, new Set(setup.files.map((f) => f.path)));
      sites.push(...planned.sites);
      vhosts.push(`# ${where}\n${planned.config}`);
    }
    const conf = join(workspace.dir, 'apache2.conf');
    writeFileSync(conf, apacheConf(workspace.dir, modules, listen, vhosts.join('\n\n')));

    const checked = spawnSync(APACHE, ['-t', '-f', conf], { encoding: 'utf8' });
    const checkOutput = `${checked.stdout}${checked.stderr}`;
    expect(checked.status, checkOutput).toBe(0);
    expect(checkOutput.split('\n').filter((l) => /:(warn|error|crit|alert|emerg)\]/.test(l)), checkOutput).toEqual([]);

    const server: ServerCommand = {
      command: APACHE,
      args: ['-f', conf, '-DFOREGROUND'],
      pidfile: join(workspace.dir, 'apache2.pid'),
      stop: 'SIGTERM', // the parent stops its children
      startMs: 5000,
      log: join(workspace.dir, 'error.log'),
    };
    const { problems, output } = await exerciseServer(server, sites, workspace.cert.ca, workspace.upstream);
    expect(problems, output).toEqual([]);
  });
});
