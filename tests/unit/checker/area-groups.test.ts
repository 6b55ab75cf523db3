import { describe, expect, it } from 'vitest';
import { AREA_GROUPS, summarizeAreaGroups } from '../../../src/checker/area-groups.ts';
import { CHECK_AREAS } from '../../../src/checker/evidence.ts';
import { areaGroupLine, reportToMarkdown } from '../../../src/checker/markdown.ts';
import { REPORT_SCHEMA, type Report } from '../../../src/checker/report.ts';
import { formatText } from '../../../src/cli/formats.ts';

function report(areas: Report['areas']): Report {
  return {
    schema: REPORT_SCHEMA,
    serverName: 'example.org',
    checkedAt: '2026-12-01T00:00:00.000Z',
    source: 'cli',
    durationMs: 10,
    verdict: 'warn',
    areas,
    resolution: null,
    steps: [],
    checks: [],
    connections: [],
  };
}

describe('area groups', () => {
  it('put every area in exactly one group', () => {
    const grouped = AREA_GROUPS.flatMap((group) => [...group.areas]);
    expect([...grouped].sort()).toEqual([...CHECK_AREAS].sort());
  });

  it('give one line per group that has findings, in reading order, each its worst status', () => {
    const groups = summarizeAreaGroups({ support: 'info', name: 'pass', tls: 'fail', keys: 'warn', auth: 'warn', rtc: 'pass', client: 'fail' });
    expect(groups.map((group) => [group.group, group.status])).toEqual([
      ['federation', 'fail'],
      ['auth', 'warn'],
      ['rtc', 'pass'],
      ['client', 'fail'],
      ['support', 'info'],
    ]);
    expect(groups.map(areaGroupLine)).toEqual(['Federation: failing', 'Sign-in: warning', 'Calls: OK', 'Client discovery: failing', 'Support: notes only']);
  });

  it('take the labels of another language when given them', () => {
    const german = { federation: 'Föderation', outgoing: 'Ausgehende Föderation', auth: 'Anmeldung', rtc: 'Anrufe', client: 'Client-Erkennung', support: 'Support' };
    expect(summarizeAreaGroups({ dns: 'pass', rtc: 'warn' }, german).map((group) => group.label)).toEqual(['Föderation', 'Anrufe']);
  });

  it('show outgoing federation only when the report has it', () => {
    expect(summarizeAreaGroups({ dns: 'pass' }).map((group) => group.group)).toEqual(['federation']);
    expect(summarizeAreaGroups({ dns: 'pass', outgoing: 'fail' }).map((group) => group.group)).toEqual(['federation', 'outgoing']);
  });

  it('say when part of a group was not tested, and that a wholly untested group was not tested', () => {
    const [federation, client] = summarizeAreaGroups({ dns: 'pass', connection: 'skip', tls: 'skip', client: 'skip' });
    expect(areaGroupLine(federation)).toBe('Federation: OK (partly not tested)');
    expect(areaGroupLine(client)).toBe('Client discovery: not tested');
  });
});

describe('the summary lines in the CLI and Markdown', () => {
  const areas: Report['areas'] = { name: 'pass', dns: 'pass', tls: 'pass', auth: 'fail', client: 'warn' };

  it('stand under the verdict in the CLI text, one per group, before the findings', () => {
    const lines = formatText(report(areas), { color: false, docsBase: 'https://fedcheck.example' }).split('\n');
    expect(lines.slice(1, 4)).toEqual(['  ✓ Federation: OK', '  ✗ Sign-in: failing', '  ! Client discovery: warning']);
  });

  it('stand under the headline in the Markdown report', () => {
    const markdown = reportToMarkdown(report(areas));
    const list = markdown.split('\n').filter((line) => line.startsWith('- '));
    expect(list).toEqual(['- ✅ Federation: OK', '- ❌ Sign-in: failing', '- ⚠️ Client discovery: warning']);
    expect(markdown.indexOf('- ✅ Federation')).toBeLessThan(markdown.indexOf('Checked ') + 200);
  });
});
