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

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Promise<Record<string, Figure>>;
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
