// Manual use and benchmarks:
//   npx node tests/rig/cli.ts start [--latency 50] [--slot 0]   (processes keep running)
//   npx node tests/rig/cli.ts status | env | stop
// State: tests/rig/.run/state.json (and .run/slot-N/state.json).
import { join } from 'node:path';
import { RUN_ROOT, pidAlive, readState, startRig, stopRigFromState } from './rig.ts';

const [cmd = 'help', ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};

async function main() {
  switch (cmd) {
    case 'start': {
      if (readState()) {
        const s = readState()!;
        if (Object.values(s.pids).some(pidAlive)) {
          console.error(`rig already running (slot ${s.slot}); "stop" first`);
          process.exit(1);
        }
      }
      const rig = await startRig({
        mode: 'cli',
        latencyMs: Number(opt('latency') ?? 0),
        slot: opt('slot') === undefined ? undefined : Number(opt('slot')),
      });
      const s = rig.state;
      console.log(`rig up in ${s.startupMs} ms (slot ${s.slot}, latency ${s.latencyMs} ms) ${JSON.stringify(s.timings)}`);
      console.log(`state:      ${join(RUN_ROOT, 'state.json')}`);
      console.log(`DNS:        ${s.dns.server} (alt ${s.dns.alt})`);
      console.log(`DoH:        ${s.doh.wire}  ${s.doh.json}  ${s.doh.altJson}`);
      console.log(`CA:         ${s.ca.root}`);
      console.log(`NSS HOME:   ${s.nss.home}`);
      console.log(`scenarios:  ${s.scenarios.filter((x) => x.enabled).length}`);
      console.log(`pids:       ${JSON.stringify(s.pids)}`);
      process.exit(0);
      break;
    }
    case 'stop': {
      const s = readState();
      if (!s) {
        console.log('no rig state; nothing to stop');
        return;
      }
      await stopRigFromState(s);
      const { rmSync } = await import('node:fs');
      rmSync(join(RUN_ROOT, 'state.json'), { force: true });
      console.log(`stopped rig (slot ${s.slot}): ${Object.values(s.pids).join(' ')}`);
      break;
    }
    case 'status': {
      const s = readState();
      if (!s) return console.log('not running');
      for (const [name, pid] of Object.entries(s.pids)) console.log(`${name.padEnd(8)} ${pid} ${pidAlive(pid) ? 'running' : 'gone'}`);
      break;
    }
    case 'env': {
      const s = readState();
      if (!s) throw new Error('not running');
      for (const [k, v] of Object.entries(s.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
      console.log(`export FEDCHECK_RIG_HOST_RESOLVER_RULES=${JSON.stringify(s.hostResolverRules)}`);
      break;
    }
    case 'scenarios': {
      const s = readState();
      if (!s) throw new Error('not running');
      for (const x of s.scenarios) console.log(`${x.serverName.padEnd(40)} ${x.address.padEnd(12)} ${x.expect.step.padEnd(22)} ${x.expect.verdict}`);
      break;
    }
    default:
      console.log('usage: node tests/rig/cli.ts start [--latency MS] [--slot N] | stop | status | env | scenarios');
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
