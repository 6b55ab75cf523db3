// Manual use and benchmarks:
//   npx node tests/rig/cli.ts start [--latency 50] [--slot N]   (processes keep running)
//   npx node tests/rig/cli.ts status|env|scenarios|stop [--slot N]
// start takes the first free slot. Slot 0's state is also at tests/rig/.run/state.json;
// every slot's at tests/rig/.run/slot-N/state.json. Without --slot, the other commands use
// .run/state.json (slot 0).
import { rmSync } from 'node:fs';
import { pidAlive, readState, startRig, stateFileOf, stopRigFromState } from './rig.ts';

const [cmd = 'help', ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const slotOpt = opt('slot') === undefined ? undefined : Number(opt('slot'));

function state() {
  const file = stateFileOf(slotOpt);
  const s = readState(file);
  if (!s) throw new Error(`no rig state at ${file}${slotOpt === undefined ? ' (use --slot N for other slots)' : ''}`);
  return s;
}

async function main() {
  switch (cmd) {
    case 'start': {
      const rig = await startRig({ mode: 'cli', latencyMs: Number(opt('latency') ?? 0), slot: slotOpt });
      const s = rig.state;
      console.log(`rig up in ${s.startupMs} ms (slot ${s.slot}, latency ${s.latencyMs} ms, CA ${s.ca.reused ? 'reused' : 'new'}) ${JSON.stringify(s.timings)}`);
      console.log(`state:      ${s.slot === 0 ? stateFileOf() + ' and ' : ''}${s.stateFile}`);
      console.log(`DNS:        ${s.dns.server} (alt ${s.dns.alt}, blackhole ${s.dns.blackhole})`);
      console.log(`DoH:        ${s.doh.wire}  ${s.doh.json}  ${s.doh.altJson}`);
      console.log(`CA:         ${s.ca.root}`);
      console.log(`NSS HOME:   ${s.nss.home}`);
      console.log(`scenarios:  ${s.scenarios.filter((x) => x.enabled).length} in ${s.net.scenarios}.x`);
      console.log(`pids:       ${JSON.stringify(s.pids)}`);
      console.log(`stop with:  npx node tests/rig/cli.ts stop${s.slot === 0 ? '' : ` --slot ${s.slot}`}`);
      process.exit(0);
      break;
    }
    case 'stop': {
      const s = state();
      await stopRigFromState(s, { force: rest.includes('--force') });
      if (s.slot === 0) rmSync(stateFileOf(), { force: true });
      console.log(`stopped rig (slot ${s.slot}): ${Object.values(s.pids).join(' ')}`);
      break;
    }
    case 'status': {
      const s = state();
      for (const [name, pid] of Object.entries(s.pids)) console.log(`${name.padEnd(8)} ${pid} ${pidAlive(pid) ? 'running' : 'gone'}`);
      break;
    }
    case 'env': {
      const s = state();
      for (const [k, v] of Object.entries(s.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
      console.log(`export FEDCHECK_RIG_HOST_RESOLVER_RULES=${JSON.stringify(s.hostResolverRules)}`);
      console.log(`export FEDCHECK_RIG_HOME=${JSON.stringify(s.nss.home)}`);
      break;
    }
    case 'scenarios': {
      const s = state();
      for (const x of s.scenarios) {
        console.log(`${x.serverName.padEnd(36)} ${x.address.padEnd(12)} ${x.expect.step.padEnd(22)} ${x.expect.verdict.padEnd(5)} ${(x.expect.checks ?? []).join(',')}${x.enabled ? '' : '  (disabled)'}`);
      }
      break;
    }
    default:
      console.log('usage: node tests/rig/cli.ts start [--latency MS] [--slot N] | stop [--slot N] [--force] | status | env | scenarios [--slot N]');
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
