// The island on a German page: the texts the page passes (checker-texts.ts, as the build
// makes them) replace every English word, and findings get their German titles and fixes
// from the site's check texts file, read with the engine.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, cleanup, screen, fireEvent, waitFor } from '@solidjs/testing-library';
import Checker from '../../src/components/Checker.tsx';
import { checkerTexts, checkTexts, checkTextsPath } from '../../src/components/checker-texts.ts';
import { CHECK_METAS, translationsOf } from '../../src/checker/check-reference.ts';
import { fakeEngine, finding, report } from './fake-engine.ts';

const noProxy = async () => ({ state: 'none' as const });
const de = translationsOf('de');
const checkMeta = (id: string) => CHECK_METAS.find((meta) => meta.id === id)!;
const metaFix = (id: string) => checkMeta(id).fix;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
  history.replaceState(null, '', '/');
});

/** The site's files, as far as the island reads them: the check texts (src/pages/[lang]/check-texts.[version].json.ts). */
const siteFiles = async (url: string) => (url === checkTextsPath('de') ? Response.json(checkTexts('de')) : new Response('', { status: 404 }));

function renderGerman(fetchFile: (url: string, init?: RequestInit) => Promise<Response> = siteFiles) {
  vi.stubGlobal('fetch', fetchFile);
  const { load } = fakeEngine(
    report({
      checks: [
        finding('dns.srv.legacy', 'warn', 'Only the deprecated _matrix._tcp record exists.', { title: checkMeta('dns.srv.legacy').title, fix: metaFix('dns.srv.legacy') }),
        // A proxy's finding of a check whose fix the page's engine does not carry.
        finding('tls.certificate.expiry', 'fail', 'The certificate expired.', { fix: metaFix('tls.certificate.expiry') }),
        finding('client.wellknown.cors', 'fail', 'No Access-Control-Allow-Origin.', { fix: 'A fix written for this finding.' }),
        finding('wellknown.server.m-server', 'pass', 'm.server is fine'),
        finding('tls.certificate.name', 'skip', 'Not tested from this page.'),
      ],
    }),
  );
  history.replaceState(null, '', '/de/?server=example.org');
  return render(() => <Checker engine={load} detect={noProxy} texts={checkerTexts('de')} />);
}

describe('the checker in German', () => {
  it('says in German why a resolver URL was refused, in the settings and from ?resolver=', () => {
    vi.stubGlobal('fetch', siteFiles);
    history.replaceState(null, '', '/de/?resolver=dns.example');
    render(() => <Checker engine={fakeEngine().load} detect={noProxy} texts={checkerTexts('de')} />);
    expect(document.querySelector('.fc-problems li')!.textContent).toBe(
      '?resolver=dns.example: Keine URL: bitte die vollständige DoH-URL angeben, z. B. https://dns.example/dns-query',
    );
    fireEvent.input(screen.getByLabelText('Resolver-URL'), { target: { value: 'http://doh.example/dns-query' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resolver hinzufügen' }));
    expect(screen.getByText('Eine DoH-Resolver-URL beginnt mit https://')).toBeTruthy();
  });

  it('labels the form and the proxy note in German', () => {
    renderGerman();
    expect(screen.getByLabelText('Matrix-Servername')).toBeTruthy();
    expect(screen.getByRole('search', { name: 'Einen Server prüfen' })).toBeTruthy();
  });

  it('gives the verdict, the areas and the findings’ titles and fixes in German, docs links to German pages', async () => {
    const { findByRole } = renderGerman();
    const findings = await findByRole('region', { name: 'Ergebnisse' });
    expect(document.querySelector('.fc-summary')!.textContent).toContain('Föderation funktioniert, mit Problemen: example.org');
    expect([...findings.querySelectorAll('h3')].map((heading) => heading.textContent)).toContain('Delegation per .well-known');
    // Problems come first, with their fixes (in German) and guide links; the findings by area repeat them in one line.
    const problems = await findByRole('region', { name: 'Was zu beheben ist (3)' });
    expect(findings.querySelector('[data-check="dns.srv.legacy"]')!.textContent).toContain(de['dns.srv.legacy'].title);
    const legacy = problems.querySelector('[data-check="dns.srv.legacy"]')!;
    expect(legacy.textContent).toContain(de['dns.srv.legacy'].title);
    expect(legacy.textContent).toContain(`Lösung: ${de['dns.srv.legacy'].fix}`);
    expect(legacy.querySelector('a.fc-docs')!.getAttribute('href')).toBe('/de/docs/checks/#dns.srv.legacy');
    expect(problems.querySelector('[data-check="tls.certificate.expiry"]')!.textContent).toContain(`Lösung: ${de['tls.certificate.expiry'].fix}`);
    // A fix the check wrote for this one finding is run-time detail: it stays as reported.
    const cors = problems.querySelector('[data-check="client.wellknown.cors"]')!;
    expect(cors.textContent).toContain(de['client.wellknown.cors'].title);
    expect(cors.textContent).toContain('Lösung: A fix written for this finding.');
    const passed = findings.querySelector('[data-check="wellknown.server.m-server"] a')!;
    expect([passed.textContent, passed.getAttribute('href')]).toEqual([de['wellknown.server.m-server'].title, '/de/docs/checks/#wellknown.server.m-server']);
    const notTested = findings.querySelector('[data-status="skip"]')!;
    expect(notTested.textContent).toBe(`Nicht geprüft ${de['tls.certificate.name'].title}`);
    expect(notTested.querySelector('a')!.getAttribute('href')).toBe('/de/docs/checks/#tls.certificate.name');
  });

  it('reads the check texts from the site once per check, and keeps the report’s English titles when that fails', async () => {
    const asked: string[] = [];
    const { findByRole, getByRole } = renderGerman(async (url) => {
      asked.push(url);
      return new Response('', { status: 404 });
    });
    const findings = await findByRole('region', { name: 'Ergebnisse' });
    expect(asked).toEqual([checkTextsPath('de')]);
    expect(document.querySelector('.fc-summary')!.textContent).toContain('Föderation funktioniert, mit Problemen: example.org');
    const legacy = findings.querySelector('[data-check="dns.srv.legacy"]')!;
    expect(legacy.textContent).toContain(checkMeta('dns.srv.legacy').title);
    expect(legacy.textContent).not.toContain(de['dns.srv.legacy'].title);
    // The next check asks again.
    fireEvent.click(getByRole('button', { name: 'Prüfen' }));
    await waitFor(() => expect(asked).toEqual([checkTextsPath('de'), checkTextsPath('de')]));
  });

  it('shows the report with English titles when the check texts do not come within 5 s', async () => {
    const { findByRole } = renderGerman(
      (_url, init?: RequestInit) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))),
    );
    const findings = await findByRole('region', { name: 'Ergebnisse' }, { timeout: 8000 });
    expect(findings.querySelector('[data-check="dns.srv.legacy"]')!.textContent).toContain(checkMeta('dns.srv.legacy').title);
  }, 10_000);
});
