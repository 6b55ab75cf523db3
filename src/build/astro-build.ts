// Runs `astro build` and fails when Astro logs an [ERROR] line: a Markdown plugin that
// throws otherwise ships that page with an empty body and still exits 0.
// --force because Astro's content cache keeps such an empty page across builds.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface BuildOptions {
  /** Docs folder to build instead of content/docs (tests build fixture pages this way). */
  contentDir?: string;
  outDir?: string;
  /** Where Astro's log goes; the build still scans it for errors. */
  log?: NodeJS.WritableStream;
}

export async function buildSite(options: BuildOptions = {}): Promise<void> {
  const errors: string[] = [];
  const args = ['node_modules/astro/bin/astro.mjs', 'build', '--force'];
  if (options.outDir) args.push('--outDir', options.outDir);
  // NODE_ENV comes from the caller (vitest sets "test"); anything but "production" makes
  // Astro build dev-mode pages, e.g. Starlight's search says it only works in production.
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  if (options.contentDir) env.FEDCHECK_CONTENT_DIR = options.contentDir;
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const scan = (stream: NodeJS.ReadableStream, sink: NodeJS.WritableStream) => {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      sink.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.includes('[ERROR]')) errors.push(line.trim());
    });
  };
  scan(child.stdout, options.log ?? process.stdout);
  scan(child.stderr, options.log ?? process.stderr);
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`astro build exited with ${code}`);
  if (errors.length > 0) throw new Error(`astro build logged ${errors.length} error(s):\n${errors.join('\n')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildSite().catch((error: Error) => {
    console.error(`\nBuild failed: ${error.message}`);
    process.exit(1);
  });
}
