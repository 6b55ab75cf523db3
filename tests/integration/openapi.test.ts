// Real answers of every route, for rig servers that pass, warn and fail and for bad input,
// validated against GET /api/openapi.json's document.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectDocumented } from '../unit/server/support/openapi.ts';
import { startRigProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
let proxy: RunningProxy;

beforeAll(async () => {
  proxy = await startRigProxy(rig);
});
afterAll(() => proxy?.close());

const names = ['good', 'srv-legacy', 'cert-expired', 'wk-invalid-json', 'nxdomain'].map((id) => rig.scenarios.find((s) => s.id === id)!.serverName);
const routes = (name: string) => [
  `/api/v1/report?server_name=${encodeURIComponent(name)}`,
  `/api/report?server_name=${encodeURIComponent(name)}`,
  `/api/federation-ok?server_name=${encodeURIComponent(name)}`,
  `/probe?target=${encodeURIComponent(name)}`,
];

describe('real responses of every route validate against the OpenAPI document', () => {
  it.concurrent.each(names)('the report routes for %s', async (name) => {
    for (const url of routes(name)) {
      const response = await fetch(proxy.url + url);
      expect(response.status, url).toBe(200);
      await expectDocumented(url, response);
    }
  });

  it('the report routes for an invalid name (400, or MFT’s 200 with Error)', async () => {
    for (const url of routes('bad name')) await expectDocumented(url, await fetch(proxy.url + url));
  });

  it('health, metrics and the document itself', async () => {
    for (const url of ['/api/v1/health', '/metrics', '/api/openapi.json']) {
      const response = await fetch(proxy.url + url);
      expect(response.status, url).toBe(200);
      await expectDocumented(url, response);
    }
  });
});
