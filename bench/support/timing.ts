/** Clock helpers the benches share: elapsed time, one timed call, a rate, a pause. */

/** Milliseconds since `since` (a `performance.now()` stamp). */
export const ms = (since: number): number => performance.now() - since;

/** Times `body` once; answers ms. */
export function timed(body: () => unknown): number {
  const started = performance.now();
  body();
  return ms(started);
}

/** `count` things in `ms` milliseconds, per second. */
export const rate = (count: number, ms: number): number => (count * 1000) / ms;

export const sleep = (millis: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, millis));
