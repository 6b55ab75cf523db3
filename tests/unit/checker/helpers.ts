// Runs the checker against the fakes and validates every report against the JSON Schema.
import { connectionTesting } from '../../../src/checker/probing.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import schema from '../../../src/checker/report.schema.json' with { type: 'json' };
import { runCheck, type CheckDeps } from '../../../src/checker/check.ts';
import type { Finding, Report } from '../../../src/checker/report.ts';
import {
  fakeDns,
  fakeHttp,
  fakeProber,
  fixedClock,
  type FakeDnsOptions,
  type FakeHttpOptions,
  type FakeName,
  type FakeProberOptions,
  type FakeResponse,
} from '../../fixtures/fakes.ts';

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

/** Checks the report as it goes over the wire (JSON) against report.schema.json. */
export function expectValidReport(report: Report): void {
  const wire = JSON.parse(JSON.stringify(report));
  const valid = validate(wire);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(valid).toBe(true);
}

export const NOW = '2026-11-26T12:00:00Z';

export interface Scenario {
  zone?: Record<string, FakeName>;
  routes?: Record<string, FakeResponse>;
  dnsOptions?: FakeDnsOptions;
  httpOptions?: FakeHttpOptions;
  /** false: no prober, as in the browser. */
  prober?: false | Omit<FakeProberOptions, 'nowMs'>;
  deps?: Partial<CheckDeps>;
}

export async function checkScenario(input: string, scenario: Scenario = {}) {
  const clock = fixedClock(NOW);
  const dns = fakeDns(scenario.zone ?? {}, scenario.dnsOptions);
  const http = fakeHttp(scenario.routes ?? {}, scenario.httpOptions);
  const prober = scenario.prober === false ? undefined : fakeProber({ nowMs: clock.now(), ...scenario.prober });
  const report = await runCheck(input, {
    dns,
    http,
    ...(prober ? { connections: connectionTesting(prober) } : {}),
    clock,
    source: prober ? 'proxy' : 'browser',
    ...scenario.deps,
  });
  expectValidReport(report);
  return { report, dns, http, prober };
}

export function findings(report: Report, id: string): Finding[] {
  return report.checks.filter((finding) => finding.id === id);
}

/** The one finding with this id; fails the test when there is not exactly one. */
export function finding(report: Report, id: string): Finding {
  const found = findings(report, id);
  expect(found.map((f) => f.id), `findings with id ${id}`).toEqual([id]);
  return found[0];
}

export function statusOf(report: Report, id: string): string[] {
  return findings(report, id).map((f) => f.status);
}

export const wellKnownUrl = (host: string) => `https://${host}/.well-known/matrix/server`;
export const delegation = (mServer: string): FakeResponse => ({ body: { 'm.server': mServer } });
export const srv = (target: string, port = 8448, priority = 10, weight = 5) => ({ priority, weight, port, target });
