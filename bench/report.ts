/**
 * The benchmark report people look at: bench/results/report.html, one section per benchmark with
 * its figures (goal met or not) and its charts as inline SVG. Charts are Vega-Lite specs rendered
 * to SVG in Node by Vega itself (no browser, no canvas), so the page is static and self-contained:
 * no script, nothing fetched.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { meetsGoal, type BenchResult, type Chart } from './bench-kit';

const WIDTH = 520;
const HEIGHT = 260;

/** The Vega-Lite spec that draws `chart`. */
export function chartSpec(chart: Chart): TopLevelSpec {
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: WIDTH,
    height: HEIGHT,
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  } as const;
  if (chart.kind === 'distribution') {
    const values = Object.entries(chart.series).flatMap(([series, points]) =>
      points.map((value, percentile) => ({ series, percentile, value })),
    );
    return {
      ...base,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: chart.unit },
        y: { field: 'percentile', type: 'quantitative', title: 'share of samples at or under (%)' },
        color: { field: 'series', type: 'nominal', title: null },
      },
    };
  }
  const values = Object.entries(chart.series).flatMap(([series, points]) => points.map(([x, y]) => ({ series, x, y })));
  return {
    ...base,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: chart.x },
      y: { field: 'y', type: 'quantitative', title: chart.y },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export async function chartSvg(chart: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(chart)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);

async function section(result: BenchResult): Promise<string> {
  const rows = Object.entries(result.figures)
    .map(([name, figure]) => {
      const verdict = meetsGoal(figure);
      const met = verdict === null ? '' : verdict ? 'yes' : 'NO';
      return `<tr class="${verdict === false ? 'missed' : ''}"><td>${escapeHtml(name)}</td><td class="n">${escapeHtml(
        String(figure.value),
      )}</td><td>${escapeHtml(figure.unit)}</td><td>${escapeHtml(figure.goal ?? '')}</td><td>${met}</td></tr>`;
    })
    .join('\n');
  const charts = await Promise.all(
    (result.charts ?? []).map(async (chart) => `<figure>${await chartSvg(chart)}</figure>`),
  );
  return `<section id="${escapeHtml(result.name)}">
<h2>${escapeHtml(result.name)}</h2>
<table><thead><tr><th>figure</th><th>value</th><th>unit</th><th>goal</th><th>met</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${charts.join('\n')}
</section>`;
}

export async function reportHtml(results: readonly BenchResult[]): Promise<string> {
  const sorted = [...results].sort((a, b) => a.name.localeCompare(b.name));
  const sections = await Promise.all(sorted.map(section));
  const index = sorted.map((r) => `<a href="#${escapeHtml(r.name)}">${escapeHtml(r.name)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Wardline benchmarks</title>
<style>
body { font: 15px/1.45 sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.75rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.missed td { background: #fde8e8; }
figure { display: inline-block; margin: 0 1rem 1rem 0; }
</style></head>
<body>
<h1>Wardline benchmarks</h1>
<p>Figures from <code>npm run bench</code> on the machine that ran it (bench/results/*.json). Ratios
are against baselines measured in the same run.</p>
<nav>${index}</nav>
${sections.join('\n')}
</body></html>
`;
}

/** Rewrites report.html from every result in `dir`. */
export async function writeReport(dir: string): Promise<string> {
  const results = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as BenchResult);
  const file = path.join(dir, 'report.html');
  writeFileSync(file, await reportHtml(results));
  return file;
}
