// A rig for the bench, and the proxy (`npm start`) pointed at it: the rig's DNS and CA,
// private addresses allowed, serving the bench's own build of the site (so that it never
// rebuilds dist/ by itself).
import type { ResolvedScenario } from '../rig/build.ts';
import { MAX_SLOTS, startRig, type Rig, type RigState } from '../rig/rig.ts';
import { startServer, type RunningServer } from '../e2e/browser.ts';

/**
 * A rig in the highest slot that is free. Slot locks live in this checkout's tests/rig/.run,
 * but addresses and DNS ports are the machine's: a run from another checkout (CI in /tmp)
 * can hold slot 0 unseen. Those take the lowest slots, so the bench starts at the top and
 * moves down past slots that are locked or whose ports are taken.
 */
export async function startBenchRig(latencyMs: number): Promise<Rig> {
  let busy: unknown;
  for (let slot = MAX_SLOTS - 1; slot >= 0; slot--) {
    try {
      return await startRig({ latencyMs, slot });
    } catch (error) {
      if (!/in use/.test((error as Error).message)) throw error;
      busy = error;
    }
  }
  throw busy;
}

export function startRigProxy(rig: RigState, siteDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    FEDCHECK_ALLOW_PRIVATE: '1',
    FEDCHECK_DNS_SERVERS: rig.dns.server,
    NODE_EXTRA_CA_CERTS: rig.ca.root,
    FEDCHECK_SITE_DIR: siteDir,
    ...env,
  });
}

export function scenarioRow(rig: RigState, id: string): ResolvedScenario {
  const row = rig.scenarios.find((candidate) => candidate.id === id);
  if (!row?.enabled) throw new Error(`rig scenario ${id} is missing or disabled${row?.disabledReason ? ` (${row.disabledReason})` : ''}`);
  return row;
}
