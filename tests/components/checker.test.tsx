import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, fireEvent, waitFor, cleanup, screen } from '@solidjs/testing-library';
import Checker from '../../src/components/Checker.tsx';
import { PROGRESS_DELAY_MS, PROGRESS_INTERVAL_MS } from '../../src/components/RunProgress.tsx';
import { fakeEngine, finding, report, XSS } from './fake-engine.ts';
import { ENGLISH } from '../../src/components/labels.en.ts';

const noProxy = async () => ({ state: 'none' as const });

function renderChecker(engine = fakeEngine()) {
  const result = render(() => <Checker engine={engine.load} detect={noProxy} texts={ENGLISH} />);
  return { ...result, engine, input: () => result.getByLabelText('Matrix server name') as HTMLInputElement };
}

const results = () => document.querySelector('[role="status"].fc-summary') as HTMLElement;

type CheckOptions = Parameters<Awaited<ReturnType<ReturnType<typeof fakeEngine>['load']>>['checkFromBrowser']>[1];

/** The fake engine, whose checks run `script` (progress events, pauses) before their report comes back. */
function scriptedEngine(script: (options: CheckOptions) => Promise<void>) {
  const engine = fakeEngine();
  return async () => {
    const real = await engine.load();
    return {
      ...real,
      checkFromBrowser: async (...args: Parameters<typeof real.checkFromBrowser>) => {
        const pending = real.checkFromBrowser(...args);
        await script(args[1]);
        return pending;
      },
    };
  };
}

beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('server name input', () => {
  it('shows the parser\'s message as you type and marks the field invalid', async () => {
    const { input } = renderChecker();
    fireEvent.input(input(), { target: { value: 'https://example.org' } });
    expect(screen.getByText(/a server name has no scheme/)).toBeTruthy();
    expect(input().getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(input(), { target: { value: 'example.org:99999' } });
    expect(screen.getByText(/port must be 1-65535/)).toBeTruthy();
    fireEvent.input(input(), { target: { value: 'example.org' } });
    expect(input().getAttribute('aria-invalid')).toBe('false');
    expect(screen.queryByText(/port must be/)).toBeNull();
  });

  it('shows the parser\'s warnings for names that parse', () => {
    const { input } = renderChecker();
    fireEvent.input(input(), { target: { value: 'Example.org' } });
    expect(screen.getByText(/upper-case characters/)).toBeTruthy();
  });

  it('opens connections to the resolvers when the field gets focus, not before, and once', async () => {
    const asked: [URL | string, RequestInit | undefined][] = [];
    vi.stubGlobal('fetch', async (url: URL | string, init?: RequestInit) => (asked.push([url, init]), new Response('')));
    history.replaceState(null, '', '/?resolver=https://doh.example/dns-query&resolver=https://doh.example/other&resolver=https://dns2.example/resolve');
    const { input } = renderChecker();
    expect(asked).toEqual([]);
    fireEvent.focus(input());
    fireEvent.blur(input());
    fireEvent.focus(input());
    // One real question per resolver origin (. NS), asked as the DoH client asks, so that the
    // check's questions find its connection open.
    expect(asked.map(([url, init]) => [String(url), (init?.headers as Record<string, string>).accept, init?.credentials])).toEqual([
      ['https://doh.example/dns-query?dns=AAABAAABAAAAAAAAAAACAAE', 'application/dns-message', 'omit'],
      ['https://dns2.example/resolve?name=.&type=NS', 'application/dns-json', 'omit'],
    ]);
  });

  it('does not run an invalid name, and runs a valid one, putting it in the URL', async () => {
    const { input, engine, getByRole } = renderChecker();
    fireEvent.input(input(), { target: { value: 'exa mple.org' } });
    fireEvent.click(getByRole('button', { name: 'Check' }));
    expect(engine.calls).toHaveLength(0);
    fireEvent.input(input(), { target: { value: ' example.org ' } });
    fireEvent.click(getByRole('button', { name: 'Check' }));
    await waitFor(() => expect(engine.calls.map((call) => call.serverName)).toEqual(['example.org']));
    expect(new URL(location.href).searchParams.get('server')).toBe('example.org');
  });
});

describe('a finished report', () => {
  it('carries the verdict and the deciding step on the status region', async () => {
    history.replaceState(null, '', '/?server=example.org');
    renderChecker();
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
    expect(results().dataset.resolutionStep).toBe('well-known-srv');
    expect(results().textContent).toContain('Federation works, with problems: example.org');
  });

  it('sums the report up under the verdict in one line per area group', async () => {
    history.replaceState(null, '', '/?server=example.org');
    renderChecker();
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
    const groups = [...results().querySelectorAll('.fc-area-groups li')];
    expect(groups.map((group) => [group.getAttribute('data-group'), group.getAttribute('data-status'), group.textContent])).toEqual([
      ['federation', 'warn', 'Warning Federation (partly not tested from this page)'],
      ['client', 'fail', 'Error Client discovery'],
    ]);
  });

  it('shows a group for every area group the report has, outgoing federation, sign-in and calls too', async () => {
    history.replaceState(null, '', '/?server=example.org');
    renderChecker(fakeEngine(() => report({ verdict: 'pass', areas: { dns: 'pass', outgoing: 'pass', auth: 'info', rtc: 'warn', support: 'pass' } })));
    await waitFor(() => expect(results().dataset.verdict).toBe('pass'));
    const groups = [...results().querySelectorAll('.fc-area-groups li')].map((group) => group.textContent);
    expect(groups).toEqual(['OK Federation', 'OK Outgoing federation', 'Note Sign-in', 'Warning Calls', 'OK Support']);
  });

  it('says what is wrong right under the verdict: failures, then warnings, each with title, fix and guide link', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = renderChecker();
    const toFix = await findByRole('region', { name: 'What to fix (2)' });
    const problems = [...toFix.querySelectorAll('li.fc-problem')];
    expect(problems.map((problem) => [problem.getAttribute('data-check'), problem.getAttribute('data-status')])).toEqual([
      ['client.wellknown.cors', 'fail'],
      ['dns.srv.legacy', 'warn'],
    ]);
    const legacy = problems[1];
    expect(legacy.querySelector('strong')!.textContent).toBe('Title of dns.srv.legacy');
    expect(legacy.querySelector('.fc-detail')!.textContent).toBe('Only the deprecated _matrix._tcp record exists.');
    expect(legacy.querySelector('.fc-fix')!.textContent).toBe('Fix: Publish _matrix-fed._tcp.');
    expect(legacy.querySelector('a.fc-docs')!.getAttribute('href')).toBe('/docs/checks/#dns.srv.legacy');
    // Nothing of the report comes between the verdict and the problems; the rest follows them.
    const island = document.querySelector('.fc-checker')!;
    const order = [results(), toFix, island.querySelector('.fc-actions'), ...island.querySelectorAll('details.fc-trace'), await findByRole('region', { name: 'Findings' })];
    expect(order.every(Boolean)).toBe(true);
    for (let index = 1; index < order.length; index++) {
      expect(order[index - 1]!.compareDocumentPosition(order[index]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    expect(results().nextElementSibling!.firstElementChild).toBe(toFix);
  });

  it('folds the trace and the waterfall after a pass, and opens them after a problem', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { unmount } = renderChecker();
    await waitFor(() => expect(document.querySelectorAll('details.fc-trace')).toHaveLength(2));
    expect([...document.querySelectorAll<HTMLDetailsElement>('details.fc-trace')].map((details) => details.open)).toEqual([true, true]);
    unmount();
    renderChecker(fakeEngine(() => report({ verdict: 'pass', areas: { dns: 'pass' }, checks: [finding('dns.srv', 'pass', 'Found.')] })));
    await waitFor(() => expect(document.querySelectorAll('details.fc-trace')).toHaveLength(2));
    const folded = [...document.querySelectorAll<HTMLDetailsElement>('details.fc-trace')];
    expect(folded.map((details) => [details.querySelector('summary')!.textContent, details.open])).toEqual([
      ['How homeservers find example.org', false],
      ['Steps and requests (2 steps, 420 ms)', false],
    ]);
    expect(folded[1].querySelectorAll('.fc-steps > li')).toHaveLength(2);
    expect(document.querySelector('.fc-to-fix')).toBeNull();
  });

  it('lists every finding by area, most severe first, one line each with its docs link', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = renderChecker();
    const findings = await findByRole('region', { name: 'Findings' });
    const areas = [...findings.querySelectorAll('h3')].map((heading) => heading.textContent);
    expect(areas).toEqual(['.well-known delegation', 'DNS', 'TLS certificate', 'Client discovery']);
    const legacy = findings.querySelector('[data-check="dns.srv.legacy"]')!;
    expect(legacy.getAttribute('data-status')).toBe('warn');
    expect(legacy.classList.contains('fc-brief')).toBe(true);
    expect(legacy.querySelector('a')!.getAttribute('href')).toBe('/docs/checks/#dns.srv.legacy');
    // The fix is told once, at the top.
    expect(legacy.querySelector('.fc-fix')).toBeNull();
    const passed = findings.querySelector('[data-check="wellknown.server.m-server"]')!;
    expect([...passed.querySelectorAll('a')].map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Title of wellknown.server.m-server', '/docs/checks/#wellknown.server.m-server'],
    ]);
  });

  it('offers a ready snippet for a config fix', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { findByText } = renderChecker();
    const record = await findByText(/^_matrix-fed\._tcp\.example\.org\. 3600 IN SRV 10 5 8450 target\.example\.org\.$/);
    expect(record.tagName).toBe('CODE');
  });

  it('renders server-provided text as text, never as HTML', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const payload = report({
      serverName: XSS,
      checks: [finding('wellknown.server.m-server', 'fail', `m.server is ${XSS}`, { title: XSS, fix: XSS, docs: 'javascript:alert(1)' })],
      steps: [{ id: 'x', label: XSS, status: 'fail', startedMs: 0, durationMs: 1, requests: [{ method: 'GET', url: XSS, error: XSS }] }],
    });
    const { findByRole } = renderChecker(fakeEngine(() => payload));
    await findByRole('region', { name: 'Findings' });
    const island = document.querySelector('.fc-checker')!;
    expect(island.querySelector('img')).toBeNull();
    expect(island.textContent).toContain(`m.server is ${XSS}`);
    expect(island.querySelector('a[href^="javascript:"]')).toBeNull();
  });

  it('says clearly what was not tested without a proxy', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { findByText } = renderChecker();
    expect(await findByText(/Not tested from this page: 1 checks/)).toBeTruthy();
    expect(document.querySelector('[data-proxy="none"]')!.textContent).toContain('npm start');
  });

  it('keeps the check in the recent list and re-runs it in one click', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole, engine } = renderChecker();
    const again = await findByRole('button', { name: 'Check example.org again' });
    fireEvent.click(again);
    await waitFor(() => expect(engine.calls).toHaveLength(2));
    expect(JSON.parse(localStorage.getItem('fedcheck.recent')!)).toMatchObject([{ serverName: 'example.org', verdict: 'warn' }]);
  });

  it('puts the report on screen first and updates the recent list once the browser is idle', async () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (work: () => void) => idle.push(work));
    vi.stubGlobal('cancelIdleCallback', () => {});
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole, queryByRole } = renderChecker();
    await findByRole('region', { name: 'Findings' });
    expect(queryByRole('button', { name: 'Check example.org again' })).toBeNull();
    expect(localStorage.getItem('fedcheck.recent')).toBeNull();
    for (const work of idle.splice(0)) work();
    expect(await findByRole('button', { name: 'Check example.org again' })).toBeTruthy();
    expect(JSON.parse(localStorage.getItem('fedcheck.recent')!)).toMatchObject([{ serverName: 'example.org', verdict: 'warn' }]);
  });
});

describe('settings', () => {
  it('adds and removes resolvers and keeps them across visits', async () => {
    const first = renderChecker();
    fireEvent.input(first.getByLabelText('Resolver URL'), { target: { value: 'https://doh.example/dns-query' } });
    fireEvent.click(first.getByRole('button', { name: 'Add resolver' }));
    fireEvent.click(first.getByRole('button', { name: 'Remove https://dns.google/resolve' }));
    expect(JSON.parse(localStorage.getItem('fedcheck.settings')!).resolvers).toEqual([
      { url: 'https://cloudflare-dns.com/dns-query', format: 'json' },
      { url: 'https://doh.example/dns-query', format: 'wire' },
    ]);
    cleanup();
    const second = renderChecker();
    expect(second.getByText('https://doh.example/dns-query')).toBeTruthy();
    expect(second.queryByText('https://dns.google/resolve')).toBeNull();
  });

  it('explains a bad resolver URL instead of adding it', () => {
    const { getByLabelText, getByRole, getByText } = renderChecker();
    fireEvent.input(getByLabelText('Resolver URL'), { target: { value: 'http://doh.example/dns-query' } });
    fireEvent.click(getByRole('button', { name: 'Add resolver' }));
    // Text that is no URL at all never gets here: the field is type=url, so the browser refuses it.
    expect(getByText('A DoH resolver URL starts with https://')).toBeTruthy();
  });

  it('lists the ?resolver= values it could not use, with why, and uses the others', () => {
    history.replaceState(null, '', '/?resolver=dns.example&resolver=http://doh.example/dns-query&resolver=https://doh.example/dns-query');
    renderChecker();
    const problems = [...document.querySelectorAll('.fc-problems li')].map((item) => item.textContent);
    expect(problems).toEqual([
      '?resolver=dns.example: Not a URL: give the full DoH URL, e.g. https://dns.example/dns-query',
      '?resolver=http://doh.example/dns-query: A DoH resolver URL starts with https://',
    ]);
    expect(screen.getByText('https://doh.example/dns-query')).toBeTruthy();
  });

  it('lets ?resolver= (repeatable), ?proxy= and ?private=1 override the saved settings for the page', async () => {
    history.replaceState(
      null,
      '',
      '/?server=example.org&resolver=https://a.test/dns-query&resolver=https://b.test/resolve&private=1&proxy=http://127.0.0.1:9/',
    );
    const seen: string[] = [];
    const engine = fakeEngine();
    render(() => <Checker engine={engine.load} detect={async (configured) => (seen.push(configured), { state: 'none' })} texts={ENGLISH} />);
    await waitFor(() => expect(engine.calls).toHaveLength(1));
    expect(engine.calls[0].options.resolvers).toEqual([
      { url: 'https://a.test/dns-query', format: 'wire' },
      { url: 'https://b.test/resolve', format: 'json' },
    ]);
    expect(engine.calls[0].options.allowPrivateAddresses).toBe(true);
    expect(seen).toEqual(['http://127.0.0.1:9/']);
    expect(localStorage.getItem('fedcheck.settings')).toBeNull();
  });
});

describe('while a check runs, and after', () => {
  it('shows each step as the engine reports it', async () => {
    let finish!: () => void;
    const load = scriptedEngine(() => new Promise<void>((resolve) => (finish = resolve)));
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = render(() => <Checker engine={load} detect={noProxy} texts={ENGLISH} />);
    const progress = await findByRole('list', { name: 'Progress' });
    await waitFor(() => expect(progress.textContent).toContain('Fetch /.well-known/matrix/server'));
    expect(results().dataset.state).toBe('running');
    expect(results().textContent).toContain('Checking example.org');
    finish();
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
  });

  it('updates a step\'s row in place when it finishes, building no row again', async () => {
    let finishStep!: () => void;
    let finishCheck!: () => void;
    const load = scriptedEngine(async (options) => {
      options.onProgress({ type: 'step-start', step: { id: 'srv', label: 'SRV lookup', startedMs: 5 } });
      await new Promise<void>((resolve) => (finishStep = resolve));
      const step = { id: 'well-known', label: 'Fetch /.well-known/matrix/server', status: 'pass' as const, startedMs: 0, durationMs: 120, requests: [] };
      options.onProgress({ type: 'step-finish', step });
      await new Promise<void>((resolve) => (finishCheck = resolve));
    });
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = render(() => <Checker engine={load} detect={noProxy} texts={ENGLISH} />);
    const progress = await findByRole('list', { name: 'Progress' });
    await waitFor(() => expect(progress.querySelectorAll('li')).toHaveLength(2));
    const [wellKnown, srv] = [...progress.querySelectorAll('li')];
    const changes: MutationRecord[] = [];
    new MutationObserver((records) => changes.push(...records)).observe(progress, { subtree: true, childList: true, characterData: true, attributes: true });
    finishStep();
    await waitFor(() => expect(wellKnown.getAttribute('data-status')).toBe('pass'));
    expect([...progress.querySelectorAll('li')]).toEqual([wellKnown, srv]);
    expect(wellKnown.textContent).toBe('OKFetch /.well-known/matrix/server 120 ms');
    expect(srv.textContent).toBe('RunningSRV lookup');
    // Only the finished row changed: its status, its badge and its new duration.
    expect(changes.every((change) => wellKnown.contains(change.target))).toBe(true);
    expect(changes.some((change) => change.type === 'childList' && [...change.removedNodes].some((node) => node.nodeName === 'LI'))).toBe(false);
    finishCheck();
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
  });

  /** Holds back the island's progress timers, with the delay each asked for; every other timer runs. */
  function holdProgressTimers() {
    const held: { ms: number; draw: () => void }[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.stubGlobal('setTimeout', ((work: () => void, ms?: number) =>
      ms === PROGRESS_DELAY_MS || ms === PROGRESS_INTERVAL_MS ? (held.push({ ms, draw: work }), 0) : realSetTimeout(work, ms)) as typeof setTimeout);
    return held;
  }

  it('draws the first steps PROGRESS_DELAY_MS into the check, all reported by then in one go, and later ones each interval', async () => {
    const held = holdProgressTimers();
    let next!: () => void;
    let finish!: () => void;
    const load = scriptedEngine(async (options) => {
      options.onProgress({ type: 'step-start', step: { id: 'srv', label: 'SRV lookup', startedMs: 5 } });
      options.onProgress({ type: 'step-finish', step: { id: 'srv', label: 'SRV lookup', status: 'info', startedMs: 5, durationMs: 50, requests: [] } });
      await new Promise<void>((resolve) => (next = resolve));
      options.onProgress({ type: 'step-start', step: { id: 'keys', label: 'Keys', startedMs: 700 } });
      await new Promise<void>((resolve) => (finish = resolve));
    });
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = render(() => <Checker engine={load} detect={noProxy} texts={ENGLISH} />);
    const progress = await findByRole('list', { name: 'Progress' });
    await waitFor(() => expect(held).toHaveLength(1));
    // The fake engine's own steps and these two: one redraw asked for, after the delay, nothing drawn before it.
    expect(held[0].ms).toBe(PROGRESS_DELAY_MS);
    expect(progress.querySelectorAll('li').length).toBe(0);
    held.splice(0).forEach(({ draw }) => draw());
    expect([...progress.querySelectorAll('li')].slice(-2).map((row) => row.getAttribute('data-status'))).toEqual(['running', 'info']);
    next();
    await waitFor(() => expect(held).toHaveLength(1));
    expect(held[0].ms).toBe(PROGRESS_INTERVAL_MS);
    held.splice(0).forEach(({ draw }) => draw());
    expect(progress.lastElementChild?.textContent).toBe('RunningKeys');
    finish();
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
    expect(held).toHaveLength(0);
  });

  it('shows the verdict of a check that ends within PROGRESS_DELAY_MS without drawing a step first', async () => {
    const drawnRows: Node[] = [];
    new MutationObserver((records) => drawnRows.push(...records.flatMap((record) => [...record.addedNodes]).filter((node) => node.nodeName === 'LI' && node.parentElement?.matches('.fc-progress'))))
      .observe(document.body, { subtree: true, childList: true });
    // Longer than a progress interval, shorter than the delay: real timers, in order.
    const checkMs = 2.5 * PROGRESS_INTERVAL_MS;
    expect(checkMs).toBeLessThan(PROGRESS_DELAY_MS);
    const load = scriptedEngine(async (options) => {
      options.onProgress({ type: 'step-start', step: { id: 'srv', label: 'SRV lookup', startedMs: 5 } });
      options.onProgress({ type: 'step-finish', step: { id: 'srv', label: 'SRV lookup', status: 'info', startedMs: 5, durationMs: 50, requests: [] } });
      await new Promise((resolve) => setTimeout(resolve, checkMs));
    });
    history.replaceState(null, '', '/?server=example.org');
    render(() => <Checker engine={load} detect={noProxy} texts={ENGLISH} />);
    await waitFor(() => expect(results().dataset.verdict).toBe('warn'));
    expect(drawnRows).toEqual([]);
  });

  it('puts the verdict on screen before it builds the findings', async () => {
    history.replaceState(null, '', '/?server=example.org');
    const seenWithVerdict: boolean[] = [];
    new MutationObserver(() => {
      if (results()?.dataset.verdict && seenWithVerdict.length === 0) seenWithVerdict.push(document.querySelector('.fc-report') !== null);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
    // The check ends once the report view has long been loaded, as on the page.
    let finish!: () => void;
    const engine = fakeEngine();
    const load = async () => {
      const real = await engine.load();
      return { ...real, checkFromBrowser: async (...args: Parameters<typeof real.checkFromBrowser>) => (await new Promise<void>((resolve) => (finish = resolve)), real.checkFromBrowser(...args)) };
    };
    const { findByRole } = render(() => <Checker engine={load} detect={noProxy} texts={ENGLISH} />);
    await waitFor(() => expect(finish).toBeDefined());
    await import('../../src/components/ReportView.tsx');
    await new Promise((resolve) => setTimeout(resolve, 0));
    finish();
    await findByRole('region', { name: 'Findings' });
    expect(seenWithVerdict).toEqual([false]);
  });

  it('copies the report as the core renders it in Markdown', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (text: string) => void copied.push(text) }, configurable: true });
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = renderChecker();
    fireEvent.click(await findByRole('button', { name: 'Copy as Markdown' }));
    await waitFor(() => expect(copied).toEqual(['# example.org\n']));
    expect(await findByRole('button', { name: 'Copied' })).toBeTruthy();
  });

  it('downloads the report as JSON', async () => {
    const blobs: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), 'blob:report');
    URL.revokeObjectURL = () => {};
    let downloaded = '';
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloaded = this.download;
    };
    history.replaceState(null, '', '/?server=example.org');
    const { findByRole } = renderChecker();
    fireEvent.click(await findByRole('button', { name: 'Download JSON' }));
    expect(downloaded).toBe('fedcheck-example.org-2026-11-26.json');
    expect(JSON.parse(await blobs[0].text())).toMatchObject({ schema: 'fedcheck.report/1', serverName: 'example.org' });
  });
});

describe('loading the engine', () => {
  /** An engine whose load the test counts and finishes when it wants. */
  function heldEngine() {
    const engine = fakeEngine();
    let finish!: () => void;
    const loaded = new Promise<void>((resolve) => (finish = resolve));
    const held = { loads: 0, finish, calls: engine.calls, load: async () => (held.loads++, await loaded, engine.load()) };
    return held;
  }

  it('loads it once the page is idle, before any check', async () => {
    const engine = heldEngine();
    render(() => <Checker engine={engine.load} detect={noProxy} texts={ENGLISH} />);
    await waitFor(() => expect(engine.loads).toBe(1));
    expect(engine.calls).toHaveLength(0);
  });

  it('loads it when the field gets focus, if the page was not idle yet, and only once', async () => {
    vi.stubGlobal('requestIdleCallback', () => 0);
    vi.stubGlobal('cancelIdleCallback', () => {});
    const engine = heldEngine();
    const { getByLabelText, getByRole } = render(() => <Checker engine={engine.load} detect={noProxy} texts={ENGLISH} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.loads).toBe(0);
    fireEvent.focus(getByLabelText('Matrix server name'));
    expect(engine.loads).toBe(1);
    fireEvent.input(getByLabelText('Matrix server name'), { target: { value: 'example.org' } });
    fireEvent.click(getByRole('button', { name: 'Check' }));
    engine.finish();
    await waitFor(() => expect(engine.calls).toHaveLength(1));
    expect(engine.loads).toBe(1);
  });

  it('requests the proxy’s report before the engine has loaded', async () => {
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => (requested.push(url), Response.json(report({ source: 'proxy', verdict: 'pass' }))));
    const engine = heldEngine();
    const found = async () => ({ state: 'found' as const, url: 'http://proxy.test/', version: '0.1.0', allowPrivate: false });
    history.replaceState(null, '', '/?server=example.org');
    render(() => <Checker engine={engine.load} detect={found} texts={ENGLISH} />);
    await waitFor(() => expect(requested).toEqual(['http://proxy.test/api/v1/report?server_name=example.org']));
    expect(engine.calls).toHaveLength(0);
    engine.finish();
    await waitFor(() => expect(engine.calls).toHaveLength(1));
    const run = await engine.calls[0].options.proxyRun;
    expect(run?.proxied?.verdict).toBe('pass');
    expect(run?.step).toMatchObject({ id: 'proxy', status: 'pass', requests: [{ method: 'GET', status: 200 }] });
  });

  it('starts the check within the submit once the engine and the proxy status are in', async () => {
    const { input, engine, getByRole } = renderChecker();
    fireEvent.focus(input());
    // Loaded and detected: the status note says so once detection is done.
    await waitFor(() => expect(document.querySelector('.fc-proxy[data-proxy="none"]')).not.toBeNull());
    await engine.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    fireEvent.input(input(), { target: { value: 'example.org' } });
    fireEvent.submit(getByRole('search'));
    expect(engine.calls.map((call) => call.serverName)).toEqual(['example.org']);
  });

  describe('private addresses follow the proxy (FEDCHECK_ALLOW_PRIVATE) unless the user said otherwise', () => {
    const lanProxy = async () => ({ state: 'found' as const, url: 'http://proxy.test/', version: '0.1.0', allowPrivate: true });
    const publicProxy = async () => ({ state: 'found' as const, url: 'http://proxy.test/', version: '0.1.0', allowPrivate: false });
    const allowed = async (search: string, detect: typeof lanProxy) => {
      vi.stubGlobal('fetch', async () => Response.json(report({ source: 'proxy', verdict: 'pass' })));
      history.replaceState(null, '', `/?server=example.org${search}`);
      const engine = fakeEngine();
      const view = render(() => <Checker engine={engine.load} detect={detect} texts={ENGLISH} />);
      await waitFor(() => expect(engine.calls).toHaveLength(1));
      const checkbox = view.getByLabelText(/Private addresses are expected/) as HTMLInputElement;
      const result = { allowed: engine.calls[0].options.allowPrivateAddresses, checked: checkbox.checked, note: document.querySelector('[data-private="from-proxy"]') !== null };
      cleanup();
      return result;
    };

    it('a proxy that allows them: not flagged, and the settings say why', async () => {
      expect(await allowed('', lanProxy)).toEqual({ allowed: true, checked: true, note: true });
      expect(await allowed('', publicProxy)).toEqual({ allowed: false, checked: false, note: false });
    });

    it('?private= decides over the proxy, both ways', async () => {
      expect(await allowed('&private=0', lanProxy)).toEqual({ allowed: false, checked: false, note: false });
      expect(await allowed('&private=1', publicProxy)).toEqual({ allowed: true, checked: true, note: false });
    });

    it('the saved setting decides over the proxy, both ways', async () => {
      localStorage.setItem('fedcheck.settings', JSON.stringify({ allowPrivate: false }));
      expect(await allowed('', lanProxy)).toEqual({ allowed: false, checked: false, note: false });
      localStorage.setItem('fedcheck.settings', JSON.stringify({ allowPrivate: true }));
      expect(await allowed('', publicProxy)).toEqual({ allowed: true, checked: true, note: false });
    });
  });
});
