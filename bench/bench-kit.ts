/**
 * What every benchmark returns and how figures are written: `{ name, figures: { <figure>:
 * { value, unit, goal } } }` in bench/results/<name>.json. Figures are judged against a baseline
 * measured in the same run, so a slow or busy machine moves both sides alike.
 */
export interface Figure {
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. ">= 0.75"; null when the figure is context for another. */
  readonly goal: string | null;
}

/**
 * What a benchmark may draw beside its figures (bench/report.ts renders them):
 * - `distribution`: each series' percentiles 0 to 100 of one measure (a latency), drawn as the
 *   share of samples at or under each value;
 * - `line`: each series' points (x, y), e.g. a rate per window or memory over time.
 */
export type Chart =
  | {
      readonly kind: 'distribution';
      readonly title: string;
      readonly unit: string;
      readonly series: Readonly<Record<string, readonly number[]>>;
    }
  | {
      readonly kind: 'line';
      readonly title: string;
      readonly x: string;
      readonly y: string;
      readonly series: Readonly<Record<string, readonly (readonly [number, number])[]>>;
    };

/** Collects a run's charts; a benchmark that draws none ignores it. */
export interface Charts {
  add(chart: Chart): void;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(charts: Charts): Promise<Record<string, Figure>>;
}

/** What bench/results/<name>.json holds. */
export interface BenchResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, Figure>>;
  readonly charts?: readonly Chart[];
}

/** Runs `body` repeatedly for about `millis` and answers operations per second. */
export async function opsPerSecond(body: () => unknown, millis = 1000): Promise<number> {
  // Warm up the JIT before measuring.
  for (let i = 0; i < 1000; i += 1) await body();
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < millis) {
    for (let i = 0; i < 500; i += 1) await body();
    count += 500;
    elapsed = performance.now() - started;
  }
  return (count * 1000) / elapsed;
}

/** Whether a figure meets a goal of the form ">= n" or "<= n". */
export function meetsGoal(figure: Figure): boolean | null {
  if (figure.goal === null) return null;
  const match = /^(>=|<=)\s*([\d.]+)/.exec(figure.goal);
  if (!match) return null;
  const target = Number(match[2]);
  return match[1] === '>=' ? figure.value >= target : figure.value <= target;
}
