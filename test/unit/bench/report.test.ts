/**
 * The benchmark report (bench/report.ts): figures with their verdicts, and charts drawn as inline
 * SVG by Vega in Node; a static page that runs and fetches nothing.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResult, Chart } from '../../../bench/bench-kit';
import { chartSpec, reportHtml } from '../../../bench/report';
import { percentiles } from '../../../bench/support/stats';

const latency: Chart = {
  kind: 'distribution',
  title: 'Send latency',
  unit: 'ms',
  series: { PGlite: percentiles([5, 9, 12, 30]), PostgreSQL: percentiles([3, 4, 4, 8]) },
};
const rate: Chart = {
  kind: 'line',
  title: 'Accepted per second',
  x: 'seconds',
  y: 'envelopes/s',
  series: {
    PostgreSQL: [
      [5, 440],
      [12, 452],
    ],
  },
};

const result: BenchResult = {
  name: 'server-throughput',
  figures: {
    accepted_per_s_postgres: { value: 442.3, unit: 'envelopes/s', goal: '>= 2000' },
    send_p99_ms_postgres: { value: 41, unit: 'ms', goal: '<= 50' },
    'odd <script>alert(1)</script> name': { value: 1, unit: 'x', goal: null },
  },
  charts: [latency, rate],
};

describe('benchmark report', () => {
  it('has every figure with its verdict, and draws each chart as SVG', async () => {
    const html = await reportHtml([
      result,
      { name: 'ipc-router', figures: { calls_per_s: { value: 9, unit: '/s', goal: null } } },
    ]);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(2);
    expect(html).toContain('Send latency');
    expect(html).toMatch(/<tr class="missed"><td>accepted_per_s_postgres<\/td><td class="n">442.3<\/td>.*<td>NO<\/td>/);
    expect(html).toMatch(/<tr class=""><td>send_p99_ms_postgres<\/td>.*<td>yes<\/td>/);
    expect(html).toContain('<a href="#ipc-router">ipc-router</a>');
  });

  it('runs nothing and fetches nothing: no script, text escaped, a CSP that allows neither', async () => {
    const html = await reportHtml([result]);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('odd &#60;script&#62;alert(1)&#60;/script&#62; name');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('draws a distribution as the share of samples at or under each value', () => {
    const spec = chartSpec(latency) as unknown as {
      data: { values: { series: string; percentile: number; value: number }[] };
      encoding: { y: { field: string } };
    };
    expect(spec.data.values).toHaveLength(202);
    expect(spec.encoding.y.field).toBe('percentile');
    expect(spec.data.values.filter((v) => v.series === 'PGlite').at(-1)).toEqual({
      series: 'PGlite',
      percentile: 100,
      value: 30,
    });
  });
});

describe('percentiles', () => {
  it('answers 0 to 100 by nearest rank, the lowest first and the highest last', () => {
    const values = percentiles([40, 10, 30, 20]);
    expect(values).toHaveLength(101);
    expect([values[0], values[25], values[50], values[75], values[100]]).toEqual([10, 10, 20, 30, 40]);
    expect(percentiles([])).toEqual([]);
  });
});
