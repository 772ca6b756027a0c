/** Small statistics for the benches. */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Percentiles 0 to 100 of unsorted values (101 numbers), rounded: a distribution chart's series. */
export function percentiles(values: readonly number[], digits = 2): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, p) => {
    const rank = Math.ceil((p / 100) * sorted.length);
    return Number((sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN).toFixed(digits));
  });
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * The value at index ⌊n/2⌋ of the sorted values, NaN for none: for an even count the upper of the
 * two middle ones, where `median` takes the lower (the vault-store and seal/open figures use this).
 */
export const upperMedian = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
