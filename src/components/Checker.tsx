// The home page's checker island: a server name in, the report out. It owns the state (input,
// settings, proxy, run) and leaves each part of the page to a small component.
import { createSignal, For, lazy, onCleanup, onMount, Show } from 'solid-js';
import type { ProgressEvent } from '../checker/trace.ts';
import { detectProxy, runProxy, type ProxyStatus } from '../adapters/browser/proxy.ts';
import type { BrowserCheckOutcome } from '../adapters/browser/check.ts';
import { ServerForm } from './ServerForm.tsx';
import { RunProgress, type StepProgress } from './RunProgress.tsx';
import { ResultSummary } from './ResultSummary.tsx';
import { RecentChecks } from './RecentChecks.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { ProxyNote } from './ProxyNote.tsx';
import { applyUrlParameters, browserStorage, defaultSettings, loadSettings, privateAddressesExpected, saveSettings, type Settings } from './settings.ts';
import { loadRecent, rememberCheck, type RecentCheck } from './recent.ts';
import { preconnect } from './preconnect.ts';
import { TextsContext, type CheckerTexts } from './labels.ts';
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
  let proxyReady: Promise<ProxyStatus> = Promise.resolve({ state: 'none' });
  let engineLoad: Promise<Engine> | undefined;

  /**
   * The engine, loaded once: when the page is idle or the field gets focus, so that a submit
   * finds it there, or by the first check, whichever comes first.
   */
  const engine = () => {
    if (!engineLoad) {
      engineLoad = (props.engine ?? loadEngine)();
      // The next check tries again; this handler also stops an idle load's failure, which
      // no check may be waiting for, from going unhandled.
      engineLoad.catch(() => (engineLoad = undefined));
    }
    return engineLoad;
  };

  const findProxy = () => {
    setProxy(null);
    const detection = (proxyReady = (props.detect ?? detectProxy)(settings().proxyUrl, location.origin));
    // A slower, older detection must not overwrite the answer for the current setting.
    void detection.then((status) => proxyReady === detection && setProxy(status));
  };
  const finished = () => {
    const state = run();
    return state.phase === 'done' ? state : null;
  };

  const onProgress = (event: ProgressEvent) => {
    const { id, label } = event.step;
    const entry: StepProgress =
      event.type === 'step-start' ? { id, label, status: 'running' } : { id, label, status: event.step.status, durationMs: event.step.durationMs };
    setSteps((list) => (list.some((step) => step.id === id) ? list.map((step) => (step.id === id ? entry : step)) : [...list, entry]));
  };

  const start = async (serverName: string) => {
    controller?.abort();
    const own = (controller = new AbortController());
    const url = new URL(location.href);
    url.searchParams.set('server', serverName);
    history.replaceState(history.state, '', url);
    setInput(serverName);
    setSteps([]);
    setRun({ phase: 'running', serverName });
    void ReportView.preload();
    const loading = engine();
    try {
      // The proxy's request needs no engine: it goes out first, whether or not the engine is there yet.
      const proxy = await proxyReady;
      const proxyRun = proxy.state === 'found' ? runProxy(proxy.url, serverName, { signal: own.signal, onProgress }) : null;
      const loaded = await loading;
      const outcome = await loaded.checkFromBrowser(serverName, {
        resolvers: settings().resolvers,
        proxyRun,
        allowPrivateAddresses: privateAddressesExpected(settings(), proxy),
        signal: own.signal,
        onProgress,
      });
      if (own.signal.aborted) return;
      setRun({ phase: 'done', outcome, engine: loaded });
      const { report } = outcome;
      // The report goes on screen first; the list (its first date formatting loads the
      // locale's data) and localStorage can wait until the browser is idle.
      whenIdle(() => setRecent((list) => rememberCheck(storage, list, { serverName, verdict: report.verdict, checkedAt: report.checkedAt })));
    } catch (error) {
      if (!own.signal.aborted) setRun({ phase: 'error', serverName, message: (error as Error).message });
    }
  };

  /** The user turned to the field: a check is coming. */
  const prepare = () => {
    void engine();
    preconnect(settings().resolvers.map((resolver) => resolver.url));
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
    const fromUrl = applyUrlParameters(loadSettings(storage), params);
    setSettings(fromUrl.settings);
    setUrlErrors(fromUrl.errors);
    setRecent(loadRecent(storage));
    findProxy();
    const deepLink = params.get('server');
    if (deepLink) void start(deepLink);
    onCleanup(whenIdle(() => void engine()));
  });
  onCleanup(() => controller?.abort());

  return (
    <TextsContext.Provider value={props.texts}>
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
