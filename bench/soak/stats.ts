/** Order statistics of the soak's samples. */

/** The q-quantile (0–1) of `xs` by the nearest rank; NaN when there is nothing. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (xs: ArrayLike<number>): number => quantile(xs, 0.5);

/** Rounds for the report: figures, not noise. */
export const round = (x: number, digits = 1): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
