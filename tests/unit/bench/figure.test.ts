import { describe, it, expect } from 'vitest';
import { atMost, exactly, figure, formatFigure } from '../../bench/figure.ts';

describe('formatFigure', () => {
  it('prints fractions to three significant digits, whole numbers as they are', () => {
    expect(formatFigure(figure('latency.proxy.srv.ratio', 1.1272652666, 'x', atMost(1.2)))).toBe('latency.proxy.srv.ratio 1.13 x <=1.2');
    expect(formatFigure(figure('load.peak-rss', 124, 'MB', atMost(150)))).toBe('load.peak-rss 124 MB <=150');
    expect(formatFigure(figure('build.wall', 12.3456, 's'))).toBe('build.wall 12.3 s -');
  });

  it('never prints a value as its target when it is not: enough digits to show which side it is on', () => {
    const missed = figure('latency.browser.explicit-port.ratio', 1.2004999999888242, 'x', atMost(1.2));
    expect(missed.met).toBe(false);
    expect(formatFigure(missed)).toBe('latency.browser.explicit-port.ratio 1.2005 x <=1.2');
    const met = figure('bytes.island.total.gzip', 44.9873046875, 'KB', atMost(45));
    expect(met.met).toBe(true);
    expect(formatFigure(met)).toBe('bytes.island.total.gzip 44.99 KB <=45');
    expect(formatFigure(figure('load.latency.p99', 1999.6, 'ms', atMost(2000)))).toBe('load.latency.p99 1999.6 ms <=2000');
    expect(formatFigure(figure('x', 1.20000000001, 'x', exactly(1.2)))).toBe('x 1.20000000001 x =1.2');
  });
});
