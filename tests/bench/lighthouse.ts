// Lighthouse (the pinned npm package, default mobile settings: simulated slow 4G and a 4x
// slower CPU) over Debian's Chromium, on the home page, a docs page and the German home page
// (lang="de", hreflang alternates, the island with German words) served by `npm start`.
// Every request Lighthouse's Chromium makes is counted: anything off loopback would mean
// the figures depend on the internet, which this machine does not have.
import { once } from 'node:events';
import { launch, Launcher } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { TraceProcessor } from 'lighthouse/core/lib/tracehouse/trace-processor.js';
import { CHROMIUM_FLAGS, disabledFeaturesOf, disableFeaturesFlag, isLoopbackUrl, startServer } from '../e2e/browser.ts';
import { exactly, figure, median, type Figure } from './figure.ts';
import { quietStart } from './quiet.ts';
import { scoped } from './resources.ts';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
/** Scores move a few points between runs on a busy machine; the median of three is steadier. */
const RUNS = 3;
const PAGES = { home: '', docs: 'docs/federation-network/', 'home-de': 'de/' };

export function lighthouseFigures(siteDir: string): Promise<Figure[]> {
  return scoped(async (use) => {
    const server = use(await startServer({ FEDCHECK_SITE_DIR: siteDir }));
    const chrome = await launch({ chromePath: '/usr/bin/chromium', chromeFlags: [...CHROMIUM_FLAGS, disableFeaturesFlag(disabledFeaturesOf(Launcher.defaultFlags()))], logLevel: 'silent' });
    use({
      stop: async () => {
        const exited = chrome.process.exitCode === null ? once(chrome.process, 'exit') : null;
        chrome.kill();
        await exited;
      },
    });
    // Total blocking time is measured, not simulated: it moves with the machine's load.
    const load = await quietStart('lighthouse');
    const figures: Figure[] = [];
    for (const [page, path] of Object.entries(PAGES)) {
      const url = new URL(path, server.url).href;
      const runs: AuditResult[] = [];
      for (let run = 0; run < RUNS; run++) {
        runs.push(
          await audit(url, chrome.port).catch((error: Error) => {
            // Seen once under load: a run ended on Chromium's error page with the server up.
            const serverState = server.process.exitCode === null ? 'running' : `exited with ${server.process.exitCode}`;
            console.log(`# lighthouse: ${error.message} (server ${serverState}); running it once more`);
            return audit(url, chrome.port);
          }),
        );
      }
      CATEGORIES.forEach((category, index) => {
        figures.push(figure(`lighthouse.${page}.${category}`, median(runs.map((run) => run.scores[index])), 'score', exactly(100)));
      });
      // Why a score is short of 100: the audits that cost it points, in any run.
      for (const failing of new Set(runs.flatMap((run) => run.failing))) console.log(`# lighthouse ${page}: ${failing}`);
      // Blocking time is simulated from the trace's wall times, which the machine's load
      // stretches; the CPU time of the same tasks hardly moves (tests/bench/README.md).
      figures.push(figure(`lighthouse.${page}.main-thread-cpu`, median(runs.map((run) => run.mainThreadCpuMs)), 'ms'));
      figures.push(figure(`lighthouse.${page}.off-loopback-requests`, Math.max(...runs.map((run) => run.offLoopback)), 'count', exactly(0)));
    }
    return [...figures, ...load.figures()];
  });
}

interface AuditResult {
  /** 0-100, in CATEGORIES order. */
  scores: number[];
  /** Requests the page made off loopback. */
  offLoopback: number;
  /** "category: audit id (what it found)" for each scored audit that did not pass. */
  failing: string[];
  /** CPU time of the page's main-thread tasks from navigation on, in Lighthouse's own trace. */
  mainThreadCpuMs: number;
}

async function audit(url: string, port: number): Promise<AuditResult> {
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES });
  const lhr = result?.lhr;
  if (!lhr || lhr.runtimeError) throw new Error(`lighthouse on ${url}: ${lhr?.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : 'no result'}`);
  const scores = CATEGORIES.map((category) => {
    const score = lhr.categories[category]?.score;
    if (typeof score !== 'number') throw new Error(`lighthouse on ${url}: no ${category} score (${lhr.runWarnings.join('; ')})`);
    return Math.round(score * 100);
  });
  const requests = (lhr.audits['network-requests']?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
  const failing = CATEGORIES.flatMap((category) =>
    (lhr.categories[category]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${category}: ${ref.id} (${lhr.audits[ref.id].displayValue ?? lhr.audits[ref.id].title})${failingItems(lhr.audits[ref.id].details)}`),
  );
  return { scores, offLoopback: requests.filter((request) => !isLoopbackUrl(request.url)).length, failing, mainThreadCpuMs: mainThreadCpuMs(result.artifacts.Trace) };
}

/** What this file reads of a trace event (Lighthouse's own types do not resolve from here). */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  tdur?: number;
}

/** The summed thread time (`tdur`) of the page's main-thread tasks from its time origin on. */
function mainThreadCpuMs(trace: Parameters<typeof TraceProcessor.processTrace>[0]): number {
  // Lighthouse's own pick of the page's main thread and navigation.
  const { mainThreadEvents, timeOriginEvt }: { mainThreadEvents: TraceEvent[]; timeOriginEvt: TraceEvent } = TraceProcessor.processTrace(trace);
  const tasks = mainThreadEvents.filter((event) => event.name === 'RunTask' && event.ph === 'X' && event.ts >= timeOriginEvt.ts);
  return tasks.reduce((sum, task) => sum + (task.tdur ?? 0), 0) / 1000;
}

/** The first few elements or URLs an audit names, enough to find the cause. */
function failingItems(details: unknown): string {
  const items = (details as { items?: { node?: { snippet?: string }; url?: string }[] } | undefined)?.items ?? [];
  const named = items.slice(0, 3).map((item) => item.node?.snippet ?? item.url).filter(Boolean);
  return named.length > 0 ? `: ${named.join(' ')}` : '';
}
