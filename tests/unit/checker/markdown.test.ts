import { describe, expect, it } from 'vitest';
import { escapeMarkdown, reportToMarkdown } from '../../../src/checker/markdown.ts';
import type { Report } from '../../../src/checker/report.ts';
import { checkScenario, wellKnownUrl } from './helpers.ts';

const HOSTILE = 'evil <img src=x onerror=alert(1)> [click](https://phish.example) **bold** `code`\n# heading | cell';

describe('escapeMarkdown', () => {
  it('leaves no Markdown or HTML syntax active', () => {
    const escaped = escapeMarkdown(HOSTILE);
    expect(escaped).not.toMatch(/<|>|\n/);
    expect(escaped).not.toMatch(/(^|[^\\])[[\]()*`#|]/);
    expect(escaped).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
  });
});

describe('reportToMarkdown', () => {
  it('renders the verdict, the resolution and the problems with fixes and docs links', async () => {
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { A: ['93.184.215.10'] } },
      routes: { [wellKnownUrl('example.org')]: { body: { 'm.server': '' } } },
    });
    const markdown = reportToMarkdown(report, { docsBase: 'https://fedcheck.example' });
    expect(markdown).toContain('## Federation check for example\\.org: ⚠️ federation works, with problems');
    expect(markdown).toContain('| example\\.org | 8448 | 93\\.184\\.215\\.10 |');
    expect(markdown).toContain('- ⚠️ **"m\\.server" is a valid server name**: "m\\.server" is an empty string');
    expect(markdown).toContain('  - [About this check](https://fedcheck.example/docs/checks/#wellknown.server.m-server)');
    expect(markdown).toContain('<details><summary>Other checks</summary>');
  });

  it('escapes everything that came from the server', () => {
    const report: Report = {
      schema: 'fedcheck.report/1',
      serverName: HOSTILE,
      checkedAt: '2026-11-26T12:00:00.000Z',
      source: 'cli',
      durationMs: 1,
      verdict: 'fail',
      areas: {},
      resolution: { step: 'default', hostHeader: HOSTILE, tlsName: HOSTILE, sni: HOSTILE, targets: [{ host: HOSTILE, port: 8448, addresses: [HOSTILE] }] },
      steps: [],
      checks: [{ id: 'name.syntax', status: 'fail', title: 'Server name is valid', detail: HOSTILE, docs: '/docs/checks/#name.syntax', fix: HOSTILE }],
      connections: [],
    };
    const markdown = reportToMarkdown(report);
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('[click](');
    expect(markdown).not.toMatch(/^# heading/m);
    expect(markdown.split('\n').filter((line) => line.startsWith('| evil'))).toHaveLength(1);
    expect(markdown.split('\n').find((line) => line.startsWith('| evil'))!.split(/(?<!\\)\|/)).toHaveLength(5);
  });
});
