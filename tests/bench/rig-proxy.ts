// The proxy (`npm start`) pointed at a rig: the rig's DNS and CA, private addresses allowed,
// serving the bench's own build of the site (so that it never rebuilds dist/ by itself).
// Every request runs its own report: the bench times runs, not reports reused from a run
// for the same name a moment before.
import type { ResolvedScenario } from '../rig/build.ts';
import type { RigState } from '../rig/rig.ts';
import { startServer, type RunningServer } from '../e2e/browser.ts';

export function startRigProxy(rig: RigState, siteDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    FEDCHECK_ALLOW_PRIVATE: '1',
    FEDCHECK_DNS_SERVERS: rig.dns.server,
    NODE_EXTRA_CA_CERTS: rig.ca.root,
    FEDCHECK_SITE_DIR: siteDir,
    FEDCHECK_REPORT_REUSE_MS: '0',
    ...env,
  });
}

export function scenarioRow(rig: RigState, id: string): ResolvedScenario {
  const row = rig.scenarios.find((candidate) => candidate.id === id);
  if (!row?.enabled) throw new Error(`rig scenario ${id} is missing or disabled${row?.disabledReason ? ` (${row.disabledReason})` : ''}`);
  return row;
}
