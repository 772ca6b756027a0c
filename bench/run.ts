/**
 * `npm run bench [-- <name>]`: runs the benchmarks in bench/*.bench.ts (or the one named),
 * prints a table and writes bench/results/<name>.json, then bench/results/report.html from every
 * result there (bench/report.ts).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { meetsGoal, type Benchmark, type BenchResult, type Chart } from './bench-kit';
import { writeReport } from './report';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const files = readdirSync(here).filter((file) => file.endsWith('.bench.ts'));
const benchmarks: Benchmark[] = [];
for (const file of files) {
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as { benchmark: Benchmark };
  if (wanted.length === 0 || wanted.includes(module.benchmark.name)) benchmarks.push(module.benchmark);
}
if (benchmarks.length === 0) {
  process.stderr.write(`no benchmark named ${wanted.join(', ')}; have: ${files.join(', ')}\n`);
  process.exit(2);
}

mkdirSync(path.join(here, 'results'), { recursive: true });
let missed = 0;
for (const bench of benchmarks) {
  process.stdout.write(`\n${bench.name}: ${bench.description}\n`);
  const charts: Chart[] = [];
  const figures = await bench.run({ add: (chart) => charts.push(chart) });
  const rows = Object.entries(figures).map(([figure, f]) => {
    const verdict = meetsGoal(f);
    if (verdict === false) missed += 1;
    return {
      figure,
      value: Number.isInteger(f.value) ? f.value : Number(f.value.toFixed(3)),
      unit: f.unit,
      goal: f.goal ?? '',
      met: verdict === null ? '' : verdict ? 'yes' : 'NO',
    };
  });
  console.table(rows);
  writeFileSync(
    path.join(here, 'results', `${bench.name}.json`),
    `${JSON.stringify({ name: bench.name, figures, ...(charts.length > 0 ? { charts } : {}) } satisfies BenchResult, null, 2)}\n`,
  );
}
process.stdout.write(`\nreport: ${path.relative(process.cwd(), await writeReport(path.join(here, 'results')))}\n`);
process.exit(missed === 0 ? 0 : 1);
