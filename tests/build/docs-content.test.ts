// The guide pages in content/docs/docs: every page the issue lists, with a description, the
// topics of the seed page and of the issue as headings, stable anchors, sound internal links,
// and no sentence pasted from the seed. The built-site checks read dist/ (built by the global setup).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHtml, root, dist } from './build-helpers.ts';
import { readGuides, proseLinks, type Page } from './docs-markdown.ts';
import { createApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openApiDocument } from '../../src/server/openapi.ts';

const pages = readGuides();
const byUrl = new Map(pages.map((p) => [p.url, p]));
const page = (name: string): Page => {
  const found = byUrl.get(`/docs/${name}/`);
  if (!found) throw new Error(`no page content/docs/docs/${name}.md`);
  return found;
};
const headingTexts = (p: Page) => p.headings.map((h) => h.text);

/** Files shipped with the docs (public/monitoring/), linked for download. */
const SHIPPED_FILE = /^\/monitoring\/[a-z0-9-]+\.(yml|json)$/;

// The page list, with the URLs the seed page links to.
const REQUIRED_PAGES = [
  'federation-network',
  'federation-tls',
  'wellknown-delegation',
  'server-configuration',
  'troubleshooting',
  'using-the-checker',
  'monitoring',
  'oauth-sign-in',
  'matrixrtc-calls',
  // The guides of the seed's site that fedcheck lacked (issue 16).
  'getting-started',
  'cors',
  'client-server-api',
  'server-logs',
  'federation-performance',
  'getting-help',
  'privacy',
];

// Every topic of the seed page (../shared/seed/understanding-federation-network.md) and the
// heading that covers it on /docs/federation-network/.
const SEED_TOPICS: Array<[seedTopic: string, heading: string]> = [
  ['Network Requirements', 'Network requirements'],
  ['Required Ports', 'Required ports'],
  ['Setup options in order of preference', 'Order of preference'],
  ['Firewall Configuration', 'Firewall rules'],
  ['UFW (Ubuntu/Debian)', 'ufw'],
  ['firewalld (RHEL/CentOS/Fedora)', 'firewalld'],
  ['nftables (asked for by the issue)', 'nftables'],
  ['NAT and Port Forwarding', 'NAT and port forwarding'],
  ['DNS Configuration', 'DNS records'],
  ['SRV Records', 'SRV records'],
  ['A/AAAA Records', 'A and AAAA records'],
  ['Delegated Configuration', 'What delegation needs'],
  ['Testing Network Connectivity', 'Testing connectivity'],
  ['Check Port Accessibility: listening', 'Check that the port is listening'],
  ['Check Port Accessibility: from outside', 'Check reachability from outside'],
  ['Check Port Accessibility: TLS', 'Check TLS with openssl'],
  ['Verify DNS Records', 'Check DNS with dig'],
  ['Use This Connection Tester', 'Use the checker'],
  ['Common Network Issues', 'Common network issues'],
  ['Connection Timeout', 'Connection timeout'],
  ['DNS Resolution Failures', 'DNS resolution failures'],
  ['Asymmetric Federation', 'Asymmetric federation'],
  ['IPv6 Support', 'IPv6'],
  ['Load Balancers and Reverse Proxies', 'Load balancers and reverse proxies'],
  ['CDN and DDoS Protection', 'CDNs and DDoS protection'],
  ['Security Considerations', 'Security'],
  ['Monitoring Federation Network', 'Monitoring'],
  ['Related Documentation', 'Related guides'],
];

// The topics the issue lists for the other pages.
const PAGE_TOPICS: Record<string, string[]> = {
  'federation-tls': [
    'Which name the certificate must carry',
    'SRV records and certificates',
    'Full chains and missing intermediates',
    "ACME and Let's Encrypt",
    'SNI',
    'IP literals',
    'Expiry monitoring',
    'Testing with openssl',
  ],
  'wellknown-delegation': [
    'The server file',
    'The client file',
    'The support file',
    'Content type and CORS headers',
    'nginx',
    'Caddy',
    'Apache',
    'Traefik',
    'Redirects',
    'Caching',
    'Common mistakes',
    'A scheme or path in m.server',
    'Port confusion',
    'The file only on www.',
    'Files larger than 50 KiB',
  ],
  'server-configuration': [
    'Three names to keep apart',
    'Synapse',
    'Dendrite',
    'The Conduit family',
    'Reverse proxy: port 443 with delegation',
    'Reverse proxy: port 8448',
  ],
  troubleshooting: [
    'Reading a report',
    'Server name',
    '.well-known files',
    'DNS',
    'Connections',
    'TLS and certificates',
    'Federation API',
    'Signing keys',
    'Checker limits',
  ],
  // Issue 13; the sign-in findings link to the CORS and common-mistakes sections.
  'oauth-sign-in': ['The pieces', 'How clients find the server', 'What the metadata must contain', 'CORS', 'Reverse proxy', 'nginx', 'Caddy', 'Common mistakes'],
  'using-the-checker': [
    'In the browser',
    'With the proxy',
    'Privacy',
    'Resolvers and settings',
    'Deep links',
    'Exporting results',
    'Running the proxy',
    'Environment variables',
    'Safety defaults',
    'Behind a reverse proxy',
    'The proxy API',
    'The command line',
    'Monitoring',
  ],
  monitoring: [
    'Prometheus and Alertmanager',
    'The probe',
    'Scrape configuration',
    'Alert rules',
    'Alertmanager',
    'Grafana',
    "fedcheck's own metrics",
    'Nagios, Icinga and Zabbix',
    'Nagios',
    'Icinga 2',
    'Zabbix',
    'The textfile collector',
    'The GOOD/BAD endpoint',
    'The federation-tester-compatible API',
    'Watching many servers',
  ],
  'getting-started': [
    '1. Choose the server name',
    '2. DNS records',
    '3. Firewall',
    '4. Certificates',
    '5. Homeserver and reverse proxy',
    '6. Delegation',
    '7. Test from outside',
    '8. Run the check',
    '9. Federate for real',
  ],
  cors: [
    'What the specification asks for',
    'Which endpoints need it',
    'What homeservers already send',
    'Preflight requests',
    'Common proxy mistakes',
    'Headers added twice',
    'Preflights blocked before they reach the homeserver',
    'Headers missing on errors',
    'Testing',
  ],
  'client-server-api': ['Paths to expose', 'Paths to keep private', 'Reverse-proxy rules', 'Checking what is exposed'],
  'server-logs': ['Finding the log', 'Synapse', 'Dendrite', 'The Conduit family', 'From log line to fix'],
  'federation-performance': [
    'Where the time goes',
    'Synapse workers and federation senders',
    'Connection reuse',
    'Signing-key caching',
    'DNS caching',
    'Large rooms',
  ],
  'getting-help': ['Start with a fedcheck report', 'What else to collect', 'What never to share', 'Where to ask'],
  privacy: ['The checker page', 'What your browser stores', 'The proxy', 'The command line', 'What the checked servers see'],
};

describe('guide pages', () => {
  it('exist at the URLs the seed page and the checker link to', () => {
    for (const name of REQUIRED_PAGES) expect(byUrl.has(`/docs/${name}/`), name).toBe(true);
  });

  it('each have a plain title and a real description', () => {
    for (const p of pages) {
      const { title, description } = p.frontmatter;
      expect(typeof title === 'string' && title.length > 3, `${p.file} title`).toBe(true);
      // site.test.ts matches <title> against the raw frontmatter line: keep titles unquoted.
      expect(p.source).toMatch(new RegExp(`^title: ${String(title).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      expect(typeof description, `${p.file} description`).toBe('string');
      expect((description as string).length, `${p.file} description length`).toBeGreaterThanOrEqual(60);
      expect((description as string).length, `${p.file} description length`).toBeLessThanOrEqual(300);
    }
  });

  it('cover every topic of the seed page with a heading on /docs/federation-network/', () => {
    const texts = headingTexts(page('federation-network'));
    const missing = SEED_TOPICS.filter(([, heading]) => !texts.includes(heading));
    expect(missing).toEqual([]);
  });

  it('cover the topics the issue lists for each other page with a heading', () => {
    for (const [name, topics] of Object.entries(PAGE_TOPICS)) {
      const texts = headingTexts(page(name));
      expect(topics.filter((t) => !texts.includes(t)), name).toEqual([]);
    }
  });

  it('have unique heading anchors on each page, so the checker can link to them', () => {
    for (const p of pages) {
      const slugs = p.headings.map((h) => h.slug);
      // github-slugger suffixes duplicates with -1, -2; a suffix means two headings share a text.
      expect(slugs.filter((s) => /-\d+$/.test(s) && slugs.includes(s.replace(/-\d+$/, ''))), p.file).toEqual([]);
    }
  });

  it('use only the callouts the site supports, and the seed page uses :::inset and :::warning', () => {
    for (const p of pages) {
      for (const m of p.prose.matchAll(/^:::(\w[\w-]*)/gm)) {
        expect(['inset', 'warning', 'note', 'tip', 'caution', 'danger'], `${p.file} :::${m[1]}`).toContain(m[1]);
      }
    }
    const network = page('federation-network').prose;
    expect(network).toMatch(/^:::inset/m);
    expect(network).toMatch(/^:::warning/m);
  });

  it('correct the seed where the spec or tools differ', () => {
    const network = page('federation-network');
    const code = network.blocks.map((b) => b.code).join('\n');
    // _matrix-fed._tcp since spec v1.8; _matrix._tcp only as the deprecated name.
    expect(code).toContain('_matrix-fed._tcp');
    for (const p of pages) {
      for (const b of p.blocks.filter((b) => b.lang === 'dns')) expect(b.code, p.where(b.line)).not.toMatch(/^_matrix\._tcp/m);
      // ss, not the deprecated netstat; no telnet.
      for (const b of p.blocks) expect(b.code, p.where(b.line)).not.toMatch(/\b(netstat|telnet)\b/);
    }
    expect(code).toMatch(/\bss -tlnp\b/);
    expect(code).toMatch(/\bnc -vz\b/);
    expect(code).toMatch(/openssl s_client -connect \S+ -servername \S+/);
    expect(code).toMatch(/\bdig \+short SRV _matrix-fed\._tcp\./);
    expect(network.prose).toMatch(/must not be a CNAME/i);
    // The certificate rule for SRV: the server name, not the target.
    expect(page('federation-tls').prose).toMatch(/valid for \*\*`example\.com`\*\*/);
  });

  it('name the homeserver settings that decide federation, as the projects spell them', () => {
    const text = page('server-configuration').source;
    for (const setting of [
      'serve_server_wellknown',
      'public_baseurl',
      'x_forwarded',
      'bind_addresses',
      'federation_domain_whitelist',
      'well_known_server_name',
      'well_known_client_name',
      'disable_federation',
      '[global.well_known]',
      'allow_federation',
      'request_ip_source',
    ]) {
      expect(text, setting).toContain(setting);
    }
  });

  it('document every proxy endpoint, environment variable, CLI flag and exit code', () => {
    const text = page('using-the-checker').source;
    for (const item of [
      '/api/v1/health',
      '/api/v1/report?server_name=',
      '/api/report?server_name=',
      '/api/federation-ok?server_name=',
      'PORT',
      'HOST',
      'FEDCHECK_DNS_SERVERS',
      'FEDCHECK_ALLOW_PRIVATE',
      'FEDCHECK_RATE_LIMIT',
      'FEDCHECK_MAX_CONCURRENT',
      'FEDCHECK_REPORT_TIMEOUT_MS',
      'FEDCHECK_TRUST_PROXY',
      'FEDCHECK_SITE_DIR',
      'FEDCHECK_DOCS_URL',
      'NODE_EXTRA_CA_CERTS',
      'npx fedcheck',
      '--json',
      '--markdown',
      '--tap',
      '--nagios',
      '--timeout',
      '?server=',
      'resolver=',
      'proxy=',
      'npm start',
      'npm ci',
    ]) {
      expect(text, item).toContain(item);
    }
    for (const code of ['0', '1', '2', '3']) expect(text).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });

  it('state the security headers the server sends, as it sends them', async () => {
    const text = page('using-the-checker').source;
    const app = createApp({ config: { ...loadConfig({}), siteDir: dist }, log: () => {} });
    const client = { incoming: { socket: { remoteAddress: '192.0.2.1' } } };
    const home = await app.request('/', {}, client);
    const health = await app.request('/api/v1/health', { headers: { origin: 'https://elsewhere.example' } }, client);
    const documented = [...text.matchAll(/^\| `([A-Z][A-Za-z-]+)` \| `([^`]+)` \|$/gm)];
    expect(documented.length).toBeGreaterThan(4);
    for (const [, name, value] of documented) {
      expect(home.headers.get(name), name).toBe(value);
      expect(health.headers.get(name), name).toBe(value);
    }
    for (const [, name, value] of text.matchAll(/`([A-Z][A-Za-z-]+): ([^`]+)`/g)) expect(health.headers.get(name), name).toBe(value);
    expect(text).toContain(`\`${health.headers.get('content-security-policy')}\``);
    const hash = /'sha256-[A-Za-z0-9+/]+=*'/g;
    expect(text).toContain(home.headers.get('content-security-policy')!.replace(hash, "'sha256-…'").replace(/( 'sha256-…')+/g, " 'sha256-…'"));
  });

  it('keep up with the proxy and the CLI: every environment variable and option they read is documented', () => {
    const text = page('using-the-checker').source;
    const source = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '');
    const config = source('src/server/config.ts');
    const cli = source('src/cli/fedcheck.ts');
    const variables = new Set([
      ...[...config.matchAll(/read\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]),
      ...[...config.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
      ...[...cli.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
    ]);
    variables.delete('FEDCHECK_CONTENT_DIR'); // build-time switch for the site's own tests
    for (const name of variables) expect(text, name).toContain(`\`${name}\``);
    const options = [...cli.matchAll(/^\s{6}([a-z][a-z-]*): \{ type:/gm)].map((m) => m[1]);
    for (const option of options) expect(text, `--${option}`).toContain(`--${option}`);
  });

  it('do not copy any run of 7 words from the seed page', () => {
    const seedPath = join(root, '..', 'shared', 'seed', 'understanding-federation-network.md');
    if (!existsSync(seedPath)) return; // the seed lives outside the repository; CI clones only the repository
    const words = (s: string) =>
      s.toLowerCase().replace(/<!--[\s\S]*?-->/g, ' ').replace(/[^a-z0-9']+/g, ' ').trim().split(' ').filter(Boolean);
    const runs = (list: string[]) => list.slice(0, Math.max(0, list.length - 6)).map((_, i) => list.slice(i, i + 7).join(' '));
    const seed = readFileSync(seedPath, 'utf8').replace(/^---[\s\S]*?---/, '').replace(/```[\s\S]*?```/g, '');
    const seedRuns = new Set(runs(words(seed)));
    expect(seedRuns.size).toBeGreaterThan(500);
    // Per page, so that a run cannot span the end of one page and the start of the next.
    const copied = pages.flatMap((p) => runs(words(p.prose)).filter((run) => seedRuns.has(run)).map((run) => `${p.file}: ${run}`));
    expect(copied).toEqual([]);
  });
});

describe('links in the guides', () => {
  const all = pages.flatMap((p) => proseLinks(p).map((l) => ({ ...l, page: p })));

  it('are root-relative with a trailing slash, or https', () => {
    expect(all.length).toBeGreaterThan(30);
    for (const { href, line, page: p } of all) {
      const where = `${p.where(line)} ${href}`;
      if (href.startsWith('#')) continue;
      if (/^https?:/.test(href)) {
        expect(href, where).toMatch(/^https:\/\//);
        continue;
      }
      if (SHIPPED_FILE.test(href)) continue;
      expect(href, where).toMatch(/^\/(docs\/[a-z0-9-]+\/)?(#[a-z0-9-]+)?$/);
    }
  });

  it('point at pages and anchors that exist', () => {
    for (const { href, line, page: p } of all) {
      if (/^https?:/.test(href)) continue;
      const where = `${p.where(line)} ${href}`;
      const [path, anchor] = href.split('#');
      if (SHIPPED_FILE.test(path)) {
        expect(existsSync(join(root, 'public', path)), where).toBe(true);
        expect(existsSync(join(dist, path)), `${where} in the built site`).toBe(true);
        continue;
      }
      if (path === '/') {
        expect(anchor, where).toBeUndefined();
        continue;
      }
      const target = path === '' ? p : byUrl.get(path);
      expect(target, where).toBeDefined();
      if (anchor !== undefined) expect(target!.headings.map((h) => h.slug), where).toContain(anchor);
    }
  });
});

describe('monitoring and API reference pages', () => {
  it('the monitoring guide links every file shipped in public/monitoring', () => {
    const linked = new Set(proseLinks(page('monitoring')).map((link) => link.href));
    const shipped = readdirSync(join(root, 'public', 'monitoring')).map((file) => `/monitoring/${file}`);
    expect(shipped.length).toBeGreaterThanOrEqual(5);
    expect(shipped.filter((file) => !linked.has(file))).toEqual([]);
  });

  it('the API reference is built from the OpenAPI document: every route, parameter and status', () => {
    const html = decodeHtml(readFileSync(join(dist, 'docs', 'api', 'index.html'), 'utf8'));
    const document = openApiDocument('docs');
    for (const [path, item] of Object.entries(document.paths)) {
      const operation = item.get as { operationId: string; parameters?: { name: string }[]; responses: Record<string, unknown> };
      const section = html.slice(html.indexOf(`id="${operation.operationId}"`), html.indexOf('</section>', html.indexOf(`id="${operation.operationId}"`)));
      expect(section, path).toContain(`GET ${path}`);
      for (const parameter of operation.parameters ?? []) expect(section, `${path} ${parameter.name}`).toContain(`<code>${parameter.name}</code>`);
      for (const status of Object.keys(operation.responses)) expect(section, `${path} ${status}`).toContain(`<code>${status}</code>`);
    }
  });
});

describe('built guide pages', () => {
  it('carry the description and every heading anchor of their source', () => {
    for (const p of pages) {
      const html = readFileSync(join(dist, p.url, 'index.html'), 'utf8');
      const description = html.match(/<meta name="description" content="([^"]*)"/)?.[1];
      expect(description && decodeHtml(description), `${p.file} meta description`).toBe(p.frontmatter.description);
      const ids = new Set([...html.matchAll(/<h[1-6][^>]*\bid="([^"]+)"/g)].map((m) => m[1]));
      expect(p.headings.map((h) => h.slug).filter((s) => !ids.has(s)), `${p.file} anchors`).toEqual([]);
    }
  });

  it('render the callouts of the networking page as asides', () => {
    const html = readFileSync(join(dist, 'docs/federation-network/index.html'), 'utf8');
    expect(html).toContain('starlight-aside--inset');
    expect(html).toContain('starlight-aside--warning');
  });
});
