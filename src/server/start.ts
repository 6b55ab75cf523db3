// `npm start`: build the site when dist/ is missing or stale (unless FEDCHECK_SITE_DIR names
// a prebuilt one), then serve the site and the proxy API from one Node server until
// SIGINT/SIGTERM.
import { fileURLToPath } from 'node:url';
import { buildSite } from '../build/astro-build.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { listen } from './listen.ts';
import { staleSiteReason } from './site-build.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  const config = loadConfig();
  const stale = config.siteDir ? null : staleSiteReason(root);
  if (stale) {
    console.log(`fedcheck: building the site (${stale})`);
    await buildSite();
  }
  // The key file is read (or created) here, before listening: a bad one stops the start.
  const app = createApp({ config });
  const { server, close } = listen(
    config,
    app.fetch,
    (url) => {
      const identity = config.identity ? `, federation identity ${config.identity.serverName}` : '';
      console.log(`fedcheck: serving ${url} (site + proxy API${identity})`);
    },
    (error) => {
      console.error(`fedcheck: cannot listen on ${config.host}:${config.port}: ${error.message}`);
      process.exit(1);
    },
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`fedcheck: ${signal}, finishing open requests`);
    // Stop accepting; running reports end by themselves, at the latest at their deadline.
    close(() => process.exit(0));
    // A connection kept alive after its last response would hold close() open until the
    // keep-alive timeout; close each one as soon as it goes idle.
    const http = server as import('node:http').Server;
    http.closeIdleConnections();
    setInterval(() => http.closeIdleConnections(), 50).unref();
    setTimeout(() => {
      console.error('fedcheck: requests still open after the report deadline; exiting');
      process.exit(0);
    }, config.reportTimeoutMs + 2000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? `fedcheck: ${error.message}` : error);
  process.exit(1);
});
