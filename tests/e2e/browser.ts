// Browser e2e base: Debian's Chromium through playwright-core (never a downloaded
// browser) and the real `npm start` server on a free loopback port, stopped by PID.
import { chromium, type Browser, type Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Chromium keeps only the last --disable-features it is given, so this one repeats what
 * playwright-core disables itself (`disabledFeatures` in its chromiumSwitches;
 * browser.test.ts holds the two lists together) and adds the omnibox popups. Debian's
 * Chromium is the full browser: every new window, that is every browser context, loads them
 * as WebUI pages in a renderer of their own, about 1.4 s of CPU time spent just as a test
 * starts on a 2-core machine. Playwright's usual headless shell has no such window.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AimEnabled',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsFirstBalancedModeAutoEnable',
  'HttpsUpgrades',
  'LensOverlay',
  'MediaRouter',
  'NetworkTimeServiceQuerying',
  'OptimizationHints',
  'PaintHolding',
  'PreconnectToSearch',
  'TcpPortRandomizationWin',
  'ThirdPartyStoragePartitioning',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  'msForceBrowserSignIn',
];
export const OMNIBOX_POPUP_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];
const DISABLE_FEATURES = '--disable-features=';

/**
 * The one --disable-features for a launcher that disables `launcherFeatures` itself: its list
 * with the omnibox popups added, as Chromium keeps only the last such flag it is given.
 */
export function disableFeaturesFlag(launcherFeatures: string[]): string {
  return DISABLE_FEATURES + [...launcherFeatures, ...OMNIBOX_POPUP_FEATURES].join(',');
}

/** The features in a launcher's default --disable-features flag, if it has one. */
export function disabledFeaturesOf(flags: string[]): string[] {
  return flags.find((flag) => flag.startsWith(DISABLE_FEATURES))?.slice(DISABLE_FEATURES.length).split(',') ?? [];
}

export interface LaunchOptions {
  /** Chromium's --host-resolver-rules, to send test names to loopback. */
  hostResolverRules?: string;
  /** A HOME whose .pki/nssdb trusts the test CA. */
  home?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...CHROMIUM_FLAGS, disableFeaturesFlag(PLAYWRIGHT_DISABLED_FEATURES)];
  if (options.hostResolverRules) args.push(`--host-resolver-rules=${options.hostResolverRules}`);
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args,
    env: { ...process.env, ...(options.home ? { HOME: options.home } : {}) },
  });
}

export async function freePort(address = '127.0.0.1'): Promise<number> {
  const server = createServer().listen(0, address);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `npm start`'s Node flags and entry point (package.json), so that tests and the bench run
 * the proxy as it runs in production: the flags bound its memory (tests/bench/README.md).
 */
export function startCommand(): string[] {
  const [node, ...args] = packageJson.scripts.start.split(/\s+/);
  if (node !== 'node' || args.at(-1) !== 'src/server/start.ts') throw new Error(`package.json's start script is not "node [flags] src/server/start.ts": ${packageJson.scripts.start}`);
  return args;
}

/**
 * Runs `npm start`'s entry point with Node 24 and waits until it prints its URL: by default
 * plain HTTP on 127.0.0.1, or where `listen` says (HTTPS when env has FEDCHECK_TLS_CERT).
 */
export async function startServer(env: Record<string, string> = {}, listen: { host: string; port: number } = { host: '127.0.0.1', port: 0 }): Promise<RunningServer> {
  const port = listen.port || (await freePort());
  const child = spawn(process.execPath, startCommand(), {
    cwd: root,
    env: { ...process.env, HOST: listen.host, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = `${env.FEDCHECK_TLS_CERT ? 'https' : 'http'}://${listen.host}:${port}/`;
  const deadline = Date.now() + 90_000;
  while (!output.includes(url)) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      // Already gone: exited, or killed by a signal (then exitCode stays null).
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const exited = once(child, 'exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Records console errors, page errors and the origins of every request a page makes. */
export function watchPage(page: Page) {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  return { errors, requests };
}

/**
 * Records the Content-Security-Policy violations a page meets: its securitypolicyviolation
 * events, and the console messages Chromium writes for them.
 */
export async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (violation: string) => violations.push(violation));
  await page.addInitScript(() =>
    addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (violation: string) => void }).reportCspViolation;
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    }),
  );
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

/**
 * axe over the whole page except Starlight's search button, whose visible "Ctrl K" hint is
 * not in its accessible name (label-content-name-mismatch); that is Starlight's markup.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the page's policy rightly refuses that.
  await page.evaluate(await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (context: unknown) => Promise<AxeResult> } }).axe;
    return axe.run({ exclude: [['button[data-open-modal]']] });
  });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
