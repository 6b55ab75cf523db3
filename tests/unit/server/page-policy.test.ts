import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pagePolicies, pagePolicy } from '../../../src/server/page-policy.ts';

/** The hash MDN and the CSP spec give for this script. */
const helloHash = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='";
const hello = "alert('Hello, world.');";

const directive = (policy: string, name: string) =>
  policy
    .split('; ')
    .find((entry) => entry.split(' ')[0] === name)
    ?.split(' ')
    .slice(1);

describe('pagePolicy', () => {
  it('allows an inline script by its SHA-256 hash, classic or module, once', () => {
    const policy = pagePolicy(`<head><script>${hello}</script></head><body><script type="module">${hello}</script></body>`);
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", helloHash]);
  });

  it('hashes the text as the browser parses it: CR LF and CR become LF', () => {
    expect(pagePolicy(`<script>a();\r\nb();\rc();</script>`)).toBe(pagePolicy(`<script>a();\nb();\nc();</script>`));
  });

  it('leaves out scripts loaded by src, and reads attributes whose quoted values hold ">"', () => {
    const policy = pagePolicy(`<script type="module" src="/_astro/page.js"></script><script data-note="a > b">${hello}</script>`);
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", helloHash]);
  });

  it('allows <style> elements by hash and style attributes, never inline scripts wholesale', () => {
    const policy = pagePolicy(`<style>${hello}</style><p style="color: red">x</p>`);
    expect(directive(policy, 'style-src')).toEqual(["'self'", helloHash]);
    expect(directive(policy, 'style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(directive(policy, 'script-src')).not.toContain("'unsafe-inline'");
  });

  it('loads nothing from elsewhere except over connect-src, and may not be framed', () => {
    const policy = pagePolicy('<p>no scripts</p>');
    expect(directive(policy, 'default-src')).toEqual(["'none'"]);
    expect(directive(policy, 'connect-src')).toEqual(["'self'", 'https:', 'http:']);
    expect(directive(policy, 'img-src')).toEqual(["'self'", 'data:']);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'self'"]);
    expect(directive(policy, 'form-action')).toEqual(["'self'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('pagePolicies', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedcheck-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows a page rebuilt under the running server', async () => {
    const file = path.join(dir, 'index.html');
    const policyOf = pagePolicies();
    writeFileSync(file, `<script>${hello}</script>`);
    utimesSync(file, 1, 1);
    expect(await policyOf(file)).toContain(helloHash);
    writeFileSync(file, '<script>rebuilt();</script>');
    utimesSync(file, 2, 2);
    expect(await policyOf(file)).not.toContain(helloHash);
    expect(await policyOf(file)).toBe(pagePolicy('<script>rebuilt();</script>'));
  });
});
