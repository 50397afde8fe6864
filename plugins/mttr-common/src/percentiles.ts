/**
 * The q-quantile (0..1) of values, interpolating linearly between closest
 * ranks, as PostgreSQL's percentile_cont does. Null for no values.
 *
 * @public
 */
export function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return percentileContSorted(sorted, q);
}

/**
 * As {@link percentileCont}, for values already sorted ascending.
 *
 * @public
 */
export function percentileContSorted(
  sorted: number[],
  q: number,
): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  if (lower === upper) {
    return sorted[lower];
  }
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}
