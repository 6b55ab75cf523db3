// `npm run bench [-- FIGURE…]`: the performance figures of issue 9, measured the same way
// every time. Prints one line per figure (`name value unit target`) and writes them all to
// tests/bench/results/<timestamp>.json so that runs can be compared. Lines starting with
// `#` are notes. Every run builds the site afresh first: the other figures measure it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFreshSite } from './build.ts';
import { bytesFigures } from './bytes.ts';
import { formatFigure, type Figure } from './figure.ts';
import { heapFigures } from './heap.ts';
import { latencyFigures } from './latency.ts';
import { lighthouseFigures } from './lighthouse.ts';
import { loadFigures } from './load.ts';
import { scoped, stopEverything } from './resources.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** In the order they run, after the build: the quiet ones first, the load test last. */
const MEASURES: Record<string, (siteDir: string) => Figure[] | Promise<Figure[]>> = {
  bytes: bytesFigures,
  lighthouse: lighthouseFigures,
  latency: latencyFigures,
  load: loadFigures,
  heap: heapFigures,
};
/** Run only when named: an investigation, whose snapshot stops the proxy it measures. */
const ON_REQUEST = new Set(['heap']);
const NAMES = ['build', ...Object.keys(MEASURES)];

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.log(`# ${signal}: stopping what the bench started`);
    void stopEverything().finally(() => process.exit(130));
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !NAMES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown figure(s): ${unknown.join(', ')}; choose from: ${NAMES.join(', ')} (none: all)`);
  process.exit(2);
}
const selected = NAMES.filter((name) => (wanted.length === 0 && !ON_REQUEST.has(name)) || wanted.includes(name));

const startedAt = new Date();
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadavg() };
console.log(`# fedcheck bench ${startedAt.toISOString()}: ${selected.join(', ')}; ${machine.cores} cores (${machine.cpu}), load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);

const figures: Figure[] = [];
const failures: string[] = [];
await scoped(async (use) => {
  const site = use(await buildFreshSite());
  const report = (list: Figure[]) => {
    for (const item of list) console.log(formatFigure(item));
    figures.push(...list);
  };
  if (selected.includes('build')) report(site.figures);
  for (const name of selected.filter((name) => name !== 'build')) {
    try {
      report(await MEASURES[name](site.dir));
    } catch (error) {
      failures.push(`${name}: ${(error as Error).stack ?? error}`);
      console.log(`# ${name} failed: ${(error as Error).message}`);
    }
  }
});

// An interrupted run's figures are not worth a results file; the signal handler exits.
if (interrupted) await new Promise(() => {});

const missed = figures.filter((item) => item.met === false).map((item) => item.name);
const seconds = (Date.now() - startedAt.getTime()) / 1000;
const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  resultsFile,
  `${JSON.stringify({ startedAt: startedAt.toISOString(), seconds, commit: gitCommit(), machine: { ...machine, loadAverageAtEnd: loadavg() }, selected, figures, missed, failures }, null, 1)}\n`,
);
console.log(`# ${figures.length} figures in ${seconds.toFixed(0)} s; targets missed: ${missed.length ? missed.join(', ') : 'none'}`);
if (failures.length > 0) console.log(`# failed: ${failures.join('\n# ')}`);
console.log(`# ${resultsFile}`);
process.exit(failures.length > 0 ? 1 : 0);

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: benchDir, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
