// The home page's checker island: a server name in, the report out. It owns the state (input,
// settings, proxy, run) and leaves each part of the page to a small component.
import { createSignal, For, lazy, onCleanup, onMount, Show } from 'solid-js';
import type { ProgressEvent } from '../checker/trace.ts';
import { detectProxy, runProxy, type ProxyStatus } from '../adapters/browser/proxy.ts';
import type { BrowserCheckOutcome } from '../adapters/browser/check.ts';
import { ServerForm } from './ServerForm.tsx';
import { PROGRESS_DELAY_MS, PROGRESS_INTERVAL_MS, RunProgress, type StepProgress } from './RunProgress.tsx';
import { ResultSummary } from './ResultSummary.tsx';
import { RecentChecks } from './RecentChecks.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { ProxyNote } from './ProxyNote.tsx';
import { applyUrlParameters, browserStorage, defaultSettings, loadSettings, privateAddressesExpected, saveSettings, type Settings } from './settings.ts';
import { loadRecent, rememberCheck, type RecentCheck } from './recent.ts';
import { resolverWarmer } from './preconnect.ts';
import { TextsContext, type CheckerTexts, type CheckTexts } from './labels.ts';
import './checker.css';

/** What the island needs from the engine module, which it loads once the page is idle. */
export type Engine = Pick<typeof import('../adapters/browser/check.ts'), 'checkFromBrowser' | 'areaOf' | 'renderMarkdown' | 'connectionKey'>;

const loadEngine = (): Promise<Engine> => import('../adapters/browser/check.ts');
const ReportView = lazy(() => import('./ReportView.tsx'));

export interface CheckerProps {
  /** Replaced in component tests; the page loads the browser adapters and the core. */
  engine?: () => Promise<Engine>;
  detect?: typeof detectProxy;
  /** The words in the page's language, from checker-texts.ts at build time. */
  texts: CheckerTexts;
}

export type RunState =
  | { phase: 'idle' }
  | { phase: 'running'; serverName: string }
  | { phase: 'done'; outcome: BrowserCheckOutcome; engine: Engine }
  | { phase: 'error'; serverName: string; message: string };

/** How long a finished report waits at most for the check texts of the page's language. */
const CHECK_TEXTS_TIMEOUT_MS = 5000;

/** Runs `work` when the browser is idle; returns what cancels it. Safari has no
 * requestIdleCallback: a timer at least lets the page's own work go first. */
function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const idle = requestIdleCallback(work);
    return () => cancelIdleCallback(idle);
  }
  const timer = setTimeout(work, 1);
  return () => clearTimeout(timer);
}

export default function Checker(props: CheckerProps) {
  // The server render knows no URL and no storage: both are read once hydrated.
  let storage: Storage | null = null;
  const [settings, setSettings] = createSignal<Settings>(defaultSettings());
  const [urlErrors, setUrlErrors] = createSignal<string[]>([]);
  const [proxy, setProxy] = createSignal<ProxyStatus | null>(null);
  const [run, setRun] = createSignal<RunState>({ phase: 'idle' });
  const [steps, setSteps] = createSignal<StepProgress[]>([]);
  const [recent, setRecent] = createSignal<RecentCheck[]>([]);
  const [input, setInput] = createSignal('');
  let controller: AbortController | undefined;
  /** Cancels the idle update of the recent list, which must not outlive the island. */
  let cancelRemembering = () => {};
  let proxyReady: Promise<ProxyStatus> = Promise.resolve({ state: 'none' });
  let engineLoad: Promise<Engine> | undefined;
  /** The engine once loaded: a check then sends its first requests before the page redraws. */
  let loadedEngine: Engine | undefined;
  // The checks' titles and fixes in the page's language, read with the engine. Without them
  // (English, or a failed read) findings keep the report's own English texts. Only the
  // report view shows them, and it waits for the read.
  const texts: CheckerTexts = { ...props.texts };
  let checkTextsLoad: Promise<unknown> | undefined;
  let checkTextsFailed = false;
  const loadCheckTexts = () => {
    const url = texts.checkTextsUrl;
    if (!url || checkTextsLoad) return;
    // Bounded, as the report view waits for it.
    checkTextsLoad = fetch(url, { signal: AbortSignal.timeout(CHECK_TEXTS_TIMEOUT_MS) })
      .then((response) => (response.ok ? response.json() : Promise.reject()))
      .then((loaded: CheckTexts) => (texts.checks = loaded), () => (checkTextsFailed = true));
  };

  /**
   * The engine and the report view, loaded once: when the page is idle or the field gets
   * focus, so that a submit finds both compiled, or by the first check, whichever comes first.
   */
  const engine = () => {
    void ReportView.preload();
    loadCheckTexts();
    if (!engineLoad) {
      engineLoad = (props.engine ?? loadEngine)();
      // On failure the next check tries again; this handler also stops an idle load's
      // failure, which no check may be waiting for, from going unhandled.
      engineLoad.then(
        (loaded) => (loadedEngine = loaded),
        () => (engineLoad = undefined),
      );
    }
    return engineLoad;
  };

  const findProxy = () => {
    setProxy(null);
    const detection = (proxyReady = (props.detect ?? detectProxy)(settings().proxyUrl, location.origin));
    // A slower, older detection must not overwrite the answer for the current setting.
    void detection.then((status) => proxyReady === detection && setProxy(status));
  };
  /** The finished run whose report view may render: set a task after its verdict. */
  const [detailed, setDetailed] = createSignal<RunState | null>(null);
  const finished = () => {
    const state = run();
    return state.phase === 'done' && detailed() === state ? state : null;
  };

  // Progress goes on screen PROGRESS_INTERVAL_MS after it changed, all that changed meanwhile
  // at once: a check reports dozens of steps within a few round trips, and each redraw (style,
  // layout, paint) would sit between an answer and the request that depends on it. The first
  // waits PROGRESS_DELAY_MS: until then the running summary is feedback enough, and a check
  // that ends sooner shows its verdict without a list of steps flashing up before it.
  let latestSteps: StepProgress[] = [];
  let progressTimer: ReturnType<typeof setTimeout> | undefined;
  const onProgress = (event: ProgressEvent) => {
    const { id, label } = event.step;
    const entry: StepProgress =
      event.type === 'step-start' ? { id, label, status: 'running' } : { id, label, status: event.step.status, durationMs: event.step.durationMs };
    latestSteps = latestSteps.some((step) => step.id === id) ? latestSteps.map((step) => (step.id === id ? entry : step)) : [...latestSteps, entry];
    progressTimer ??= setTimeout(
      () => {
        progressTimer = undefined;
        setSteps(latestSteps);
      },
      steps().length ? PROGRESS_INTERVAL_MS : PROGRESS_DELAY_MS,
    );
  };

  /** The proxy's part and the page's: each sends its first requests at once when what it needs is known. */
  const check = async (serverName: string, signal: AbortSignal) => {
    const proxyStatus = proxy() ?? (await proxyReady);
    // The proxy's request needs no engine: it goes out first, whether or not the engine is there yet.
    const proxyRun = proxyStatus.state === 'found' ? runProxy(proxyStatus.url, serverName, { signal, onProgress }) : null;
    const loaded = loadedEngine ?? (await engine());
    const outcome = await loaded.checkFromBrowser(serverName, {
      resolvers: settings().resolvers,
      proxyRun,
      allowPrivateAddresses: privateAddressesExpected(settings(), proxyStatus),
      signal,
      onProgress,
    });
    return { outcome, loaded };
  };

  const start = async (serverName: string) => {
    controller?.abort();
    const own = (controller = new AbortController());
    setSteps((latestSteps = []));
    // The requests go out before the page redraws for the running check.
    const checking = check(serverName, own.signal);
    // Each check asks again after a failed read.
    if (checkTextsFailed) {
      checkTextsLoad = undefined;
      checkTextsFailed = false;
    }
    loadCheckTexts();
    const url = new URL(location.href);
    url.searchParams.set('server', serverName);
    history.replaceState(history.state, '', url);
    setInput(serverName);
    setRun({ phase: 'running', serverName });
    try {
      const { outcome, loaded } = await checking;
      if (own.signal.aborted) return;
      const done: RunState = { phase: 'done', outcome, engine: loaded };
      setRun(done);
      // The verdict goes on screen in this task; the findings, a task later, so that
      // building their rows does not hold the verdict back, and in the page's language.
      void Promise.resolve(checkTextsLoad).then(() => setTimeout(() => setDetailed(done)));
      const { report } = outcome;
      // The list (its first date formatting loads the locale's data) and localStorage can
      // wait until the browser is idle.
      cancelRemembering = whenIdle(() => setRecent((list) => rememberCheck(storage, list, { serverName, verdict: report.verdict, checkedAt: report.checkedAt })));
    } catch (error) {
      if (!own.signal.aborted) setRun({ phase: 'error', serverName, message: (error as Error).message });
    }
  };

  const warmResolvers = resolverWarmer();
  /** The user turned to the field: a check is coming. */
  const prepare = () => {
    void engine();
    warmResolvers(settings().resolvers);
  };

  const changeSettings = (next: Settings) => {
    const proxyChanged = next.proxyUrl !== settings().proxyUrl;
    setSettings(next);
    saveSettings(storage, next);
    if (proxyChanged) findProxy();
  };

  onMount(() => {
    storage = browserStorage();
    const params = new URLSearchParams(location.search);
    const fromUrl = applyUrlParameters(loadSettings(storage), params, texts);
    setSettings(fromUrl.settings);
    setUrlErrors(fromUrl.errors);
    setRecent(loadRecent(storage));
    findProxy();
    const deepLink = params.get('server');
    if (deepLink) void start(deepLink);
    onCleanup(whenIdle(() => void engine()));
  });
  onCleanup(() => {
    controller?.abort();
    clearTimeout(progressTimer);
    cancelRemembering();
  });

  return (
    <TextsContext.Provider value={texts}>
    <div class="fc-checker not-content">
      <ServerForm value={input()} onInput={setInput} onFocus={prepare} onSubmit={start} busy={run().phase === 'running'} />
      <ProxyNote proxy={proxy()} />
      <Show when={urlErrors().length > 0}>
        <ul class="fc-problems">
          <For each={urlErrors()}>{(error) => <li>{error}</li>}</For>
        </ul>
      </Show>
      <ResultSummary run={run()} steps={steps()} />
      <Show when={run().phase === 'running'}>
        <RunProgress steps={steps()} />
      </Show>
      <Show when={finished()}>
        {(done) => <ReportView outcome={done().outcome} engine={done().engine} />}
      </Show>
      <RecentChecks recent={recent()} onRun={start} />
      <SettingsPanel settings={settings()} proxy={proxy()} onChange={changeSettings} />
    </div>
    </TextsContext.Provider>
  );
}
