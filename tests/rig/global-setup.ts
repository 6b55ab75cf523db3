// vitest globalSetup for the `integration` and `site` projects: starts the rig once per
// vitest process (projects share it), provides its state, and stops every process by PID.
//
// In tests:   import { inject } from 'vitest';  const rig = inject('rig');
// or read the JSON at process.env.FEDCHECK_RIG_STATE. Workers also inherit
// NODE_EXTRA_CA_CERTS (the rig's root CA) and FEDCHECK_DNS_SERVERS (knot, zone a).
import type { TestProject } from 'vitest/node';
import { pidAlive, startRig, type Rig, type RigState } from './rig.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    rig: RigState;
  }
}

interface Shared {
  rig: Promise<Rig>;
  users: number;
  savedEnv: Record<string, string | undefined>;
}

const KEY = Symbol.for('fedcheck.rig');
const g = globalThis as unknown as { [KEY]?: Shared };

export default async function setup(project: TestProject) {
  let shared = g[KEY];
  if (!shared) {
    const latencyMs = Number(process.env.FEDCHECK_RIG_LATENCY_MS ?? 0);
    shared = { rig: startRig({ latencyMs }), users: 0, savedEnv: {} };
    g[KEY] = shared;
    try {
      const { state } = await shared.rig;
      for (const [k, v] of Object.entries(state.env)) {
        shared.savedEnv[k] = process.env[k];
        process.env[k] = v;
      }
    } catch (e) {
      g[KEY] = undefined;
      throw e;
    }
  }
  shared.users++;
  const rig = await shared.rig;
  project.provide('rig', rig.state);

  return async () => {
    const s = g[KEY];
    if (!s || --s.users > 0) return;
    g[KEY] = undefined;
    await rig.stop();
    for (const [k, v] of Object.entries(s.savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const left = Object.entries(rig.state.pids).filter(([, pid]) => pidAlive(pid));
    if (left.length) throw new Error(`fedcheck rig: processes still running after stop: ${JSON.stringify(left)}`);
  };
}
